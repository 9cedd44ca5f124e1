using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Eligibility.Fhir;

namespace Eligibility.Cli.Tests;

/// <summary>
/// Bad input is bad input, through the tool (issue 12): devices, pipes and links to them; text that is not valid UTF-8;
/// inputs over the limits (--max-record-bytes, --max-string-bytes, --max-array-items); as-of dates outside the range;
/// huge strings in the text report; case files naming paths outside their repository. A defect is exit 3 and says so.
/// </summary>
[TestFixture]
[NonParallelizable] // one test sets the FHIR mapper's static fault hook
public sealed class RobustnessTests
{
    private string temp = null!;

    [SetUp]
    public void SetUp() => temp = TestPaths.NewTempFolder();

    [TearDown]
    public void TearDown()
    {
        BundleMapper.FaultForTests = null;
        Directory.Delete(temp, recursive: true);
    }

    private static string Tiny => TestPaths.TinyRules;

    private static string TinyPatient => TestPaths.Fixture("patients", "tiny-eligible.json");

    // ------------------------------------------------------------------ files that are not regular files

    [Test]
    [Platform("Linux")]
    public void A_device_as_the_patient_or_the_rule_file_is_an_unreadable_file_exit_2()
    {
        string link = Path.Combine(temp, "rules.json");
        File.CreateSymbolicLink(link, "/dev/zero");

        var patient = CliRunner.Run("evaluate", "--rules", Tiny, "--patient", "/dev/zero");
        patient.ExitCode.Should().Be(2, patient.ToString());
        patient.Err.Should().Contain("/dev/zero: error ELIG0002: cannot read the file: it is a character device");

        var rules = CliRunner.Run("evaluate", "--rules", link, "--patient", TinyPatient);
        rules.ExitCode.Should().Be(2, rules.ToString());
        rules.Err.Should().Contain($"{link}: error ELIG0002:");
    }

    [Test]
    [Platform("Linux")]
    public void Validate_reports_each_device_link_and_pipe_in_a_folder_as_an_error_and_checks_the_rest()
    {
        File.Copy(Tiny, Path.Combine(temp, "TINY-1.json"));
        File.CreateSymbolicLink(Path.Combine(temp, "zero.json"), "/dev/zero");
        MakeFifo(Path.Combine(temp, "pipe.json"));
        var watch = Stopwatch.StartNew();

        var r = CliRunner.Run("validate", temp);

        watch.Elapsed.Should().BeLessThan(TimeSpan.FromMinutes(1), "neither the link nor the pipe is read (hang guard)");
        r.ExitCode.Should().Be(1, r.ToString());
        r.Err.Should().Contain("zero.json: error ELIG0002: cannot read the file: it is a character device, not a regular file");
        r.Err.Should().Contain("pipe.json: error ELIG0002: cannot read the file: it is a named pipe, not a regular file");
        r.Out.Should().Contain("3 file(s) checked: 2 error(s)");
    }

    [Test]
    [Platform("Linux")]
    public void A_folder_link_back_to_an_ancestor_is_walked_once()
    {
        string sub = Directory.CreateDirectory(Path.Combine(temp, "sub")).FullName;
        File.Copy(Tiny, Path.Combine(sub, "TINY-1.json"));
        Directory.CreateSymbolicLink(Path.Combine(sub, "loop"), temp);

        var r = CliRunner.Run("validate", temp);

        r.ExitCode.Should().Be(0, r.ToString());
        r.Out.Should().Contain("1 file(s) checked");
    }

    // ------------------------------------------------------------------ invalid UTF-8

    [Test]
    public void A_patient_with_invalid_utf8_is_a_positioned_error_exit_2()
    {
        string path = Write("p.json", [.. "{\n  \"id\": \"p"u8, 0xC0, 0xAF, .. "\",\n  \"asOf\": \"2026-01-15\"\n}"u8]);

        var r = CliRunner.Run("evaluate", "--rules", Tiny, "--patient", path);

        r.ExitCode.Should().Be(2, r.ToString());
        r.Err.Should().Contain($"{path}(2,11): error ELIG0001: invalid JSON: a string holds bytes that are not valid UTF-8");
        r.Err.Should().NotContain("internal error");
    }

