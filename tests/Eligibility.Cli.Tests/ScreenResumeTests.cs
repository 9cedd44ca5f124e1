using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using Eligibility.Cli.Commands;
using Eligibility.Cli.Screening;
using Kind = Eligibility.Cli.Tests.ScreenCommandTests.LineKind;

namespace Eligibility.Cli.Tests;

/// <summary>
/// <c>screen --out FILE</c> can be stopped — Ctrl-C, SIGTERM, or killed outright — and finished with <c>--resume</c>:
/// no record is written twice or lost, and the finished files are byte for byte those of a run that was never stopped.
/// The signal tests run the built tool as a child process and signal it as a shell would.
/// </summary>
[TestFixture]
public sealed class ScreenResumeTests
{
    private string dir = string.Empty;

    [SetUp]
    public void CreateFolder() => dir = TestPaths.NewTempFolder();

    [TearDown]
    public void DeleteFolder()
    {
        ScreenPipeline.Fault.Value = null;
        ScreenCommand.Started.Value = null;
        Directory.Delete(dir, true);
    }

    [TestCase("ndjson")]
    [TestCase("folder")]
    public void A_run_stopped_in_the_middle_resumes_without_writing_a_record_twice_or_losing_one(string kind)
    {
        string input = kind == "ndjson" ? WriteInput(600, badEvery: 23) : WriteFolder(120);
        string stopAt = kind == "ndjson" ? "line 300" : "file p060.json";
        var (reference, referenceSummary, referenceExit) = Reference(input);
        string output = Path.Combine(dir, "results.ndjson");
        string summary = Path.Combine(dir, "summary.json");
        string[] args = Args(input, output, summary);

        var stopped = StopInProcessAt(stopAt, args);

        stopped.ExitCode.Should().Be(ExitCodes.Interrupted, stopped.ToString());
        stopped.Err.Should().Contain("Incomplete: interrupted by SIGINT").And.Contain("run the same command with --resume to finish");
        File.Exists(output).Should().BeFalse();
        File.Exists(summary).Should().BeFalse();
        JsonNode.Parse(File.ReadAllText(summary + ".partial"))!["stopped"]!.GetValue<string>().Should().Be("interrupted by SIGINT");
        var partialRows = File.ReadAllLines(output + ".partial");
        partialRows.Length.Should().BeGreaterThan(0).And.BeLessThan(File.ReadAllLines(reference).Length);
        partialRows.Should().Equal(File.ReadAllLines(reference).Take(partialRows.Length), "the records in flight were finished: the partial output is a whole prefix");

        var resumed = CliRunner.Run([.. args, "--resume"]);

        resumed.ExitCode.Should().Be(referenceExit, resumed.ToString());
        resumed.Err.Should().Contain($"Resuming {output}.partial");
        File.ReadAllBytes(output).Should().Equal(File.ReadAllBytes(reference));
        File.ReadAllBytes(summary).Should().Equal(File.ReadAllBytes(referenceSummary));
        LeftOver(output, summary).Should().BeEmpty();
    }

    [Test]
    public void Resume_drops_a_row_cut_in_half_and_anything_after_the_last_checkpoint()
    {
        string input = WriteInput(200, badEvery: 0);
        var (reference, referenceSummary, _) = Reference(input);
        string output = Path.Combine(dir, "results.ndjson");
        string summary = Path.Combine(dir, "summary.json");
        string[] args = Args(input, output, summary);
        StopInProcessAt("line 100", args).ExitCode.Should().Be(ExitCodes.Interrupted);

        // What a kill leaves after the last checkpoint: more rows, the last one cut in half.
        var rows = File.ReadAllLines(reference);
        int done = File.ReadAllLines(output + ".partial").Length;
        File.AppendAllText(output + ".partial", rows[done] + "\n" + rows[done + 1][..40]);

        var resumed = CliRunner.Run([.. args, "--resume"]);

        resumed.ExitCode.Should().Be(0, resumed.ToString());
        File.ReadAllBytes(output).Should().Equal(File.ReadAllBytes(reference));
        File.ReadAllBytes(summary).Should().Equal(File.ReadAllBytes(referenceSummary));
    }

