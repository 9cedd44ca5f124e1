using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using Eligibility.Cli.Screening;
using Kind = Eligibility.Cli.Tests.ScreenCommandTests.LineKind;

namespace Eligibility.Cli.Tests;

/// <summary>
/// <c>screen</c> loses nothing: whatever goes wrong with one line or file — a record the reader chokes on, an
/// exception anywhere in screening it, a line longer than the limit, a device or a pipe in a folder — becomes that
/// record's error row and the run goes on; an endless line stops the reading with the rows so far and a summary; the
/// output files appear under their names only when complete; and the output is the same bytes at any worker count.
/// </summary>
[TestFixture]
public sealed class ScreenResilienceTests
{
    private string dir = string.Empty;

    [SetUp]
    public void CreateFolder() => dir = TestPaths.NewTempFolder();

    [TearDown]
    public void DeleteFolder()
    {
        ScreenPipeline.Fault.Value = null;
        Directory.Delete(dir, true);
    }

    [TestCase("{\"id\": \"p686\\ud800x\", \"asOf\": \"2026-01-15\", \"birthDate\": \"1985-06-01\"}", TestName = "A lone surrogate in an ID")]
    [TestCase("{\"id\": \"p686\", \"asOf\": \"2026-01-15\", \"birthDate\": \"1985-06-01\", \"sex\": \"\\udc00female\"}", TestName = "A lone low surrogate in a value")]
    public void A_record_the_reader_fails_on_is_its_own_error_row_and_every_other_line_is_screened(string bad)
    {
        // The issue's batch: 5,050 lines, the bad one at line 686, holding the escape of a lone surrogate as text.
        const int count = 5050;
        string input = Path.Combine(dir, "patients.ndjson");
        using (var writer = new StreamWriter(input, false, new UTF8Encoding(false)) { NewLine = "\n" })
        {
            for (int i = 1; i <= count; i++)
            {
                writer.WriteLine(i == 686 ? bad : ScreenCommandTests.Line(i, (Kind)(i % 4)));
            }
        }

        AssertOneBadLine(input, count, 686);
    }

    [Test]
    public void Invalid_utf8_inside_a_string_is_its_own_error_row_and_every_other_line_is_screened()
    {
        const int count = 300;
        string input = Path.Combine(dir, "patients.ndjson");
        using (var stream = File.Create(input))
        {
            for (int i = 1; i <= count; i++)
            {
                byte[] line = i == 17
                    ? [.. "{\"id\": \"p17-"u8, 0xFF, 0xC3, .. "\", \"asOf\": \"2026-01-15\", \"birthDate\": \"1985-06-01\"}"u8]
                    : Encoding.UTF8.GetBytes(ScreenCommandTests.Line(i, (Kind)(i % 4)));
                stream.Write(line);
                stream.WriteByte((byte)'\n');
            }
        }

        AssertOneBadLine(input, count, 17);
    }

    [Test]
    public void An_exception_while_screening_one_record_is_an_internal_error_row_labelled_as_a_bug_and_counted()
    {
        string input = Path.Combine(dir, "patients.ndjson");
        File.WriteAllText(input, string.Concat(Enumerable.Range(1, 40).Select(i => ScreenCommandTests.Line(i, (Kind)(i % 4)) + "\n")));
        string output = Path.Combine(dir, "results.ndjson");
        string summary = Path.Combine(dir, "summary.json");
        ScreenPipeline.Fault.Value = item =>
        {
            if (item.Line is 7 or 31)
            {
                throw new InvalidOperationException("injected failure");
            }
        };

        var r = CliRunner.Run("screen", "--rules", TestPaths.TinyRules, "--patients", input, "--out", output, "--summary", summary, "--parallel", "4");

        r.ExitCode.Should().Be(ExitCodes.InternalError, r.ToString());
        var rows = File.ReadAllLines(output).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        rows.Should().HaveCount(40, "every line has its row");
        rows.Select(row => row["line"]!.GetValue<int>()).Should().Equal(Enumerable.Range(1, 40));
        foreach (int line in new[] { 7, 31 })
        {
            var row = rows[line - 1];
            row.Select(p => p.Key).Should().Equal("line", "error");
            row["error"]!.GetValue<string>().Should().StartWith("internal error").And.Contain("InvalidOperationException: injected failure").And.Contain("a bug in eligibility");
        }

        rows.Where(row => row["error"] is null).Should().HaveCount(38).And.OnlyContain(row => row["verdict"] != null);
        r.Err.Should().Contain("Screened 40 record(s)").And.Contain("38 evaluated, 2 error row(s)");
        r.Err.Should().Contain("eligibility: internal error: 2 record(s) could not be evaluated (see their error rows)");
        JsonNode.Parse(File.ReadAllText(summary))!["internalErrors"]!.GetValue<int>().Should().Be(2);
    }

