using System.Text.RegularExpressions;

namespace Eligibility.Cli.Tests;

/// <summary>
/// The HTML pages — the patient report of <c>evaluate --format html</c> and the screening summary of
/// <c>screen --report</c> — opened in headless Chromium (see <see cref="Chromium"/> for where it is found; without it
/// these tests are reported as not run, and in CI, where <c>ELIGIBILITY_REQUIRE_CHROMIUM=1</c>, they fail).
/// </summary>
[TestFixture]
public sealed class HtmlChromiumTests
{
    [Test]
    public void The_report_renders_in_chromium_with_trial_headline_criteria_and_what_to_collect()
    {
        string dom = RenderPatientReport(TestPaths.Fixture("patients", "tiny-undetermined.json"));

        dom.Should().Contain("TINY-1 — Tiny fixture trial");
        Regex.IsMatch(dom, "<span id=\"verdict\" class=\"verdict verdict-undetermined\" data-verdict=\"undetermined\">Undetermined</span>").Should().BeTrue();
        dom.Should().Contain("<span id=\"remains\">collect: hemoglobin within the last 28 days; then 1 question for the investigator</span>");
        dom.Should().Contain("<dd id=\"patient\">tiny-17</dd>");
        dom.Should().Contain("2026-01-15");
        foreach (string id in new[] { "INCL01", "INCL02", "INCL03", "EXCL01", "EXCL02" })
        {
            dom.Should().Contain($"data-id=\"{id}\"");
        }

        // Grouped by what the outcome means for the patient.
        Section(dom, "unknown").Should().Contain("data-id=\"EXCL02\"").And.Contain("EXCL02.1").And.Contain("hemoglobin within the last 28 days");
        Section(dom, "review").Should().Contain("data-id=\"INCL03\"").And.Contain("awaiting investigator").And.Contain("informed consent signed");
        Section(dom, "met").Should().Contain("data-id=\"INCL01\"").And.Contain("data-id=\"INCL02\"").And.NotContain("data-id=\"EXCL01\"", "an exclusion that does not apply is not 'met'");
        Section(dom, "does-not-apply").Should().Contain("data-id=\"EXCL01\"").And.Contain("does not apply").And.Contain("1.25 × ULN");
        Section(dom, "fail").Should().Contain("None.");

        Section(dom, "collect-next", prefix: "").Should().Contain("hemoglobin within the last 28 days").And.Contain("to decide EXCL02");
        Section(dom, "questions", prefix: "").Should().Contain("informed consent signed").And.Contain("INCL03");
    }

    [Test]
    public void An_eligible_patient_renders_with_nothing_missing_or_pending()
    {
        string dom = RenderPatientReport(TestPaths.Fixture("patients", "tiny-eligible.json"));

        dom.Should().Contain("verdict-eligible\" data-verdict=\"eligible\">Eligible</span>").And.Contain("every criterion met");
        Section(dom, "collect-next", prefix: "").Should().Contain("No data is missing.");
        Section(dom, "questions", prefix: "").Should().Contain("No question awaits the investigator.");
        Section(dom, "met").Should().Contain("data-id=\"INCL03\"", "the recorded consent answers the judgement");
    }

    [Test]
    public void A_review_patient_renders_the_question_and_no_claim_that_everything_is_met()
    {
        string dom = RenderPatientReport(TestPaths.Fixture("patients", "tiny-review.json"));

        dom.Should().Contain("verdict-review\" data-verdict=\"review\">Needs review</span>").And.Contain("1 question for the investigator");
        dom.Should().NotContain("every criterion met");
        Section(dom, "review").Should().Contain("data-id=\"INCL03\"");
        Section(dom, "questions", prefix: "").Should().Contain("informed consent signed");
    }

    [Test]
    public void The_screening_report_renders_in_chromium_with_a_funnel_bars_and_tables_per_trial()
    {
        string chromium = Chromium.RequireOrIgnore();
        string dir = TestPaths.NewTempFolder();
        try
        {
            string input = Path.Combine(dir, "patients.ndjson");
            File.WriteAllText(input, ScreenReportTests.Input());
            string page = Path.Combine(dir, "screening.html");
            var r = CliRunner.Run("screen", "--rules", TestPaths.TinyRules, TestPaths.Fixture("warnings", "WARN-1.json"), "--patients", input,
                "--out", Path.Combine(dir, "results.ndjson"), "--report", page);
            r.ExitCode.Should().Be(0, r.ToString());

            string dom = Chromium.DumpDom(chromium, page, dir);

            dom.Should().Contain("<h1 id=\"title\">Screening summary</h1>");
            dom.Should().NotContain("<script");
            foreach (string trial in new[] { "TINY-1", "WARN-1" })
            {
                string section = TrialSection(dom, trial);
                Regex.Matches(section, "<svg class=\"funnel\"").Should().HaveCount(1);
                Regex.Matches(section, "<svg class=\"criteria-bars\"").Should().HaveCount(1);
                section.Should().Contain("<table class=\"verdicts\">").And.Contain("<table class=\"attrition\">");
            }

            // TINY-1: 12 patients, 3 of each verdict; the funnel goes 12 → … → 9 (no criterion excluded 9 of them).
            string tiny = TrialSection(dom, "TINY-1");
            Regex.Matches(tiny, "<g class=\"step\"").Should().HaveCount(6, "'evaluated' and one step per criterion");
            tiny.Should().Contain("<g class=\"step\" data-id=\"evaluated\" data-remaining=\"12\">");
            tiny.Should().Contain("<g class=\"step\" data-id=\"EXCL02\" data-remaining=\"9\">");
            tiny.Should().Contain("<g class=\"criterion\" data-id=\"EXCL02\" data-excluded=\"3\" data-unknown=\"3\" data-review=\"0\">");
            tiny.Should().Contain("<g class=\"criterion\" data-id=\"INCL03\" data-excluded=\"0\" data-unknown=\"0\" data-review=\"9\">");
            Regex.IsMatch(tiny, "<tr data-verdict=\"review\"><td class=\"v-review\">Needs review</td><td class=\"n\">3</td>").Should().BeTrue();
            Regex.Matches(tiny, "<rect ").Count.Should().BeGreaterThan(6);

            dom.Should().Contain("<section id=\"unrecognised-codes\">").And.Contain("<section id=\"answer-warnings\">");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static string TrialSection(string dom, string trial)
    {
        int start = dom.IndexOf($"<section class=\"trial\" id=\"trial-{trial}\"", StringComparison.Ordinal);
        start.Should().BeGreaterThanOrEqualTo(0, $"the page should have a section for {trial}");
        int end = dom.IndexOf("</section>", start, StringComparison.Ordinal);
        return dom[start..end];
    }

    private static string Section(string dom, string name, string prefix = "outcome-")
    {
        int start = dom.IndexOf($"<section id=\"{prefix}{name}\"", StringComparison.Ordinal);
        start.Should().BeGreaterThanOrEqualTo(0, $"the page should have a section {prefix}{name}");
        int end = dom.IndexOf("</section>", start, StringComparison.Ordinal);
        return dom[start..end];
    }

    private static string RenderPatientReport(string patient)
    {
        string chromium = Chromium.RequireOrIgnore();
        string dir = TestPaths.NewTempFolder();
        try
        {
            var r = CliRunner.Run("evaluate", "--rules", TestPaths.TinyRules, "--patient", patient, "--format", "html");
            r.ExitCode.Should().Be(0, r.ToString());
            string page = Path.Combine(dir, "report.html");
            File.WriteAllText(page, r.Out);
            return Chromium.DumpDom(chromium, page, dir);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
