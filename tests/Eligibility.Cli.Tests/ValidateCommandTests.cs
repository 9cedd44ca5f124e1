using System.Text.Json;
using System.Text.RegularExpressions;

namespace Eligibility.Cli.Tests;

[TestFixture]
public sealed partial class ValidateCommandTests
{
    [GeneratedRegex(@"^.+\(\d+,\d+\): (error|warning|info) ELIG\d{4}: .+$")]
    private static partial Regex MsBuildLine();

    [Test]
    public void A_valid_rule_file_and_its_cases_exit_0()
    {
        var r = CliRunner.Run("validate", TestPaths.TinyRules, TestPaths.TinyCases);

        r.ExitCode.Should().Be(0, r.ToString());
        r.Out.Should().Be("2 file(s) checked: 0 error(s), 0 warning(s), 0 info\n");
        r.Err.Should().BeEmpty();
    }

    [Test]
    public void A_folder_is_searched_and_case_files_are_recognised()
    {
        var r = CliRunner.Run("validate", TestPaths.Fixture("rules"));

        r.ExitCode.Should().Be(0, r.ToString());
        r.Out.Should().StartWith("2 file(s) checked");
    }

    [Test]
    public void Warnings_exit_0_unless_warnings_are_errors()
    {
        string folder = TestPaths.Fixture("warnings");
        var lenient = CliRunner.Run("validate", folder);
        lenient.ExitCode.Should().Be(0, lenient.ToString());
        lenient.Err.Should().Contain("WARN-1.json(7,5): warning ELIG2021: concept 'unused' is defined but no rule uses it");

        var strict = CliRunner.Run("validate", folder, "--warnings-as-errors");
        strict.ExitCode.Should().Be(1, strict.ToString());
        strict.Err.Should().Contain("WARN-1.json(7,5): error ELIG2021:");
        strict.Out.Should().Contain("1 error(s), 0 warning(s), 0 info");
    }

    [Test]
    public void Errors_exit_1_with_one_msbuild_line_per_diagnostic()
    {
        string folder = TestPaths.Fixture("broken");
        var r = CliRunner.Run("validate", folder);

        r.ExitCode.Should().Be(1, r.ToString());
        r.ErrLines.Should().OnlyContain(line => MsBuildLine().IsMatch(line), "every diagnostic is one MSBuild-format line");
        r.Err.Should().Contain(Path.Combine(folder, "BROKEN-1.json") + "(10,98): error ELIG2001: concept 'hemoglobin' is not defined in 'concepts'");
        r.Err.Should().Contain(Path.Combine(folder, "SYNTAX-1.json") + "(5,3): error ELIG0001: ");
        r.Out.Should().Be("3 file(s) checked: 4 error(s), 1 warning(s), 0 info\n");
    }

    [Test]
    public void Case_files_are_checked_for_their_rule_file_patients_and_criterion_ids()
    {
        string orphan = TestPaths.Fixture("broken", "ORPHAN.cases.json");
        var r = CliRunner.Run("validate", orphan);

        r.ExitCode.Should().Be(1, r.ToString());
        r.Err.Should().Contain(orphan + "(2,12): error ELIG4002: the rule file 'MISSING.json' does not exist");

        // The inline patient's own diagnostic is positioned inside the case file, at the bad value.
        string line4 = File.ReadAllLines(orphan)[3];
        int column = line4.IndexOf("\"1985-13-01\"", StringComparison.Ordinal) + 1;
        r.Err.Should().Contain($"{orphan}(4,{column}): error ELIG3002: '1985-13-01' is not a date");

        string failing = TestPaths.Fixture("failing", "TINY-1.failing.cases.json");
        var f = CliRunner.Run("validate", failing);
        f.ExitCode.Should().Be(1, f.ToString());
        f.Err.Should().MatchRegex(@"TINY-1\.failing\.cases\.json\(\d+,\d+\): error ELIG4003: case 'unknown criterion id' expects an outcome for EXCL99");
        f.Err.Should().MatchRegex(@"TINY-1\.failing\.cases\.json\(\d+,\d+\): error ELIG4005: case 'no as-of anywhere' has no as-of date");
        f.Out.Should().StartWith("2 file(s) checked", "the rule file reached through the case file is checked too");
    }

    [Test]
    public void Nested_part_ids_in_expect_are_known()
    {
        // TINY-1.cases.json expects EXCL02.1 and EXCL02.2, which are nested parts.
        File.ReadAllText(TestPaths.TinyCases).Should().Contain("\"EXCL02.1\"");
        CliRunner.Run("validate", TestPaths.TinyCases).ExitCode.Should().Be(0);
    }

    [Test]
    public void A_missing_path_exits_2()
    {
        string missing = TestPaths.Fixture("no-such-folder");
        var r = CliRunner.Run("validate", missing);

        r.ExitCode.Should().Be(2);
        r.Err.Should().Contain(missing + ": error ELIG0002: no such file or folder");
    }

    [Test]
    public void No_path_exits_2()
    {
        CliRunner.Run("validate").ExitCode.Should().Be(2);
    }