    [Test]
    public void Resume_refuses_inputs_other_than_the_interrupted_runs()
    {
        string rules = Path.Combine(dir, "TINY-1.json");
        File.Copy(TestPaths.TinyRules, rules);
        string input = WriteInput(100, badEvery: 0);
        string output = Path.Combine(dir, "results.ndjson");
        string[] args = ["screen", "--rules", rules, "--patients", input, "--out", output, "--parallel", "2"];
        StopInProcessAt("line 50", args).ExitCode.Should().Be(ExitCodes.Interrupted);
        string state = File.ReadAllText(output + ".partial.state");

        var otherAsOf = CliRunner.Run([.. args, "--resume", "--as-of", "2026-02-01"]);
        otherAsOf.ExitCode.Should().Be(ExitCodes.BadInput, otherAsOf.ToString());
        otherAsOf.Err.Should().Contain($"eligibility: error: cannot resume {output}.partial: the inputs are not those of the interrupted run: as-of was each record's asOf");

        var otherLimit = CliRunner.Run([.. args, "--resume", "--max-record-bytes", "1M"]);
        otherLimit.ExitCode.Should().Be(ExitCodes.BadInput, otherLimit.ToString());
        otherLimit.Err.Should().Contain("record limits was 67108864 bytes a record");

        File.WriteAllText(rules, File.ReadAllText(rules).Replace("Tiny fixture trial", "Tiny fixture trial, amended", StringComparison.Ordinal));
        var otherRules = CliRunner.Run([.. args, "--resume"]);
        otherRules.ExitCode.Should().Be(ExitCodes.BadInput, otherRules.ToString());
        otherRules.Err.Should().Contain($"rule file 1 was {rules} sha256:");
        File.Copy(TestPaths.TinyRules, rules, overwrite: true);

        File.AppendAllText(input, ScreenCommandTests.Line(101, Kind.Eligible) + "\n");
        var otherPatients = CliRunner.Run([.. args, "--resume"]);
        otherPatients.ExitCode.Should().Be(ExitCodes.BadInput, otherPatients.ToString());
        otherPatients.Err.Should().Contain($"patients was {input}: ");

        File.ReadAllText(output + ".partial.state").Should().Be(state, "a refused resume changes nothing");
        File.Exists(output + ".partial").Should().BeTrue();
    }

    [Test]
    public void Resume_needs_an_interrupted_run_an_output_file_and_an_input_that_can_be_read_again()
    {
        string input = WriteInput(20, badEvery: 0);
        string output = Path.Combine(dir, "results.ndjson");
        string[] args = ["screen", "--rules", TestPaths.TinyRules, "--patients", input, "--out", output];

        var nothing = CliRunner.Run([.. args, "--resume"]);
        nothing.ExitCode.Should().Be(ExitCodes.BadInput, nothing.ToString());
        nothing.Err.Should().Contain($"nothing to resume: there is no {output}.partial.state");

        CliRunner.Run(args).ExitCode.Should().Be(0);
        var complete = CliRunner.Run([.. args, "--resume"]);
        complete.ExitCode.Should().Be(0, complete.ToString());
        complete.Err.Should().Contain($"Nothing to resume: {output} is complete");

        var noOut = CliRunner.Run("screen", "--rules", TestPaths.TinyRules, "--patients", input, "--resume");
        noOut.ExitCode.Should().Be(ExitCodes.BadInput);
        noOut.Err.Should().Contain("--resume needs --out FILE");

        var stdin = CliRunner.Run("screen", "--rules", TestPaths.TinyRules, "--patients", "-", "--out", output, "--resume");
        stdin.ExitCode.Should().Be(ExitCodes.BadInput);
        stdin.Err.Should().Contain("--resume needs the patients input to be a file or a folder");
    }

