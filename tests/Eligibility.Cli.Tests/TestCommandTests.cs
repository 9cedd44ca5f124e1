namespace Eligibility.Cli.Tests;

[TestFixture]
public sealed class TestCommandTests
{
    [Test]
    public void Passing_cases_exit_0_and_end_with_the_count_line()
    {
        var r = CliRunner.Run("test", TestPaths.TinyCases);

        r.ExitCode.Should().Be(0, r.ToString());
        r.OutLines[^1].Should().Be("12 passed, 0 failed");
        r.Out.Should().NotContain("FAIL");
        r.Out.Should().Contain("Coverage of TINY-1").And.Contain("12 case(s), 11 of 11 cells (100.0%)", "INCL02 (history of SLE) cannot be unknown, so it has no unknown cell");
    }

    [Test]
    public void The_coverage_table_shows_each_criterion_and_its_gaps()
    {
        var r = CliRunner.Run("test", TestPaths.TinyCases);

        var rows = r.OutLines.Where(l => l.StartsWith("│ INCL", StringComparison.Ordinal) || l.StartsWith("│ EXCL", StringComparison.Ordinal)).ToList();
        rows.Select(l => l.Split('│', StringSplitOptions.TrimEntries)[1]).Should().Equal("INCL01", "INCL02", "INCL03", "EXCL01", "EXCL02");
        rows[1].Split('│', StringSplitOptions.TrimEntries)[6].Should().Be("no record can make it unknown", "absent SLE means not present, so no case can leave INCL02 unknown");
        rows[2].Should().Contain("judgement only, not counted");
        string[] incl01 = rows[0].Split('│', StringSplitOptions.TrimEntries);
        incl01[2..5].Should().Equal("10", "1", "1");
    }

    [Test]
    public void A_missing_cell_is_named_in_the_table()
    {
        var r = CliRunner.Run("test", TestPaths.Fixture("gaps", "TINY-1.gaps.cases.json"));

        r.ExitCode.Should().Be(0, "without --min-coverage a gap is reported, not failed");
        r.Out.Should().Contain("11 case(s), 10 of 11 cells (90.9%)");
        var incl01 = r.OutLines.Single(l => l.StartsWith("│ INCL01", StringComparison.Ordinal)).Split('│', StringSplitOptions.TrimEntries);
        incl01[4].Should().Be("0");
        incl01[6].Should().Be("unknown");
    }

    [Test]
    public void A_rule_file_runs_the_case_file_beside_it()
    {
        var r = CliRunner.Run("test", TestPaths.TinyRules);

        r.ExitCode.Should().Be(0, r.ToString());
        r.OutLines[^1].Should().Be("12 passed, 0 failed");
    }

    [Test]
    public void Failing_cases_show_expected_actual_and_the_explanation_and_exit_1()
    {
        string failing = TestPaths.Fixture("failing", "TINY-1.failing.cases.json");
        var r = CliRunner.Run("test", failing);

        r.ExitCode.Should().Be(1, r.ToString());
        r.OutLines[^1].Should().Be("1 passed, 3 failed");
        r.Out.Should().MatchRegex(@"FAIL .*TINY-1\.failing\.cases\.json\(\d+,\d+\): wrong verdict on purpose");
        r.Out.Should().Contain("  verdict: expected eligible, actual ineligible");
        r.Out.Should().Contain("  EXCL01: expected pass, actual fail");
        r.Out.Should().MatchRegex(@"alt 121 U/L on 2026-01-10 is 3\.0\d × ULN", "the explanation of the actual outcome is shown");
        r.Out.Should().Contain("unknown criterion id").And.Contain("ELIG4003");
        r.Out.Should().Contain("no as-of anywhere").And.Contain("ELIG4005");
        r.Err.Should().MatchRegex(@"\(\d+,\d+\): error ELIG4003: ");
    }

    [TestCase("90", 0)]
    [TestCase("90.9", 0)]
    [TestCase("91", 1)]
    [TestCase("100", 1)]
    public void Min_coverage_fails_below_the_bar(string bar, int exitCode)
    {
        var r = CliRunner.Run("test", TestPaths.Fixture("gaps", "TINY-1.gaps.cases.json"), "--min-coverage", bar);

        r.ExitCode.Should().Be(exitCode, r.ToString());
        r.OutLines[^1].Should().Be("11 passed, 0 failed");
        if (exitCode == 1)
        {
            r.Err.Should().Contain("case coverage 90.9% is below --min-coverage").And.Contain("missing: INCL01 unknown");
        }
    }

    [Test]
    public void Full_coverage_meets_a_bar_of_100() =>
        CliRunner.Run("test", TestPaths.TinyCases, "--min-coverage", "100").ExitCode.Should().Be(0);

    [TestCase("150")]
    [TestCase("-1")]
    [TestCase("lots")]
    public void Min_coverage_out_of_range_exits_2(string bar)
    {
        CliRunner.Run("test", TestPaths.TinyCases, "--min-coverage", bar).ExitCode.Should().Be(2);
    }

    [Test]
    public void A_case_file_whose_rule_file_is_missing_fails()
    {
        var r = CliRunner.Run("test", TestPaths.Fixture("broken", "ORPHAN.cases.json"));

        r.ExitCode.Should().Be(1, r.ToString());
        r.OutLines[^1].Should().Be("0 passed, 1 failed");
        r.Err.Should().Contain("error ELIG4002");
    }

    [Test]
    public void A_rule_file_without_cases_exits_2()
    {
        var r = CliRunner.Run("test", TestPaths.Fixture("warnings", "WARN-1.json"));

        r.ExitCode.Should().Be(2);
        r.Err.Should().Contain("no example cases for");
    }

    [Test]
    public void A_folder_without_case_files_exits_2()
    {
        var r = CliRunner.Run("test", TestPaths.Fixture("warnings"));

        r.ExitCode.Should().Be(2);
        r.Err.Should().Contain("no example-case files");
    }

    [Test]
    public void Rule_files_in_a_folder_without_cases_show_empty_coverage()
    {
        string dir = TestPaths.NewTempFolder();
        try
        {
            string rules = Path.Combine(dir, "rules");
            Directory.CreateDirectory(rules);
            Directory.CreateDirectory(Path.Combine(dir, "patients"));
            File.Copy(TestPaths.TinyRules, Path.Combine(rules, "TINY-1.json"));
            File.Copy(TestPaths.TinyCases, Path.Combine(rules, "TINY-1.cases.json"));
            File.Copy(TestPaths.Fixture("warnings", "WARN-1.json"), Path.Combine(rules, "WARN-1.json"));
            File.Copy(TestPaths.Fixture("patients", "tiny-undetermined.json"), Path.Combine(dir, "patients", "tiny-undetermined.json"));

            var r = CliRunner.Run("test", rules, "--min-coverage", "50");

            r.Out.Should().Contain("Coverage of WARN-1").And.Contain("0 case(s), 0 of 3 cells (0.0%)");
            r.Err.Should().Contain("WARN-1.json: warning: no example cases");
            r.ExitCode.Should().Be(1, "WARN-1 has no coverage at all");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