    [Test]
    public void Sarif_goes_to_stdout_as_sarif_2_1_0()
    {
        var r = CliRunner.Run("validate", TestPaths.Fixture("broken"), "--format", "sarif");

        r.ExitCode.Should().Be(1, r.ToString());
        using var doc = JsonDocument.Parse(r.Out);
        var root = doc.RootElement;
        root.GetProperty("version").GetString().Should().Be("2.1.0");
        root.GetProperty("$schema").GetString().Should().Contain("sarif-2.1.0");
        var run = root.GetProperty("runs")[0];
        run.GetProperty("tool").GetProperty("driver").GetProperty("name").GetString().Should().Be("eligibility");
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().Select(x => x.GetProperty("id").GetString()).ToList();
        var results = run.GetProperty("results").EnumerateArray().ToList();
        results.Should().HaveCount(5);
        foreach (var result in results)
        {
            string id = result.GetProperty("ruleId").GetString()!;
            rules.Should().Contain(id);
            result.GetProperty("ruleIndex").GetInt32().Should().Be(rules.IndexOf(id));
            result.GetProperty("level").GetString().Should().BeOneOf("error", "warning");
            result.GetProperty("message").GetProperty("text").GetString().Should().NotBeNullOrEmpty();
            var location = result.GetProperty("locations")[0].GetProperty("physicalLocation");
            location.GetProperty("artifactLocation").GetProperty("uri").GetString().Should().NotBeNullOrEmpty();
            location.GetProperty("region").GetProperty("startLine").GetInt32().Should().BeGreaterThan(0);
        }

        results.Should().Contain(x => x.GetProperty("ruleId").GetString() == "ELIG2001" && x.GetProperty("level").GetString() == "error");
        results.Should().Contain(x => x.GetProperty("ruleId").GetString() == "ELIG2021" && x.GetProperty("level").GetString() == "warning");
        r.Err.Should().Contain("3 file(s) checked: 4 error(s), 1 warning(s), 0 info");
    }

    [Test]
    public void Sarif_output_file_leaves_stdout_empty()
    {
        string dir = TestPaths.NewTempFolder();
        try
        {
            string file = Path.Combine(dir, "sub", "eligibility.sarif");
            var r = CliRunner.Run("validate", TestPaths.Fixture("rules"), "--format", "sarif", "--output", file);

            r.ExitCode.Should().Be(0, r.ToString());
            r.Out.Should().BeEmpty();
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            doc.RootElement.GetProperty("runs")[0].GetProperty("results").GetArrayLength().Should().Be(0);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void Information_is_printed_and_counted_but_never_fails()
    {
        string dir = TestPaths.NewTempFolder();
        try
        {
            string rules = TerminologyFixtures.WriteMalignancyRules(dir);
            var r = CliRunner.Run("validate", rules);

            r.ExitCode.Should().Be(0, r.ToString());
            r.ErrLines.Should().ContainSingle().Which.Should().StartWith($"{rules}(6,5): info ELIG2026: SNOMED CT and RxNorm bindings in this file match only the codes they list");
            r.ErrLines.Should().OnlyContain(line => MsBuildLine().IsMatch(line));
            r.Out.Should().Be("1 file(s) checked: 0 error(s), 0 warning(s), 1 info\n");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void Warnings_as_errors_promotes_warnings_but_not_information()
    {
        string dir = TestPaths.NewTempFolder();
        try
        {
            string rules = TerminologyFixtures.WriteMalignancyRules(dir);
            var infoOnly = CliRunner.Run("validate", rules, "--warnings-as-errors");
            infoOnly.ExitCode.Should().Be(0, infoOnly.ToString());
            infoOnly.Err.Should().Contain("info ELIG2026").And.NotContain("error ELIG2026");
            infoOnly.Out.Should().Be("1 file(s) checked: 0 error(s), 0 warning(s), 1 info\n");

            var mixed = CliRunner.Run("validate", rules, TestPaths.Fixture("warnings", "WARN-1.json"), "--warnings-as-errors");
            mixed.ExitCode.Should().Be(1, mixed.ToString());
            mixed.Err.Should().Contain("error ELIG2021").And.Contain("info ELIG2026");
            mixed.Out.Should().Be("2 file(s) checked: 1 error(s), 0 warning(s), 1 info\n");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void Sarif_reports_information_as_a_note()
    {
        string dir = TestPaths.NewTempFolder();
        try
        {
            string rules = TerminologyFixtures.WriteMalignancyRules(dir);
            var r = CliRunner.Run("validate", rules, TestPaths.Fixture("warnings", "WARN-1.json"), "--format", "sarif", "--warnings-as-errors");

            r.ExitCode.Should().Be(1, r.ToString());
            using var doc = JsonDocument.Parse(r.Out);
            var run = doc.RootElement.GetProperty("runs")[0];
            var results = run.GetProperty("results").EnumerateArray().ToDictionary(x => x.GetProperty("ruleId").GetString()!, x => x.GetProperty("level").GetString());
            results.Should().Equal(new Dictionary<string, string?> { ["ELIG2026"] = "note", ["ELIG2021"] = "error" });
            run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray()
                .Single(x => x.GetProperty("id").GetString() == "ELIG2026").GetProperty("name").GetString().Should().Be("BindingsListedOnly");
            r.Err.Should().Contain("2 file(s) checked: 1 error(s), 0 warning(s), 1 info");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void Output_without_sarif_exits_2()
    {
        CliRunner.Run("validate", TestPaths.TinyRules, "--output", "x.sarif").ExitCode.Should().Be(2);
    }
}
