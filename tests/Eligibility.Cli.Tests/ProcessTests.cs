using System.Diagnostics;
using System.Text.Json;

namespace Eligibility.Cli.Tests;

/// <summary>The tool as a real process: <c>dotnet Eligibility.Cli.dll …</c>, exit codes and streams as a shell sees them.</summary>
[TestFixture]
public sealed class ProcessTests
{
    [Test]
    public void Evaluate_as_a_process_writes_json_to_stdout_and_exits_0()
    {
        var (code, stdout, stderr) = Start(null, "evaluate", "--rules", TestPaths.TinyRules, "--patient", TestPaths.Fixture("patients", "tiny-undetermined.json"), "--format", "json");

        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        doc.RootElement.GetProperty("verdict").GetString().Should().Be("undetermined");
        stderr.Should().Contain("as-of 2026-01-15 (from the patient record)");
    }

    [Test]
    public void Text_output_redirected_has_no_colour()
    {
        var (code, stdout, _) = Start(null, "evaluate", "--rules", TestPaths.TinyRules, "--patient", TestPaths.Fixture("patients", "tiny-undetermined.json"));

        code.Should().Be(0);
        stdout.Should().NotContain("\u001b[");
        stdout.Should().StartWith("TINY-1 — Tiny fixture trial");
    }

    [Test]
    public void Exit_codes_reach_the_shell()
    {
        Start(null, "validate", TestPaths.Fixture("broken")).Code.Should().Be(1);
        Start(null, "evaluate", "--rules", TestPaths.TinyRules).Code.Should().Be(2);
        Start(null, "test", TestPaths.TinyCases).Code.Should().Be(0);

        var version = Start(null, "--version");
        version.Code.Should().Be(0);
        version.Stdout.Trim().Should().MatchRegex(@"^\d+\.\d+\.\d+");
    }

    [Test]
    public void Screen_reads_ndjson_from_stdin()
    {
        string record = File.ReadAllText(TestPaths.Fixture("patients", "tiny-eligible.json")).ReplaceLineEndings(" ");
        var (code, stdout, stderr) = Start(record + "\nnot json\n", "screen", "--rules", TestPaths.TinyRules, "--patients", "-");

        code.Should().Be(0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(2);
        JsonDocument.Parse(lines[0]).RootElement.GetProperty("verdict").GetString().Should().Be("eligible");
        JsonDocument.Parse(lines[1]).RootElement.GetProperty("line").GetInt32().Should().Be(2);
        stderr.Should().Contain("eligible 1, review 0, undetermined 0, ineligible 0, error rows 1");
        stderr.Should().NotContain("\u001b[", "stderr is not a terminal here: no progress bar");
    }

    [Test]
    public void Evaluate_with_a_terminology_as_a_process_matches_a_snomed_child()
    {
        string dir = TestPaths.NewTempFolder();
        try
        {
            string rules = TerminologyFixtures.WriteMalignancyRules(dir);
            string patient = TerminologyFixtures.WriteBreastCancerPatient(dir);

            var without = Start(null, "evaluate", "--rules", rules, "--patient", patient, "--format", "json");
            without.Code.Should().Be(0, without.Stderr);
            JsonDocument.Parse(without.Stdout).RootElement.GetProperty("verdict").GetString().Should().Be("eligible");
            without.Stderr.Should().Contain("info ELIG2026");

            var (code, stdout, stderr) = Start(null, "evaluate", "--rules", rules, "--patient", patient, "--format", "json", "--terminology", TerminologyFixtures.Omop);
            code.Should().Be(0, stderr);
            JsonDocument.Parse(stdout).RootElement.GetProperty("verdict").GetString().Should().Be("ineligible");
            stderr.Should().StartWith("terminology: OMOP vocabulary");

            var bad = Start(null, "evaluate", "--rules", rules, "--patient", patient, "--terminology", Path.Combine(dir, "nowhere"));
            bad.Code.Should().Be(2);
            bad.Stderr.Should().Contain(": error ELIG0002: no such file or folder").And.NotContain("   at ");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void Lock_as_a_process_writes_checks_and_needs_a_terminology()
    {
        string dir = TestPaths.NewTempFolder();
        try
        {
            TerminologyFixtures.WriteMalignancyRules(dir);
            string lockFile = Path.Combine(dir, "MAL-1.lock.json");

            var check = Start(null, "lock", dir, "--terminology", TerminologyFixtures.Omop, "--check");
            check.Code.Should().Be(1, check.Stderr);
            check.Stderr.Should().Contain("error ELIG4102");

            var write = Start(null, "lock", dir, "--terminology", TerminologyFixtures.Omop);
            write.Code.Should().Be(0, write.Stderr);
            write.Stdout.Should().Be($"{lockFile}: written (1 concept pinned)\n");

            Start(null, "lock", dir, "--terminology", TerminologyFixtures.Omop, "--check").Code.Should().Be(0);
            Start(null, "lock", dir).Code.Should().Be(2);
            Start(null, "validate", lockFile).Code.Should().Be(2);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void Screen_as_a_process_writes_the_summary_with_unrecognised_codes()
    {
        string dir = TestPaths.NewTempFolder();
        try
        {
            string rules = TerminologyFixtures.WriteMalignancyRules(dir);
            string summary = Path.Combine(dir, "summary.json");
            string input = TerminologyFixtures.Patient("p1", TerminologyFixtures.BreastCancer) + "\n";

            var (code, stdout, stderr) = Start(input, "screen", "--rules", rules, "--patients", "-", "--summary", summary);

            code.Should().Be(0, stderr);
            stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle();
            stderr.Should().Contain("Unrecognised codes: 1 code(s)").And.Contain("254837009");
            using var doc = JsonDocument.Parse(File.ReadAllText(summary));
            doc.RootElement.GetProperty("unrecognisedCodes")[0].GetProperty("code").GetString().Should().Be(TerminologyFixtures.BreastCancer);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void The_tool_build_output_has_an_eligibility_app_host()
    {
        // tests/Eligibility.Cli.Tests/bin/<Configuration>/<tfm>/ → src/Eligibility.Cli/bin/<Configuration>/<tfm>/
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string tfm = output.Name;
        string configuration = output.Parent!.Name;
        string repository = Path.GetFullPath(Path.Combine(TestPaths.Project, "..", ".."));
        string host = Path.Combine(repository, "src", "Eligibility.Cli", "bin", configuration, tfm, OperatingSystem.IsWindows() ? "eligibility.exe" : "eligibility");
        File.Exists(host).Should().BeTrue($"{host} should be the copy of the Eligibility.Cli app host (target CopyEligibilityAppHost)");

        if (!OperatingSystem.IsWindows())
        {
            var info = new ProcessStartInfo(host, "--version") { RedirectStandardOutput = true, UseShellExecute = false };
            using var process = Process.Start(info)!;
            string version = process.StandardOutput.ReadToEnd();
            process.WaitForExit(TimeSpan.FromMinutes(1)).Should().BeTrue();
            process.ExitCode.Should().Be(0);
            version.Trim().Should().MatchRegex(@"^\d+\.\d+\.\d+");
        }
    }

    private static (int Code, string Stdout, string Stderr) Start(string? stdin, params string[] args)
    {
        File.Exists(TestPaths.ToolDll).Should().BeTrue($"the tool should be built at {TestPaths.ToolDll}");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(TestPaths.ToolDll);
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
        }

        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(true);
            Assert.Fail("the tool did not finish within 2 minutes");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
