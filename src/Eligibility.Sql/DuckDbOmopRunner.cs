using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DuckDB.NET.Data;

namespace Eligibility.Sql;

/// <summary>Runs compiled trials in DuckDB over a database holding the OMOP CDM 5.4 tables (see <see cref="OmopSchema"/>).</summary>
public static class DuckDbOmopRunner
{
    /// <summary>The UCUM codes of the database's unit concepts, for <see cref="OmopSqlOptions.UnitCodes"/>.</summary>
    /// <param name="connection">An open connection to the CDM database.</param>
    /// <returns>The distinct <c>concept_code</c>s of vocabulary <c>UCUM</c>, sorted.</returns>
    public static IReadOnlyList<string> UnitCodes(DuckDBConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT concept_code FROM concept WHERE vocabulary_id = 'UCUM' ORDER BY concept_code";
        using var reader = command.ExecuteReader();
        var codes = new List<string>();
        while (reader.Read())
        {
            codes.Add(reader.GetString(0));
        }

        return codes;
    }

    /// <summary>Reads the database's units, compiles the trial for DuckDB and runs it.</summary>
    /// <param name="connection">An open connection to the CDM database.</param>
    /// <param name="trial">The compiled trial.</param>
    /// <param name="asOf">The screening date.</param>
    /// <returns>Per-person rows and the attrition table.</returns>
    public static OmopScreenResult Run(DuckDBConnection connection, TrialEvaluator trial, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var compilation = OmopSqlCompiler.Compile(trial, SqlDialect.DuckDb, new OmopSqlOptions { AsOf = asOf, UnitCodes = UnitCodes(connection) });
        return Run(connection, compilation);
    }

    /// <summary>Runs a compiled script: its temp tables live on this connection until it closes.</summary>
    /// <param name="connection">An open connection to the CDM database.</param>
    /// <param name="compilation">The compiled trial (DuckDB dialect).</param>
    /// <returns>Per-person rows and the attrition table.</returns>
    public static OmopScreenResult Run(DuckDBConnection connection, OmopSqlCompilation compilation)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(compilation);
        var statements = compilation.Sql.Split(";\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(s => s.Split('\n').Any(line => line.Length > 0 && !line.StartsWith("--", StringComparison.Ordinal)))
            .ToList();
        for (int i = 0; i < statements.Count - 1; i++)
        {
            using var command = connection.CreateCommand();
            command.CommandText = statements[i];
            command.ExecuteNonQuery();
        }

        var nodes = compilation.Nodes;
        var rows = new List<OmopPatientRow>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = statements[^1];
            using var reader = command.ExecuteReader();
            int personColumn = reader.GetOrdinal("person_id");
            int verdictColumn = reader.GetOrdinal("verdict");
            var statusColumns = nodes.Select(n => reader.GetOrdinal("s_" + n.Index.ToString(CultureInfo.InvariantCulture))).ToArray();
            var outcomeColumns = nodes.Select(n => reader.GetOrdinal("o_" + n.Index.ToString(CultureInfo.InvariantCulture))).ToArray();
            while (reader.Read())
            {
                var truths = new Truth[nodes.Count];
                var outcomes = new Outcome[nodes.Count];
                for (int i = 0; i < nodes.Count; i++)
                {
                    truths[i] = Convert.ToInt32(reader.GetValue(statusColumns[i]), CultureInfo.InvariantCulture) switch { 0 => Truth.False, 2 => Truth.True, _ => Truth.Unknown };
                    outcomes[i] = ParseOutcome(reader.GetString(outcomeColumns[i]));
                }

                rows.Add(new OmopPatientRow(Convert.ToInt64(reader.GetValue(personColumn), CultureInfo.InvariantCulture), ParseVerdict(reader.GetString(verdictColumn)), truths, outcomes));
            }
        }

        var types = nodes.Where(n => n.IsCriterion).ToDictionary(n => n.CriterionId, n => n.Type, StringComparer.Ordinal);
        var attrition = new List<OmopAttritionRow>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT criterion_id, review, unknown, excluded, remaining FROM elig_attrition ORDER BY ordinal";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                string id = reader.GetString(0);
                attrition.Add(new OmopAttritionRow(id, types[id], Long(reader.GetValue(1)), Long(reader.GetValue(2)), Long(reader.GetValue(3)), Long(reader.GetValue(4))));
            }
        }

        return new OmopScreenResult(compilation, rows, attrition);
    }

    private static long Long(object value) => Convert.ToInt64(value, CultureInfo.InvariantCulture);

    private static Outcome ParseOutcome(string text) => text switch
    {
        "pass" => Outcome.Pass,
        "fail" => Outcome.Fail,
        "review" => Outcome.Review,
        _ => Outcome.Unknown,
    };

    private static Verdict ParseVerdict(string text) => text switch
    {
        "eligible" => Verdict.Eligible,
        "review" => Verdict.Review,
        "undetermined" => Verdict.Undetermined,
        _ => Verdict.Ineligible,
    };
}