    [Test]
    public void An_exception_for_a_file_of_a_folder_is_that_files_internal_error_row()
    {
        string folder = Path.Combine(dir, "in");
        Directory.CreateDirectory(folder);
        for (int i = 1; i <= 5; i++)
        {
            File.WriteAllText(Path.Combine(folder, $"p{i}.json"), ScreenCommandTests.Line(i, Kind.Eligible));
        }

        ScreenPipeline.Fault.Value = item =>
        {
            if (item.File?.EndsWith("p3.json", StringComparison.Ordinal) == true)
            {
                throw new IndexOutOfRangeException("injected");
            }
        };

        var r = CliRunner.Run("screen", "--rules", TestPaths.TinyRules, "--patients", folder);

        r.ExitCode.Should().Be(ExitCodes.InternalError, r.ToString());
        r.OutLines.Should().HaveCount(5);
        var row = JsonNode.Parse(r.OutLines[2])!.AsObject();
        row["file"]!.GetValue<string>().Should().Be(Path.Combine(folder, "p3.json"));
        row["error"]!.GetValue<string>().Should().Contain("IndexOutOfRangeException: injected").And.Contain("a bug");
        JsonNode.Parse(r.OutLines[3])!["file"]!.GetValue<string>().Should().Be(Path.Combine(folder, "p4.json"), "result rows name their file too");
    }

    [Test]
    public void The_pipeline_turns_any_exception_into_that_records_row_in_order_at_any_worker_count()
    {
        var evaluator = RuleCompiler.CompileFile(TestPaths.TinyRules).Evaluator!;
        byte[] record = Encoding.UTF8.GetBytes(ScreenCommandTests.Line(1, Kind.Eligible));
        foreach (int workers in new[] { 1, 3, 8 })
        {
            var pipeline = new ScreenPipeline([evaluator], null, CliRunner.Today, workers);
            var outcomes = new List<ScreenOutcome>();
            ScreenPipeline.Fault.Value = item =>
            {
                if (item.Line % 10 == 0)
                {
                    throw new InvalidOperationException($"boom {item.Line}");
                }
            };

            bool all = pipeline.Run(Enumerable.Range(1, 500).Select(i => new ScreenItem(i, null, record, null, i)), outcomes.Add);

            all.Should().BeTrue();
            outcomes.Select(o => o.Item.Line).Should().Equal(Enumerable.Range(1, 500));
            outcomes.Where(o => o.IsInternalError).Select(o => o.Item.Line).Should().Equal(Enumerable.Range(1, 50).Select(i => i * 10));
            outcomes.Where(o => !o.IsError).Should().HaveCount(450);
            outcomes[9].Rows.Should().ContainSingle().Which.Should().Contain("boom 10");
        }
    }

