using System;
using System.Collections.Generic;
using System.Linq;

namespace Eligibility.Sql.Compilation;

/// <summary>
/// The shared copy of each CDM fact table the trials compiled together read: the rows whose concept or source concept is
/// in any of their concept sets (only the columns the leaves read), made once after every concept set, so the leaves scan
/// those rows, not the whole table. Every leaf still filters by its own concept set (a subset of the union), so it reads
/// exactly the rows it would read in the whole table.
/// </summary>
internal sealed partial class OmopSqlWriter
{
    /// <summary>The fact tables that can be pre-filtered: their concept and source concept columns, and the columns the leaves read.</summary>
    private static readonly (string Table, string Concept, string Source, string Columns)[] FactTables =
    {
        ("measurement", "measurement_concept_id", "measurement_source_concept_id",
            "measurement_id, person_id, measurement_concept_id, measurement_source_concept_id, measurement_date, value_as_number, unit_concept_id, range_low, range_high, value_as_concept_id, value_source_value"),
        ("condition_occurrence", "condition_concept_id", "condition_source_concept_id",
            "person_id, condition_concept_id, condition_source_concept_id, condition_start_date, condition_end_date"),
        ("drug_exposure", "drug_concept_id", "drug_source_concept_id",
            "drug_exposure_id, person_id, drug_concept_id, drug_source_concept_id, drug_exposure_start_date, drug_exposure_end_date, days_supply, quantity"),
        ("procedure_occurrence", "procedure_concept_id", "procedure_source_concept_id",
            "person_id, procedure_concept_id, procedure_source_concept_id, procedure_date"),
    };

    /// <summary>The shared pre-filtered copy of a CDM fact table (noting that it is read).</summary>
    private string Fact(string table)
    {
        if (!shared.FactsRead.Contains(table))
        {
            shared.FactsRead.Add(table);
        }

        return "elig_f_" + table;
    }

    /// <summary>
    /// What a grouped pass over <paramref name="table"/> reads: its shared copy, or, when the pass is the copy's only reader
    /// (<see cref="OmopSqlShared.FactsInlined"/>), the same rows as a subquery of the CDM table: writing a copy read once
    /// would cost a pass of its own.
    /// </summary>
    private string FactSource(string table) => shared.FactsInlined.Contains(table) ? $"({FactRows(table)})" : "elig_f_" + table;

    /// <summary>The rows of a fact table in any concept set, with the columns the leaves read.</summary>
    private string FactRows(string table)
    {
        var (_, concept, source, columns) = FactTables.Single(f => f.Table == table);
        return $"""
            SELECT {columns} FROM {dialect.Cdm(table)}
            WHERE {concept} IN (SELECT concept_id FROM elig_sets) OR {source} IN (SELECT concept_id FROM elig_sets)
            """;
    }