    [Test]
    public void A_rule_file_with_a_lone_surrogate_escape_fails_validation_with_a_position()
    {
        string text = File.ReadAllText(Tiny);
        int at = text.IndexOf("\"title\": \"", StringComparison.Ordinal) + "\"title\": \"".Length;
        string path = Write("TINY-1.json", Encoding.UTF8.GetBytes(text[..at] + "\\udfff" + text[at..]));
        int line = text[..at].Count(c => c == '\n') + 1;
        int column = at - (text.LastIndexOf('\n', at) + 1) + 1;

        var r = CliRunner.Run("validate", path);

        r.ExitCode.Should().Be(1, r.ToString());
        r.Err.Should().Contain($"{path}({line},{column}): error ELIG0001: invalid JSON: a string holds an escape of a lone UTF-16 surrogate");
    }

    [Test]
    public void A_case_file_with_invalid_utf8_is_reported_and_the_run_goes_on()
    {
        File.Copy(Tiny, Path.Combine(temp, "TINY-1.json"));
        string cases = File.ReadAllText(TestPaths.TinyCases);
        int at = cases.IndexOf("\"name\": \"", StringComparison.Ordinal) + "\"name\": \"".Length;
        string path = Write("TINY-1.cases.json", [.. Encoding.UTF8.GetBytes(cases[..at]), 0xFF, .. Encoding.UTF8.GetBytes(cases[at..])]);

        var r = CliRunner.Run("test", path);

        r.ExitCode.Should().Be(1, r.ToString());
        r.Err.Should().MatchRegex(@"TINY-1\.cases\.json\(\d+,\d+\): error ELIG0001: invalid JSON: a string holds bytes that are not valid UTF-8");
        r.Err.Should().NotContain("internal error");
    }

    // ------------------------------------------------------------------ internal errors

    [Test]
    public void A_defect_in_the_fhir_mapper_is_exit_3_and_says_it_is_a_bug()
    {
        string bundle = TestPaths.Fixture("patients", "bundle.json");
        CliRunner.Run("evaluate", "--rules", Tiny, "--patient", bundle, "--as-of", "2026-01-15").ExitCode.Should().Be(0);
        BundleMapper.FaultForTests = () => throw new InvalidOperationException("injected defect");

        var r = CliRunner.Run("evaluate", "--rules", Tiny, "--patient", bundle, "--as-of", "2026-01-15");

        r.ExitCode.Should().Be(3, r.ToString());
        r.Err.Should().Contain($"eligibility: internal error while mapping the FHIR bundle {bundle}: InvalidOperationException: injected defect");
        r.Err.Should().Contain("this is a bug in eligibility, not a problem with your input: please report it");
        r.Err.Should().NotContain("ELIG3101").And.NotContain("   at ");
    }

    // ------------------------------------------------------------------ as-of dates

    [TestCase("0002-01-01")]
    [TestCase("1899-12-31")]
    [TestCase("3000-01-01")]
    public void An_as_of_option_outside_the_range_is_an_argument_error(string date)
    {
        var r = CliRunner.Run("evaluate", "--rules", Tiny, "--patient", TinyPatient, "--as-of", date);

        r.ExitCode.Should().Be(2, r.ToString());
        r.Err.Should().Contain($"--as-of: {date} is outside the dates an evaluation accepts (1900-01-01 to 2999-12-31)");
    }

    [Test]
    public void A_record_as_of_outside_the_range_is_a_positioned_error_exit_2()
    {
        string path = Write("p.json", Encoding.UTF8.GetBytes(File.ReadAllText(TinyPatient).Replace("\"asOf\": \"2026-01-15\"", "\"asOf\": \"0003-01-15\"", StringComparison.Ordinal)));

        var r = CliRunner.Run("evaluate", "--rules", Tiny, "--patient", path);

        r.ExitCode.Should().Be(2, r.ToString());
        r.Err.Should().Contain($"{path}(3,11): error ELIG3002: 'asOf' 0003-01-15 is outside the dates an evaluation accepts");
    }