    [Test]
    public void A_partial_output_that_does_not_match_its_state_is_not_resumed()
    {
        string input = WriteInput(100, badEvery: 0);
        string output = Path.Combine(dir, "results.ndjson");
        string[] args = Args(input, output, null);
        StopInProcessAt("line 60", args).ExitCode.Should().Be(ExitCodes.Interrupted);
        string partial = output + ".partial";
        byte[] rows = File.ReadAllBytes(partial);

        File.WriteAllBytes(partial, rows[..(rows.Length / 2)]);
        var shorter = CliRunner.Run([.. args, "--resume"]);
        shorter.ExitCode.Should().Be(ExitCodes.BadInput, shorter.ToString());
        shorter.Err.Should().Contain($"cannot resume: {partial} holds {rows.Length / 2} bytes, fewer than the {rows.Length} its state says were written");

        var lines = Encoding.UTF8.GetString(rows).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        File.WriteAllText(partial, string.Join("\n", lines.Reverse()) + "\n");
        var shuffled = CliRunner.Run([.. args, "--resume"]);
        shuffled.ExitCode.Should().Be(ExitCodes.BadInput, shuffled.ToString());
        shuffled.Err.Should().Contain($"cannot resume: {partial} does not match its state (its last complete row is for line 1, the state says line");
    }

    [TestCase("INT")]
    [TestCase("TERM")]
    [Platform("Linux")]
    public void A_signal_stops_the_run_with_exit_4_and_resume_finishes_it_byte_for_byte(string signal)
    {
        string output = Path.Combine(dir, "results.ndjson");
        string summary = Path.Combine(dir, "summary.json");

        // The signal must land while the run is going: should a machine screen the whole input first, try a larger one.
        for (int records = 4000; ; records *= 4)
        {
            string input = WriteInput(records, badEvery: 101);
            var (reference, referenceSummary, referenceExit) = Reference(input);
            string[] args = Args(input, output, summary);
            using var tool = ToolProcess.Start(args);
            WaitFor(() => tool.HasExited || SizeOf(output + ".partial") > 0, "the run to write its first rows", tool);
            tool.Signal(signal == "INT" ? ToolProcess.SigInt : ToolProcess.SigTerm);
            var (exit, stderr) = tool.WaitForExit();
            if (exit == 0 && File.Exists(output) && records < 100_000)
            {
                File.Delete(output);
                continue; // it finished before the signal came
            }

            exit.Should().Be(ExitCodes.Interrupted, stderr);
            stderr.Should().Contain($"SIG{signal}: stopping — finishing the records in flight").And.Contain($"Incomplete: interrupted by SIG{signal}");
            stderr.Should().Contain($"the results so far are in {output}.partial: run the same command with --resume to finish");
            File.Exists(output).Should().BeFalse();
            var partialRows = File.ReadAllLines(output + ".partial");
            partialRows.Should().Equal(File.ReadAllLines(reference).Take(partialRows.Length), "the records in flight are finished and written whole");
            JsonNode.Parse(File.ReadAllText(summary + ".partial"))!["stopped"]!.GetValue<string>().Should().Be($"interrupted by SIG{signal}");

            using var resumed = ToolProcess.Start([.. args, "--resume"]);
            var (resumedExit, resumedErr) = resumed.WaitForExit();
            resumedExit.Should().Be(referenceExit, resumedErr);
            File.ReadAllBytes(output).Should().Equal(File.ReadAllBytes(reference));
            File.ReadAllBytes(summary).Should().Equal(File.ReadAllBytes(referenceSummary));
            LeftOver(output, summary).Should().BeEmpty();
            return;
        }
    }

