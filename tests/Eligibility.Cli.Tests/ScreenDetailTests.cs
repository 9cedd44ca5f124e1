using System.Text.Json.Nodes;
using Eligibility.Cli.Screening;

namespace Eligibility.Cli.Tests;

/// <summary>
/// <c>screen --detail verdict|criteria|full</c> (issue 14): <c>full</c> is the row screen wrote before the option existed,
/// byte for byte; <c>criteria</c> (the default) and <c>verdict</c> are projections of it; error rows and summaries are the
/// same in every mode.
/// </summary>
[TestFixture]
public sealed class ScreenDetailTests
{
    private static readonly string[] CriteriaKeys = ["line", "trial", "patient", "asOf", "verdict", "criteria", "missing"];
    private static readonly string[] VerdictKeys = ["line", "trial", "patient", "asOf", "verdict"];

    private string dir = string.Empty;

    [SetUp]
    public void CreateFolder() => dir = TestPaths.NewTempFolder();

    [TearDown]
    public void DeleteFolder() => Directory.Delete(dir, true); // the stop hooks are reset by StopInProcessAt itself

    /// <summary>Five sample patients and two bad lines, against a reference trial and TINY-1, on one date.</summary>
    private static string[] Args(string detail, int parallel = 2) =>
    [
        "screen", "--rules", Path.Combine(ScreenData.Root, "rules", "NCT07077486.json"), TestPaths.TinyRules,
        "--patients", TestPaths.Fixture("screen-detail.ndjson"), "--as-of", "2026-01-15", "--parallel", parallel.ToString(System.Globalization.CultureInfo.InvariantCulture),
        .. detail.Length == 0 ? Array.Empty<string>() : ["--detail", detail],
    ];

    [Test]
    public void Full_is_the_row_screen_wrote_before_the_option_byte_for_byte()
    {
        // Golden/screen-full.ndjson was written by the tool as it was before --detail (commit 227f0e9) with these arguments; since then only the wording of the native reader's date error changed (3f36f61).
        var r = CliRunner.Run(Args("full"));

        r.ExitCode.Should().Be(0, r.Err);
        r.Out.Should().Be(File.ReadAllText(Path.Combine(TestPaths.Golden, "screen-full.ndjson")));
    }

    [Test]
    public void The_default_is_criteria()
    {
        var byDefault = CliRunner.Run(Args(string.Empty));
        var criteria = CliRunner.Run(Args("criteria"));

        byDefault.ExitCode.Should().Be(0, byDefault.Err);
        byDefault.Out.Should().Be(criteria.Out);
        byDefault.OutLines.Should().HaveCount(2 * 5 + 2);
    }

    [TestCase("criteria")]
    [TestCase("verdict")]
    public void A_short_row_is_the_full_row_cut_to_its_shape_and_error_rows_are_unchanged(string detail)
    {
        var full = CliRunner.Run(Args("full")).OutLines;
        var r = CliRunner.Run(Args(detail));

        r.ExitCode.Should().Be(0, r.Err);
        r.OutLines.Should().HaveCount(full.Length);
        for (int i = 0; i < full.Length; i++)
        {
            var whole = JsonNode.Parse(full[i])!.AsObject();
            if (whole.ContainsKey("error"))
            {
                r.OutLines[i].Should().Be(full[i], "error rows are the same in every mode");
                continue;
            }

            var row = JsonNode.Parse(r.OutLines[i])!.AsObject();
            row.Select(p => p.Key).Should().Equal(detail == "verdict" ? VerdictKeys : CriteriaKeys);
            foreach (string key in VerdictKeys)
            {
                row[key]!.ToJsonString().Should().Be(whole[key]!.ToJsonString(), key);
            }

            if (detail == "criteria")
            {
                var criteria = row["criteria"]!.AsArray();
                var wholeCriteria = whole["criteria"]!.AsArray();
                criteria.Select(c => c!.AsObject().Select(p => p.Key).ToArray()).Should().AllSatisfy(keys => keys.Should().Equal("id", "outcome"));
                criteria.Select(c => (string)c!["id"]! + "=" + (string)c["outcome"]!)
                    .Should().Equal(wholeCriteria.Select(c => (string)c!["id"]! + "=" + (string)c["outcome"]!), "one entry per top-level criterion, no parts");
                row["missing"]!.ToJsonString().Should().Be(whole["missing"]!.ToJsonString());
            }

            r.OutLines[i].Should().NotContain("\"explanation\"").And.NotContain("\"text\"").And.NotContain("\"parts\"");
        }
    }

    [Test]
    public void The_shapes_are_as_documented()
    {
        string line = CliRunner.Run(Args("criteria")).OutLines[0];
        line.Should().MatchRegex("""^\{"line":1,"trial":"NCT07077486","patient":"[^"]+","asOf":"2026-01-15","verdict":"[a-z]+","criteria":\[\{"id":"INCL01","outcome":"(pass|fail|unknown|review)"\}(,\{"id":"[A-Z0-9]+","outcome":"[a-z]+"\})*\],"missing":\[.*\]\}$""");
        CliRunner.Run(Args("verdict")).OutLines[0].Should().MatchRegex("""^\{"line":1,"trial":"NCT07077486","patient":"[^"]+","asOf":"2026-01-15","verdict":"[a-z]+"\}$""");
    }

