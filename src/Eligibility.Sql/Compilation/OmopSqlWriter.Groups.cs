using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace Eligibility.Sql.Compilation;

/// <summary>
/// The leaves over the same table computed in one pass for every trial compiled together: instead of one table per leaf
/// (each a scan of the shared fact copy) or one pass per trial, one grouped statement per fact table in the shared
/// prelude gives, per person with any row some leaf of the group reads, every such leaf's status and pending flag from
/// conditional aggregates (each leaf's own rows, flagged by its own filter), in columns named by the trial's ordinal and
/// the leaf's index (<c>s_tT_K</c>, <c>p_tT_K</c>); a leaf written exactly like one already in the group (the same text
/// but for its name, e.g. the same condition in two trials) reads that leaf's columns. Everyone else has each leaf's
/// absent status, filled in where each trial gathers its statuses. A leaf reading a concept with local codes keeps a
/// table of its own (its guard needs every person's row).
/// </summary>
internal sealed partial class OmopSqlWriter
{
    // The groups of this trial alone (over drug_exposure), in the order first used, by key.
    private readonly List<LeafGroup> ownGroups = new();

    /// <summary>
    /// The fact tables whose leaves of every trial compiled together are computed in one pass in the shared prelude. The
    /// others (drug_exposure: medication leaves join their concept set tables, each join widening every row of the pass)
    /// keep a pass per trial: a pass's cost grows with its rows times its leaves, so one pass over the union only pays
    /// where the trials' leaves read the same rows. (Judgements read the shared answer words, <see cref="WriteAnswers"/>.)
    /// </summary>
    private static readonly string[] SharedGroups = { "condition_occurrence", "procedure_occurrence" };

    /// <summary>The groups a leaf over <paramref name="key"/> joins: the shared ones or this trial's own.</summary>
    private List<LeafGroup> GroupsOf(string key) => SharedGroups.Contains(key) ? shared.Groups : ownGroups;

    /// <summary>The group of this key (shared or this trial's own).</summary>
    private LeafGroup FindGroup(string key) => GroupsOf(key).Find(x => x.Key == key)!;

    // This trial's grouped leaves, by index: the group and the name of the leaf's columns there.
    private readonly Dictionary<int, (LeafGroup Group, string Name)> groupedLeaves = new();

    // Set by a leaf that can be computed in a group: the group and its aggregates and outputs (the body it returns is its
    // own table's, used when it cannot be grouped).
    private GroupedLeaf? grouping;

    // The index of the node being written.
    private int currentIndex;

    /// <summary>
    /// The group of a trial's leaves reading one source: <paramref name="Source"/> gives the FROM text at write time (the
    /// leaves may widen it, e.g. with more judgement targets), <paramref name="Alias"/> names its rows, <paramref name="Where"/>
    /// is the condition every leaf of the group applies.
    /// </summary>
    internal sealed record LeafGroup(string Key, string Alias, Func<string> Source, string Where)
    {
        /// <summary>The distinct leaves, by the name of their columns.</summary>
        public List<(string Name, GroupedLeaf Leaf)> Leaves { get; } = new();

        /// <summary>The name of each leaf's columns by its text with the name left out, so an identical leaf reads the same columns.</summary>
        public Dictionary<string, string> ByText { get; } = new(StringComparer.Ordinal);

        /// <summary>
        /// The flags read before the group's statement is written (a rule's own table reading the pass): they stay bits of
        /// the flag words (<c>elig_wW</c>), whatever the statement makes of the others.
        /// </summary>
        public HashSet<string> ReadEarly { get; } = new(StringComparer.Ordinal);

        /// <summary>
        /// Set when the group's statement is written: each flag that is one membership bit of a row meeting one row
        /// condition, by name, with the word the statement ORs those rows' membership words into (<c>elig_vJ</c>) and
        /// the set's bit (<see cref="WriteGroups"/>). The other flags are bits of the flag words.
        /// </summary>
        public Dictionary<string, (string Column, long Bit)>? MembershipFlags { get; set; }
    }

    /// <summary>
    /// A leaf's part of a group: its row filter (<c>Match</c>, over the group's alias), its aggregates (alias, expression:
    /// an aggregate over the rows it matches, whose flag is <c>ALIAS.elig_mK</c>), and its status and pending flag over
    /// those aggregates' columns (alias <c>g</c>), with everyone else's status and flag.
    /// </summary>
    internal sealed record GroupedLeaf(string Key, string Match, IReadOnlyList<(string Name, string Expression)> Aggregates, string Status, string Pending, string AbsentStatus, string AbsentPending)
    {
        /// <summary>Columns computed on each row (over the group's source and <see cref="Joins"/>), read by the aggregates as <c>ALIAS.name</c>.</summary>
        public IReadOnlyList<(string Name, string Expression)> Rows { get; init; } = Array.Empty<(string, string)>();

