using System.Diagnostics;
using Npgsql;

namespace Eligibility.Sql.Tests;

/// <summary>
/// The SQL on PostgreSQL over the same generated population as DuckDB (copied with binary COPY into a schema the SQL is
/// compiled for): the engine's outcomes (<see cref="Agreement"/>), and row for row what DuckDB gives.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class PostgreSqlTests
{
    private static readonly Dictionary<string, (OmopScreenResult Result, TimeSpan Time)> Results = new(StringComparer.Ordinal);
    private NpgsqlConnection? connection;

    [OneTimeTearDown]
    public void Close() => connection?.Dispose();

    public static IEnumerable<string> Trials() => Population.TrialFiles();

    [TestCaseSource(nameof(Trials))]
    public void Sql_on_PostgreSQL_gives_the_engines_outcomes(string file)
    {
        var (result, time) = Run(file);
        Agreement.Check(file, result, time);
    }

    [TestCaseSource(nameof(Trials))]
    public void DuckDB_and_PostgreSQL_give_identical_rows(string file)
    {
        var postgres = Run(file).Result;
        using var duck = Population.OpenDatabase();
        var duckdb = DuckDbOmopRunner.Run(duck, Population.Trials[file], Population.AsOf);

        postgres.Rows.Should().HaveCount(Population.Size);
        var differences = new List<string>();
        foreach (var (d, p) in duckdb.Rows.Zip(postgres.Rows))
        {
            if (d.PersonId != p.PersonId || d.Verdict != p.Verdict || !d.Truths.SequenceEqual(p.Truths) || !d.Outcomes.SequenceEqual(p.Outcomes))
            {
                differences.Add($"person {d.PersonId}/{p.PersonId}: DuckDB {d.Verdict} [{string.Join(",", d.Outcomes)}], PostgreSQL {p.Verdict} [{string.Join(",", p.Outcomes)}]");
            }
        }

        differences.Should().BeEmpty("DuckDB and PostgreSQL run the same rule file over the same rows ({0} differ; first: {1})", differences.Count, string.Join("\n", differences.Take(10)));
        postgres.Attrition.Select(a => (a.CriterionId, a.Review, a.Unknown, a.Excluded, a.Remaining))
            .Should().Equal(duckdb.Attrition.Select(a => (a.CriterionId, a.Review, a.Unknown, a.Excluded, a.Remaining)));
        postgres.Compilation.Unsupported.Select(u => u.ToString()).Should().Equal(duckdb.Compilation.Unsupported.Select(u => u.ToString()));
    }

    [Test]
    public void The_DDL_creates_the_CDM_tables_in_the_given_schema_with_PostgreSQL_types()
    {
        connection ??= Population.OpenPostgres();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = @schema";
        command.Parameters.AddWithValue("schema", Population.PostgresSchema);
        using var reader = command.ExecuteReader();
        var columns = new List<(string Table, string Column, string Type)>();
        while (reader.Read())
        {
            columns.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        columns.Select(c => c.Table).Distinct().Should().HaveCount(12);
        columns.Should().Contain(("measurement", "value_as_number", "numeric"));
        columns.Should().Contain(("person", "birth_datetime", "timestamp without time zone"));
        columns.Should().Contain(("concept", "vocabulary_id", "character varying"));
    }

    /// <summary>Each trial runs once on PostgreSQL; both tests of it read that run.</summary>
    private (OmopScreenResult Result, TimeSpan Time) Run(string file)
    {
        if (!Results.TryGetValue(file, out var run))
        {
            connection ??= Population.OpenPostgres();
            var watch = Stopwatch.StartNew();
            var result = PostgreSqlOmopRunner.Run(connection, Population.Trials[file], Population.AsOf, Population.PostgresSchema);
            run = (result, watch.Elapsed);
            Results[file] = run;
        }

        return run;
    }
}
