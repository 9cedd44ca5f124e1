using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Eligibility.Cli.Tests;

/// <summary>
/// The shipped reference trials (rules/) and native sample patients (samples/patients/): the canonical criterion IDs of
/// the protocols (as rendered in docs/trials/), and each sample's verdict and non-passing criteria as samples/README.md states them.
/// </summary>
[TestFixture]
public sealed class ReferenceTrialTests
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Root => Path.GetFullPath(Path.Combine(TestPaths.Project, "..", ".."));

    // INCL01–INCLnn and EXCL01–EXCLnn per trial, in source order.
    [TestCase("NCT07077486", 5, 24)]
    [TestCase("NCT06394063", 4, 9)]
    [TestCase("TELI-BELI-SLE", 4, 6)]
    [TestCase("NCT06546540", 6, 14)]
    [TestCase("NCT07008196", 5, 10)]
    public void Each_rule_file_has_the_canonical_criterion_ids(string trial, int inclusions, int exclusions)
    {
        var compiled = RuleCompiler.CompileFile(Path.Combine(Root, "rules", trial + ".json"));

        compiled.Diagnostics.Where(d => d.IsError).Should().BeEmpty();
        compiled.Evaluator!.Trial.Id.Should().Be(trial);
        var expected = Enumerable.Range(1, inclusions).Select(n => $"INCL{n:00}")
            .Concat(Enumerable.Range(1, exclusions).Select(n => $"EXCL{n:00}"));
        compiled.Evaluator.Criteria.Select(c => c.Id).Should().Equal(expected);
        compiled.Evaluator.Criteria.Should().AllSatisfy(c => c.Text.Should().NotBeNullOrWhiteSpace());
    }

    // samples/README.md: file → verdict, and every criterion that does not pass with its outcome.
    [TestCase("NCT07077486-eligible", "eligible", "")]
    [TestCase("NCT07077486-high-alt", "ineligible", "EXCL01=fail")]
    [TestCase("NCT07077486-no-rhc", "review", "EXCL13=review")]
    [TestCase("NCT06394063-eligible", "eligible", "")]
    [TestCase("NCT06394063-recent-rituximab", "ineligible", "EXCL03=fail")]
    [TestCase("NCT06394063-new-nephritis-no-igg", "undetermined", "EXCL08=unknown")]
    [TestCase("TELI-BELI-SLE-eligible", "eligible", "")]
    [TestCase("TELI-BELI-SLE-hemodialysis", "ineligible", "EXCL02=fail")]
    [TestCase("TELI-BELI-SLE-unclassified", "undetermined", "INCL02=unknown")]
    [TestCase("NCT06546540-eligible", "eligible", "")]
    [TestCase("NCT06546540-live-vaccine", "ineligible", "EXCL07=fail")]
    [TestCase("NCT06546540-old-fvc", "undetermined", "INCL03=unknown")]
    [TestCase("NCT07008196-eligible", "eligible", "")]
    [TestCase("NCT07008196-low-creatinine-clearance", "ineligible", "INCL05=fail")]
    [TestCase("NCT07008196-no-weight", "undetermined", "INCL05=unknown")]
    public void Each_sample_patient_screens_as_the_samples_readme_says(string sample, string verdict, string notPassing)
    {
        string trial = sample.StartsWith("TELI-BELI-SLE", StringComparison.Ordinal) ? "TELI-BELI-SLE" : sample[..sample.IndexOf('-', StringComparison.Ordinal)];
        var r = CliRunner.Run("evaluate", "--rules", Path.Combine(Root, "rules", trial + ".json"),
            "--patient", Path.Combine(Root, "samples", "patients", sample + ".json"), "--format", "json");

        r.ExitCode.Should().Be(0, r.ToString());
        using var json = JsonDocument.Parse(r.Out);
        json.RootElement.GetProperty("verdict").GetString().Should().Be(verdict);
        json.RootElement.GetProperty("asOf").GetString().Should().Be("2026-01-15", "every sample carries its screening date");
        var actual = json.RootElement.GetProperty("criteria").EnumerateArray()
            .Where(c => c.GetProperty("outcome").GetString() != "pass")
            .Select(c => c.GetProperty("id").GetString() + "=" + c.GetProperty("outcome").GetString());
        actual.Should().Equal(notPassing.Length == 0 ? [] : notPassing.Split(' '));
    }

    [Test]
    public void The_shipped_patients_ndjson_is_every_sample_patient_one_per_line()
    {
        // samples/patients.ndjson (the screen example's input) is samples/patients/*.json in file-name order, one compact
        // record per line. UPDATE_GOLDEN=1 rewrites it from the files.
        var files = Directory.GetFiles(Path.Combine(Root, "samples", "patients"), "*.json").Order(StringComparer.Ordinal).ToList();
        string ndjson = Path.Combine(Root, "samples", "patients.ndjson");
        if (GoldenFile.Updating)
        {
            File.WriteAllText(ndjson, string.Concat(files.Select(f => JsonNode.Parse(File.ReadAllText(f))!.ToJsonString(Compact) + "\n")));
        }

        var lines = File.ReadAllText(ndjson).Split('\n');
        lines[^1].Should().BeEmpty("the file ends with a newline");
        lines[..^1].Should().HaveCount(files.Count);
        for (int i = 0; i < files.Count; i++)
        {
            lines[i].Should().NotContain("\r");
            JsonNode.DeepEquals(JsonNode.Parse(lines[i]), JsonNode.Parse(File.ReadAllText(files[i])))
                .Should().BeTrue($"line {i + 1} of samples/patients.ndjson should be {Path.GetFileName(files[i])} (rerun with UPDATE_GOLDEN=1)");
        }
    }

    [Test]
    public void Screening_the_shipped_ndjson_gives_each_sample_its_verdict_for_its_trial()
    {
        string dir = TestPaths.NewTempFolder();
        try
        {
            string results = Path.Combine(dir, "results.ndjson");
            var r = CliRunner.Run("screen", "--rules", Path.Combine(Root, "rules"), "--patients", Path.Combine(Root, "samples", "patients.ndjson"), "--out", results);

            r.ExitCode.Should().Be(0, r.ToString());
            r.Err.Should().Contain("Screened 15 record(s) against 5 trial(s)").And.Contain("15 evaluated, 0 error row(s)");
            r.Err.Should().Contain("Answer warnings: none.");
            var rows = File.ReadAllLines(results).Select(l => JsonNode.Parse(l)!).ToList();
            rows.Should().HaveCount(15 * 5);
            string Verdict(string patient, string trial) => rows.Single(x => x["patient"]!.GetValue<string>() == patient && x["trial"]!.GetValue<string>() == trial)["verdict"]!.GetValue<string>();
            Verdict("sample-sle-ild-03", "NCT07077486").Should().Be("review");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void Every_sample_patient_is_covered_above()
    {
        var files = Directory.GetFiles(Path.Combine(Root, "samples", "patients"), "*.json").Select(Path.GetFileNameWithoutExtension);
        files.Should().HaveCount(15, "add a test case above for each new sample");
    }
}
