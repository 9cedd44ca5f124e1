using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace Eligibility.Sql.Compilation;

/// <summary>Gathering the nodes' statuses into wide tables.</summary>
internal sealed partial class OmopSqlWriter
{
    /// <summary>The shared table of every person with the shared per-person tables' columns (<see cref="WriteBase"/>).</summary>
    private const string BaseTable = "elig_base";

    /// <summary>Notes a shared per-person table and its columns (besides person_id) for <see cref="WriteBase"/>.</summary>
    private void NoteBaseColumns(string table, IEnumerable<string> columns) => shared.BaseTables.Add((table, columns.ToList()));

    /// <summary>A shared table's column in <see cref="BaseTable"/>: <c>TABLE__COLUMN</c>.</summary>
    private static string BaseColumn(string table, string column) => table + "__" + column;

    /// <summary>
    /// Every person of <c>elig_person</c> with the columns of the shared per-person tables (the grouped condition and
    /// procedure passes, the answer words, the measurement words) joined once for every trial, so each trial's wide
    /// tables select from it (under the name <c>elig_person</c>) instead of joining those tables again.
    /// </summary>
    private void WriteBase()
    {
        if (shared.BaseTables.Count == 0)
        {
            return;
        }

        string columns = string.Concat(shared.BaseTables.SelectMany(t => t.Columns.Select(c => $", {t.Table}.{c} AS {BaseColumn(t.Table, c)}")));
        string joins = string.Concat(shared.BaseTables.Select(t => $"\nLEFT JOIN {t.Table} ON {t.Table}.person_id = elig_person.person_id"));
        Line("-- every person with the shared per-person tables' columns, joined once for every trial");
        CreateTable(BaseTable, $"SELECT elig_person.*{columns}\nFROM elig_person{joins}");
    }

    /// <summary>An input's column text reading a table of <see cref="BaseTable"/> rewritten to read its columns there (under the name elig_person).</summary>
    private static string FromBase(string text, string table) =>
        Regex.Replace(text, $@"\b{Regex.Escape(table)}\.(\w+)\b", m => "elig_person." + BaseColumn(table, m.Groups[1].Value), RegexOptions.CultureInvariant, System.TimeSpan.FromSeconds(5));

