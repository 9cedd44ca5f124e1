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
}
