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

    /// <summary>The concept IDs of every concept set, then the pre-filtered copy of each fact table read.</summary>
    private void WriteFacts()
    {
        if (shared.FactsRead.Count == 0)
        {
            return;
        }

        Line("-- the rows of the fact tables in any concept set");
        var tables = shared.ByContent.Values.Order(System.StringComparer.Ordinal).ToList();
        CreateTable("elig_sets", tables.Count == 0
            ? $"SELECT {dialect.TypedNull("INTEGER")} AS concept_id WHERE FALSE"
            : string.Join("\nUNION\n", tables.Select(t => $"SELECT concept_id FROM {t}")));
        foreach (var (table, concept, source, columns) in FactTables.Where(f => shared.FactsRead.Contains(f.Table)))
        {
            CreateTable("elig_f_" + table, $"""
                SELECT {columns} FROM {dialect.Cdm(table)}
                WHERE {concept} IN (SELECT concept_id FROM elig_sets) OR {source} IN (SELECT concept_id FROM elig_sets)
                """);
        }

        WriteLatest();
    }
}