    /// <summary>
    /// Gathers every leaf's <c>s</c> and <c>p</c> (as <c>s_K</c>, <c>p_K</c>) from <see cref="BaseTable"/> (or
    /// <c>elig_person</c>) and the trial's own tables, <see cref="OmopSqlOptions.JoinWidth"/> joined tables per statement,
    /// then as many wide tables at a time, until one source is left. When one statement holds every table it is not
    /// written: its query is the source. Each status is copied once per level, never once per later step.
    /// </summary>
    /// <returns>The FROM text of the one row per person holding every node's columns: a derived table, a table or a join.</returns>
    private string WriteWide()
    {
        // The inputs: each group's table (several leaves' columns), then each leaf with a table of its own.
        var inputs = shared.Groups.Concat(ownGroups).Where(g => groupedLeaves.Values.Any(l => l.Group == g)).Select(g => (Table: (string?)GroupTable(g), Alias: GroupTable(g), Columns: groupedLeaves
            .Where(l => l.Value.Group == g).OrderBy(l => l.Key).Select(l =>
            {
                string k = K(l.Key), t = GroupTable(g), n = l.Value.Name;
                var leaf = g.Leaves.Find(x => x.Name == n).Leaf;
                var (status, pending) = Guard(l.Key, leaf.ReadFromWords ? StatusFromWords(g, n, t) : $"COALESCE({t}.s_{n}, {leaf.AbsentStatus})",
                    leaf.ReadFromWords ? leaf.Pending : $"COALESCE({t}.p_{n}, {leaf.AbsentPending})");
                return $", {status} AS s_{k}, {pending} AS p_{k}";
            }).ToList())).ToList();
        var own = new List<(string? Table, string Alias, List<string> Columns)>();
        foreach (var n in nodes.Where(n => !combined.ContainsKey(n.Index) && !groupedLeaves.ContainsKey(n.Index)))
        {
            string k = K(n.Index);
            // A leaf reading another leaf's table (the same body) reads it under that leaf's alias: one join.
            int t = sameTable.TryGetValue(n.Index, out int first) ? first : n.Index;
            string x = "x" + K(t);
            // A leaf computed in the wide table joins nothing (elig_person's columns) or the shared table it reads, under
            // that table's name (joined once per statement).
            var (table, alias, status, pending) = inlined.TryGetValue(n.Index, out var il) ? (il.Table, il.Table ?? x, il.S, il.P)
                : wideReads.TryGetValue(n.Index, out var read) ? (Table(t), x, read.Status(x), read.Pending(x))
                : ((string?)Table(t), x, $"{x}.s", $"{x}.p");
            (status, pending) = Guard(n.Index, status, pending);
            own.Add((table, alias, new List<string> { $", {status} AS s_{k}, {pending} AS p_{k}" }));
        }

        inputs.AddRange(own);

        // The shared per-person tables are columns of elig_base: read there, not joined.
        var based = shared.BaseTables.Select(t => t.Table).ToHashSet(System.StringComparer.Ordinal);
        inputs = inputs.Select(i => i.Table is { } t && based.Contains(t) ? ((string?)null, i.Alias, i.Columns.Select(c => FromBase(c, t)).ToList()) : i).ToList();
        string from = based.Count == 0 ? "elig_person" : $"{BaseTable} elig_person";

        // At most joinWidth joined tables per statement: a leaf computed from elig_person joins nothing, and the leaves
        // reading one shared table (the answer words) join it once.
        var parts = new List<List<(string? Table, string Alias, List<string> Columns)>>();
        foreach (var input in inputs)
        {
            if (parts.Count == 0 || (input.Table is not null && !parts[^1].Any(p => p.Alias == input.Alias)
                && parts[^1].Where(p => p.Table is not null).Select(p => p.Alias).Distinct().Count() == joinWidth))
            {
                parts.Add(new());
            }

            parts[^1].Add(input);
        }

        var level = new List<string>();
        foreach (var part in parts)
        {
            string columns = string.Concat(part.SelectMany(p => p.Columns));
            string name = "elig_wide" + level.Count.ToString(CultureInfo.InvariantCulture);
            // Every person from elig_person; a group's table and a sparse leaf's have rows only for the persons with records.
            string joins = string.Concat(part.Where(p => p.Table is not null).DistinctBy(p => p.Alias).Select(p =>
                $"\nLEFT JOIN {Aliased((p.Table!, p.Alias))} ON {p.Alias}.person_id = elig_person.person_id"));
            string query = $"SELECT elig_person.person_id{columns}\nFROM {from}{joins}";
            if (parts.Count == 1)
            {
                // One statement's worth: read by elig_state as it is computed, not written to a table and read back.
                return $"({query}) {name}";
            }

            CreateTable(name, query);
            level.Add(name);
        }

        int made = level.Count;
        while (level.Count > joinWidth)
        {
            var next = new List<string>();
            for (int first = 0; first < level.Count; first += joinWidth)
            {
                var part = level.Skip(first).Take(joinWidth).ToList();
                if (part.Count == 1)
                {
                    next.Add(part[0]);
                    continue;
                }

                string name = "elig_wide" + made.ToString(CultureInfo.InvariantCulture);
                made++;
                CreateTable(name, $"SELECT *\nFROM {Joined(part.Select(t => (t, t)).ToList())}");
                next.Add(name);
            }

            level = next;
        }

        return level.Count == 0 ? "elig_person" : Joined(level.Select(t => (t, t)).ToList());
    }

