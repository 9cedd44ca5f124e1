namespace Eligibility.Sql.Tests;

/// <summary>
/// The runners read elig_state packed and skip making elig_result (the outcomes as text, for a reader of the script and
/// the Databricks runner): exactly the statements that drop, create or analyse it are skipped, in every dialect.
/// </summary>
[TestFixture]
public sealed class ResultTableTests
{
    [TestCase(SqlDialect.DuckDb, 1)]
    [TestCase(SqlDialect.PostgreSql, 3)]
    [TestCase(SqlDialect.Spark, 2)]
    public void The_runners_skip_exactly_the_statements_making_elig_result(SqlDialect dialect, int expected)
    {
        var options = new OmopSqlOptions { AsOf = Population.AsOf, UnitCodes = new[] { "mg/dL", "umol/L" } };
        var statements = OmopResults.Statements(OmopSqlCompiler.Compile(Population.Trials["NCT07077486"], dialect, options));

        var skipped = statements.Where(OmopResults.MakesResultTable).ToList();

        skipped.Should().HaveCount(expected).And.OnlyContain(s => s.Contains("elig_result", StringComparison.Ordinal));
        statements.Except(skipped).Should().NotContain(s => s.Contains("TABLE elig_result ", StringComparison.Ordinal) || s.TrimEnd().EndsWith("elig_result", StringComparison.Ordinal));
        statements[^1].Should().StartWith("SELECT * FROM elig_result");
    }

    [TestCase("ANALYZE elig_results")]
    [TestCase("CREATE OR REPLACE TEMP TABLE elig_result_2 AS\nSELECT 1")]
    [TestCase("SELECT * FROM elig_result ORDER BY person_id")]
    public void Other_statements_are_run(string statement) => OmopResults.MakesResultTable(statement).Should().BeFalse();
}
