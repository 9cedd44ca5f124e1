using DuckDB.NET.Data;
using Npgsql;
using Eligibility.Sql.Generation;

namespace Eligibility.Sql.Tests;

/// <summary>The reference trials of rules/ and one generated population, native and in a DuckDB database, shared by the tests.</summary>
internal static class Population
{
    public const int Size = 10000;
    public const int Seed = 20261206;

    /// <summary>1 March in a common year: 29 February birthdays fall on it, and the day before is 28 February.</summary>
    public static readonly DateOnly AsOf = new(2026, 3, 1);

    private static readonly Lazy<IReadOnlyDictionary<string, TrialEvaluator>> LazyTrials = new(LoadTrials);
    private static readonly Lazy<SyntheticPopulation> LazyPopulation = new(() => SyntheticPopulation.Generate(Seed, Size, AsOf, Trials.Values));

    public static IReadOnlyDictionary<string, TrialEvaluator> Trials => LazyTrials.Value;

    public static SyntheticPopulation Generated => LazyPopulation.Value;

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Eligibility.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("repository root not found above " + TestContext.CurrentContext.TestDirectory);
        }
    }

    public static IEnumerable<string> TrialFiles() =>
        Directory.GetFiles(Path.Combine(RepositoryRoot, "rules"), "*.json")
            .Where(f => !f.EndsWith(".cases.json", StringComparison.Ordinal))
            .Select(Path.GetFileNameWithoutExtension)
            .OrderBy(f => f, StringComparer.Ordinal)!;

    private static IReadOnlyDictionary<string, TrialEvaluator> LoadTrials() =>
        TrialFiles().ToDictionary(
            name => name,
            name => RuleCompiler.CompileFile(Path.Combine(RepositoryRoot, "rules", name + ".json")).EnsureSuccess(),
            StringComparer.Ordinal);

    /// <summary>The environment variable holding the test PostgreSQL server's connection string (.ci/run sets it).</summary>
    public const string PostgresVariable = "ELIGIBILITY_TEST_POSTGRES";

    /// <summary>The PostgreSQL schema the population is loaded into (and the CDM schema the SQL is compiled for).</summary>
    public const string PostgresSchema = "elig_cdm_test";

    private static readonly object PostgresLoad = new();
    private static bool postgresLoaded;

    /// <summary>
    /// A connection to the test PostgreSQL server, the population loaded (once per test run) into <see cref="PostgresSchema"/>.
    /// Without a server: a failure when CI=true, else the test is ignored with the reason.
    /// </summary>
    public static NpgsqlConnection OpenPostgres()
    {
        var connection = OpenPostgresEmpty();
        lock (PostgresLoad)
        {
            if (!postgresLoaded)
            {
                using var duck = OpenDatabase();
                PostgreSqlOmopLoader.Copy(duck, connection, PostgresSchema);
                postgresLoaded = true;
            }
        }

        return connection;
    }

    /// <summary>
    /// A connection to the test PostgreSQL server with nothing loaded. Without a server: a failure when CI=true, else the
    /// test is ignored with the reason.
    /// </summary>
    public static NpgsqlConnection OpenPostgresEmpty()
    {
        string? connectionString = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            string reason = $"{PostgresVariable} is not set: no PostgreSQL server to run the SQL on (.ci/run starts one and sets it)";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(reason);
            }

            Assert.Ignore(reason);
        }

        var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>A new in-memory database holding the population.</summary>
    public static DuckDBConnection OpenDatabase()
    {
        var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        Generated.WriteOmop(connection);
        return connection;
    }
}
