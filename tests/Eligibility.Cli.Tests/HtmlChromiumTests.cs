using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Eligibility.Cli.Tests;

/// <summary>
/// The HTML report opened in headless Chromium (Debian's <c>chromium</c> package; CI installs it with
/// <c>apt-get install -y chromium</c>). Without the browser these tests fail: a report no browser ever opened is not tested.
/// </summary>
[TestFixture]
public sealed class HtmlChromiumTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Test]
    public void The_report_renders_in_chromium_with_trial_verdict_criteria_and_what_to_collect()
    {
        string dom = RenderInChromium(TestPaths.Fixture("patients", "tiny-undetermined.json"));

        dom.Should().Contain("TINY-1 — Tiny fixture trial");
        Regex.IsMatch(dom, "<span id=\"verdict\" class=\"verdict verdict-undetermined\">undetermined</span>").Should().BeTrue();
        dom.Should().Contain("<dd id=\"patient\">tiny-17</dd>");
        dom.Should().Contain("2026-01-15");
        foreach (string id in new[] { "INCL01", "INCL02", "INCL03", "EXCL01", "EXCL02" })
        {
            dom.Should().Contain($"data-id=\"{id}\"");
        }

        // Grouped by outcome: EXCL02 (unknown) sits in the unknown section, INCL03 in review, EXCL01 in met.
        Section(dom, "unknown").Should().Contain("data-id=\"EXCL02\"").And.Contain("EXCL02.1");
        Section(dom, "review").Should().Contain("data-id=\"INCL03\"");
        Section(dom, "pass").Should().Contain("data-id=\"EXCL01\"").And.Contain("1.25 × ULN");
        Section(dom, "fail").Should().Contain("None.");

        // What to collect next comes from "missing".
        Section(dom, "collect-next", prefix: "").Should().Contain("hemoglobin");
    }

    [Test]
    public void An_eligible_patient_renders_with_nothing_missing()
    {
        string dom = RenderInChromium(TestPaths.Fixture("patients", "tiny-eligible.json"));

        dom.Should().Contain("verdict-eligible\">eligible</span>");
        Section(dom, "collect-next", prefix: "").Should().Contain("No data is missing.");
        Section(dom, "pass").Should().Contain("data-id=\"INCL03\"", "the recorded consent answers the judgement");
    }

    private static string Section(string dom, string name, string prefix = "outcome-")
    {
        int start = dom.IndexOf($"<section id=\"{prefix}{name}\"", StringComparison.Ordinal);
        start.Should().BeGreaterThanOrEqualTo(0, $"the page should have a section {prefix}{name}");
        int end = dom.IndexOf("</section>", start, StringComparison.Ordinal);
        return dom[start..end];
    }

    private static string RenderInChromium(string patient)
    {
        if (!File.Exists(Chromium))
        {
            Assert.Fail($"{Chromium} is missing: install Debian's chromium package (apt-get install -y chromium) to test the HTML report.");
        }

        string dir = TestPaths.NewTempFolder();
        try
        {
            var r = CliRunner.Run("evaluate", "--rules", TestPaths.TinyRules, "--patient", patient, "--format", "html");
            r.ExitCode.Should().Be(0, r.ToString());
            string page = Path.Combine(dir, "report.html");
            File.WriteAllText(page, r.Out);

            var info = new ProcessStartInfo(Chromium)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string arg in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--disable-sync", "--user-data-dir=" + Path.Combine(dir, "profile"), "--dump-dom", new Uri(page).AbsoluteUri,
            })
            {
                info.ArgumentList.Add(arg);
            }

            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(true);
                Assert.Fail("chromium did not finish within 2 minutes");
            }

            string dom = stdout.Result;
            dom.Should().Contain("</html>", $"chromium should dump the DOM (exit {process.ExitCode}; stderr: {stderr.Result})");
            return dom;
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
