using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Kind = Eligibility.Cli.Tests.ScreenCommandTests.LineKind;

namespace Eligibility.Cli.Tests;

/// <summary>
/// <c>screen</c>'s summaries in the four verdicts (text, <c>--summary</c> JSON, <c>--report</c> HTML), the funnel of
/// patients remaining, and the investigator answers that no criterion could use. (The HTML page in a browser:
/// <see cref="HtmlChromiumTests"/>.)
/// </summary>
[TestFixture]
public sealed class ScreenReportTests
{
    private string dir = string.Empty;

    [SetUp]
    public void CreateFolder() => dir = TestPaths.NewTempFolder();

    [TearDown]
    public void DeleteFolder() => Directory.Delete(dir, true);

    /// <summary>Twelve TINY-1 patients, three of each verdict, interleaved, plus one malformed line (line 13).</summary>
    public static string Input()
    {
        var sb = new StringBuilder();
        Kind[] kinds = [Kind.Eligible, Kind.Review, Kind.Undetermined, Kind.Ineligible];
        for (int i = 1; i <= 12; i++)
        {
            sb.Append(ScreenCommandTests.Line(i, kinds[(i - 1) % 4])).Append('\n');
        }

        sb.Append(ScreenCommandTests.Line(13, Kind.Malformed)).Append('\n');
        return sb.ToString();
    }

    [Test]
    public void The_text_and_json_summaries_count_the_four_verdicts_in_order_with_the_funnel()
    {
        string input = Write("patients.ndjson", Input());
        string summaryFile = Path.Combine(dir, "summary.json");

        var r = CliRunner.Run("screen", "--rules", TestPaths.TinyRules, "--patients", input, "--out", Path.Combine(dir, "results.ndjson"), "--summary", summaryFile);

        r.ExitCode.Should().Be(0, r.ToString());
        File.ReadAllLines(Path.Combine(dir, "results.ndjson")).Should().HaveCount(13, "never lose records: 12 results and 1 error row");
        r.Err.Should().Contain("  eligible 3, review 3, undetermined 3, ineligible 3, error rows 1");
        r.Err.Should().Contain("│ Criterion │ Type │ Review │ Unknown │ Excluded (fail) │ Remaining │");

        using var doc = JsonDocument.Parse(File.ReadAllText(summaryFile));
        var trial = doc.RootElement.GetProperty("trials")[0];
        trial.GetProperty("verdicts").EnumerateObject().Select(p => $"{p.Name}={p.Value.GetInt32()}")
            .Should().Equal("eligible=3", "review=3", "undetermined=3", "ineligible=3");
        var criteria = trial.GetProperty("criteria").EnumerateArray().ToList();
        criteria.Select(c => c.GetProperty("id").GetString()).Should().Equal("INCL01", "INCL02", "INCL03", "EXCL01", "EXCL02");
        criteria.Select(c => c.GetProperty("remaining").GetInt32()).Should().Equal(12, 12, 12, 12, 9);
        criteria[4].EnumerateObject().Select(p => p.Name).Should().Equal("id", "type", "review", "unknown", "excluded", "remaining");
        criteria[4].GetProperty("excluded").GetInt32().Should().Be(3);
        criteria[4].GetProperty("unknown").GetInt32().Should().Be(3);
        criteria[2].GetProperty("review").GetInt32().Should().Be(9);
        doc.RootElement.GetProperty("answerWarnings").GetProperty("count").GetInt32().Should().Be(0);
    }

    [Test]
    public void The_funnel_counts_a_patient_out_at_the_first_failing_criterion_only()
    {
        // p1 fails INCL01 (aged 17) and EXCL02 (hemoglobin 79); p2 fails only EXCL02; p3 is eligible.
        string young = ScreenCommandTests.Line(1, Kind.Ineligible).Replace("\"1985-06-01\"", "\"2008-06-01\"", StringComparison.Ordinal);
        string input = Write("patients.ndjson", young + "\n" + ScreenCommandTests.Line(2, Kind.Ineligible) + "\n" + ScreenCommandTests.Line(3, Kind.Eligible) + "\n");
        string summaryFile = Path.Combine(dir, "summary.json");

        var r = CliRunner.Run("screen", "--rules", TestPaths.TinyRules, "--patients", input, "--summary", summaryFile);

        r.ExitCode.Should().Be(0, r.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(summaryFile));
        var criteria = doc.RootElement.GetProperty("trials")[0].GetProperty("criteria").EnumerateArray().ToList();
        criteria.Select(c => c.GetProperty("excluded").GetInt32()).Should().Equal([1, 0, 0, 0, 2], "each criterion counts every patient it excludes");
        criteria.Select(c => c.GetProperty("remaining").GetInt32()).Should().Equal([2, 2, 2, 2, 1], "the funnel counts each patient once, at the first failure");
    }

