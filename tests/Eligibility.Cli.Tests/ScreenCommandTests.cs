using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Eligibility.Cli.Screening;

namespace Eligibility.Cli.Tests;

[TestFixture]
public sealed class ScreenCommandTests
{
    private string dir = string.Empty;

    [SetUp]
    public void CreateFolder() => dir = TestPaths.NewTempFolder();

    [TearDown]
    public void DeleteFolder() => Directory.Delete(dir, true);

    /// <summary>What a generated input line is (the first four are TINY-1's verdicts).</summary>
    internal enum LineKind
    {
        Eligible,
        Ineligible,
        Undetermined,
        Review,
        Malformed,
        LoneResource,
        BadDate,
    }

    [Test]
    public void Ten_thousand_patients_with_malformed_lines_are_all_accounted_for_in_order()
    {
        const int count = 10_000;
        var kinds = new LineKind[count + 1];
        string input = Path.Combine(dir, "patients.ndjson");
        using (var writer = new StreamWriter(input, false, new UTF8Encoding(false)) { NewLine = "\n" })
        {
            for (int i = 1; i <= count; i++)
            {
                kinds[i] = (i % 1000) switch
                {
                    0 => LineKind.Malformed,
                    500 => LineKind.LoneResource,
                    250 => LineKind.BadDate,
                    _ => (LineKind)(i % 4),
                };
                writer.WriteLine(Line(i, kinds[i]));
            }
        }

        string output = Path.Combine(dir, "results.ndjson");
        var r = CliRunner.Run("screen", "--rules", TestPaths.TinyRules, "--patients", input, "--out", output, "--parallel", "4");

        r.ExitCode.Should().Be(0, r.Err);
        r.Out.Should().BeEmpty("--out takes the results");

        // One row per input line, in input order.
        var rows = File.ReadAllLines(output);
        rows.Should().HaveCount(count);
        for (int i = 1; i <= count; i++)
        {
            var row = JsonNode.Parse(rows[i - 1])!.AsObject();
            if (kinds[i] is LineKind.Malformed or LineKind.LoneResource or LineKind.BadDate)
            {
                row["line"]!.GetValue<int>().Should().Be(i);
                string error = row["error"]!.GetValue<string>();
                string expected = kinds[i] switch
                {
                    LineKind.Malformed => "ELIG0001",
                    LineKind.LoneResource => "a lone FHIR Patient is not supported",
                    _ => "ELIG3002",
                };
                error.Should().Contain(expected);
                row.Count.Should().Be(2, "an error row is {\"line\": N, \"error\": \"…\"}");
            }
            else
            {
                row["line"]!.GetValue<int>().Should().Be(i, "a result row names its input line too");
                row["patient"]!.GetValue<string>().Should().Be($"p{i}", $"row {i} must be line {i}'s result");
                row["trial"]!.GetValue<string>().Should().Be("TINY-1");
                row["verdict"]!.GetValue<string>().Should().Be(kinds[i] switch
                {
                    LineKind.Eligible => "eligible",
                    LineKind.Ineligible => "ineligible",
                    LineKind.Review => "review",
                    _ => "undetermined",
                });
            }
        }

        // The summary counts.
        int eligible = kinds.Skip(1).Count(k => k == LineKind.Eligible);
        int ineligible = kinds.Skip(1).Count(k => k == LineKind.Ineligible);
        int undetermined = kinds.Skip(1).Count(k => k == LineKind.Undetermined);
        int review = kinds.Skip(1).Count(k => k == LineKind.Review);
        int errors = count - eligible - ineligible - undetermined - review;
        errors.Should().Be(30);
        int evaluated = count - errors;
        r.Err.Should().Contain($"Screened {count} record(s) against 1 trial(s)");
        r.Err.Should().Contain($"{evaluated} evaluated, {errors} error row(s)");
        r.Err.Should().Contain($"  eligible {eligible}, review {review}, undetermined {undetermined}, ineligible {ineligible}, error rows {errors}");

        // Columns: type, review, unknown, excluded, remaining (not failed by this criterion or any before it).
        Cells(r.Err, "INCL01").Should().Equal("incl", "0", "0", "0", evaluated.ToString());
        Cells(r.Err, "INCL03").Should().Equal("incl", (ineligible + undetermined + review).ToString(), "0", "0", evaluated.ToString());
        Cells(r.Err, "EXCL02").Should().Equal("excl", "0", undetermined.ToString(), ineligible.ToString(), (evaluated - ineligible).ToString());
        r.Err.Should().Contain("Unrecognised codes: none", "every code of these records is bound by TINY-1");
    }

