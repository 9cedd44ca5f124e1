using Eligibility.Testing;

namespace Eligibility.Tests.Testing;

/// <summary>Eligibility.Testing's public API on the tool's fixture case files: failures, unusable files, the README's example.</summary>
[TestFixture]
public sealed class ExampleCasesTests
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Eligibility.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Eligibility.sln not found above the test directory");
    });

    private static string Fixture(string folder, string file) => Path.Combine(Root.Value, "tests", "Eligibility.Cli.Tests", "Fixtures", folder, file);

    [Test]
    public void Failing_cases_give_expected_against_actual_and_a_readable_message()
    {
        var run = ExampleCases.Run(Fixture("failing", "TINY-1.failing.cases.json"));

        run.Passed.Should().BeFalse();
        run.Cases.Select(c => (c.Name, c.Passed)).Should().Equal(
            ("wrong verdict on purpose", false), ("this one passes", true), ("unknown criterion id", false), ("no as-of anywhere", false));

        var wrong = run.Cases[0];
        wrong.Checks.Should().ContainEquivalentOf(new { Subject = "verdict", Expected = "eligible", Actual = "ineligible", Passed = false });
        wrong.Checks.Should().ContainEquivalentOf(new { Subject = "EXCL01", Expected = "pass", Actual = "fail", Passed = false });
        wrong.FailureMessage.Should().Contain("case 'wrong verdict on purpose'")
            .And.Contain("  verdict: expected eligible, actual ineligible")
            .And.Contain("  EXCL01: expected pass, actual fail")
            .And.MatchRegex(@"alt 121 U/L on 2026-01-10 is 3\.0\d × ULN");

        run.Cases[1].FailureMessage.Should().BeEmpty();
        run.Cases[1].Checks.Should().OnlyContain(c => c.Passed);
        run.Cases[2].Result.Should().BeNull();
        run.Cases[2].Problems.Should().ContainSingle(p => p.Code == "ELIG4003");
        run.Cases[2].Checks.Should().Contain(c => c.Actual == null, "a case that did not run has no actual values");
        run.Cases[3].Problems.Should().Contain(p => p.Code == "ELIG4005");
        run.Cases[3].FailureMessage.Should().Contain("could not run").And.Contain("ELIG4005");

        run.FailureMessage.Should().Contain("wrong verdict on purpose").And.Contain("unknown criterion id").And.Contain("no as-of anywhere")
            .And.NotContain("this one passes");
    }

    [Test]
    public void Coverage_names_the_cells_no_case_reached()
    {
        var run = ExampleCases.Run(Fixture("gaps", "TINY-1.gaps.cases.json"));

        run.Coverage.Should().NotBeNull();
        run.Coverage!.TotalCells.Should().BeGreaterThan(run.Coverage.CoveredCells);
        run.Coverage.Percent.Should().BeLessThan(100);
        run.Coverage.Gaps.Should().NotBeEmpty().And.OnlyContain(g => g.StartsWith("INCL", StringComparison.Ordinal) || g.StartsWith("EXCL", StringComparison.Ordinal));
    }

    [Test]
    public void A_case_file_whose_rule_file_is_missing_fails_with_its_diagnostic()
    {
        string path = Fixture("broken", "ORPHAN.cases.json");
        var read = ExampleCases.Load(path);
        read.HasErrors.Should().BeTrue();
        read.Diagnostics.Should().Contain(d => d.Code == "ELIG4002" && d.Line > 0);

        var run = ExampleCases.Run(path);
        run.Passed.Should().BeFalse();
        run.Cases.Should().BeEmpty();
        run.FailureMessage.Should().Contain("ELIG4002").And.Contain("ORPHAN.cases.json");
    }

    [Test]
    public void A_missing_file_is_a_diagnostic_not_an_exception()
    {
        var run = ExampleCases.Run(Path.Combine(Root.Value, "rules", "NO-SUCH-TRIAL.cases.json"));

        run.Passed.Should().BeFalse();
        run.Diagnostics.Should().ContainSingle(d => d.IsError);
        run.FailureMessage.Should().NotBeEmpty();
    }

    [Test]
    public void Load_lists_the_case_names_in_file_order()
    {
        var read = ExampleCases.Load(Fixture("rules", "TINY-1.cases.json"));

        read.HasErrors.Should().BeFalse(string.Join("\n", read.Diagnostics));
        read.CaseNames.Should().HaveCountGreaterThan(5).And.OnlyHaveUniqueItems();
        read.RulesPath.Should().EndWith("TINY-1.json");
    }

    [Test]
    public void The_readme_example_is_the_one_tested_here()
    {
        string readme = File.ReadAllText(Path.Combine(Root.Value, "README.md"));
        int section = readme.IndexOf("## Running a rule file's cases from your tests", StringComparison.Ordinal);
        section.Should().BeGreaterThan(0, "the README has the section");
        int start = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal) + "```csharp\n".Length;
        var block = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)]
            .Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("using ", StringComparison.Ordinal)).ToList();

        string source = File.ReadAllText(Path.Combine(Root.Value, "tests", "Eligibility.Tests", "Testing", "ExampleCasesTests.cs"));
        int begin = source.LastIndexOf("// README: begin", StringComparison.Ordinal);
        int end = source.LastIndexOf("// README: end", StringComparison.Ordinal);
        var tested = source[begin..end].Split('\n').Skip(1).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();

        block.Should().NotBeEmpty().And.Equal(tested);
    }

    /// <summary>The README's example ("Running a rule file's cases from your tests"), as written there.</summary>
    [Test]
    public void The_readme_example_runs()
    {
        string saved = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(Root.Value);
        try
        {
            // README: begin
            CaseRunResult run = ExampleCases.Run("rules/NCT07077486.cases.json");
            Assert.That(run.Passed, Is.True, run.FailureMessage);
            // README: end
            run.Cases.Should().NotBeEmpty();
        }
        finally
        {
            Directory.SetCurrentDirectory(saved);
        }
    }
}