    [Test]
    public void Answers_no_criterion_can_use_are_counted_and_the_first_are_positioned_in_the_input()
    {
        string stray = File.ReadAllText(TestPaths.Fixture("patients", "tiny-stray-answers.json")).ReplaceLineEndings(" ");
        string input = Write("patients.ndjson", ScreenCommandTests.Line(1, Kind.Eligible) + "\n" + stray + "\n" + stray + "\n");
        string summaryFile = Path.Combine(dir, "summary.json");

        var r = CliRunner.Run("screen", "--rules", TestPaths.TinyRules, "--patients", input, "--summary", summaryFile);

        r.ExitCode.Should().Be(0, r.ToString());
        r.OutLines.Should().HaveCount(3);
        r.Err.Should().Contain("Answer warnings: 6 answer(s) named a trial or criterion that does not exist, or a computed part, and were not used (ELIG3005 2, ELIG3006 2, ELIG3007 2). The first 5:");
        var positioned = r.ErrLines.Where(l => l.StartsWith($"  {input}(", StringComparison.Ordinal)).ToList();
        positioned.Should().HaveCount(5);
        positioned[0].Should().MatchRegex(@"\(2,\d+\): warning ELIG3005: the answer to 'TINY-2/INCL03'", "an NDJSON record's answer is positioned at its line");
        positioned[3].Should().MatchRegex(@"\(3,\d+\): warning ELIG3005: ");

        using var doc = JsonDocument.Parse(File.ReadAllText(summaryFile));
        var warnings = doc.RootElement.GetProperty("answerWarnings");
        warnings.GetProperty("count").GetInt32().Should().Be(6);
        warnings.GetProperty("codes").EnumerateObject().Select(p => $"{p.Name}={p.Value.GetInt32()}").Should().Equal("ELIG3005=2", "ELIG3006=2", "ELIG3007=2");
        warnings.GetProperty("first").EnumerateArray().Select(e => "  " + e.GetString()).Should().Equal(positioned);
    }

    [Test]
    public void In_a_folder_answer_warnings_point_at_the_patient_file()
    {
        string folder = Path.Combine(dir, "in");
        Directory.CreateDirectory(folder);
        File.Copy(TestPaths.Fixture("patients", "tiny-stray-answers.json"), Path.Combine(folder, "a.json"));

        var r = CliRunner.Run("screen", "--rules", TestPaths.TinyRules, "--patients", folder);

        r.ExitCode.Should().Be(0, r.ToString());
        r.Err.Should().Contain($"  {Path.Combine(folder, "a.json")}(16,5): warning ELIG3005: ");
        r.Err.Should().Contain($"  {Path.Combine(folder, "a.json")}(18,5): warning ELIG3007: ");
    }

    [Test]
    public void The_report_is_one_self_contained_deterministic_page()
    {
        string input = Write("patients.ndjson", Input());
        string page = Path.Combine(dir, "out", "screening.html");
        string[] args = ["screen", "--rules", TestPaths.TinyRules, "--patients", input, "--out", Path.Combine(dir, "results.ndjson"), "--report", page, "--parallel", "3"];

        var r = CliRunner.Run(args);

        r.ExitCode.Should().Be(0, r.ToString());
        string html = File.ReadAllText(page);
        html.Should().StartWith("<!DOCTYPE html>");
        html.Should().NotContainAny("<script", "<link", "src=", "url(", "@import", "https://");
        Regex.Matches(html, "href=\"([^\"]*)\"").Select(m => m.Groups[1].Value).Should().OnlyContain(h => h.StartsWith('#'), "links stay on the page");
        html.Should().Contain("<svg class=\"funnel\"").And.Contain("<svg class=\"criteria-bars\"");
        html.Should().Contain("data-records=\"13\" data-evaluated=\"12\" data-error-rows=\"1\"");
        html.Should().NotContainAny(DateTime.Now.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), " s:", "elapsed");

        // The same input gives the same bytes, whatever the worker count.
        CliRunner.Run(args[..^1].Append("1").ToArray()).ExitCode.Should().Be(0);
        File.ReadAllText(page).Should().Be(html);
    }

    [Test]
    public void The_report_lists_unrecognised_codes_when_there_are_any()
    {
        string rules = TerminologyFixtures.WriteMalignancyRules(dir);
        string input = Write("patients.ndjson", TerminologyFixtures.Patient("p1", TerminologyFixtures.BreastCancer) + "\n");
        string page = Path.Combine(dir, "screening.html");

        var r = CliRunner.Run("screen", "--rules", rules, "--patients", input, "--report", page);

        r.ExitCode.Should().Be(0, r.ToString());
        string html = File.ReadAllText(page);
        html.Should().Contain("<table class=\"unrecognised\">").And.Contain("254837009").And.Contain("Malignant tumor of breast");
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }
}
