using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Eligibility.Time;

namespace Eligibility.Sql.Compilation;

/// <summary>
/// Measurement leaves over the latest results: each such leaf of every trial compiled together is a status per row of
/// <c>elig_latest</c> (its set's row for the person, inside its window), packed into words of two bits per leaf in one
/// pass over that table (<see cref="LatestWordsTable"/>), and read where the wide table reads the leaf: no table of its
/// own per leaf (each a scan of <c>elig_latest</c>) and no join per leaf.
/// </summary>
internal sealed partial class OmopSqlWriter
{
    /// <summary>The shared table of every person's measurement leaf statuses, two bits per leaf (<see cref="WriteLatestWords"/>).</summary>
    private const string LatestWordsTable = "elig_g_latest";

    /// <summary>Leaves per word: two bits each, the highest pair below the sign bit of a BIGINT.</summary>
    private const int LeavesPerWord = 31;

    /// <summary>
    /// A status packed as two bits of <paramref name="word"/> (status + 1: false 01, unknown 10, true 11), the low one
    /// weighing <paramref name="low"/>; <paramref name="none"/> when neither is set (NULL words too), NULL when it is null.
    /// </summary>
    private static string StatusFromPair(string word, long low, string? none)
    {
        string Bit(long weight) => $"(({word} & CAST({weight.ToString(CultureInfo.InvariantCulture)} AS BIGINT)) <> 0)";
        return $"CASE WHEN {Bit(2 * low)} THEN (CASE WHEN {Bit(low)} THEN 2 ELSE 1 END) WHEN {Bit(low)} THEN 0{(none is null ? string.Empty : " ELSE " + none)} END";
    }

    /// <summary>The weight of a status's low bit in its word: 4 to the power of its position.</summary>
    private static long PairWeight(int i) => 1L << (2 * (i % LeavesPerWord));

    /// <summary>
    /// A measurement leaf read from the shared words: <paramref name="value"/> is the number it tests, over a row of
    /// <c>elig_latest</c> under alias <c>l</c> (and the person's sex as <c>pp.sex</c> when <paramref name="readsSex"/>),
    /// and <paramref name="status"/> its status (0, 1 or 2) over that number's column; counted for the row of its set dated
    /// inside its window, a person without such a row having the absent status. Written exactly like a leaf already in
    /// the pass (the same set, window, number and status: the same rule in two trials), it reads that leaf's bits. The leaf
    /// is computed in the wide tables (<see cref="inlineLeaf"/>).
    /// </summary>
    private string LatestLeaf(string set, DateWindow w, string value, Func<string, string> status, string absent, bool readsSex)
    {
        string id = SetId(set);
        int v = shared.LatestValues.IndexOf((id, value));
        if (v < 0)
        {
            v = shared.LatestValues.Count;
            shared.LatestValues.Add((id, value));
        }

        var key = (id, Date(w.Start), status($"l.elig_x{K(v)}"));
        int i = shared.LatestLeaves.IndexOf(key);
        if (i < 0)
        {
            i = shared.LatestLeaves.Count;
            shared.LatestLeaves.Add(key);
        }

        shared.LatestReadsSex |= readsSex;
        // None set: no row in the window (NULL words too), the absent status.
        inlineLeaf = (LatestWordsTable, StatusFromPair($"{LatestWordsTable}.elig_l{K(i / LeavesPerWord)}", PairWeight(i), absent), "FALSE");
        return string.Empty;
    }

    /// <summary>
    /// Per person with a latest result, every measurement leaf's status as two bits (status + 1: 1 false, 2 unknown, 3
    /// true) of a word per 31 leaves, summed over the person's rows of <c>elig_latest</c> (one row per set and person, each
    /// leaf reading one set: the sum sets distinct bits). Each distinct number the leaves test is computed once per row of
    /// its own set (<c>elig_xN</c>: a converted value, a limit of normal), and each row evaluates only its own set's leaves
    /// (a <c>CASE</c> on the set).
    /// </summary>
    private void WriteLatestWords()
    {
        if (shared.LatestLeaves.Count == 0)
        {
            return;
        }

        var leaves = shared.LatestLeaves.Select((l, i) => (l.Set, l.Start, l.Status, i)).ToList();
        int words = ((leaves.Count - 1) / LeavesPerWord) + 1;
        string packed = string.Concat(Enumerable.Range(0, words).Select(w =>
        {
            var bySet = leaves.Where(l => l.i / LeavesPerWord == w).GroupBy(l => l.Set, StringComparer.Ordinal);
            string cases = string.Concat(bySet.Select(s => $"\n      WHEN {s.Key} THEN "
                + string.Join("\n        + ", s.Select(l => $"(CASE WHEN l.d >= {l.Start} THEN CAST(({l.Status}) + 1 AS BIGINT) * CAST({PairWeight(l.i).ToString(CultureInfo.InvariantCulture)} AS BIGINT) ELSE CAST(0 AS BIGINT) END)"))));
            return $",\n  CAST(sum(CASE l.set_id{cases}\n      ELSE CAST(0 AS BIGINT) END) AS BIGINT) AS elig_l{K(w)}";
        }));
        string values = string.Concat(shared.LatestValues.Select((x, v) => $",\n    CASE WHEN l.set_id = {x.Set} THEN {x.Value} END AS elig_x{K(v)}"));
        string sets = string.Join(", ", leaves.Select(l => l.Set).Distinct(StringComparer.Ordinal));
        NoteBaseColumns(LatestWordsTable, Enumerable.Range(0, words).Select(w => $"elig_l{K(w)}"));
        Line("-- per person with a latest result, every measurement leaf's status in two bits (status + 1)");
        CreateTable(LatestWordsTable, $"""
            SELECT l.person_id{packed}
            FROM (
              SELECT l.person_id, l.set_id, l.d, l.v{values}
              FROM {LatestTable} l{(shared.LatestReadsSex ? " LEFT JOIN elig_person pp ON pp.person_id = l.person_id" : string.Empty)}
              WHERE l.set_id IN ({sets})) l
            GROUP BY l.person_id
            """);
    }

    /// <summary>The factor of each unit code as a <c>CASE</c> on <paramref name="unit"/> (NULL for a code without one), typed as <see cref="Factors"/> types them.</summary>
    private string FactorCase(Func<string, decimal?> factor, string unit)
    {
        var (known, type) = KnownFactors(factor);
        return known.Count == 0
            ? dialect.TypedNull("DECIMAL(20,12)")
            : $"(CASE {unit}{string.Concat(known.Select(x => $" WHEN {Text(x.Code)} THEN CAST({Number(x.Factor)} AS {type})"))} END)";
    }
}