    [Test]
    public void Results_go_to_stdout_by_default_one_compact_json_per_patient_and_trial()
    {
        string input = Path.Combine(dir, "two.ndjson");
        File.WriteAllText(input, Line(1, LineKind.Eligible) + "\n" + Line(2, LineKind.Undetermined) + "\n");

        var r = CliRunner.Run("screen", "--rules", TestPaths.TinyRules, TestPaths.Fixture("warnings", "WARN-1.json"), "--patients", input);

        r.ExitCode.Should().Be(0, r.ToString());
        r.OutLines.Should().HaveCount(4);
        r.OutLines.Select(l => JsonNode.Parse(l)!["trial"]!.GetValue<string>() + "/" + JsonNode.Parse(l)!["patient"]!.GetValue<string>())
            .Should().Equal("TINY-1/p1", "WARN-1/p1", "TINY-1/p2", "WARN-1/p2");

        // Each row is the evaluate --format json object, with the input line it comes from first.
        var first = JsonNode.Parse(r.OutLines[0])!.AsObject();
        first.Select(p => p.Key).Take(3).Should().Equal("line", "trial", "patient");
        first["line"]!.GetValue<int>().Should().Be(1);
        JsonNode.Parse(r.OutLines[3])!["line"]!.GetValue<int>().Should().Be(2);
        r.Err.Should().Contain("WARN-1 — A rule file with a warning only");
    }

    [Test]
    public void Blank_lines_are_skipped_and_counted()
    {
        string input = Path.Combine(dir, "blank.ndjson");
        File.WriteAllText(input, Line(1, LineKind.Eligible) + "\n\n   \r\n" + Line(4, LineKind.Eligible) + "\r\n");

        var r = CliRunner.Run("screen", "--rules", TestPaths.TinyRules, "--patients", input);

        r.ExitCode.Should().Be(0, r.ToString());
        r.OutLines.Should().HaveCount(2);
        r.Err.Should().Contain("2 evaluated, 0 error row(s), 2 blank line(s) skipped");
    }