        /// <summary>The joins the leaf's row columns and filter read (the same text is joined once per group).</summary>
        public IReadOnlyList<string> Joins { get; init; } = Array.Empty<string>();

        /// <summary>
        /// Concept sets whose row of each record the leaf reads: <c>A.column</c> the set's row by the record's concept,
        /// <c>B.column</c> by its source concept, and <c>A.concept_id IS NOT NULL</c> whether there is one (columns
        /// <c>member</c>, <c>ext_months</c>, <c>ext_days</c>), joined on the row's columns <c>Concept</c> and <c>Source</c>.
        /// The group joins one table of every such set's rows instead of two joins per set (<see cref="SetRows"/>).
        /// </summary>
        public IReadOnlyList<(string Set, string A, string B, string Concept, string Source)> SetRowsRead { get; init; } = Array.Empty<(string, string, string, string, string)>();

        /// <summary>
        /// Flags the leaf's status reads as <c>g.NAME</c>: whether some row meets the condition (a <c>bool_or</c>), computed
        /// as one bit of a word per 62 flags of the group OR-ed over the person's rows (<c>bit_or</c>): one aggregate for
        /// many leaves instead of one each.
        /// </summary>
        public IReadOnlyList<(string Name, string Condition)> Bits { get; init; } = Array.Empty<(string, string)>();

        /// <summary>
        /// Whether the status is read from the group table's words: <see cref="Status"/> is a <c>CASE</c> over the leaf's
        /// own <see cref="Bits"/> (<c>g.NAME</c>) whose <c>ELSE</c> is <see cref="AbsentStatus"/>, and the pending flag
        /// is <c>FALSE</c> for everyone. The group table then keeps the words (<c>elig_wW</c>) rather than a status and a
        /// flag column per leaf, and the wide table computes the status from them (<see cref="StatusFromWords"/>); a
        /// person without a row has NULL words, so the <c>CASE</c> falls to its <c>ELSE</c>, the absent status.
        /// </summary>
        public bool ReadFromWords { get; init; }
    }

    /// <summary>The group of this key, made on first use.</summary>
    private LeafGroup Group(string key, string alias, Func<string> source, string where)
    {
        var groups = GroupsOf(key);
        var g = groups.Find(x => x.Key == key);
        if (g is null)
        {
            g = new LeafGroup(key, alias, source, where);
            groups.Add(g);
        }

        return g;
    }

    /// <summary>The flag column of the leaf named <paramref name="name"/> in its group's rows.</summary>
    private static string MatchFlag(string alias, string name) => $"{alias}.elig_m{name}";

    /// <summary>The name of a leaf's columns in its group, unique among the trials compiled together: <c>tT_K</c>.</summary>
    private string GroupName(int index) => "t" + K(ordinal) + "_" + K(index);

    private static string K(int index) => index.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A findings leaf (2 when a matching record is a hit, else 1 when one is undecided, else the absent status) in the
    /// group of <paramref name="fact"/>: rows of its shared copy under <paramref name="alias"/> meeting <paramref name="where"/>.
    /// </summary>
    private void GroupFindings(string fact, string alias, string where, string match, string hit, string undecided, bool absentUnknown)
    {
        GroupFindings(fact, alias, where, match, hit, undecided, absentUnknown, Array.Empty<string>());
    }

    /// <summary><see cref="GroupFindings(string, string, string, string, string, string, bool)"/> with joins the filter and hit read.</summary>
    private void GroupFindings(string fact, string alias, string where, string match, string hit, string undecided, bool absentUnknown, IReadOnlyList<string> joins)
    {
        grouping = FindingsLeaf(fact, alias, where, match, hit, undecided, absentUnknown, joins, GroupName(currentIndex));
    }

    /// <summary>A findings leaf's part of the group of <paramref name="fact"/>, its columns named <paramref name="k"/>.</summary>
    private GroupedLeaf FindingsLeaf(string fact, string alias, string where, string match, string hit, string undecided, bool absentUnknown, IReadOnlyList<string> joins, string k)
    {
        Fact(fact);
        Group(fact, alias, () => FactSource(fact), where);
        string flag = MatchFlag(alias, k);
        var rows = new List<(string, string)> { ($"elig_h{k}", hit) };
        var bits = new List<(string, string)> { ($"h_{k}", $"{flag} AND {alias}.elig_h{k}") };
        string status = $"CASE WHEN g.h_{k} THEN 2 ELSE {(absentUnknown ? 1 : 0)} END";
        if (undecided != "FALSE")
        {
            rows.Add(($"elig_u{k}", undecided));
            bits.Add(($"u_{k}", $"{flag} AND {alias}.elig_u{k}"));
            status = $"CASE WHEN g.h_{k} THEN 2 WHEN g.u_{k} THEN 1 ELSE {(absentUnknown ? 1 : 0)} END";
        }

        return new GroupedLeaf(fact, match, Array.Empty<(string, string)>(), status, "FALSE", absentUnknown ? "1" : "0", "FALSE") { Rows = rows, Joins = joins, Bits = bits, ReadFromWords = true };
    }