    [Test]
    public void A_line_longer_than_the_record_limit_is_an_error_row_and_the_next_line_is_screened()
    {
        string input = Path.Combine(dir, "patients.ndjson");
        string longLine = "{\"id\": \"" + new string('x', 100_000) + "\"}";
        File.WriteAllText(input, ScreenCommandTests.Line(1, Kind.Eligible) + "\n" + longLine + "\n" + ScreenCommandTests.Line(3, Kind.Review) + "\n");

        var r = CliRunner.Run("screen", "--rules", TestPaths.TinyRules, "--patients", input, "--max-record-bytes", "64K");

        r.ExitCode.Should().Be(0, r.ToString());
        r.OutLines.Should().HaveCount(3);
        var error = JsonNode.Parse(r.OutLines[1])!.AsObject();
        error["line"]!.GetValue<int>().Should().Be(2);
        error["error"]!.GetValue<string>().Should().StartWith("ELIG0003: the line is longer than 65536 bytes");
        JsonNode.Parse(r.OutLines[2])!["patient"]!.GetValue<string>().Should().Be("p3");
        JsonNode.Parse(r.OutLines[2])!["line"]!.GetValue<int>().Should().Be(3);
    }

    [Test]
    public void A_line_with_no_newline_far_past_the_limit_stops_the_reading_with_the_rows_so_far_and_a_summary()
    {
        string input = Path.Combine(dir, "patients.ndjson");
        using (var stream = File.Create(input))
        {
            stream.Write(Encoding.UTF8.GetBytes(ScreenCommandTests.Line(1, Kind.Eligible) + "\n"));
            stream.Write(new byte[2 * 1024 * 1024]); // 2 MB of NUL bytes and no newline: 32 times a 64 KB limit
        }

        string output = Path.Combine(dir, "results.ndjson");
        string summary = Path.Combine(dir, "summary.json");

        var r = CliRunner.Run("screen", "--rules", TestPaths.TinyRules, "--patients", input, "--max-record-bytes", "64K", "--out", output, "--summary", summary);

        r.ExitCode.Should().Be(ExitCodes.BadInput, r.ToString());
        File.Exists(output).Should().BeFalse("the run did not read the whole input: its output is not named as complete");
        var rows = File.ReadAllLines(output + ".partial");
        rows.Should().HaveCount(2);
        JsonNode.Parse(rows[0])!["patient"]!.GetValue<string>().Should().Be("p1");
        JsonNode.Parse(rows[1])!["error"]!.GetValue<string>().Should().StartWith("ELIG0003");
        r.Err.Should().Contain("Screened 2 record(s) against 1 trial(s)").And.Contain("1 evaluated, 1 error row(s)");
        r.Err.Should().Contain($"eligibility: error: line 2 of {input} has no newline within 1048576 bytes (16 times the record limit): the rest of the input was not read");
        File.Exists(summary).Should().BeFalse();
        JsonNode.Parse(File.ReadAllText(summary + ".partial"))!["stopped"]!.GetValue<string>().Should().Contain("has no newline within");
    }

    [Test]
    [Platform("Linux")]
    public void Dev_zero_as_the_patients_input_ends_with_one_error_row_and_a_summary()
    {
        // The default limit (64 MiB a line): the row is written once the line passes it, the reading stops at 16 times it.
        var r = Bounded(() => CliRunner.Run("screen", "--rules", TestPaths.TinyRules, "--patients", "/dev/zero"));

        r.ExitCode.Should().Be(ExitCodes.BadInput, r.ToString());
        r.OutLines.Should().ContainSingle().Which.Should().StartWith("{\"line\":1,\"error\":\"ELIG0003: the line is longer than 67108864 bytes");
        r.Err.Should().Contain("Screened 1 record(s)").And.Contain("line 1 of /dev/zero has no newline within 1073741824 bytes");
    }

