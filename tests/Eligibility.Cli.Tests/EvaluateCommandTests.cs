using System.Text.Json;
using Eligibility.Fhir;

namespace Eligibility.Cli.Tests;

[TestFixture]
public sealed class EvaluateCommandTests
{
    private static string Undetermined => TestPaths.Fixture("patients", "tiny-undetermined.json");

    private static string Review => TestPaths.Fixture("patients", "tiny-review.json");

    [Test]
    public void Text_output_matches_the_golden_file()
    {
        var r = CliRunner.Run("evaluate", "--rules", TestPaths.TinyRules, "--patient", Undetermined);

        r.ExitCode.Should().Be(0, r.ToString());
        r.Out.Should().NotContain("\u001b[", "in-process output is not a terminal, so it has no colour");
        r.Out.Should().StartWith("TINY-1 — Tiny fixture trial\n");
        r.Out.Should().Contain("as of 2026-01-15 (from the patient record)");
        r.Out.Should().Contain("Verdict: Undetermined — collect: hemoglobin within the last 28 days; then 1 question for the investigator");
        r.Out.Should().Contain("│ data missing: hemoglobin     │").And.Contain("│ awaiting investigator:       │");
        r.Out.Should().Contain("  - hemoglobin within the last 28 days (to decide EXCL02)").And.Contain("  - informed consent signed (INCL03)");
        r.Out.Should().Contain("does not apply").And.NotContain("Every criterion is met");
        GoldenFile.Verify("evaluate.txt", r.Out);
    }

    [TestCase("text", "evaluate-review.txt")]
    [TestCase("markdown", "evaluate-review.md")]
    [TestCase("json", "evaluate-review.json")]
    [TestCase("html", "evaluate-review.html")]
    public void A_review_verdict_matches_its_golden_file(string format, string golden)
    {
        var r = CliRunner.Run("evaluate", "--rules", TestPaths.TinyRules, "--patient", Review, "--format", format);

        r.ExitCode.Should().Be(0, r.ToString());
        GoldenFile.Verify(golden, r.Out);
        if (format == "json")
        {
            using var doc = JsonDocument.Parse(r.Out);
            doc.RootElement.GetProperty("verdict").GetString().Should().Be("review");
            doc.RootElement.GetProperty("criteria")[2].GetProperty("outcome").GetString().Should().Be("review", "JSON keeps the machine names");
            doc.RootElement.GetProperty("needsReview").EnumerateArray().Select(e => e.GetString()).Should().Equal("INCL03");
        }
        else
        {
            r.Out.Should().Contain("Needs review").And.Contain("1 question for the investigator").And.Contain("informed consent signed");
            r.Out.Should().NotContain("every criterion met", "consent is still pending");
        }
    }