    /// <summary>
    /// Whether a person has a condition of <paramref name="set"/> started by as-of and not ended before it, as the name of
    /// its columns in the shared condition pass (<c>s_NAME</c> is 2 then), so a rule reading it scans no condition rows
    /// of its own. A flag written exactly like one already in the pass (the same set in another trial) reads its columns.
    /// </summary>
    private string ActiveCondition(string set)
    {
        string name = GroupName(currentIndex) + "_active";
        return AddToGroup(
            FindingsLeaf(
                "condition_occurrence",
                "c",
                $"c.condition_start_date <= {Date(asOf)}",
                InSet(set, "c.condition_concept_id", "c.condition_source_concept_id"),
                $"(c.condition_end_date IS NULL OR c.condition_end_date >= {Date(asOf)})",
                "FALSE",
                absentUnknown: false,
                Array.Empty<string>(),
                name),
            name);
    }

    /// <summary>
    /// Adds the node being written to its group (when it has one); whether it did. A leaf reading concepts with local codes
    /// joins a shared group too (conditions, procedures: then no statement but their pass reads the fact table, which
    /// needs no copy, <see cref="NoteInlinedFacts"/>): its guard (unknown for everyone when one of them has none of its
    /// codes in the database) is applied where its wide table reads its status (<see cref="Guard"/>). In a trial's
    /// own drug pass such a leaf keeps its table: measured on 1,000,000 persons, one more leaf there cost the pass 2 s
    /// where its own table took 0.5 s.
    /// </summary>
    private bool JoinGroup()
    {
        if (grouping is not { } leaf || (localSetsRead.Count > 0 && !SharedGroups.Contains(leaf.Key)))
        {
            return false;
        }

        groupedLeaves.Add(currentIndex, (FindGroup(leaf.Key), AddToGroup(leaf, GroupName(currentIndex))));
        if (localSetsRead.Count > 0)
        {
            guards.Add(currentIndex, localSetsRead.ToList());
        }

        return true;
    }

    /// <summary>Adds a leaf named <paramref name="name"/> to its group, unless one written the same way is there; the name of the columns to read.</summary>
    private string AddToGroup(GroupedLeaf leaf, string name)
    {
        var g = FindGroup(leaf.Key);
        string text = string.Join("\n", new[] { leaf.Match, leaf.Status, leaf.Pending, leaf.AbsentStatus, leaf.AbsentPending }
            .Concat(leaf.Aggregates.Select(x => x.Name + " " + x.Expression)).Concat(leaf.Rows.Select(x => x.Name + " " + x.Expression)).Concat(leaf.Joins)
            .Concat(leaf.SetRowsRead.Select(x => $"{x.Set} {x.A} {x.B} {x.Concept} {x.Source}"))
            .Concat(leaf.Bits.Select(x => x.Name + " " + x.Condition)))
            .Replace(name, "#", StringComparison.Ordinal);
        if (!g.ByText.TryGetValue(text, out string? same))
        {
            same = name;
            g.ByText.Add(text, name);
            g.Leaves.Add((name, leaf));
        }

        return same;
    }