    [Test]
    [Platform("Linux")]
    public void A_too_long_line_from_a_pipe_is_written_out_before_the_line_ends()
    {
        string fifo = Path.Combine(dir, "patients.fifo");
        MakeFifo(fifo);
        string output = Path.Combine(dir, "results.ndjson");
        var run = Task.Run(() => CliRunner.Run("screen", "--rules", TestPaths.TinyRules, "--patients", fifo, "--max-record-bytes", "1K", "--out", output));
        var open = Task.Run(() => new FileStream(fifo, FileMode.Open, FileAccess.Write));
        open.Wait(TimeSpan.FromMinutes(2)).Should().BeTrue("the tool opens the pipe to read it: " + (run.IsCompleted ? run.Result.ToString() : "still running"));
        using (var writer = open.Result)
        {
            writer.Write(Encoding.UTF8.GetBytes(ScreenCommandTests.Line(1, Kind.Eligible) + "\n" + new string('x', 4096)));
            writer.Flush();

            // The line has not ended, yet its row is out.
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (!(File.Exists(output + ".partial") && File.ReadAllText(output + ".partial").Contains("\"line\":2,\"error\":\"ELIG0003", StringComparison.Ordinal)))
            {
                waited.Elapsed.Should().BeLessThan(TimeSpan.FromMinutes(1), "the error row is written as soon as the line passes the limit");
                Thread.Sleep(20);
            }

            writer.Write(Encoding.UTF8.GetBytes("yyy\n" + ScreenCommandTests.Line(3, Kind.Review) + "\n"));
        }

        var r = Bounded(() => run.Result);
        r.ExitCode.Should().Be(0, r.ToString());
        File.ReadAllLines(output).Select(l => JsonNode.Parse(l)!["line"]!.GetValue<int>()).Should().Equal(1, 2, 3);
    }