    /// <summary>
    /// The test: 10,000 patients made from the samples (bad lines among them), the tool killed outright
    /// (SIGKILL) at 20 points and resumed each time, then resumed until done: every input line has exactly one row, and
    /// the files are byte for byte those of a run never stopped.
    /// </summary>
    [Test]
    [Platform("Linux")]
    public void Killed_at_twenty_points_and_resumed_each_time_the_output_is_the_uninterrupted_runs()
    {
        const int count = 10_000;
        string input = WriteInput(count, badEvery: 97);
        var (reference, referenceSummary, referenceExit) = Reference(input);
        long total = new FileInfo(reference).Length;
        string output = Path.Combine(dir, "results.ndjson");
        string summary = Path.Combine(dir, "summary.json");
        string partial = output + ".partial";
        string[] args = Args(input, output, summary);

        // Kill when FILE.partial reaches each of 20 sizes, seeded, spread over the run (a resumed run first cuts its
        // partial output back to its checkpoint, so a size it already has kills it while it starts: that is a kill point too).
        var random = new Random(12_2026);
        var killAt = Enumerable.Range(0, 20).Select(_ => (long)(total * (0.02 + (0.88 * random.NextDouble())))).Order().ToList();
        var clock = Stopwatch.StartNew();
        var log = new StringBuilder();
        for (int k = 0; k < killAt.Count; k++)
        {
            using var tool = ToolProcess.Start(k == 0 ? args : [.. args, "--resume"]);
            WaitFor(() => tool.HasExited || SizeOf(partial) >= killAt[k], $"kill point {k + 1}", tool);
            tool.Kill();
            var (exit, stderr) = tool.WaitForExit();
            log.Append(FormattableString.Invariant($"kill {k + 1} at {killAt[k]} bytes: exit {exit}, partial {SizeOf(partial)} bytes\n"));
            File.Exists(output).Should().BeFalse($"the run was killed before it completed (kill point {k + 1}, exit {exit}):\n{stderr}\n{log}");
            exit.Should().Be(137, $"SIGKILL ends it (kill point {k + 1}):\n{stderr}\n{log}");
        }

        for (int attempt = 0; File.Exists(partial); attempt++)
        {
            attempt.Should().BeLessThan(3, log.ToString());
            using var tool = ToolProcess.Start([.. args, "--resume"]);
            var (exit, stderr) = tool.WaitForExit();
            exit.Should().Be(referenceExit, stderr);
        }

        TestContext.Out.WriteLine(log.Append(FormattableString.Invariant($"{count} records, {killAt.Count} kills, {clock.Elapsed.TotalSeconds:0.0} s")));

        // Every non-blank input line has exactly one row (one trial), in order, and nothing else is there.
        var expected = File.ReadAllLines(input).Select((line, i) => (line, i)).Where(l => l.line.Trim().Length > 0).Select(l => l.i + 1).ToList();
        var lines = File.ReadAllLines(output).Select(row => JsonNode.Parse(row)!["line"]!.GetValue<int>()).ToList();
        lines.Should().Equal(expected, "one row per (line, trial): no duplicate, no gap");
        File.ReadAllBytes(output).Should().Equal(File.ReadAllBytes(reference), "the resumed output is the uninterrupted run's, byte for byte");
        File.ReadAllBytes(summary).Should().Equal(File.ReadAllBytes(referenceSummary));
        LeftOver(output, summary).Should().BeEmpty();
    }

    /// <summary>The arguments of every run of a test: one trial, two workers, a 64 KB record limit (the long lines become error rows).</summary>
    private static string[] Args(string input, string output, string? summary) =>
        ["screen", "--rules", TestPaths.TinyRules, "--patients", input, "--out", output, "--parallel", "2", "--max-record-bytes", "64K", .. summary is null ? Array.Empty<string>() : ["--summary", summary]];

    /// <summary>An uninterrupted run's output, summary and exit code (in-process, into files of their own).</summary>
    private (string Output, string Summary, int Exit) Reference(string input)
    {
        string output = Path.Combine(dir, "reference.ndjson");
        string summary = Path.Combine(dir, "reference-summary.json");
        var r = CliRunner.Run(Args(input, output, summary));
        r.ExitCode.Should().BeOneOf([0, ExitCodes.InternalError], r.ToString());
        return (output, summary, r.ExitCode);
    }

    /// <summary>
    /// Runs in-process and, when the record named (<c>line 12</c>, <c>file p001.json</c>, a Bulk export's
    /// <c>file Patient.ndjson line 7</c>) is screened, stops the run as SIGINT would.
    /// </summary>
    internal static CliResult StopInProcessAt(string record, string[] args)
    {
        StopSignals? signals = null;
        ScreenCommand.Started.Value = s => signals = s;
        ScreenPipeline.Fault.Value = item =>
        {
            string line = "line " + item.Line.ToString(System.Globalization.CultureInfo.InvariantCulture);
            string at = item.File is { } file ? "file " + Path.GetFileName(file) + (item.Line > 0 ? " " + line : string.Empty) : line;
            if (at == record)
            {
                signals!.Request("SIGINT");
            }
        };
        try
        {
            return CliRunner.Run(args);
        }
        finally
        {
            ScreenPipeline.Fault.Value = null;
            ScreenCommand.Started.Value = null;
        }
    }

