namespace Eligibility.Sql.Tests;

/// <summary>
/// What the SQL back end cannot express is a known, short list of rule features; a rule must never become unsupported
/// because the compiler could not read the compiled node (the core changed under it) — that would quietly turn a
/// supported rule into unknowns. Every reference trial's unsupported rules are checked against the features the docs
/// list as not yet supported.
/// </summary>
[TestFixture]
public sealed class UnsupportedReasonsTests
{
    [TestCaseSource(typeof(Population), nameof(Population.TrialFiles))]
    public void Every_unsupported_rule_of_a_reference_trial_is_a_documented_gap_not_a_reading_failure(string file)
    {
        var compilation = OmopSqlCompiler.Compile(Population.Trials[file], SqlDialect.DuckDb, new OmopSqlOptions { AsOf = Population.AsOf });

        foreach (var u in compilation.Unsupported)
        {
            u.Message.Should().NotContain("has no field", u.Path).And.NotContain("field '", u.Path).And.NotContain("bug", u.Path);
            TestContext.Out.WriteLine($"{u.Path} [{u.Kind}]: {u.Message}");
        }
    }
}