    [Test]
    [Platform("Linux")]
    public void A_folder_with_a_link_to_dev_zero_a_fifo_and_an_oversize_file_gives_each_its_error_row()
    {
        string folder = Path.Combine(dir, "in");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "a.json"), ScreenCommandTests.Line(1, Kind.Eligible));
        File.CreateSymbolicLink(Path.Combine(folder, "b.json"), "/dev/zero");
        MakeFifo(Path.Combine(folder, "c.json"));
        File.WriteAllText(Path.Combine(folder, "d.json"), ScreenCommandTests.Line(4, Kind.Eligible).Replace("\"p4\"", "\"" + new string('p', 5000) + "\"", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(folder, "e.json"), ScreenCommandTests.Line(5, Kind.Review));

        var r = Bounded(() => CliRunner.Run("screen", "--rules", TestPaths.TinyRules, "--patients", folder, "--max-record-bytes", "4K"));

        r.ExitCode.Should().Be(0, r.ToString());
        var rows = r.OutLines.Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        rows.Select(row => Path.GetFileName(row["file"]!.GetValue<string>())).Should().Equal("a.json", "b.json", "c.json", "d.json", "e.json");
        rows[0]["patient"]!.GetValue<string>().Should().Be("p1");
        rows[1]["error"]!.GetValue<string>().Should().StartWith("ELIG0002").And.Contain("character device");
        rows[2]["error"]!.GetValue<string>().Should().StartWith("ELIG0002").And.Contain("named pipe");
        rows[3]["error"]!.GetValue<string>().Should().StartWith("ELIG0003");
        rows[4]["patient"]!.GetValue<string>().Should().Be("p5");
    }

    [Test]
    public void The_output_files_are_written_under_temporary_names_and_renamed_when_complete()
    {
        string input = Path.Combine(dir, "patients.ndjson");
        File.WriteAllText(input, string.Concat(Enumerable.Range(1, 30).Select(i => ScreenCommandTests.Line(i, (Kind)(i % 4)) + "\n")));
        string output = Path.Combine(dir, "out", "results.ndjson");
        string summary = Path.Combine(dir, "out", "summary.json");
        string report = Path.Combine(dir, "out", "screening.html");
        Directory.CreateDirectory(Path.Combine(dir, "out"));
        File.WriteAllText(output, "an older run's results\n");
        File.WriteAllText(summary, "{}");
        bool[]? during = null;
        ScreenPipeline.Fault.Value = item =>
        {
            if (item.Line == 20)
            {
                during = [File.Exists(output), File.Exists(output + ".partial"), File.Exists(output + ".partial.state"), File.Exists(summary), File.Exists(report)];
            }
        };

        var r = CliRunner.Run("screen", "--rules", TestPaths.TinyRules, "--patients", input, "--out", output, "--summary", summary, "--report", report, "--parallel", "1");

        r.ExitCode.Should().Be(0, r.ToString());
        during.Should().Equal([false, true, true, false, false], "while the run goes on only FILE.partial and its state exist (an older FILE is removed at the start)");
        File.ReadAllLines(output).Should().HaveCount(30);
        Directory.GetFiles(Path.Combine(dir, "out")).Select(Path.GetFileName).Should().BeEquivalentTo("results.ndjson", "summary.json", "screening.html");
    }

    [Test]
    public void The_output_is_the_same_bytes_at_any_worker_count()
    {
        // The fifteen sample patients, 400 generated from them (varied IDs and values, a code whose display differs
        // from record to record, answers for trials not screened) and bad lines of every kind, against every
        // reference trial: NDJSON, JSON summary and HTML report compared byte for byte at 1, 4 and 8 workers.
        string input = Path.Combine(dir, "patients.ndjson");
        var lines = File.ReadAllLines(Path.Combine(ScreenData.Root, "samples", "patients.ndjson")).ToList();
        lines.AddRange(ScreenData.Generate(400, badEvery: 37, varyDisplays: true));
        File.WriteAllText(input, string.Join("\n", lines) + "\n", new UTF8Encoding(false));

        var outputs = new List<(byte[] Rows, byte[] Summary, byte[] Report, int Exit)>();
        foreach (string workers in new[] { "1", "4", "8" })
        {
            string output = Path.Combine(dir, $"results-{workers}.ndjson");
            string summary = Path.Combine(dir, $"summary-{workers}.json");
            string report = Path.Combine(dir, $"report-{workers}.html");
            var r = CliRunner.Run("screen", "--rules", Path.Combine(ScreenData.Root, "rules"), "--patients", input, "--out", output, "--summary", summary, "--report", report,
                "--parallel", workers, "--max-record-bytes", "64K");
            r.ExitCode.Should().BeOneOf([0, ExitCodes.InternalError], r.ToString());
            outputs.Add((File.ReadAllBytes(output), File.ReadAllBytes(summary), File.ReadAllBytes(report), r.ExitCode));
        }

        var first = outputs[0];
        var rows = Encoding.UTF8.GetString(first.Rows).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        rows.Should().Contain(row => row.Contains("\"error\":", StringComparison.Ordinal), "error rows are compared too");
        JsonNode.Parse(first.Summary)!["unrecognisedCodes"]!.AsArray().Should().Contain(c => c!["code"]!.GetValue<string>() == ScreenData.VariedDisplayCode);
        foreach (var other in outputs.Skip(1))
        {
            other.Rows.Should().Equal(first.Rows, "the NDJSON rows do not depend on the worker count");
            other.Summary.Should().Equal(first.Summary, "the JSON summary does not depend on the worker count");
            other.Report.Should().Equal(first.Report, "the HTML report does not depend on the worker count");
            other.Exit.Should().Be(first.Exit);
        }
    }

    [Test]
    public void Reading_from_a_position_goes_on_with_the_line_numbers_and_skips_the_rest_of_a_long_line()
    {
        string input = Path.Combine(dir, "patients.ndjson");
        string line1 = ScreenCommandTests.Line(1, Kind.Eligible);
        string line2 = new string('x', 5000);
        File.WriteAllText(input, line1 + "\n" + line2 + "\n\n" + ScreenCommandTests.Line(4, Kind.Review) + "\n");
        var source = PatientSource.Open(input, 1024);

        var all = source.Items(() => Stream.Null).ToList();
        all.Select(i => i.Line).Should().Equal(1, 2, 4);
        all[1].ReadError.Should().StartWith("ELIG0003");
        all[1].Next.Should().Be(new InputPosition(line1.Length + 1, 2, 0, true), "after the too-long line's row, reading resumes by skipping the rest of it");
        source.BlankLines.Should().Be(1);

        var resumed = PatientSource.Open(input, 1024).Items(() => Stream.Null, all[1].Next).ToList();
        resumed.Select(i => i.Line).Should().Equal(4);
        resumed[0].Next.Should().Be(all[2].Next);
        Encoding.UTF8.GetString(resumed[0].Bytes!).Should().Be(ScreenCommandTests.Line(4, Kind.Review));
    }

    /// <summary>Runs the file with exactly one bad line and checks it is that line's error row and nothing else is lost.</summary>
    private void AssertOneBadLine(string input, int count, int badLine)
    {
        string output = Path.Combine(dir, "results.ndjson");
        string summary = Path.Combine(dir, "summary.json");

        var r = CliRunner.Run("screen", "--rules", TestPaths.TinyRules, "--patients", input, "--out", output, "--summary", summary, "--parallel", "4");

        var rows = File.ReadAllLines(output).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        rows.Should().HaveCount(count, "one row for every line: " + r.Err[^Math.Min(2000, r.Err.Length)..]);
        rows.Select(row => row["line"]!.GetValue<int>()).Should().Equal(Enumerable.Range(1, count));
        var bad = rows[badLine - 1];
        bad.Select(p => p.Key).Should().Equal("line", "error");
        string error = bad["error"]!.GetValue<string>();
        rows.Where((row, i) => i != badLine - 1).Should().OnlyContain(row => row["patient"] != null && row["error"] == null);
        r.Err.Should().Contain($"Screened {count} record(s) against 1 trial(s)").And.Contain($"{count - 1} evaluated, 1 error row(s)");
        var json = JsonNode.Parse(File.ReadAllText(summary))!;
        json["records"]!.GetValue<int>().Should().Be(count);
        json["stopped"].Should().BeNull();

        // Until the reader reports such text as bad input (an ELIG error row, exit 0), it fails inside: an internal
        // error row, labelled as a bug, and exit 3 — but never a lost run.
        if (error.StartsWith("internal error", StringComparison.Ordinal))
        {
            error.Should().Contain("a bug in eligibility");
            r.ExitCode.Should().Be(ExitCodes.InternalError, r.ToString());
            json["internalErrors"]!.GetValue<int>().Should().Be(1);
        }
        else
        {
            error.Should().MatchRegex("^ELIG[0-9]{4}: ");
            r.ExitCode.Should().Be(0, r.ToString());
        }
    }

    /// <summary>A hang guard: the run must end within two minutes (it takes seconds).</summary>
    /// <summary>The hint that starts the FHIR reader's preparation: FHIR files, folders and Bulk exports say yes; native
    /// records, standard input, a missing path and a pipe (which must not be opened: it would block) say no.</summary>
    [Test]
    public void LooksLikeFhir_is_a_hint_that_never_blocks_or_throws()
    {
        string fhirFile = Path.Combine(dir, "bundles.ndjson");
        File.WriteAllText(fhirFile, "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[]}\n");
        string nativeFile = Path.Combine(dir, "native.ndjson");
        File.WriteAllText(nativeFile, "{\"id\":\"p1\",\"birthDate\":\"1980-01-01\"}\n");
        string fhirFolder = Directory.CreateDirectory(Path.Combine(dir, "fhir")).FullName;
        File.Copy(fhirFile, Path.Combine(fhirFolder, "a.json"));
        string nativeFolder = Directory.CreateDirectory(Path.Combine(dir, "native")).FullName;
        File.Copy(nativeFile, Path.Combine(nativeFolder, "a.json"));
        string bulk = Directory.CreateDirectory(Path.Combine(dir, "bulk")).FullName;
        File.WriteAllText(Path.Combine(bulk, "Patient.ndjson"), "{\"resourceType\":\"Patient\",\"id\":\"p1\"}\n");
        string fifo = Path.Combine(dir, "pipe.ndjson");
        MakeFifo(fifo);

        PatientSource.LooksLikeFhir(fhirFile).Should().BeTrue();
        PatientSource.LooksLikeFhir(fhirFolder).Should().BeTrue();
        PatientSource.LooksLikeFhir(bulk).Should().BeTrue();
        PatientSource.LooksLikeFhir(nativeFile).Should().BeFalse();
        PatientSource.LooksLikeFhir(nativeFolder).Should().BeFalse();
        PatientSource.LooksLikeFhir("-").Should().BeFalse();
        PatientSource.LooksLikeFhir(Path.Combine(dir, "missing.ndjson")).Should().BeFalse();
        var piped = Task.Run(() => PatientSource.LooksLikeFhir(fifo));
        piped.Wait(TimeSpan.FromSeconds(30)).Should().BeTrue("a pipe is never opened for the hint");
        piped.Result.Should().BeFalse();
    }

    private static CliResult Bounded(Func<CliResult> run)
    {
        var task = Task.Run(run);
        task.Wait(TimeSpan.FromMinutes(2)).Should().BeTrue("the run must end (hang guard)");
        return task.Result;
    }

    private static void MakeFifo(string path)
    {
        int rc = Mkfifo(path, Convert.ToInt32("600", 8));
        rc.Should().Be(0, $"mkfifo {path} (errno {Marshal.GetLastPInvokeError()})");
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int Mkfifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int mode);
}

