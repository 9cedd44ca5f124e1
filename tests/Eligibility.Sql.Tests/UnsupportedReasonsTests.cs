namespace Eligibility.Sql.Tests;

/// <summary>
/// The SQL back end expresses every rule of the reference trials: stable regimens, daily doses (drug_strength) and local
/// concepts included. What it cannot express (an <c>expression</c> rule: see CompilerTests) is reported at compile time
/// and is unknown — a rule never becomes unsupported silently.
/// </summary>
[TestFixture]
public sealed class UnsupportedReasonsTests
{
    [TestCaseSource(typeof(Population), nameof(Population.TrialFiles))]
    public void Every_rule_of_a_reference_trial_is_expressed_in_sql(string file)
    {
        foreach (var dialect in new[] { SqlDialect.DuckDb, SqlDialect.PostgreSql, SqlDialect.Spark })
        {
            var compilation = OmopSqlCompiler.Compile(Population.Trials[file], dialect, new OmopSqlOptions { AsOf = Population.AsOf });

            compilation.Unsupported.Select(u => u.ToString()).Should().BeEmpty("{0} in {1}", file, dialect);
            compilation.Sql.Should().NotContain("unsupported, unknown for everyone");
        }
    }
}