    [Test]
    public void Test_reports_a_case_with_an_as_of_outside_the_range_and_runs_the_others()
    {
        File.Copy(Tiny, Path.Combine(temp, "TINY-1.json"));
        var cases = JsonNode.Parse(File.ReadAllText(TestPaths.TinyCases))!;
        var list = cases["cases"]!.AsArray();
        while (list.Count > 2)
        {
            list.RemoveAt(2);
        }

        list[0]!["asOf"] = "0001-01-02";
        string path = Write("TINY-1.cases.json", Encoding.UTF8.GetBytes(cases.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true })));

        var r = CliRunner.Run("test", path);

        r.ExitCode.Should().Be(1, r.ToString());
        r.Out.Should().Contain("1 passed, 1 failed");
        r.Err.Should().MatchRegex(@"TINY-1\.cases\.json\(\d+,\d+\): error ELIG4001: 'asOf' 0001-01-02 is outside the dates an evaluation accepts");
    }

    // ------------------------------------------------------------------ limits and the text report

    [Test]
    public void A_20_MB_string_is_refused_by_default_and_shortened_in_the_text_report_when_allowed()
    {
        var record = JsonNode.Parse(File.ReadAllText(TinyPatient))!;
        record["id"] = new string('x', 20_000_000);
        string path = Write("p.json", Encoding.UTF8.GetBytes(record.ToJsonString()));

        var refused = CliRunner.Run("evaluate", "--rules", Tiny, "--patient", path);
        refused.ExitCode.Should().Be(2, refused.Err[..Math.Min(2000, refused.Err.Length)]);
        refused.Err.Should().Contain($"{path}(1,7): error ELIG0005: a string is 20,000,000 bytes long; patient records are limited to 1,048,576 bytes per string");

        var watch = Stopwatch.StartNew();
        var shown = CliRunner.Run("evaluate", "--rules", Tiny, "--patient", path, "--max-string-bytes", "32M");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromMinutes(2), "the text report shortens long texts (hang guard)");

        shown.ExitCode.Should().Be(0, shown.Err);
        shown.Out.Length.Should().BeLessThan(100_000);
        shown.Out.Should().Contain("… (19,998,000 more characters)");
        shown.Out.Should().Contain("Note: texts longer than 2,000 characters are shortened here (…); --format json shows them in full.");
    }

    [Test]
    public void The_limit_options_apply_to_evaluate_and_take_size_suffixes()
    {
        CliRunner.Run("evaluate", "--rules", Tiny, "--patient", TinyPatient, "--max-record-bytes", "2K").ExitCode.Should().Be(0);

        var bytes = CliRunner.Run("evaluate", "--rules", Tiny, "--patient", TinyPatient, "--max-record-bytes", "100");
        bytes.ExitCode.Should().Be(2);
        bytes.Err.Should().Contain($"{TinyPatient}: error ELIG0003:").And.Contain("limited to 100 bytes");

        var strings = CliRunner.Run("evaluate", "--rules", Tiny, "--patient", TinyPatient, "--max-string-bytes", "5");
        strings.ExitCode.Should().Be(2);
        strings.Err.Should().Contain("error ELIG0005:").And.Contain("limited to 5 bytes per string");

        var items = CliRunner.Run("evaluate", "--rules", Tiny, "--patient", TinyPatient, "--max-array-items", "2");
        items.ExitCode.Should().Be(2);
        items.Err.Should().Contain("error ELIG0005: an array has more than 2 items");

        var nonsense = CliRunner.Run("evaluate", "--rules", Tiny, "--patient", TinyPatient, "--max-record-bytes", "lots");
        nonsense.ExitCode.Should().Be(2);
        nonsense.Err.Should().Contain("--max-record-bytes: 'lots' is not a positive whole number");
    }

    [Test]
    public void The_limit_options_apply_to_the_patients_of_example_cases()
    {
        var r = CliRunner.Run("test", TestPaths.TinyCases, "--max-string-bytes", "3");

        r.ExitCode.Should().Be(1, r.ToString());
        r.Err.Should().Contain("error ELIG0005:");
    }

    // ------------------------------------------------------------------ case-file paths

    [Test]
    public void A_case_file_may_not_name_files_outside_its_folder_unless_allowed()
    {
        // Not in a git work tree: the boundary is the case file's own folder.
        File.Copy(Tiny, Path.Combine(temp, "TINY-1.json"));
        string inner = Directory.CreateDirectory(Path.Combine(temp, "cases")).FullName;
        var cases = JsonNode.Parse(File.ReadAllText(TestPaths.TinyCases))!;
        var inline = cases["cases"]!.AsArray();
        for (int i = inline.Count - 1; i >= 0; i--)
        {
            if (inline[i]!["patient"] is null)
            {
                inline.RemoveAt(i); // cases whose patientFile is relative to the fixtures
            }
        }

        cases["rules"] = "../TINY-1.json";
        string path = Path.Combine(inner, "TINY-1.cases.json");
        File.WriteAllText(path, cases.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));

        var refused = CliRunner.Run("test", path);
        refused.ExitCode.Should().Be(1, refused.ToString());
        refused.Err.Should().MatchRegex(@"TINY-1\.cases\.json\(3,\d+\): error ELIG4010: the rule file '\.\./TINY-1\.json' is outside ");

        var allowed = CliRunner.Run("test", path, "--allow-outside-paths");
        allowed.ExitCode.Should().Be(0, allowed.ToString());

        cases["rules"] = Path.Combine(temp, "TINY-1.json");
        File.WriteAllText(path, cases.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        var absolute = CliRunner.Run("validate", path);
        absolute.ExitCode.Should().Be(1, absolute.ToString());
        absolute.Err.Should().Contain("error ELIG4010: the rule file '/");
    }

    [Test]
    [Platform("Linux")]
    public void A_patient_file_reached_through_a_link_out_of_the_folder_is_refused()
    {
        string outside = Directory.CreateDirectory(Path.Combine(temp, "outside")).FullName;
        File.Copy(TinyPatient, Path.Combine(outside, "p.json"));
        string inner = Directory.CreateDirectory(Path.Combine(temp, "cases")).FullName;
        File.Copy(Tiny, Path.Combine(inner, "TINY-1.json"));
        File.CreateSymbolicLink(Path.Combine(inner, "p.json"), Path.Combine(outside, "p.json"));
        File.WriteAllText(Path.Combine(inner, "in.json"), File.ReadAllText(TinyPatient));
        string path = Path.Combine(inner, "TINY-1.cases.json");
        File.WriteAllText(path, """
            {
              "rules": "TINY-1.json",
              "cases": [
                { "name": "linked", "patientFile": "p.json", "expect": { "verdict": "eligible" } },
                { "name": "escaping", "patientFile": "../../../../../../../../etc/hostname", "expect": { "verdict": "eligible" } },
                { "name": "inside", "patientFile": "in.json", "expect": { "verdict": "eligible" } }
              ]
            }
            """);

        var r = CliRunner.Run("test", path);

        r.ExitCode.Should().Be(1, r.ToString());
        r.Err.Should().Contain($"{path}(4,40): error ELIG4010: the patient file 'p.json' is outside {inner}");
        r.Err.Should().Contain($"{path}(5,42): error ELIG4010: the patient file '../../../../../../../../etc/hostname' is outside");
        r.Out.Should().Contain("1 passed, 2 failed");
    }

    // ------------------------------------------------------------------ helpers

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(temp, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static void MakeFifo(string path)
    {
        using var process = Process.Start(new ProcessStartInfo("mkfifo", path) { UseShellExecute = false })!;
        process.WaitForExit();
        process.ExitCode.Should().Be(0);
    }
}