    /// <summary>
    /// The rows of the wide tables with the combined nodes' <c>s_K</c>, <c>p_K</c> added, one nested select per height
    /// (a node's parts are computed one level further in), so no dialect needs to reuse a column alias.
    /// </summary>
    /// <returns>The FROM text (a derived table) of one row per person with every node's columns.</returns>
    private string Combine(string wide)
    {
        string source = wide;
        int height = combined.Count == 0 ? 0 : combined.Values.Max(c => c.Height);
        for (int h = 1; h <= height; h++)
        {
            var columns = combined.Where(c => c.Value.Height == h).OrderBy(c => c.Key).Select(c =>
            {
                string k = c.Key.ToString(CultureInfo.InvariantCulture);
                return $",\n  {c.Value.Status} AS s_{k}, {c.Value.Pending} AS a_{k}";
            });
            string inner = (h == 1 ? $"SELECT * FROM {wide}" : $"SELECT * FROM {source}") + dialect.Fence;
            source = $"(SELECT elig_l{h.ToString(CultureInfo.InvariantCulture)}.*{string.Concat(columns)}\nFROM ({inner}) elig_l{h.ToString(CultureInfo.InvariantCulture)}) elig_c{h.ToString(CultureInfo.InvariantCulture)}";
        }

        return source;
    }

    /// <summary>
    /// A composite or NOT node's status expression, the expression of its column <c>a_K</c> (see <see cref="PendingOf"/>)
    /// and its height (1 above its highest part).
    /// </summary>
    private sealed record Combined(string Status, string Pending, int Height);

    /// <summary>
    /// The verdict from the criteria's statuses, in the same row as their outcomes (not over the outcome texts of a
    /// subquery): ineligible when a criterion fails (an inclusion false, an exclusion true), else undetermined when one is
    /// unknown and not pending judgement, else review when one is pending judgement, else eligible.
    /// </summary>
    private string Verdict(IReadOnlyList<OmopSqlNode> criteria)
    {
        if (criteria.Count == 0)
        {
            return "0";
        }

        string Any(System.Func<OmopSqlNode, string, string> condition) => string.Join(" OR ", criteria.Select(c => condition(c, c.Index.ToString(CultureInfo.InvariantCulture))));
        string fail = Any((c, k) => $"s_{k} = {(c.Type == CriterionType.Inclusion ? "0" : "2")}");
        string unknown = Any((c, k) => $"(s_{k} = 1 AND NOT {PendingOf(c.Index)})");
        string review = Any((c, k) => $"(s_{k} = 1 AND {PendingOf(c.Index)})");
        return $"CASE WHEN {fail} THEN 3 WHEN {unknown} THEN 2 WHEN {review} THEN 1 ELSE 0 END";
    }

    /// <summary>
    /// The ordinal of the first criterion (in protocol order) a person fails, or the number of criteria when none: the
    /// persons remaining after criterion i are those whose first failed criterion comes after it.
    /// </summary>
    private static string FirstFailed(IReadOnlyList<OmopSqlNode> criteria) => criteria.Count == 0
        ? "0"
        : "CASE " + string.Concat(criteria.Select((c, i) => $"WHEN s_{c.Index.ToString(CultureInfo.InvariantCulture)} = {(c.Type == CriterionType.Inclusion ? "0" : "2")} THEN {i.ToString(CultureInfo.InvariantCulture)} ")) + $"ELSE {criteria.Count.ToString(CultureInfo.InvariantCulture)} END";

    /// <summary>Tables joined on person_id (<c>USING</c>: one person_id column), each under its alias.</summary>
    private static string Joined(IReadOnlyList<(string Table, string Alias)> tables) =>
        Aliased(tables[0]) + string.Concat(tables.Skip(1).Select(t => $"\nJOIN {Aliased(t)} USING (person_id)"));

    private static string Aliased((string Table, string Alias) t) => t.Alias == t.Table ? t.Table : t.Table + " " + t.Alias;
}