/// <summary>Screening inputs generated from the sample patients: varied IDs, dates and values, and bad lines of every kind.</summary>
internal static class ScreenData
{
    /// <summary>A code of the sample patients no reference trial binds (ATC A02BC01, omeprazole), whose display varies by record.</summary>
    public const string VariedDisplayCode = "A02BC01";

    public static string Root => Path.GetFullPath(Path.Combine(TestPaths.Project, "..", ".."));

    /// <summary>
    /// <paramref name="count"/> lines (numbered from 1): records made from the sample patients, each with its own ID,
    /// birth year and measured values; every <paramref name="badEvery"/>th line is instead a bad line (malformed JSON, a
    /// lone FHIR resource, an impossible date, a lone surrogate, a blank line, a line over 64 KB, an array). With <paramref name="varyDisplays"/>, every record also carries <see cref="VariedDisplayCode"/>
    /// with a display of its own, so which display a summary keeps shows whether it depends on timing.
    /// </summary>
    public static IEnumerable<string> Generate(int count, int badEvery, bool varyDisplays = false)
    {
        var samples = File.ReadAllLines(Path.Combine(Root, "samples", "patients.ndjson"));
        for (int i = 1; i <= count; i++)
        {
            if (badEvery > 0 && i % badEvery == 0)
            {
                yield return ((i / badEvery) % 7) switch
                {
                    0 => $"{{\"id\": \"g{i}\", \"birthDate\": ",
                    1 => $"{{\"resourceType\": \"Patient\", \"id\": \"g{i}\"}}",
                    2 => $"{{\"id\": \"g{i}\", \"asOf\": \"2026-01-15\", \"birthDate\": \"1985-02-30\"}}",
                    3 => $"{{\"id\": \"g{i}\\ud800x\", \"asOf\": \"2026-01-15\", \"birthDate\": \"1985-06-01\"}}",
                    4 => "   ",
                    5 => "{\"id\": \"" + new string('z', 70_000) + "\"}",
                    _ => $"[\"g{i}\"]",
                };
                continue;
            }

            var record = JsonNode.Parse(samples[i % samples.Length])!.AsObject();
            record["id"] = $"g{i}";
            if (record["birthDate"]?.GetValue<string>() is { Length: >= 4 } birth)
            {
                int year = int.Parse(birth[..4], System.Globalization.CultureInfo.InvariantCulture) - (i % 9);
                record["birthDate"] = year.ToString(System.Globalization.CultureInfo.InvariantCulture) + birth[4..];
            }

            foreach (var observation in record["observations"]?.AsArray() ?? [])
            {
                if (observation?["value"] is JsonValue value && value.TryGetValue(out double number))
                {
                    observation["value"] = Math.Round(number * (0.7 + (i % 7) * 0.1), 2);
                }
            }

            if (varyDisplays)
            {
                foreach (var medication in record["medications"]?.AsArray() ?? [])
                {
                    foreach (var coding in medication?["code"]?.AsArray() ?? [])
                    {
                        if (coding?["code"]?.GetValue<string>() == VariedDisplayCode)
                        {
                            coding["display"] = $"omeprazole (record {i})";
                        }
                    }
                }
            }

            record.Remove("$schema");
            yield return record.ToJsonString();
        }
    }
}
