using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Diagnostics;
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
    public static IReadOnlyList<string> Statements(OmopSqlCompilation compilation) => Statements(compilation.Sql);

    /// <summary>A script's statements that do something (comment-only pieces dropped).</summary>
    internal static IReadOnlyList<string> Statements(string sql) =>
        sql.Split(";\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(s => s.Split('\n').Any(line => line.Length > 0 && !line.StartsWith("--", StringComparison.Ordinal)))
            .ToList();

    /// <summary>
    /// Whether a statement makes (drops, creates or analyses) the table of outcomes as text, <c>elig_result</c>: the
    /// runners that read <c>elig_state</c> packed skip it.
    /// </summary>
    public static bool MakesResultTable(string statement)
    {
        string code = string.Join("\n", statement.Split('\n').Where(line => !line.StartsWith("--", StringComparison.Ordinal))).TrimStart();
        string table = Compilation.OmopSqlWriter.ResultTable;
        return new[] { "DROP TABLE IF EXISTS ", "CREATE OR REPLACE TEMP TABLE ", "CREATE TEMP TABLE ", "CREATE OR REPLACE TABLE ", "ANALYZE TABLE ", "ANALYZE " }
            .Any(verb => code.StartsWith(verb + table, StringComparison.Ordinal) && (code.Length == verb.Length + table.Length || !IsNameChar(code[verb.Length + table.Length])));

        static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c == '_';
    }

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

        return Result(compilation, result, attritionRows);
    }

    /// <summary>Builds the result from the person rows already read and the attrition query's rows.</summary>
    private static OmopScreenResult Result(OmopSqlCompilation compilation, IReadOnlyList<OmopPatientRow> rows, IEnumerable<object?[]> attritionRows)
    {
        var types = compilation.Nodes.Where(n => n.IsCriterion).ToDictionary(n => n.CriterionId, n => n.Type, StringComparer.Ordinal);
        var attrition = attritionRows
            .Select(r => new OmopAttritionRow(Text(r[0]), types[Text(r[0])], Long(r[1]), Long(r[2]), Long(r[3]), Long(r[4])))
            .ToList();
        return new OmopScreenResult(compilation, rows, attrition);
    }

    /// <summary>Nodes per packed column of elig_state (see <see cref="Compilation.OmopSqlWriter.NodesPerPack"/>).</summary>
    private const int NodesPerPack = Compilation.OmopSqlWriter.NodesPerPack;

    /// <summary>
    /// The query reading <c>elig_state</c> back compactly: per person the ID, the verdict as a number and its packed
    /// columns, one BIGINT per 15 nodes holding each node's status and outcome (4 bits: status × 4 + outcome; pass 0,
    /// fail 1, review 2, unknown 3) — the outcomes the SQL computed, read as a few integers instead of a hundred boxed
    /// values and strings.
    /// </summary>
    public static string PackedQuery(OmopSqlCompilation compilation)
    {
        int packs = (compilation.Nodes.Count + NodesPerPack - 1) / NodesPerPack;
        return "SELECT CAST(person_id AS BIGINT) AS person_id, CAST(verdict AS INTEGER) AS verdict"
            + string.Concat(Enumerable.Range(0, packs).Select(p => ", CAST(" + Compilation.OmopSqlWriter.PackColumn(p) + " AS BIGINT) AS " + Compilation.OmopSqlWriter.PackColumn(p)))
            + "\nFROM elig_state ORDER BY person_id";
    }

    /// <summary>Runs <see cref="PackedQuery"/> and keeps its typed columns as they are (<see cref="PackedRows"/>), checked.</summary>
    private static PackedRows ReadPacked(DbConnection connection, OmopSqlCompilation compilation)
    {
        using var command = connection.CreateCommand();
        command.CommandText = PackedQuery(compilation);
        command.CommandTimeout = 0;
        using var reader = command.ExecuteReader();
        int packs = reader.FieldCount - 2;
        var rows = new PackedRows(packs, compilation.Nodes.Count);
        while (reader.Read())
        {
            for (int c = 0; c < reader.FieldCount; c++)
            {
                if (reader.IsDBNull(c))
                {
                    throw new InvalidOperationException($"unexpected NULL in column {reader.GetName(c)} of the packed result (an unknown outcome or verdict)");
                }
            }

            var verdict = reader.GetInt32(1) switch
            {
                0 => Verdict.Eligible,
                1 => Verdict.Review,
                2 => Verdict.Undetermined,
                3 => Verdict.Ineligible,
                int other => throw new InvalidOperationException($"unexpected verdict {other} in the packed result"),
            };
            var (block, at) = rows.Add(reader.GetInt64(0), verdict);
            for (int p = 0; p < packs; p++)
            {
                long pack = reader.GetInt64(p + 2);
                PackedNodes.Check(pack);
                block[at + 1 + p] = pack;
            }
        }

        return rows;
    }

    /// <summary>Runs the script on an open ADO.NET connection (DuckDB, PostgreSQL): every statement, then reads the results.</summary>
    public static OmopScreenResult Run(DbConnection connection, OmopSqlCompilation compilation, OmopRunProfile? profile = null) =>
        WithDuckDbSettings(connection, true, () => Run(connection, compilation, Statements(compilation), profile));

    /// <summary>
    /// The DuckDB settings a run uses, the connection's own restored after. <c>preserve_insertion_order=false</c> lets
    /// DuckDB write the intermediate tables in whatever order its threads produce rows (less memory, no reordering): the
    /// order of their rows is never read — every result query orders its rows (person, ordinal) and every "first row per
    /// group" orders by a unique key (date, then row ID).
    /// </summary>
    internal static readonly IReadOnlyList<(string Name, string Value)> DuckDbSettings = new[] { ("preserve_insertion_order", "false") };

    /// <summary>Runs <paramref name="run"/> with <see cref="DuckDbSettings"/> on a DuckDB connection (when <paramref name="apply"/>), then sets back the values it had.</summary>
    private static T WithDuckDbSettings<T>(DbConnection connection, bool apply, Func<T> run)
    {
        if (!apply || connection is not DuckDB.NET.Data.DuckDBConnection)
        {
            return run();
        }

        var previous = DuckDbSettings.Select(s => (s.Name, Value: Convert.ToString(Scalar(connection, $"SELECT current_setting('{s.Name}')"), CultureInfo.InvariantCulture))).ToList();
        foreach (var (name, value) in DuckDbSettings)
        {
            NonQuery(connection, $"SET {name} = {value}");
        }

        try
        {
            return run();
        }
        finally
        {
            foreach (var (name, value) in previous)
            {
                NonQuery(connection, $"SET {name} = '{value}'");
            }
        }
    }

    private static object? Scalar(DbConnection connection, string query)
    {
        using var command = connection.CreateCommand();
        command.CommandText = query;
        return command.ExecuteScalar();
    }

    private static void NonQuery(DbConnection connection, string statement)
    {
        using var command = connection.CreateCommand();
        command.CommandText = statement;
        command.CommandTimeout = 0;
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Runs trials compiled together on an open ADO.NET connection: the shared prelude once (the first time a
    /// compilation's prelude has not run in this call), then each trial's own statements and its results. A compilation
    /// compiled apart runs its whole script.
    /// </summary>
    /// <param name="connection">The open connection.</param>
    /// <param name="compilations">The compilations, run in order.</param>
    /// <param name="shared">Where the prelude's statements' time goes, when given.</param>
    /// <param name="profiles">Filled with one profile per compilation (its own statements and read-back), when given.</param>
    /// <param name="afterEach">Called after each trial has run (with its index), while its tables are still there.</param>
    /// <param name="duckDbSettings">Whether a DuckDB connection runs with <see cref="DuckDbSettings"/> (else as it is, for A/B runs).</param>
    public static IReadOnlyList<OmopScreenResult> Run(DbConnection connection, IReadOnlyList<OmopSqlCompilation> compilations, OmopRunProfile? shared = null, IList<OmopRunProfile>? profiles = null, Action<int>? afterEach = null, bool duckDbSettings = true) =>
        WithDuckDbSettings(connection, duckDbSettings, () => RunAll(connection, compilations, shared, profiles, afterEach));

    private static IReadOnlyList<OmopScreenResult> RunAll(DbConnection connection, IReadOnlyList<OmopSqlCompilation> compilations, OmopRunProfile? shared, IList<OmopRunProfile>? profiles, Action<int>? afterEach)
    {
        var results = new List<OmopScreenResult>(compilations.Count);
        string? ran = null;
        foreach (var compilation in compilations)
        {
            if (!ReferenceEquals(ran, compilation.Prelude))
            {
                Execute(connection, Statements(compilation.Prelude), shared);
                ran = compilation.Prelude;
            }

            var profile = profiles is null ? null : new OmopRunProfile();
            results.Add(Run(connection, compilation, Statements(compilation.Body), profile));
            if (profile is not null)
            {
                profiles!.Add(profile);
            }

            afterEach?.Invoke(results.Count - 1);
        }

        return results;
    }

    /// <summary>Runs statements (all but a script's result query), skipping the one making the table of outcomes as text.</summary>
    private static void Execute(DbConnection connection, IReadOnlyList<string> statements, OmopRunProfile? profile)
    {
        var clock = Stopwatch.StartNew();
        var cpu = profile is null ? TimeSpan.Zero : OmopRunProfile.ProcessCpu();
        foreach (string statement in statements)
        {
            if (MakesResultTable(statement))
            {
                continue;
            }

            NonQuery(connection, statement);
            if (profile is not null)
            {
                var now = OmopRunProfile.ProcessCpu();
                profile.Statements.Add((statement, clock.Elapsed, now - cpu));
                cpu = now;
            }

            clock.Restart();
        }
    }

    /// <summary>Runs a script's statements but the last (the result query), then reads the results packed.</summary>
    private static OmopScreenResult Run(DbConnection connection, OmopSqlCompilation compilation, IReadOnlyList<string> statements, OmopRunProfile? profile)
    {
        Execute(connection, statements.Take(statements.Count - 1).ToList(), profile);
        var clock = Stopwatch.StartNew();
        var cpu = profile is null ? TimeSpan.Zero : OmopRunProfile.ProcessCpu();
        var rows = ReadPacked(connection, compilation);
        var (_, attrition) = Query(connection, AttritionQuery);
        var result = Result(compilation, rows, attrition);
        if (profile is not null)
        {
            profile.ReadBack = clock.Elapsed;
            profile.ReadBackCpu = OmopRunProfile.ProcessCpu() - cpu;
        }

        return result;
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