    [TestCase("verdict")]
    [TestCase("criteria")]
    [TestCase("full")]
    public void Every_mode_gives_the_same_bytes_for_any_worker_count_and_the_same_summary(string detail)
    {
        string one = Path.Combine(dir, "one.json");
        string four = Path.Combine(dir, "four.json");
        string fullSummary = Path.Combine(dir, "full.json");
        var a = CliRunner.Run([.. Args(detail, parallel: 1), "--summary", one]);
        var b = CliRunner.Run([.. Args(detail, parallel: 4), "--summary", four]);
        CliRunner.Run([.. Args("full"), "--summary", fullSummary]).ExitCode.Should().Be(0);

        a.ExitCode.Should().Be(0, a.Err);
        b.Out.Should().Be(a.Out);
        File.ReadAllText(four).Should().Be(File.ReadAllText(one));
        File.ReadAllText(one).Should().Be(File.ReadAllText(fullSummary), "the summary does not depend on --detail");
        a.Err.Should().Contain("Screened 7 record(s)");
    }

    [Test]
    public void An_unknown_detail_is_refused()
    {
        var r = CliRunner.Run(Args("everything"));

        r.ExitCode.Should().Be(ExitCodes.BadInput, r.ToString());
        r.Err.Should().Contain("everything");
    }

    [TestCase("verdict")]
    [TestCase("criteria")]
    [TestCase("full")]
    public void Each_mode_resumes_to_the_uninterrupted_runs_bytes(string detail)
    {
        string input = Path.Combine(dir, "patients.ndjson");
        File.WriteAllText(input, string.Join("\n", ScreenData.Generate(200, badEvery: 17)) + "\n");
        string reference = Path.Combine(dir, "reference.ndjson");
        string output = Path.Combine(dir, "results.ndjson");
        string[] Run(string outPath) => ["screen", "--rules", TestPaths.TinyRules, "--patients", input, "--out", outPath, "--parallel", "2", "--max-record-bytes", "64K", "--detail", detail];
        CliRunner.Run(Run(reference)).ExitCode.Should().Be(0);

        ScreenResumeTests.StopInProcessAt("line 100", Run(output)).ExitCode.Should().Be(ExitCodes.Interrupted);
        var resumed = CliRunner.Run([.. Run(output), "--resume"]);

        resumed.ExitCode.Should().Be(0, resumed.ToString());
        File.ReadAllBytes(output).Should().Equal(File.ReadAllBytes(reference));
    }

    [Test]
    public void Resume_with_another_detail_is_refused_and_changes_nothing()
    {
        string input = Path.Combine(dir, "patients.ndjson");
        File.WriteAllText(input, string.Join("\n", ScreenData.Generate(100, badEvery: 0)) + "\n");
        string output = Path.Combine(dir, "results.ndjson");
        string[] args = ["screen", "--rules", TestPaths.TinyRules, "--patients", input, "--out", output, "--parallel", "2"];
        ScreenResumeTests.StopInProcessAt("line 50", [.. args, "--detail", "full"]).ExitCode.Should().Be(ExitCodes.Interrupted);
        string state = File.ReadAllText(output + ".partial.state");
        byte[] partial = File.ReadAllBytes(output + ".partial");

        var other = CliRunner.Run([.. args, "--resume"]);

        other.ExitCode.Should().Be(ExitCodes.BadInput, other.ToString());
        other.Err.Should().Contain($"cannot resume {output}.partial: the inputs are not those of the interrupted run: detail (--detail) was full, is now criteria");
        File.ReadAllText(output + ".partial.state").Should().Be(state);
        File.ReadAllBytes(output + ".partial").Should().Equal(partial);
        CliRunner.Run([.. args, "--detail", "full", "--resume"]).ExitCode.Should().Be(0);
    }

    [Test]
    public void A_state_written_before_the_option_was_a_full_run()
    {
        IReadOnlyList<KeyValuePair<string, string>> before = [new("as-of", "x")];
        IReadOnlyList<KeyValuePair<string, string>> Now(string detail) => [new("as-of", "x"), new("detail (--detail)", detail)];

        ScreenInputs.Differences(before, Now("full")).Should().BeEmpty();
        ScreenInputs.Differences(before, Now("criteria")).Should().Equal("detail (--detail) was full, is now criteria");
    }

    [Test]
    public void Verdict_rows_made_one_after_another_on_one_thread_are_each_the_row_a_fresh_writer_makes()
    {
        // VerdictRow reuses one buffer and writer per thread: a long row (the buffer grows), a short one after it, a null
        // patient and text to escape must not leave anything in the next row.
        var asOf = new DateOnly(2026, 1, 15);
        (string Prefix, string Trial, string? Patient, Verdict Verdict)[] rows =
        [
            ("{\"line\":1,", "NCT07077486", "p-1", Verdict.Eligible),
            ("{\"line\":2,", "NCT07077486", new string('x', 1000), Verdict.Ineligible),
            ("{\"file\":\"a.json\",", "TINY-1", "p-3", Verdict.Undetermined),
            ("{\"line\":4,", "TINY-1", null, Verdict.Eligible),
            ("{\"line\":5,", "T\u00e9\"1", "p\n\u00e9<6>", Verdict.Ineligible),
            ("{\"line\":6,", "TINY-1", "p\ud800", Verdict.Review), // a lone surrogate: written escaped
            ("{\"line\":7,", "TINY-1", "p-7", Verdict.Eligible),
        ];

        foreach (var (prefix, trial, patient, verdict) in rows)
        {
            ScreenRows.VerdictRow(prefix, trial, patient, asOf, verdict).Should().Be(Fresh(prefix, trial, patient, asOf, verdict));
        }

        static string Fresh(string prefix, string trial, string? patient, DateOnly asOf, Verdict verdict)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var w = new System.Text.Json.Utf8JsonWriter(buffer, ResultJson.Options(indented: false)))
            {
                ResultJson.WriteVerdict(w, trial, patient, asOf, verdict);
            }

            return prefix + System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan[1..]);
        }
    }
}