    [Test]
    public void A_folder_of_files_gives_file_error_rows()
    {
        string folder = Path.Combine(dir, "in");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "a.json"), Line(1, LineKind.Eligible));
        File.WriteAllText(Path.Combine(folder, "b.json"), "{ \"id\": ");
        File.Copy(TestPaths.Fixture("patients", "tiny-undetermined.json"), Path.Combine(folder, "c.json"));

        var r = CliRunner.Run("screen", "--rules", TestPaths.TinyRules, "--patients", folder);

        r.ExitCode.Should().Be(0, r.ToString());
        r.OutLines.Should().HaveCount(3);
        JsonNode.Parse(r.OutLines[0])!["patient"]!.GetValue<string>().Should().Be("p1");
        var error = JsonNode.Parse(r.OutLines[1])!.AsObject();
        error["file"]!.GetValue<string>().Should().Be(Path.Combine(folder, "b.json"));
        error["error"]!.GetValue<string>().Should().StartWith("ELIG0001");
        JsonNode.Parse(r.OutLines[2])!["patient"]!.GetValue<string>().Should().Be("tiny-17");
    }

    [Test]
    public void The_as_of_option_applies_to_every_patient()
    {
        string input = Path.Combine(dir, "one.ndjson");
        File.WriteAllText(input, Line(1, LineKind.Eligible) + "\n");

        var r = CliRunner.Run("screen", "--rules", TestPaths.TinyRules, "--patients", input, "--as-of", "2026-01-20");

        JsonNode.Parse(r.OutLines[0])!["asOf"]!.GetValue<string>().Should().Be("2026-01-20");
        r.Err.Should().Contain("as-of: 2026-01-20 (from --as-of)");
    }

    [TestCase("--parallel", "0")]
    [TestCase("--as-of", "soon")]
    public void Bad_arguments_exit_2(string option, string value)
    {
        var r = CliRunner.Run("screen", "--rules", TestPaths.TinyRules, "--patients", TestPaths.Fixture("patients"), option, value);
        r.ExitCode.Should().Be(2, r.ToString());
    }

    [Test]
    public void Missing_inputs_exit_2()
    {
        CliRunner.Run("screen", "--rules", TestPaths.TinyRules, "--patients", Path.Combine(dir, "none.ndjson")).ExitCode.Should().Be(2);
        CliRunner.Run("screen", "--rules", TestPaths.Fixture("broken", "BROKEN-1.json"), "--patients", TestPaths.Fixture("patients")).ExitCode.Should().Be(2);
        CliRunner.Run("screen", "--patients", TestPaths.Fixture("patients")).ExitCode.Should().Be(2);
    }

    [Test]
    public void A_snomed_child_is_an_unrecognised_code_without_a_terminology_and_recognised_with_one()
    {
        string rules = TerminologyFixtures.WriteMalignancyRules(dir);
        string input = Path.Combine(dir, "patients.ndjson");
        File.WriteAllLines(input,
        [
            TerminologyFixtures.Patient("p1", TerminologyFixtures.BreastCancer),
            TerminologyFixtures.Patient("p2", TerminologyFixtures.Malignancy, "Malignant neoplastic disease"),
            TerminologyFixtures.Patient("p3", TerminologyFixtures.BreastCancer),
            TerminologyFixtures.Patient("p4", "363358000", "Malignant tumor of lung"),
            TerminologyFixtures.Patient("p5", TerminologyFixtures.BreastCancer),
        ]);
        string summaryFile = Path.Combine(dir, "summary.json");

        var without = CliRunner.Run("screen", "--rules", rules, "--patients", input, "--summary", summaryFile);

        without.ExitCode.Should().Be(0, without.ToString());
        without.OutLines.Should().HaveCount(5, "every record still gets its row");
        without.Err.Should().Contain("Unrecognised codes: 2 code(s) in the input match no concept of any rule file:");
        UnrecognisedRows(without.Err).Select(row => string.Join(" | ", row)).Should().Equal(
            "http://snomed.info/sct | 254837009 | Malignant tumor of breast | condition | 3",
            "http://snomed.info/sct | 363358000 | Malignant tumor of lung | condition | 1");
        without.Err.Should().NotContain("more (--summary FILE");
        using (var doc = JsonDocument.Parse(File.ReadAllText(summaryFile)))
        {
            var root = doc.RootElement;
            root.GetProperty("records").GetInt32().Should().Be(5);
            root.GetProperty("terminology").ValueKind.Should().Be(JsonValueKind.Null);
            var codes = root.GetProperty("unrecognisedCodes").EnumerateArray().ToList();
            codes.Select(c => (c.GetProperty("code").GetString(), c.GetProperty("patients").GetInt32())).Should().Equal(("254837009", 3), ("363358000", 1));
            codes[0].GetProperty("system").GetString().Should().Be(TerminologyFixtures.Snomed);
            codes[0].GetProperty("display").GetString().Should().Be("Malignant tumor of breast");
            codes[0].GetProperty("kind").GetString().Should().Be("condition");
            var trial = root.GetProperty("trials")[0];
            trial.GetProperty("verdicts").GetProperty("eligible").GetInt32().Should().Be(4, "only p2 carries a code the file lists");
        }

        var with = CliRunner.Run("screen", "--rules", rules, "--patients", input, "--summary", summaryFile, "--terminology", TerminologyFixtures.Omop);

        with.ExitCode.Should().Be(0, with.ToString());
        with.Err.Should().Contain("Unrecognised codes: none");
        UnrecognisedRows(with.Err).Should().BeEmpty();
        using (var doc = JsonDocument.Parse(File.ReadAllText(summaryFile)))
        {
            doc.RootElement.GetProperty("unrecognisedCodes").GetArrayLength().Should().Be(0);
            doc.RootElement.GetProperty("terminology").GetString().Should().StartWith("OMOP vocabulary");
            doc.RootElement.GetProperty("trials")[0].GetProperty("verdicts").GetProperty("ineligible").GetInt32().Should().Be(5);
        }
    }

    [Test]
    public void The_text_summary_shows_the_top_twenty_unrecognised_codes_and_the_json_summary_all_of_them()
    {
        // Real codes from the OMOP fixture: SNOMED CT concepts as conditions and RxNorm ones as medications, none of
        // which TINY-1 binds.
        var concepts = File.ReadAllLines(Path.Combine(TerminologyFixtures.Omop, "CONCEPT.csv")).Skip(1)
            .Select(l => l.Split('\t')).Select(f => (Name: f[1], Vocabulary: f[3], Code: f[6])).ToList();
        var snomed = concepts.Where(c => c.Vocabulary == "SNOMED").ToList();
        var rxnorm = concepts.Where(c => c.Vocabulary == "RxNorm").ToList();
        (snomed.Count + rxnorm.Count).Should().BeGreaterThan(ScreenSummary.TopUnrecognised);

        const int count = 200;
        string input = Path.Combine(dir, "patients.ndjson");
        using (var writer = new StreamWriter(input, false, new UTF8Encoding(false)) { NewLine = "\n" })
        {
            for (int i = 0; i < count; i++)
            {
                var condition = snomed[i % snomed.Count];
                var medication = rxnorm[i % rxnorm.Count];
                writer.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["id"] = $"p{i}",
                    ["asOf"] = "2026-01-15",
                    ["birthDate"] = "1985-06-01",
                    ["conditions"] = new[] { new { code = new[] { new { system = TerminologyFixtures.Snomed, code = condition.Code, display = condition.Name } }, clinicalStatus = "active", onset = "2020-01-01" } },
                    ["medications"] = new[] { new { code = new[] { new { system = "http://www.nlm.nih.gov/research/umls/rxnorm", code = medication.Code, display = medication.Name } }, status = "active", start = "2025-06-01" } },
                }));
            }
        }

        string summaryFile = Path.Combine(dir, "out", "summary.json");
        var r = CliRunner.Run("screen", "--rules", TestPaths.TinyRules, "--patients", input, "--parallel", "4", "--summary", summaryFile, "--out", Path.Combine(dir, "results.ndjson"));

        r.ExitCode.Should().Be(0, r.ToString());
        int distinct = snomed.Count + rxnorm.Count;
        r.Err.Should().Contain($"Unrecognised codes: {distinct} code(s)");
        var rows = UnrecognisedRows(r.Err);
        rows.Should().HaveCount(ScreenSummary.TopUnrecognised);
        rows.Select(row => int.Parse(row[4], System.Globalization.CultureInfo.InvariantCulture)).Should().BeInDescendingOrder();
        r.Err.Should().Contain($"… and {distinct - ScreenSummary.TopUnrecognised} more (--summary FILE lists them all)");

        using var doc = JsonDocument.Parse(File.ReadAllText(summaryFile));
        var codes = doc.RootElement.GetProperty("unrecognisedCodes").EnumerateArray().ToList();
        codes.Should().HaveCount(distinct);
        codes.Where(c => c.GetProperty("kind").GetString() == "condition").Sum(c => c.GetProperty("patients").GetInt32()).Should().Be(count, "each patient has one condition code, counted once");
        codes.Where(c => c.GetProperty("kind").GetString() == "medication").Sum(c => c.GetProperty("patients").GetInt32()).Should().Be(count);
        codes.Select(c => c.GetProperty("code").GetString()).Should().BeEquivalentTo(snomed.Concat(rxnorm).Select(c => c.Code));
        codes.Take(ScreenSummary.TopUnrecognised).Select(c => c.GetProperty("code").GetString()).Should().Equal(rows.Select(row => row[1]), "the text shows the head of the same list");
    }

    [Test]
    public void The_pipeline_reads_at_most_a_window_ahead_of_the_writer()
    {
        var evaluator = RuleCompiler.CompileFile(TestPaths.TinyRules).Evaluator!;
        var pipeline = new ScreenPipeline([evaluator], null, CliRunner.Today, parallel: 3);
        byte[] record = Encoding.UTF8.GetBytes(Line(1, LineKind.Eligible));
        int pulled = 0, consumed = 0, maxAhead = 0, lastLine = 0;

        IEnumerable<ScreenItem> Items()
        {
            for (int i = 1; i <= 2000; i++)
            {
                Interlocked.Increment(ref pulled);
                yield return new ScreenItem(i, null, record, null, i);
            }
        }

        pipeline.Run(Items(), outcome =>
        {
            maxAhead = Math.Max(maxAhead, Volatile.Read(ref pulled) - consumed);
            outcome.Item.Line.Should().Be(lastLine + 1, "outcomes arrive in input order");
            lastLine = outcome.Item.Line;
            consumed++;
        });

        consumed.Should().Be(2000);
        maxAhead.Should().BeLessThanOrEqualTo(pipeline.Window + 2, "memory is bounded by the window, not by the input");
    }

    /// <summary>The rows of the unrecognised-codes table: system, code, display, kind, patients.</summary>
    private static List<string[]> UnrecognisedRows(string summary) =>
        summary.Split('\n').Where(l => l.StartsWith("│ http", StringComparison.Ordinal))
            .Select(l => l.Split('│', StringSplitOptions.TrimEntries)[1..^1]).ToList();

    /// <summary>The cells of a criterion's row in the summary table (after the ID).</summary>
    private static string[] Cells(string summary, string id)
    {
        string row = summary.Split('\n').Single(l => l.StartsWith("│ " + id + " ", StringComparison.Ordinal));
        return row.Split('│', StringSplitOptions.TrimEntries)[2..^1];
    }

    internal static string Line(int i, LineKind kind)
    {
        string id = $"p{i}";
        return kind switch
        {
            LineKind.Malformed => $"{{\"id\": \"{id}\", \"birthDate\": ",
            LineKind.LoneResource => $"{{\"resourceType\": \"Patient\", \"id\": \"{id}\"}}",
            LineKind.BadDate => $"{{\"id\": \"{id}\", \"asOf\": \"2026-01-15\", \"birthDate\": \"1985-02-30\"}}",
            _ => Patient(id, kind),
        };
    }

    private static string Patient(string id, LineKind kind)
    {
        var observations = new List<object>
        {
            new { code = new[] { new { system = "http://loinc.org", code = "1742-6" } }, value = 50, unit = "U/L", status = "final", date = "2026-01-10" },
            new { code = new[] { new { system = "http://loinc.org", code = "82810-3" } }, valueCode = new { system = "http://loinc.org", code = "LA26683-5" }, status = "final", date = "2026-01-12" },
        };
        if (kind != LineKind.Undetermined)
        {
            observations.Add(new { code = new[] { new { system = "http://loinc.org", code = "718-7" } }, value = kind == LineKind.Ineligible ? 79 : 120, unit = "g/L", status = "final", date = "2026-01-10" });
        }

        var record = new Dictionary<string, object>
        {
            ["id"] = id,
            ["asOf"] = "2026-01-15",
            ["birthDate"] = "1985-06-01",
            ["sex"] = "female",
            ["observations"] = observations,
            ["conditions"] = new[] { new { code = new[] { new { system = "http://hl7.org/fhir/sid/icd-10", code = "M32.14" } }, clinicalStatus = "active", onset = "2019-03-01" } },
        };
        if (kind == LineKind.Eligible)
        {
            record["assessments"] = new[] { new { criterion = "TINY-1/INCL03", value = true, date = "2026-01-10" } };
        }

        return JsonSerializer.Serialize(record);
    }
}
