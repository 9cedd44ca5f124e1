using System.Diagnostics;
using DuckDB.NET.Data;

namespace Eligibility.Sql.Tests;

/// <summary>
/// The in-process engine and the SQL on DuckDB over the same generated population (the assertions: <see cref="Agreement"/>).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class DifferentialTests
{
    private DuckDBConnection connection = null!;

    [OneTimeSetUp]
    public void Load() => connection = Population.OpenDatabase();

    [OneTimeTearDown]
    public void Close() => connection.Dispose();

    public static IEnumerable<string> Trials() => Population.TrialFiles();

    [TestCaseSource(nameof(Trials))]
    public void Sql_on_DuckDB_gives_the_engines_outcomes(string file)
    {
        var watch = Stopwatch.StartNew();
        var result = DuckDbOmopRunner.Run(connection, Population.Trials[file], Population.AsOf);
        Agreement.Check(file, result, watch.Elapsed);
    }

    [Test]
    public void Statuses_gathered_through_several_wide_tables_give_the_engines_outcomes()
    {
        // Three joined tables per statement: each trial's statuses go through written wide tables, joined level by level
        // into elig_state (the reference trials need one statement at the default width, so this path is exercised here).
        const string file = "NCT06394063";
        var options = new OmopSqlOptions { AsOf = Population.AsOf, UnitCodes = DuckDbOmopRunner.UnitCodes(connection), JoinWidth = 3 };
        var compilation = OmopSqlCompiler.Compile(Population.Trials[file], SqlDialect.DuckDb, options);
        compilation.Sql.Should().Contain("TEMP TABLE elig_wide5 AS", "the narrow width writes wide tables");
        var watch = Stopwatch.StartNew();
        Agreement.Check(file, DuckDbOmopRunner.Run(connection, compilation), watch.Elapsed);
    }
}