    [Test]
    public void The_headline_says_what_remains_for_each_verdict()
    {
        string Headline(string patient) =>
            CliRunner.Run("evaluate", "--rules", TestPaths.TinyRules, "--patient", patient).OutLines.Single(l => l.StartsWith("Verdict: ", StringComparison.Ordinal));

        Headline(TestPaths.Fixture("patients", "tiny-eligible.json")).Should().Be("Verdict: Eligible — every criterion met");
        Headline(Review).Should().Be("Verdict: Needs review — 1 question for the investigator");
        Headline(Undetermined).Should().Be("Verdict: Undetermined — collect: hemoglobin within the last 28 days; then 1 question for the investigator");

        string dir = TestPaths.NewTempFolder();
        try
        {
            // Aged 17 (INCL01 not met) with ALT 5 × ULN (EXCL01 applies).
            string patient = Path.Combine(dir, "ineligible.json");
            File.WriteAllText(patient, File.ReadAllText(Review).Replace("\"1985-06-01\"", "\"2008-06-01\"", StringComparison.Ordinal).Replace("\"value\": 50", "\"value\": 200", StringComparison.Ordinal));
            var r = CliRunner.Run("evaluate", "--rules", TestPaths.TinyRules, "--patient", patient);
            r.OutLines.Single(l => l.StartsWith("Verdict: ", StringComparison.Ordinal)).Should().Be("Verdict: Ineligible — excluded by EXCL01; INCL01 not met");
            r.Out.Should().Contain("applies — excludes").And.Contain("not met");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void Answers_no_criterion_can_use_are_warned_about_at_their_position()
    {
        string patient = TestPaths.Fixture("patients", "tiny-stray-answers.json");
        var r = CliRunner.Run("evaluate", "--rules", TestPaths.TinyRules, "--patient", patient, "--format", "json");

        r.ExitCode.Should().Be(0, r.ToString());
        r.ErrLines.Where(l => l.Contains(": warning ELIG300", StringComparison.Ordinal)).Should().Equal(
            $"{patient}(16,5): warning ELIG3005: the answer to 'TINY-2/INCL03' names trial 'TINY-2', which is none of the trials evaluated (TINY-1); it is not used — check the trial ID",
            $"{patient}(17,5): warning ELIG3006: the answer to 'TINY-1/INCL09' names 'INCL09', which trial TINY-1 does not have; it is not used — check the criterion ID",
            $"{patient}(18,5): warning ELIG3007: the answer to 'TINY-1/EXCL01' names a criterion part that is computed, with no judgement beneath it; it is not used (answers never override computed parts)");
        JsonDocument.Parse(r.Out).RootElement.GetProperty("verdict").GetString().Should().Be("eligible", "the valid consent answer still counts");

        CliRunner.Run("evaluate", "--rules", TestPaths.TinyRules, "--patient", TestPaths.Fixture("patients", "tiny-eligible.json")).Err.Should().NotContain("ELIG300");
    }

    [Test]
    public void Json_output_matches_the_golden_file_and_the_contract_shape()
    {
        var r = CliRunner.Run("evaluate", "--rules", TestPaths.TinyRules, "--patient", Undetermined, "--format", "json");

        r.ExitCode.Should().Be(0, r.ToString());
        GoldenFile.Verify("evaluate.json", r.Out);
        r.Err.Should().Contain("as-of 2026-01-15 (from the patient record)", "the as-of source goes to stderr so stdout stays pure JSON");

        using var doc = JsonDocument.Parse(r.Out);
        var root = doc.RootElement;
        root.GetProperty("trial").GetString().Should().Be("TINY-1");
        root.GetProperty("patient").GetString().Should().Be("tiny-17");
        root.GetProperty("asOf").GetString().Should().Be("2026-01-15");
        root.GetProperty("verdict").GetString().Should().Be("undetermined");
        root.GetProperty("criteria").EnumerateArray().Select(c => c.GetProperty("id").GetString())
            .Should().Equal("INCL01", "INCL02", "INCL03", "EXCL01", "EXCL02");
        root.GetProperty("needsReview").EnumerateArray().Select(e => e.GetString()).Should().Equal("INCL03");
        root.GetProperty("missing").GetArrayLength().Should().BeGreaterThan(0);
        var excl02 = root.GetProperty("criteria")[4];
        excl02.GetProperty("outcome").GetString().Should().Be("unknown");
        excl02.GetProperty("parts").EnumerateArray().Select(p => p.GetProperty("id").GetString()).Should().Equal("EXCL02.1", "EXCL02.2");
    }

    [Test]
    public void Json_output_is_what_ResultJson_writes()
    {
        var r = CliRunner.Run("evaluate", "--rules", TestPaths.TinyRules, "--patient", Undetermined, "--format", "json");

        var evaluator = RuleCompiler.CompileFile(TestPaths.TinyRules).Evaluator!;
        var patient = Eligibility.Patients.PatientReader.ReadFile(Undetermined).Patient!;
        string expected = ResultJson.ToJson(evaluator.Evaluate(patient, new DateOnly(2026, 1, 15)));
        r.Out.Should().Be(expected + "\n");
    }

    [Test]
    public void Markdown_output_matches_the_golden_file()
    {
        var r = CliRunner.Run("evaluate", "--rules", TestPaths.TinyRules, "--patient", Undetermined, "--format", "markdown");

        r.ExitCode.Should().Be(0, r.ToString());
        r.Out.Should().Contain("| EXCL02 | exclusion | **data missing: hemoglobin within the last 28 days** |");
        r.Out.Should().Contain("| EXCL01 | exclusion | does not apply |");
        r.Out.Should().Contain("## What to collect next").And.Contain("## Questions for the investigator");
        GoldenFile.Verify("evaluate.md", r.Out);
    }

    [Test]
    public void Html_output_is_one_self_contained_page()
    {
        var r = CliRunner.Run("evaluate", "--rules", TestPaths.TinyRules, "--patient", Undetermined, "--format", "html");

        r.ExitCode.Should().Be(0, r.ToString());
        r.Out.Should().StartWith("<!DOCTYPE html>");
        r.Out.Should().Contain("<style>").And.Contain("@media print");
        r.Out.Should().NotContainAny("<script", "<link", "src=", "href=", "url(", "@import");
        r.Out.Should().Contain("id=\"outcome-unknown\"").And.Contain("id=\"collect-next\"");
        GoldenFile.Verify("evaluate.html", r.Out);
    }

    [Test]
    public void As_of_option_overrides_the_record()
    {
        var r = CliRunner.Run("evaluate", "--rules", TestPaths.TinyRules, "--patient", Undetermined, "--as-of", "2026-02-01", "--format", "json");

        r.ExitCode.Should().Be(0, r.ToString());
        JsonDocument.Parse(r.Out).RootElement.GetProperty("asOf").GetString().Should().Be("2026-02-01");
        r.Err.Should().Contain("as-of 2026-02-01 (from --as-of)");
    }

    [Test]
    public void Without_as_of_anywhere_today_is_used_and_said()
    {
        string dir = TestPaths.NewTempFolder();
        try
        {
            string patient = Path.Combine(dir, "no-as-of.json");
            File.WriteAllText(patient, """{ "id": "x", "birthDate": "1985-06-01", "sex": "female" }""");

            var text = CliRunner.Run("evaluate", "--rules", TestPaths.TinyRules, "--patient", patient);
            text.ExitCode.Should().Be(0, text.ToString());
            text.Out.Should().Contain("as of 2030-01-02 (today: neither --as-of nor the patient record gives one)");

            var json = CliRunner.Run("evaluate", "--rules", TestPaths.TinyRules, "--patient", patient, "--format", "json");
            JsonDocument.Parse(json.Out).RootElement.GetProperty("asOf").GetString().Should().Be("2030-01-02");
            json.Err.Should().Contain("as-of 2030-01-02 (today");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void Colour_only_on_a_terminal_without_NO_COLOR()
    {
        string[] args = ["evaluate", "--rules", TestPaths.TinyRules, "--patient", Undetermined];
        string Render(bool terminal, bool noColor)
        {
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            EligibilityCli.Run(args, new CliConsole(stdout, stderr, CliRunner.Today) { OutIsTerminal = terminal, NoColor = noColor });
            return stdout.ToString();
        }

        Render(terminal: true, noColor: false).Should().Contain("\u001b[");
        Render(terminal: true, noColor: true).Should().NotContain("\u001b[");
        Render(terminal: false, noColor: false).Should().NotContain("\u001b[");
    }

    [Test]
    public void A_missing_patient_file_exits_2_with_an_msbuild_line()
    {
        string missing = TestPaths.Fixture("patients", "nope.json");
        var r = CliRunner.Run("evaluate", "--rules", TestPaths.TinyRules, "--patient", missing);

        r.ExitCode.Should().Be(2);
        r.Err.Should().Contain($"{missing}: error ELIG0002: ");
        r.Out.Should().BeEmpty();
        r.Err.Should().NotContain("   at ");
    }

    [Test]
    public void An_invalid_patient_exits_2_with_a_positioned_diagnostic()
    {
        string bad = TestPaths.Fixture("patients", "bad-date.json");
        var r = CliRunner.Run("evaluate", "--rules", TestPaths.TinyRules, "--patient", bad);

        r.ExitCode.Should().Be(2);
        r.Err.Should().Contain($"{bad}(4,16): error ELIG3002: '1985-13-01' is not a date");
    }

    [Test]
    public void A_rule_file_with_errors_exits_2()
    {
        string broken = TestPaths.Fixture("broken", "BROKEN-1.json");
        var r = CliRunner.Run("evaluate", "--rules", broken, "--patient", Undetermined);

        r.ExitCode.Should().Be(2);
        r.Err.Should().Contain($"{broken}(10,98): error ELIG2001: concept 'hemoglobin' is not defined");
        r.Out.Should().BeEmpty();
    }

    [Test]
    public void A_lone_fhir_resource_is_refused_with_exit_2()
    {
        string lone = TestPaths.Fixture("patients", "lone-patient-resource.json");
        var r = CliRunner.Run("evaluate", "--rules", TestPaths.TinyRules, "--patient", lone);

        r.ExitCode.Should().Be(2);
        r.Err.Should().Contain($"{lone}(2,19): error ELIG3001: a lone FHIR Patient is not supported; give a Bundle");
    }

    [Test]
    public void A_fhir_bundle_goes_to_the_fhir_reader()
    {
        string bundle = TestPaths.Fixture("patients", "bundle.json");
        var expected = FhirBundleReader.ReadFile(bundle);
        var r = CliRunner.Run("evaluate", "--rules", TestPaths.TinyRules, "--patient", bundle, "--as-of", "2026-01-15", "--format", "json");

        r.Err.Should().NotContain("lone FHIR").And.NotContain("read it with Eligibility.Fhir");
        expected.Patient.Should().NotBeNull("the fixture bundle is valid: {0}", string.Join("; ", expected.Diagnostics));
        r.ExitCode.Should().Be(0, r.ToString());
        using var doc = JsonDocument.Parse(r.Out);
        doc.RootElement.GetProperty("trial").GetString().Should().Be("TINY-1");
        doc.RootElement.GetProperty("patient").GetString().Should().Be(expected.Patient!.Id, "the record the FHIR reader produced was evaluated");
    }

    [TestCase("--format", "xml")]
    [TestCase("--as-of", "2026-13-01")]
    [TestCase("--as-of", "15/01/2026")]
    [TestCase("--bogus", "1")]
    public void Bad_arguments_exit_2(string option, string value)
    {
        var r = CliRunner.Run("evaluate", "--rules", TestPaths.TinyRules, "--patient", Undetermined, option, value);

        r.ExitCode.Should().Be(2, r.ToString());
        r.Err.Should().Contain("eligibility: error:").And.Contain("Run 'eligibility evaluate --help'");
        r.Out.Should().BeEmpty();
    }

    [Test]
    public void Missing_required_options_exit_2()
    {
        var r = CliRunner.Run("evaluate", "--rules", TestPaths.TinyRules);

        r.ExitCode.Should().Be(2);
        r.Err.Should().Contain("--patient");
    }
}