    /// <summary>
    /// Notes the fact tables read only by their shared grouped pass (<see cref="OmopSqlShared.FactsInlined"/>): those of the
    /// shared groups whose copy no trial's statement names (<paramref name="written"/>, every trial's statements so far;
    /// the grouped passes are written after the copies, and a node that joined its group wrote no statement).
    /// </summary>
    private static void NoteInlinedFacts(OmopSqlShared shared, IEnumerable<string> written)
    {
        var texts = written.ToList();
        foreach (var g in shared.Groups.Where(g => g.Leaves.Count > 0 && shared.FactsRead.Contains(g.Key)))
        {
            var name = new System.Text.RegularExpressions.Regex(@"\belig_f_" + g.Key + @"\b", System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5));
            if (!texts.Any(t => name.IsMatch(t)))
            {
                shared.FactsInlined.Add(g.Key);
            }
        }
    }

    /// <summary>The concept IDs of every concept set, then the pre-filtered copy of each fact table read (but those inlined).</summary>
    private void WriteFacts()
    {
        if (shared.FactsRead.Count == 0)
        {
            WriteLatest();
            return;
        }

        Line("-- the rows of the fact tables in any concept set");
        var tables = shared.ByContent.Values.Order(System.StringComparer.Ordinal).ToList();
        CreateTable("elig_sets", tables.Count == 0
            ? $"SELECT {dialect.TypedNull("INTEGER")} AS concept_id WHERE FALSE"
            : string.Join("\nUNION\n", tables.Select(t => $"SELECT concept_id FROM {t}")));
        foreach (var (table, _, _, _) in FactTables.Where(f => shared.FactsRead.Contains(f.Table) && !shared.FactsInlined.Contains(f.Table)))
        {
            CreateTable("elig_f_" + table, FactRows(table));
        }

        WriteLatest();
    }

    /// <summary>The shared table of each measurement concept set's latest numeric result per person.</summary>
    private const string LatestTable = "elig_latest";

    /// <summary>The number of a concept set table (<c>elig_setN</c>).</summary>
    private static string SetId(string set) => set["elig_set".Length..];

    /// <summary>
    /// Per concept set read by <see cref="Latest"/> and person: the latest numeric result up to as-of, from the start of
    /// the longest window it is read in (ties: the highest
    /// row ID), with its UCUM unit, range and date — one pass over the measurement copy for every such leaf of every trial
    /// compiled together, instead of one scan per leaf. A record in a set by both its concept and its source concept is
    /// found twice, as the same row: the latest is the same (a record whose source concept is its concept is found once).
    /// Likewise per concept set read by <see cref="Read"/> (coded results, pregnancy status) and person: the latest
    /// result with any content (<see cref="HasContent"/>), its coded value, text and date (<c>elig_read</c>).
    /// </summary>
    private void WriteLatest()
    {
        if (shared.LatestSets.Count > 0)
        {
            Line("-- per measurement concept set and person, the latest numeric result up to as-of");
            // The latest row per set and person first, its unit looked up after (one row per set and person, not per record).
            var latest = LatestPerSet(
                LatestTable,
                shared.LatestSets,
                new[] { ("x.v", "v"), ("x.unit_concept_id", "unit_concept_id"), ("x.hi", "hi"), ("x.lo", "lo"), ("x.d", "d") },
                "x.d",
                "m.value_as_number AS v, m.unit_concept_id, m.range_high AS hi, m.range_low AS lo, m.measurement_date AS d",
                "m.value_as_number IS NOT NULL");
            CreateTable(LatestTable, $"""
                SELECT l.set_id, l.person_id, l.v, u.concept_code AS unit, l.hi, l.lo, l.d
                  FROM ({latest}) l
                  LEFT JOIN {dialect.Cdm("concept")} u ON u.concept_id = l.unit_concept_id AND u.vocabulary_id = 'UCUM'
                """);
            WriteLatestWords();
        }

        if (shared.ReadSets.Count > 0)
        {
            Line("-- per concept set read for an answer and person, the latest result with any content up to as-of (its text normalised once)");
            var read = LatestPerSet(
                ReadTable,
                shared.ReadSets,
                new[] { ("x.value_as_concept_id", "value_as_concept_id"), ("x.value_source_value", "value_source_value"), ("x.measurement_date", "measurement_date") },
                "x.measurement_date",
                "m.value_as_concept_id, m.value_source_value, m.measurement_date",
                HasContent);
            CreateTable(ReadTable, $"""
                SELECT r.set_id, r.person_id, r.value_as_concept_id, {NormalisedText("r.value_source_value")} AS value_text, r.measurement_date
                  FROM ({read}) r
                """);
        }
    }

    /// <summary>The shared table of each coded concept set's latest result with any content per person.</summary>
    private const string ReadTable = "elig_read";

    /// <summary>
    /// Per set of <paramref name="sets"/> (each from its first day, in <c>TABLE_sets</c>) and person, the values of the
    /// latest measurement by <paramref name="date"/> (ties: the highest row ID) meeting <paramref name="condition"/> up to as-of: a join of
    /// the measurement copy to the sets by concept, and by source concept when that differs.
    /// </summary>
    private string LatestPerSet(string table, SortedDictionary<string, DateOnly> sets, IReadOnlyList<(string Value, string Alias)> values, string date, string columns, string condition)
    {
        // Each set's rows from the start of the longest window a leaf reads it in: the latest of those is the latest of
        // every shorter window when it lies inside that window. The rows are those of the CDM table joined to the sets
        // (the rows of the measurement copy so joined, without copying ~all of the table first), or of the copy when some
        // other leaf reads it anyway. (The date is parenthesised: the PostgreSQL grammar of the
        // parser the text is checked with rejects a date literal followed by an alias.)
        string measurement = shared.FactsRead.Contains("measurement") ? Fact("measurement") : dialect.Cdm("measurement");
        CreateTable(table + "_sets", string.Join("\nUNION ALL\n", sets.Select(x => $"SELECT {SetId(x.Key)} AS set_id, concept_id, ({Date(x.Value)}) AS first_day FROM {x.Key}")));
        string Matching(string column, string also) => $"""
            SELECT s.set_id, m.person_id, {columns}, m.measurement_id
                FROM {measurement} m JOIN {table}_sets s ON s.concept_id = m.{column}
                WHERE {condition} AND m.measurement_date BETWEEN s.first_day AND {Date(asOf)}{also}
            """;
        return dialect.LastInGroup(
            new[] { "x.set_id", "x.person_id" },
            values,
            date,
            "x.measurement_id",
            // A record whose source concept is its concept was found by its concept, in the same sets: not found again.
            $"\n    FROM ({Matching("measurement_concept_id", string.Empty)}\n    UNION ALL\n    {Matching("measurement_source_concept_id", "\n      AND (m.measurement_concept_id IS NULL OR m.measurement_source_concept_id <> m.measurement_concept_id)")}) x",
            "    ");
    }
}
