using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Eligibility.Sql.Compilation;

/// <summary>Gathering the nodes' statuses into wide tables.</summary>
internal sealed partial class OmopSqlWriter
{
    /// <summary>How many tables one statement joins: one join of a hundred tables costs DuckDB's join planner seconds, a join of eight almost nothing.</summary>
    private const int JoinWidth = 8;

    /// <summary>
    /// Gathers every node's <c>s</c> and <c>p</c> (as <c>s_K</c>, <c>p_K</c>) into wide tables, eight node tables at a time,
    /// then eight wide tables at a time, until one source is left: a table, or a join of at most eight tables. Each
    /// status is copied once per level (a handful of times), never once per later step.
    /// </summary>
    /// <returns>The FROM text of the one row per person holding every node's columns.</returns>
    private string WriteWide()
    {
        var level = new List<string>();
        for (int first = 0; first < nodes.Count; first += JoinWidth)
        {
            var part = nodes.Skip(first).Take(JoinWidth).ToList();
            var columns = string.Concat(part.Select(n =>
            {
                string k = n.Index.ToString(CultureInfo.InvariantCulture);
                return $", x{k}.s AS s_{k}, x{k}.p AS p_{k}";
            }));
            string name = "elig_wide" + level.Count.ToString(CultureInfo.InvariantCulture);
            CreateTable(name, $"SELECT x{part[0].Index.ToString(CultureInfo.InvariantCulture)}.person_id{columns}\nFROM {Joined(part.Select(n => (Table(n.Index), "x" + n.Index.ToString(CultureInfo.InvariantCulture))).ToList())}");
            level.Add(name);
        }

        int made = level.Count;
        while (level.Count > JoinWidth)
        {
            var next = new List<string>();
            for (int first = 0; first < level.Count; first += JoinWidth)
            {
                var part = level.Skip(first).Take(JoinWidth).ToList();
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
    /// The verdict from the criteria's statuses, in the same row as their outcomes (not over the outcome texts of a
    /// subquery): ineligible when a criterion fails (an inclusion false, an exclusion true), else undetermined when one is
    /// unknown and not pending judgement, else review when one is pending judgement, else eligible.
    /// </summary>
    private static string Verdict(IReadOnlyList<OmopSqlNode> criteria)
    {
        if (criteria.Count == 0)
        {
            return "'eligible'";
        }

        string Any(System.Func<OmopSqlNode, string, string> condition) => string.Join(" OR ", criteria.Select(c => condition(c, c.Index.ToString(CultureInfo.InvariantCulture))));
        string fail = Any((c, k) => $"s_{k} = {(c.Type == CriterionType.Inclusion ? "0" : "2")}");
        string unknown = Any((_, k) => $"(s_{k} = 1 AND NOT p_{k})");
        string review = Any((_, k) => $"(s_{k} = 1 AND p_{k})");
        return $"CASE WHEN {fail} THEN 'ineligible' WHEN {unknown} THEN 'undetermined' WHEN {review} THEN 'review' ELSE 'eligible' END";
    }

    /// <summary>Tables joined on person_id (<c>USING</c>: one person_id column), each under its alias.</summary>
    private static string Joined(IReadOnlyList<(string Table, string Alias)> tables) =>
        Aliased(tables[0]) + string.Concat(tables.Skip(1).Select(t => $"\nJOIN {Aliased(t)} USING (person_id)"));

    private static string Aliased((string Table, string Alias) t) => t.Alias == t.Table ? t.Table : t.Table + " " + t.Alias;
}