    private string WriteInput(int count, int badEvery)
    {
        string input = Path.Combine(dir, "patients.ndjson");
        File.WriteAllText(input, string.Join("\n", ScreenData.Generate(count, badEvery)) + "\n", new UTF8Encoding(false));
        return input;
    }

    private string WriteFolder(int count)
    {
        string folder = Path.Combine(dir, "patients");
        Directory.CreateDirectory(folder);
        int i = 0;
        foreach (string record in ScreenData.Generate(count, badEvery: 11))
        {
            i++;
            File.WriteAllText(Path.Combine(folder, FormattableString.Invariant($"p{i:000}.json")), record);
        }

        return folder;
    }

    /// <summary>Files a finished run must not leave: the partial output, its state, partial summaries.</summary>
    private IEnumerable<string> LeftOver(string output, string summary) =>
        Directory.GetFiles(dir).Where(f => f.EndsWith(".partial", StringComparison.Ordinal) || f.EndsWith(".state", StringComparison.Ordinal) || f.EndsWith(".new", StringComparison.Ordinal))
            .Concat(new[] { output, summary }.Where(f => !File.Exists(f)).Select(f => "missing: " + f));

    /// <summary>The size of a file that may be renamed or created at any moment; -1 when it is not there.</summary>
    private static long SizeOf(string path)
    {
        try
        {
            return File.Exists(path) ? new FileInfo(path).Length : -1;
        }
        catch (IOException)
        {
            return -1;
        }
    }

    private static void WaitFor(Func<bool> condition, string what, ToolProcess tool)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(2))
            {
                tool.Kill();
                Assert.Fail($"waited 2 minutes for {what} (hang guard)");
            }

            Thread.Sleep(2);
        }
    }
}

/// <summary>The built tool as a child process (<c>dotnet Eligibility.Cli.dll …</c>) that a test can signal or kill.</summary>
internal sealed class ToolProcess : IDisposable
{
    public const int SigInt = 2;
    public const int SigTerm = 15;

    private static readonly Lazy<bool> EnvResetsSignals = new(() =>
    {
        // A shell's background jobs ignore SIGINT, and an ignored signal stays ignored in the child: start the tool
        // with SIGINT and SIGTERM at their default (GNU env) where possible, as a terminal's foreground job has them.
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("/usr/bin/env", ["--default-signal=INT,TERM", "true"]) { UseShellExecute = false, RedirectStandardError = true })!;
            probe.WaitForExit(TimeSpan.FromSeconds(30));
            return probe.HasExited && probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });

    private readonly Process process;
    private readonly Task<string> stderr;

    private ToolProcess(Process process)
    {
        this.process = process;
        stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEndAsync();
    }

    public bool HasExited => process.HasExited;

    public static ToolProcess Start(string[] args)
    {
        File.Exists(TestPaths.ToolDll).Should().BeTrue($"the tool should be built at {TestPaths.ToolDll}");
        var info = EnvResetsSignals.Value ? new ProcessStartInfo("/usr/bin/env", ["--default-signal=INT,TERM", "dotnet"]) : new ProcessStartInfo("dotnet");
        info.ArgumentList.Add(TestPaths.ToolDll);
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return new ToolProcess(Process.Start(info)!);
    }

    /// <summary>Sends a signal, as <c>kill -INT pid</c> does (unless the process has ended: then it is too late, and the caller sees it).</summary>
    public void Signal(int signal)
    {
        if (!process.HasExited)
        {
            _ = SendSignal(process.Id, signal);
        }
    }

    /// <summary>SIGKILL (if still running).</summary>
    public void Kill()
    {
        try
        {
            process.Kill();
        }
        catch (InvalidOperationException)
        {
            // It has exited already.
        }
    }

    public (int Exit, string Stderr) WaitForExit()
    {
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(true);
            Assert.Fail("the tool did not finish within 2 minutes (hang guard)");
        }

        process.WaitForExit();
        return (process.ExitCode, stderr.Result);
    }

    public void Dispose()
    {
        Kill();
        process.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
