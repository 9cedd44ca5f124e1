using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Globalization;
using System.Linq;

namespace Eligibility.Sql;

/// <summary>
/// What every runner shares: the script split into statements, and the result rows (person rows and the attrition
/// table) read into <see cref="OmopScreenResult"/> from named columns — whichever engine returned them, as database values
/// or as the text of a REST response.
/// </summary>
internal static class OmopResults
{
    /// <summary>The attrition table's query (its rows are read by <see cref="Read"/>).</summary>
    public const string AttritionQuery = "SELECT criterion_id, review, unknown, excluded, remaining FROM elig_attrition ORDER BY ordinal";

    /// <summary>The script's statements that do something (comment-only pieces dropped); the last one is the result query.</summary>
    public static IReadOnlyList<string> Statements(OmopSqlCompilation compilation) =>
        compilation.Sql.Split(";\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(s => s.Split('\n').Any(line => line.Length > 0 && !line.StartsWith("--", StringComparison.Ordinal)))
            .ToList();

    /// <summary>The query giving the database's UCUM unit codes, over the CDM's concept table.</summary>
    public static string UnitCodesQuery(SqlDialect dialect, string? cdmSchema) =>
        $"SELECT DISTINCT concept_code FROM {Compilation.SqlDialectWriter.For(dialect, cdmSchema).Cdm("concept")} WHERE vocabulary_id = 'UCUM' ORDER BY concept_code";

    /// <summary>Builds the result from the result query's rows and the attrition query's rows.</summary>
    /// <param name="compilation">What was run.</param>
    /// <param name="columns">The result query's column names.</param>
    /// <param name="rows">The result query's rows (values in column order).</param>
    /// <param name="attritionRows">The attrition query's rows.</param>
    public static OmopScreenResult Read(OmopSqlCompilation compilation, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, IEnumerable<object?[]> attritionRows)
    {
        var nodes = compilation.Nodes;
        int Ordinal(string name)
        {
            for (int i = 0; i < columns.Count; i++)
            {
                if (string.Equals(columns[i], name, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }

            throw new InvalidOperationException($"the result has no column '{name}' (columns: {string.Join(", ", columns)})");
        }

        int personColumn = Ordinal("person_id");
        int verdictColumn = Ordinal("verdict");
        var statusColumns = nodes.Select(n => Ordinal("s_" + n.Index.ToString(CultureInfo.InvariantCulture))).ToArray();
        var outcomeColumns = nodes.Select(n => Ordinal("o_" + n.Index.ToString(CultureInfo.InvariantCulture))).ToArray();
        var result = new List<OmopPatientRow>();
        foreach (var row in rows)
        {
            var truths = new Truth[nodes.Count];
            var outcomes = new Outcome[nodes.Count];
            for (int i = 0; i < nodes.Count; i++)
            {
                truths[i] = Convert.ToInt32(row[statusColumns[i]], CultureInfo.InvariantCulture) switch { 0 => Truth.False, 2 => Truth.True, _ => Truth.Unknown };
                outcomes[i] = ParseOutcome(Text(row[outcomeColumns[i]]));
            }

            result.Add(new OmopPatientRow(Long(row[personColumn]), ParseVerdict(Text(row[verdictColumn])), truths, outcomes));
        }

        var types = nodes.Where(n => n.IsCriterion).ToDictionary(n => n.CriterionId, n => n.Type, StringComparer.Ordinal);
        var attrition = attritionRows
            .Select(r => new OmopAttritionRow(Text(r[0]), types[Text(r[0])], Long(r[1]), Long(r[2]), Long(r[3]), Long(r[4])))
            .ToList();
        return new OmopScreenResult(compilation, result, attrition);
    }

    /// <summary>Runs the script on an open ADO.NET connection (DuckDB, PostgreSQL): every statement, then reads the results.</summary>
    public static OmopScreenResult Run(DbConnection connection, OmopSqlCompilation compilation)
    {
        var statements = Statements(compilation);
        for (int i = 0; i < statements.Count - 1; i++)
        {
            using var command = connection.CreateCommand();
            command.CommandText = statements[i];
            command.CommandTimeout = 0;
            command.ExecuteNonQuery();
        }

        var (columns, rows) = Query(connection, statements[^1]);
        var (_, attrition) = Query(connection, AttritionQuery);
        return Read(compilation, columns, rows, attrition);
    }

    /// <summary>The first column of a query's rows, as text.</summary>
    public static IReadOnlyList<string> Strings(DbConnection connection, string query) =>
        Query(connection, query).Rows.Select(r => Text(r[0])).ToList();

    private static (IReadOnlyList<string> Columns, List<object?[]> Rows) Query(DbConnection connection, string query)
    {
        using var command = connection.CreateCommand();
        command.CommandText = query;
        command.CommandTimeout = 0;
        using var reader = command.ExecuteReader();
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var values = new object?[reader.FieldCount];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(values);
        }

        return (columns, rows);
    }

    private static string Text(object? value) => value as string
        ?? throw new InvalidOperationException("expected text in the result, found " + (value is null ? "NULL" : value.GetType().Name));

    private static long Long(object? value) => Convert.ToInt64(value ?? throw new InvalidOperationException("expected a number in the result, found NULL"), CultureInfo.InvariantCulture);

    private static Outcome ParseOutcome(string text) => text switch
    {
        "pass" => Outcome.Pass,
        "fail" => Outcome.Fail,
        "review" => Outcome.Review,
        "unknown" => Outcome.Unknown,
        _ => throw new InvalidOperationException($"unexpected outcome '{text}' in the result"),
    };

    private static Verdict ParseVerdict(string text) => text switch
    {
        "eligible" => Verdict.Eligible,
        "review" => Verdict.Review,
        "undetermined" => Verdict.Undetermined,
        "ineligible" => Verdict.Ineligible,
        _ => throw new InvalidOperationException($"unexpected verdict '{text}' in the result"),
    };
}