    /// <summary>
    /// A concept set test of one of a group's rows as <see cref="InSet"/> writes it (<c>COALESCE(alias.column IN (SELECT
    /// concept_id FROM elig_setN), FALSE)</c>): the column and the set.
    /// </summary>
    private static readonly Regex SetTest = new(@"COALESCE\((?<column>[a-z]\w*\.\w+) IN \(SELECT concept_id FROM (?<set>elig_set\d+)\), FALSE\)", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5));

    /// <summary>A test of a row's concept or source concept in one set, as <see cref="InSet"/> writes it for two columns.</summary>
    private static readonly Regex PairTest = new(@"\(COALESCE\((?<c1>[a-z]\w*\.\w+) IN \(SELECT concept_id FROM (?<s1>elig_set\d+)\), FALSE\) OR COALESCE\((?<c2>[a-z]\w*\.\w+) IN \(SELECT concept_id FROM (?<s2>elig_set\d+)\), FALSE\)\)", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5));

    /// <summary>Sets per membership word: the bits of a BIGINT below its sign bit and the one below it.</summary>
    private const int SetsPerWord = 62;

    /// <summary>
    /// The group's concept set tests (each a row's concept or source concept in a set) as bits of a membership word
    /// instead of two semi-joins per leaf on every row: <c>elig_mm_TABLE</c> holds one row per concept in any set the
    /// group's leaves test and per 62 sets one BIGINT <c>kW</c> with the bit of each set the concept is in; the group's
    /// rows are joined to it (a LEFT JOIN on its unique concept ID: each row stays one row) on the concept column and on
    /// the source concept column, the two words OR-ed into the row's <c>elig_kW</c>, and each test is one bit of it. The
    /// same answers as the semi-joins: <c>COALESCE(x IN (SELECT …), FALSE)</c> is true exactly when x is a (non-NULL)
    /// concept of the set, and the row is in the set by either column exactly when the bit is set in either word.
    /// Groups whose tests are not all over the same two columns keep their semi-joins.
    /// </summary>
    /// <returns>
    /// What replaces every such test in a text of the group's rows (the identity when the group keeps its semi-joins), and
    /// the source to read the rows from (with their words).
    /// </returns>
    private (Func<string, string> Rewrite, string Source) Memberships(LeafGroup g, string flags, string source)
    {
        bool Own(string column) => column.StartsWith(g.Alias + ".", StringComparison.Ordinal);
        var pairs = PairTest.Matches(flags).Where(m => m.Groups["s1"].Value == m.Groups["s2"].Value && Own(m.Groups["c1"].Value) && Own(m.Groups["c2"].Value)).ToList();
        var columns = pairs.Select(m => (m.Groups["c1"].Value, m.Groups["c2"].Value)).Distinct().ToList();
        if (columns.Count != 1)
        {
            return (t => t, source);
        }

        var sets = pairs.Select(m => m.Groups["s1"].Value).Distinct().ToList();
        (int Word, long Bit) Place(string set) => (sets.IndexOf(set) / SetsPerWord, 1L << (sets.IndexOf(set) % SetsPerWord));
        string Replace(Match m) => m.Groups["s1"].Value == m.Groups["s2"].Value && (m.Groups["c1"].Value, m.Groups["c2"].Value) == columns[0]
            ? $"(({g.Alias}.elig_k{K(Place(m.Groups["s1"].Value).Word)} & CAST({Place(m.Groups["s1"].Value).Bit.ToString(CultureInfo.InvariantCulture)} AS BIGINT)) <> 0)"
            : m.Value;
        string Rewrite(string text) => PairTest.Replace(text, Replace);
        if (SetTest.Matches(Rewrite(flags)).Any(m => Own(m.Groups["column"].Value)))
        {
            // A test of one column alone: not a bit of the OR-ed words.
            return (t => t, source);
        }

        int words = ((sets.Count - 1) / SetsPerWord) + 1;
        var range = Enumerable.Range(0, words).ToList();
        string table = "elig_mm_" + g.Key;
        string a = g.Alias;
        Line($"-- the concepts of the sets the leaves over {g.Key} test, with a bit per set");
        CreateTable(table, $"""
            SELECT u.concept_id{string.Concat(range.Select(w => $", CAST(sum(CASE WHEN u.elig_word = {K(w)} THEN u.elig_bit ELSE 0 END) AS BIGINT) AS k{K(w)}"))}
            FROM ({string.Join(" UNION ", sets.Select(s => $"SELECT {K(Place(s).Word)} AS elig_word, CAST({Place(s).Bit.ToString(CultureInfo.InvariantCulture)} AS BIGINT) AS elig_bit, concept_id FROM {s}"))}) u
            WHERE u.concept_id IS NOT NULL
            GROUP BY u.concept_id
            """);
        string words2 = string.Concat(range.Select(w => $", (COALESCE({a}_mm0.k{K(w)}, 0) | COALESCE({a}_mm1.k{K(w)}, 0)) AS elig_k{K(w)}"));
        return (Rewrite, $"""
            (SELECT {a}.*{words2} FROM {source} {a}
                LEFT JOIN {table} {a}_mm0 ON {a}_mm0.concept_id = {columns[0].Item1}
                LEFT JOIN {table} {a}_mm1 ON {a}_mm1.concept_id = {columns[0].Item2})
            """.TrimEnd());
    }

    /// <summary>The columns of a concept set's row that leaves read by record (<see cref="GroupedLeaf.SetRowsRead"/>).</summary>
    private static readonly string[] SetRowColumns = { "member", "ext_months", "ext_days" };

    /// <summary>
    /// The rows of the concept sets the group's leaves read per record (<see cref="GroupedLeaf.SetRowsRead"/>) from one
    /// table, <c>elig_mv_TABLE</c>: per concept in any of those sets, a bit per set in BIGINT words <c>kW</c> and the set's
    /// <c>member_I</c>, <c>ext_months_I</c> and <c>ext_days_I</c> (a set holds a concept at most once, with its member's
    /// own length). The group's rows are joined to it twice, by concept and by source concept (a LEFT JOIN on its unique
    /// concept ID: each row stays one row), instead of twice per set. A leaf's <c>A.concept_id IS NOT NULL</c> becomes the
    /// set's bit of the first join's word and <c>A.column</c> the set's column of the first join; <c>B</c> the same with the
    /// second. The same answers as the two joins per set: the bit is set exactly when the set has a row for that concept,
    /// and the columns are that row's.
    /// </summary>
    /// <returns>What replaces every such read in a text of the group's rows, and the two joins (empty when no leaf reads set rows).</returns>
    private (Func<string, string> Rewrite, string Joins) SetRows(LeafGroup g)
    {
        var read = g.Leaves.SelectMany(l => l.Leaf.SetRowsRead).ToList();
        if (read.Count == 0)
        {
            return (t => t, string.Empty);
        }

        var on = read.Select(r => (r.Concept, r.Source)).Distinct().ToList();
        if (on.Count != 1)
        {
            throw new InvalidOperationException($"the leaves over {g.Key} read concept set rows by different columns");
        }

        var sets = read.Select(r => r.Set).Distinct().ToList();
        int words = ((sets.Count - 1) / SetsPerWord) + 1;
        string table = "elig_mv_" + g.Key;
        string a = g.Alias;
        string keys = string.Concat(Enumerable.Range(0, words).Select(w =>
            $", bit_or(CASE{string.Concat(Enumerable.Range(0, sets.Count).Where(i => i / SetsPerWord == w).Select(i => $" WHEN u.elig_set = {K(i)} THEN {BitLiteral(i)}"))} ELSE CAST(0 AS BIGINT) END) AS k{K(w)}"));
        string values = string.Concat(Enumerable.Range(0, sets.Count).SelectMany(i => SetRowColumns.Select(c => $", max(CASE WHEN u.elig_set = {K(i)} THEN u.{c} END) AS {c}_{K(i)}")));
        Line($"-- the rows of the concept sets the leaves over {g.Key} read per record, a bit and the columns per set");
        CreateTable(table, $"""
            SELECT u.concept_id{keys}{values}
            FROM ({string.Join("\nUNION ALL ", sets.Select((s, i) => $"SELECT {K(i)} AS elig_set, concept_id, {string.Join(", ", SetRowColumns)} FROM {s}"))}) u
            WHERE u.concept_id IS NOT NULL
            GROUP BY u.concept_id
            """);
        string Rewrite(string text)
        {
            foreach (var r in read.DistinctBy(r => r.A))
            {
                int i = sets.IndexOf(r.Set);
                foreach (var (alias, join) in new[] { (r.A, a + "_mv0"), (r.B, a + "_mv1") })
                {
                    string name = Regex.Escape(alias);
                    text = Regex.Replace(text, $@"\b{name}\.concept_id IS NOT NULL", $"((COALESCE({join}.k{K(i / SetsPerWord)}, 0) & {BitLiteral(i)}) <> 0)", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5));
                    text = Regex.Replace(text, $@"\b{name}\.({string.Join("|", SetRowColumns)})\b", m => $"{join}.{m.Groups[1].Value}_{K(i)}", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5));
                    if (Regex.IsMatch(text, $@"\b{name}\.", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5)))
                    {
                        throw new InvalidOperationException($"a leaf over {g.Key} reads a column of {alias} that the set rows' table does not have");
                    }
                }
            }

            return text;
        }

        return (Rewrite, $"\n    LEFT JOIN {table} {a}_mv0 ON {a}_mv0.concept_id = {on[0].Concept} LEFT JOIN {table} {a}_mv1 ON {a}_mv1.concept_id = {on[0].Source}");
    }

    /// <summary>Each flag of the group's leaves by name, with its number in the order <see cref="WriteGroups"/> packs them into words.</summary>
    private static Dictionary<string, int> BitNumbers(LeafGroup g) =>
        g.Leaves.SelectMany(l => l.Leaf.Bits).Select((b, i) => (b.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);

    /// <summary>A flag's bit as a BIGINT literal.</summary>
    private static string BitLiteral(int number) => $"CAST({(1L << (number % SetsPerWord)).ToString(CultureInfo.InvariantCulture)} AS BIGINT)";

    /// <summary>A flag read from the group table's words under <paramref name="table"/>: NULL for a person without a row.</summary>
    private static string FlagFromWords(string table, int number) => $"(({table}.elig_w{K(number / SetsPerWord)} & {BitLiteral(number)}) <> 0)";

    /// <summary>The leaf's flags in its status (<c>g.NAME</c>).</summary>
    private static readonly Regex StatusFlag = new(@"\bg\.(?<name>[hu]_\w+)\b", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5));

    /// <summary>
    /// The status of the word leaf <paramref name="name"/> of group <paramref name="g"/> (<see cref="GroupedLeaf.ReadFromWords"/>)
    /// over its group table under <paramref name="table"/>: its <c>CASE</c> with each flag read from the words. Every person
    /// gets the leaf's status, the absent status when the table has no row for them.
    /// </summary>
    private static string StatusFromWords(LeafGroup g, string name, string table)
    {
        var leaf = g.Leaves.Find(x => x.Name == name).Leaf;
        if (!leaf.ReadFromWords)
        {
            throw new InvalidOperationException($"the leaf {name} over {g.Key} has status columns, not words");
        }

        var numbers = BitNumbers(g);
        return StatusFlag.Replace(leaf.Status, m =>
        {
            string flag = m.Groups["name"].Value;
            if (g.MembershipFlags is null)
            {
                g.ReadEarly.Add(flag);
            }
            else if (g.MembershipFlags.TryGetValue(flag, out var v))
            {
                return $"(({table}.{v.Column} & CAST({v.Bit.ToString(CultureInfo.InvariantCulture)} AS BIGINT)) <> 0)";
            }

            return FlagFromWords(table, numbers[flag]);
        });
    }

    /// <summary>The name of a group's table.</summary>
    private static string GroupTable(LeafGroup g) => "elig_g_" + g.Key;

    /// <summary>
    /// Each group's one statement (in the shared prelude, for every trial compiled together): the source's rows with each
    /// leaf's flag, those some leaf matches, grouped by person into every leaf's aggregates, then each leaf's status and
    /// pending flag. Groups no leaf joined make no table.
    /// </summary>
    private void WriteGroups(List<LeafGroup> groups)
    {
        foreach (var g in groups.Where(g => g.Leaves.Count > 0))
        {
            string a = g.Alias;
            string flags = string.Concat(g.Leaves.Select(l => $", {l.Leaf.Match} AS elig_m{l.Name}"))
                + string.Concat(g.Leaves.SelectMany(l => l.Leaf.Rows).Select(r => $",\n    {r.Expression} AS {r.Name}"));
            string joins = string.Concat(g.Leaves.SelectMany(l => l.Leaf.Joins).Distinct());
            var (members, source) = Memberships(g, flags, g.Source());
            var (setRows, rowJoins) = SetRows(g);
            string Rewrite(string text) => setRows(members(text));
            flags = Rewrite(flags);
            joins += rowJoins;
            if (g.Leaves.FirstOrDefault(l => l.Leaf.Bits.Count > 0 && !l.Leaf.ReadFromWords) is { Leaf: not null } flagged)
            {
                throw new InvalidOperationException($"the leaf {flagged.Name} over {g.Key} has flags but a status of its own");
            }

            var matches = g.Leaves.ToDictionary(l => l.Name, l => Rewrite(l.Leaf.Match), StringComparer.Ordinal);
            var (inner, any, anyRows) = AnyMatch(g, matches);
            flags += anyRows;
            var bits = g.Leaves.SelectMany(l => l.Leaf.Bits).ToList();
            var (membershipFlags, membershipWords) = MembershipWords(g, matches, Rewrite);
            g.MembershipFlags = membershipFlags;
            var wordBits = bits.Select((b, i) => (b, i)).Where(x => !membershipFlags.ContainsKey(x.b.Name)).GroupBy(x => x.i / SetsPerWord).ToList();
            var words = wordBits.Select(w =>
                $",\n    bit_or({string.Join("\n      + ", w.Select(x => $"CASE WHEN {x.b.Condition} THEN {BitLiteral(x.i)} ELSE CAST(0 AS BIGINT) END"))}) AS elig_w{K(w.Key)}");
            string aggregates = string.Concat(g.Leaves.SelectMany(l => l.Leaf.Aggregates).DistinctBy(x => x.Name).Select(x => $",\n    {x.Expression} AS {x.Name}"))
                + string.Concat(words)
                + string.Concat(membershipWords.Select(v => $",\n    {v.Aggregate} AS {v.Column}"));
            // The flag words and membership words (each word leaf's status is read from them, StatusFromWords); the other
            // leaves a status and a flag column each.
            var wordColumns = wordBits.Select(w => $"elig_w{K(w.Key)}").Concat(membershipWords.Select(v => v.Column)).ToList();
            string outputs = string.Concat(wordColumns.Select(c => $", g.{c}"))
                + string.Concat(g.Leaves.Where(l => !l.Leaf.ReadFromWords).Select(l => $",\n  {l.Leaf.Status} AS s_{l.Name}, {l.Leaf.Pending} AS p_{l.Name}"));
            string grouped = $"""
                  SELECT {a}.person_id{aggregates}
                  FROM (SELECT {a}.*{flags} FROM {source} {a}{joins} WHERE {(inner is null ? g.Where : $"({g.Where}) AND ({inner})")}) {a}{(inner is null ? $"\n  WHERE {any}" : string.Empty)}
                  GROUP BY {a}.person_id
                """.TrimEnd();
            if (groups == shared.Groups)
            {
                NoteBaseColumns(GroupTable(g), wordColumns.Concat(g.Leaves.Where(l => !l.Leaf.ReadFromWords).SelectMany(l => new[] { $"s_{l.Name}", $"p_{l.Name}" })));
            }

            Line($"-- {g.Leaves.Count.ToString(CultureInfo.InvariantCulture)} leaves over {g.Key} in one pass");
            CreateTable(GroupTable(g), $"""
                SELECT g.person_id{outputs}
                FROM (
                {grouped}) g
                """);
        }
    }

    /// <summary>A leaf's row filter that is one bit of the group's membership word (<see cref="Memberships"/>), as it reads once rewritten.</summary>
    private static readonly Regex MemberBit = new(@"^\(\((?<word>(?<alias>[a-z]\w*)\.elig_k\d+) & CAST\((?<bit>\d+) AS BIGINT\)\) <> 0\)( AND TRUE)?$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5));

    /// <summary>
    /// The membership word (<c>alias.elig_kW</c>) and bit a leaf's rewritten row filter tests first, when the filter has
    /// the form of <paramref name="form"/> (<see cref="MemberBit"/> or <see cref="MemberBitExcept"/>) over the group's word.
    /// </summary>
    private static (string Word, long Bit)? OneMemberBit(LeafGroup g, string match, Regex form) =>
        form.Match(match) is { Success: true } m && m.Groups["alias"].Value == g.Alias
            ? (m.Groups["word"].Value, long.Parse(m.Groups["bit"].Value, CultureInfo.InvariantCulture))
            : null;

    /// <summary>
    /// A leaf's row filter that is one bit of the group's membership word and not others (a concept set with exceptions:
    /// <c>((x &amp; b) &lt;&gt; 0) AND NOT ((x &amp; e1) &lt;&gt; 0) AND …</c>), as it reads once rewritten: the first bit is
    /// necessary for the filter to hold.
    /// </summary>
    private static readonly Regex MemberBitExcept = new(@"^\(\((?<word>(?<alias>[a-z]\w*)\.elig_k\d+) & CAST\((?<bit>\d+) AS BIGINT\)\) <> 0\)( AND NOT \(\(\k<alias>\.elig_k\d+ & CAST\(\d+ AS BIGINT\)\) <> 0\))+$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5));

    /// <summary>A leaf's row filter that is one set's bit in either word of the set rows' table (<see cref="SetRows"/>), as it reads once rewritten.</summary>
    private static readonly Regex RowBit = new(@"^\(\(\(COALESCE\((?<alias>[a-z]\w*)_mv0\.k(?<word>\d+), 0\) & CAST\((?<bit>\d+) AS BIGINT\)\) <> 0\) OR \(\(COALESCE\(\k<alias>_mv1\.k\k<word>, 0\) & CAST\(\k<bit> AS BIGINT\)\) <> 0\)\)$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5));

    /// <summary>
    /// The group's row filter, "some leaf matches the row", as the statement tests it: the leaves whose filter is one bit
    /// of a membership word as one test of that word against the mask of their bits (<c>(x &amp; m1) &lt;&gt; 0 OR (x &amp; m2)
    /// &lt;&gt; 0</c> is <c>(x &amp; (m1 | m2)) &lt;&gt; 0</c>), the others by their flags, instead of one test per leaf on
    /// every row. When every leaf's filter is such a bit, the test goes with the group's own condition on the source rows
    /// (<paramref name="g"/>'s <c>Where</c>), so the rows no leaf reads are dropped before any leaf's row columns are
    /// computed; else it is a filter on the rows with their flags, the set rows' two words OR-ed as a row column
    /// (<c>elig_rW</c>). When every leaf's status is read from the pass's words (no aggregate of its own), a leaf whose
    /// filter is a set's bit with exceptions (<see cref="MemberBitExcept"/>) puts that bit in the mask: a row the mask
    /// keeps that no leaf matches sets no flag (each flag tests its leaf's own filter) and, in a membership word, only the
    /// bits of the sets it is in, so every status read is what it was without the row.
    /// </summary>
    /// <returns>The test on the source rows (or null), else the filter on the flagged rows and the row columns it reads.</returns>
    private static (string? Inner, string Any, string Rows) AnyMatch(LeafGroup g, Dictionary<string, string> matches)
    {
        string a = g.Alias;
        var masks = new Dictionary<(string Inner, string Outer), long>();
        var rows = new List<string>();
        var others = new List<string>();
        bool wordsOnly = g.Leaves.All(l => l.Leaf.ReadFromWords && l.Leaf.Aggregates.Count == 0);
        foreach (var (name, _) in g.Leaves)
        {
            string match = matches[name];
            (string Inner, string Outer)? word = null;
            long bit = 0;
            if ((OneMemberBit(g, match, MemberBit) ?? (wordsOnly ? OneMemberBit(g, match, MemberBitExcept) : null)) is { } member)
            {
                word = (member.Word, member.Word);
                bit = member.Bit;
            }
            else if (RowBit.Match(match) is { Success: true } r && r.Groups["alias"].Value == a)
            {
                string w = r.Groups["word"].Value;
                string both = $"(COALESCE({a}_mv0.k{w}, 0) | COALESCE({a}_mv1.k{w}, 0))";
                word = (both, $"{a}.elig_r{w}");
                bit = long.Parse(r.Groups["bit"].Value, CultureInfo.InvariantCulture);
                string row = $", {both} AS elig_r{w}";
                if (!rows.Contains(row))
                {
                    rows.Add(row);
                }
            }

            if (word is { } x)
            {
                masks[x] = masks.GetValueOrDefault(x) | bit;
            }
            else
            {
                others.Add(MatchFlag(a, name));
            }
        }

        string Test(string word, long mask) => $"(({word} & CAST({mask.ToString(CultureInfo.InvariantCulture)} AS BIGINT)) <> 0)";
        if (others.Count == 0)
        {
            return (string.Join(" OR ", masks.Select(x => Test(x.Key.Inner, x.Value))), string.Empty, string.Empty);
        }

        return (null, string.Join(" OR ", masks.Select(x => Test(x.Key.Outer, x.Value)).Concat(others)), string.Concat(rows));
    }

    /// <summary>
    /// The flags that are one membership bit of a row meeting one row condition (a leaf whose filter is one bit of a
    /// membership word, <see cref="MemberBit"/>, and a flag "filter AND that row condition"), as words of their own: per
    /// row condition and membership word, the OR of the words of the person's rows meeting the condition
    /// (<c>bit_or(CASE WHEN condition THEN elig_kW ELSE 0 END)</c>, one aggregate for every leaf with that condition); the
    /// flag is its set's bit of that word. The same answer as the flag's own bit: some row meets the condition and has the
    /// set's bit exactly when the OR of those rows' words has it. Flags read before the statement is written stay bits of
    /// the flag words (<see cref="LeafGroup.ReadEarly"/>).
    /// </summary>
    /// <returns>Each such flag's word column and bit, and each word's column and aggregate.</returns>
    private static (Dictionary<string, (string Column, long Bit)> Flags, List<(string Column, string Aggregate)> Words) MembershipWords(
        LeafGroup g, Dictionary<string, string> matches, Func<string, string> rewrite)
    {
        string a = g.Alias;
        var flags = new Dictionary<string, (string, long)>(StringComparer.Ordinal);
        var words = new List<(string Column, string Aggregate)>();
        var byCondition = new Dictionary<(string Condition, string Word), string>();
        foreach (var (name, leaf) in g.Leaves)
        {
            if (OneMemberBit(g, matches[name], MemberBit) is not var (word, bit))
            {
                continue;
            }

            string prefix = MatchFlag(a, name) + " AND " + a + ".";
            foreach (var (flag, condition) in leaf.Bits)
            {
                if (g.ReadEarly.Contains(flag) || !condition.StartsWith(prefix, StringComparison.Ordinal)
                    || leaf.Rows.FirstOrDefault(r => r.Name == condition[prefix.Length..]) is not { Name: not null } row)
                {
                    continue;
                }

                string rowCondition = rewrite(row.Expression);
                if (!byCondition.TryGetValue((rowCondition, word), out string? column))
                {
                    column = "elig_v" + K(words.Count);
                    byCondition.Add((rowCondition, word), column);
                    string value = rowCondition == "TRUE" ? word : $"CASE WHEN {a}.{row.Name} THEN {word} ELSE CAST(0 AS BIGINT) END";
                    words.Add((column, $"bit_or({value})"));
                }

                flags.Add(flag, (column, bit));
            }
        }

        return (flags, words);
    }
}
