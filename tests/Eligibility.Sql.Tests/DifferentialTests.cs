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
    public void Leaf_tables_read_through_several_words_give_the_engines_outcomes()
    {
        // Two leaf tables per word of elig_own: the trial's leaf tables' statuses go through several words (the reference
        // trials need one word at the default width, so this path is exercised here), and no leaf table is joined.
        const string file = "NCT06394063";
        var options = new OmopSqlOptions { AsOf = Population.AsOf, UnitCodes = DuckDbOmopRunner.UnitCodes(connection), LeafTablesPerWord = 2 };
        var compilation = OmopSqlCompiler.Compile(Population.Trials[file], SqlDialect.DuckDb, options);
        compilation.Sql.Should().Contain("AS elig_o4", "the narrow width writes several words");
        compilation.Sql.Should().NotContain("JOIN elig_n", "the leaf tables are read through elig_own");
        var watch = Stopwatch.StartNew();
        Agreement.Check(file, DuckDbOmopRunner.Run(connection, compilation), watch.Elapsed);
    }
}
