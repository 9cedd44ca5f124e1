using System.Diagnostics;
using System.Text;
using Eligibility.Diagnostics;
using Eligibility.Patients;
using Eligibility.Time;

namespace Eligibility.Tests.Robustness;

/// <summary>
/// Bad input is bad input (issue 12): files that are not regular files, text that is not valid UTF-8, inputs over their
/// limits and dates at the ends of the calendar all come back as positioned diagnostics, never as exceptions, hangs or
/// out-of-memory; the as-of range is enforced; rule-file validation is linear in the number of criteria.
/// </summary>
[TestFixture]
public sealed class InputRobustnessTests
{
    private string folder = null!;

    [SetUp]
    public void SetUp()
    {
        folder = Path.Combine(Path.GetTempPath(), "eligibility-robustness", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(folder, recursive: true);

    // ------------------------------------------------------------------ files that are not regular files

    [Test]
    [Platform("Linux")]
    public void Devices_links_to_devices_pipes_and_folders_are_unreadable_files_for_every_reader()
    {
        string link = Path.Combine(folder, "zero.json");
        File.CreateSymbolicLink(link, "/dev/zero");
        string fifo = MakeFifo("pipe.json");

        foreach (string path in new[] { "/dev/zero", link, fifo, folder })
        {
            var watch = Stopwatch.StartNew();
            Single(PatientReader.ReadFile(path).Diagnostics, DiagnosticCodes.FileUnreadable, path);
            Single(RuleCompiler.CompileFile(path).Diagnostics, DiagnosticCodes.FileUnreadable, path);
            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), "a device or pipe is refused before it is read (hang guard)");
        }

        PatientReader.ReadFile(link).Diagnostics[0].Message.Should().Contain("character device");
        PatientReader.ReadFile(fifo).Diagnostics[0].Message.Should().Contain("named pipe");
    }

    [Test]
    [Platform("Linux")]
    public void A_lock_file_that_is_a_link_to_a_device_is_an_unreadable_lock_file()
    {
        string rules = Path.Combine(folder, "DEMO-1.json");
        File.Copy(Support.TestTrial.DemoPath, rules);
        File.CreateSymbolicLink(Path.Combine(folder, "DEMO-1.lock.json"), "/dev/zero");

        var result = RuleCompiler.CompileFile(rules);

        result.Evaluator.Should().BeNull();
        var d = result.Diagnostics.Should().ContainSingle(x => x.IsError).Subject;
        d.Code.Should().Be(DiagnosticCodes.FileUnreadable);
        d.File.Should().EndWith("DEMO-1.lock.json");
        d.Message.Should().Contain("lock file").And.Contain("character device");
    }

    [Test]
    public void A_file_over_the_record_limit_is_too_large_and_is_not_read_past_it()
    {
        string path = Path.Combine(folder, "big.json");
        File.WriteAllText(path, "{\"id\":\"" + new string('x', 5000) + "\"}");

        var d = PatientReader.ReadFile(path, new InputLimits { MaxRecordBytes = 1000 }).Diagnostics.Should().ContainSingle().Subject;

        d.Code.Should().Be(DiagnosticCodes.InputTooLarge);
        d.Message.Should().Contain("limited to 1000 bytes");
    }

    // ------------------------------------------------------------------ invalid UTF-8 and lone surrogates

    [Test]
    public void Invalid_utf8_in_a_native_record_is_a_positioned_syntax_error()
    {
        byte[] bytes = [.. "{\n  \"id\": \"p\",\n  \"note\": \"ab"u8, 0xFF, .. "c\"\n}"u8];

        var d = PatientReader.Read(bytes, "p.json").Diagnostics.Should().ContainSingle().Subject;

        d.Code.Should().Be(DiagnosticCodes.JsonSyntax);
        d.Message.Should().Contain("not valid UTF-8");
        (d.Line, d.Column).Should().Be((3, 14), "the column of the offending byte");
        d.Pointer.Should().Be("/note");
    }

    [Test]
    public void Invalid_utf8_in_a_property_name_is_a_positioned_syntax_error()
    {
        byte[] bytes = [.. "{\"id\": \"p\", \"n"u8, 0xC3, .. "\": 1}"u8];

        var d = PatientReader.Read(bytes, "p.json").Diagnostics.Should().ContainSingle().Subject;

        d.Code.Should().Be(DiagnosticCodes.JsonSyntax);
        d.Message.Should().Contain("property name");
        (d.Line, d.Column).Should().Be((1, 15));
    }

    [TestCase("\\ud800", TestName = "A lone high surrogate escape")]
    [TestCase("\\udc00", TestName = "A lone low surrogate escape")]
    [TestCase("\\udc00\\ud800", TestName = "A reversed surrogate pair")]
    public void A_lone_surrogate_escape_in_a_native_record_is_a_positioned_syntax_error(string escape)
    {
        string json = "{\n  \"id\": \"p\",\n  \"observations\": [{\"code\": {\"system\": \"http://loinc.org\", \"code\": \"x" + escape + "\"}, \"value\": 1}]\n}";

        var d = PatientReader.Read(json, "p.json").Diagnostics.Should().ContainSingle().Subject;

        d.Code.Should().Be(DiagnosticCodes.JsonSyntax);
        d.Message.Should().Contain("lone UTF-16 surrogate");
        d.Line.Should().Be(3);
        d.Column.Should().Be(json.Split('\n')[2].IndexOf('\\', StringComparison.Ordinal) + 1, "the position of the escape");
        d.Pointer.Should().Be("/observations/0/code/code");
    }

    [Test]
    public void A_surrogate_pair_escape_is_a_character_and_is_read()
    {
        var result = PatientReader.Read("{\"id\": \"p\\ud83d\\ude00\"}", "p.json");

        result.Diagnostics.Should().BeEmpty();
        result.Patient!.Id.Should().Be("p\U0001F600");
    }

    [Test]
    public void Invalid_utf8_and_lone_surrogates_in_a_rule_file_are_positioned_syntax_errors()
    {
        string demo = File.ReadAllText(Support.TestTrial.DemoPath);
        int at = demo.IndexOf("\"title\": \"", StringComparison.Ordinal) + "\"title\": \"".Length;
        byte[] prefix = Encoding.UTF8.GetBytes(demo[..at]);
        byte[] rest = Encoding.UTF8.GetBytes(demo[at..]);
        var expected = LineColumn(demo, at);

        var invalid = RuleCompiler.Compile(new MemoryStream([.. prefix, 0xFE, .. rest]), "DEMO-1.json").Diagnostics.Should().ContainSingle().Subject;
        invalid.Code.Should().Be(DiagnosticCodes.JsonSyntax);
        (invalid.Line, invalid.Column).Should().Be(expected);
        invalid.Pointer.Should().Be("/trial/title");

        var lone = RuleCompiler.CompileText(demo[..at] + "\\ud800" + demo[at..], "DEMO-1.json").Diagnostics.Should().ContainSingle().Subject;
        lone.Code.Should().Be(DiagnosticCodes.JsonSyntax);
        (lone.Line, lone.Column).Should().Be(expected);
    }

    // ------------------------------------------------------------------ limits

    [Test]
    public void A_20_MB_string_is_refused_before_anything_is_built()
    {
        string json = "{\"id\": \"p\", \"assessments\": [{\"criterion\": \"T/INCL01\", \"value\": true, \"by\": \"" + new string('a', 20_000_000) + "\"}]}";
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        var watch = Stopwatch.StartNew();

        var d = PatientReader.Read(bytes, "p.json").Diagnostics.Should().ContainSingle().Subject;

        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), "the scan is linear (hang guard)");
        d.Code.Should().Be(DiagnosticCodes.InputLimitExceeded);
        d.Pointer.Should().Be("/assessments/0/by");
        (d.Line, d.Column).Should().Be((1, 76));
        d.Message.Should().Contain("20,000,000 bytes").And.Contain("1,048,576 bytes per string");
    }

    [Test]
    public void Nesting_deeper_than_the_limit_is_refused_at_the_container()
    {
        string json = "{\"id\": \"p\", \"note\": " + new string('[', 10) + new string(']', 10) + "}";

        var d = PatientReader.Read(json, "p.json", new InputLimits { MaxDepth = 5 }).Diagnostics.Should().ContainSingle().Subject;

        d.Code.Should().Be(DiagnosticCodes.InputLimitExceeded);
        d.Message.Should().Contain("nested more than 5 deep");
        d.Column.Should().Be(25, "the fifth '[' opens the sixth level");
        d.Pointer.Should().Be("/note/0/0/0/0");
    }

    [Test]
    public void An_array_longer_than_the_limit_is_refused_at_the_first_item_over()
    {
        string items = string.Join(",", Enumerable.Repeat("{\"criterion\": \"T/INCL01\", \"value\": true}", 4));
        string json = "{\"id\": \"p\", \"assessments\": [" + items + "]}";

        var d = PatientReader.Read(json, "p.json", new InputLimits { MaxArrayItems = 3 }).Diagnostics.Should().ContainSingle().Subject;

        d.Code.Should().Be(DiagnosticCodes.InputLimitExceeded);
        d.Message.Should().Contain("more than 3 items");
        d.Pointer.Should().Be("/assessments/3");
        PatientReader.Read(json, "p.json", new InputLimits { MaxArrayItems = 4 }).Diagnostics.Should().BeEmpty();
    }

    [Test]
    public void Long_numbers_and_property_names_count_as_strings()
    {
        var number = PatientReader.Read("{\"id\": 1" + new string('0', 200) + "}", "p.json", new InputLimits { MaxStringBytes = 100 }).Diagnostics.Should().ContainSingle().Subject;
        number.Code.Should().Be(DiagnosticCodes.InputLimitExceeded);
        number.Pointer.Should().Be("/id");

        var name = PatientReader.Read("{\"" + new string('n', 200) + "\": 1}", "p.json", new InputLimits { MaxStringBytes = 100 }).Diagnostics.Should().ContainSingle().Subject;
        name.Code.Should().Be(DiagnosticCodes.InputLimitExceeded);
        name.Message.Should().Contain("property name");
        name.Pointer.Should().Be(string.Empty);
    }

    [Test]
    public void The_defaults_are_documented_values_and_limits_must_be_positive()
    {
        var d = InputLimits.Default;
        (d.MaxRecordBytes, d.MaxStringBytes, d.MaxDepth, d.MaxArrayItems).Should().Be((64L * 1024 * 1024, 1024 * 1024, 64, 100_000));
        d.MaxRecordBytes.Should().Be((int)InputLimits.DefaultMaxRecordBytes);

        var act = () => PatientReader.Read("{}", null, new InputLimits { MaxDepth = 0 });
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    // ------------------------------------------------------------------ dates at the ends of the calendar

    [Test]
    public void Durations_saturate_at_the_ends_of_the_calendar()
    {
        var year = new IsoDuration(1, 0, 0, 0);
        year.SubtractFrom(new DateOnly(1, 6, 1)).Should().Be(DateOnly.MinValue);
        year.AddTo(new DateOnly(9999, 6, 1)).Should().Be(DateOnly.MaxValue);
        new IsoDuration(0, 0, 0, 1).AddTo(DateOnly.MaxValue).Should().Be(DateOnly.MaxValue);
        new IsoDuration(0, 0, 0, 1).SubtractFrom(DateOnly.MinValue).Should().Be(DateOnly.MinValue);
        new IsoDuration(999999, 999999, 999999, 999999).SubtractFrom(new DateOnly(2026, 1, 15)).Should().Be(DateOnly.MinValue);

        // Calendar arithmetic inside the calendar is unchanged: months clamp to the month's end.
        new IsoDuration(0, 6, 0, 0).SubtractFrom(new DateOnly(2026, 8, 31)).Should().Be(new DateOnly(2026, 2, 28));
        new IsoDuration(1, 1, 1, 1).AddTo(new DateOnly(2024, 1, 31)).Should().Be(new DateOnly(2025, 3, 8));
    }

    [Test]
    public void The_evaluator_refuses_an_as_of_outside_its_range_and_says_which()
    {
        var trial = Support.TestTrial.Demo1();
        var patient = new PatientRecord { Id = "p" };

        var act = () => trial.Evaluate(patient, new DateOnly(2, 1, 1));

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*1900-01-01*2999-12-31*");
        trial.Evaluate(patient, TrialEvaluator.EarliestAsOf).Should().NotBeNull();
        trial.Evaluate(patient, TrialEvaluator.LatestAsOf).Should().NotBeNull();
    }

    [Test]
    public void A_record_as_of_outside_the_range_is_a_positioned_error()
    {
        var d = PatientReader.Read("{\n  \"id\": \"p\",\n  \"asOf\": \"0002-01-01\"\n}", "p.json").Diagnostics.Should().ContainSingle().Subject;

        d.Code.Should().Be(DiagnosticCodes.PatientInvalidValue);
        (d.Line, d.Column).Should().Be((3, 11));
        d.Message.Should().Contain("1900-01-01 to 2999-12-31");
    }

    [Test]
    public void Every_reference_trial_evaluates_records_dated_at_the_ends_of_the_calendar()
    {
        const string Extreme = """
            {
              "id": "extreme",
              "birthDate": "0001-01-01",
              "sex": "female",
              "observations": [
                { "code": [{ "system": "http://loinc.org", "code": "2160-0" }], "value": 1.0, "unit": "mg/dL", "date": "9999-12-31" },
                { "code": [{ "system": "http://loinc.org", "code": "2160-0" }], "value": 1.0, "unit": "mg/dL", "date": "0001-01-01" }
              ],
              "conditions": [ { "code": [{ "system": "http://snomed.info/sct", "code": "55464009" }], "onset": "0001-01-01", "abatement": "9999-12-31" } ],
              "procedures": [ { "code": [{ "system": "http://snomed.info/sct", "code": "55464009" }], "performed": "9999-12-31" } ],
              "medications": [
                { "code": [{ "system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "8640" }], "start": "0001-01-01", "end": "9999-12-31", "dosingInterval": "P1Y" },
                { "code": [{ "system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "8640" }], "start": "9999-12-31" }
              ],
              "immunizations": [ { "code": [{ "system": "http://hl7.org/fhir/sid/cvx", "code": "121" }], "date": "9999-12-31" } ]
            }
            """;
        var read = PatientReader.Read(Extreme, "extreme.json");
        read.Diagnostics.Should().BeEmpty();
        var patient = read.Patient!;
        string rules = Path.Combine(RepositoryRoot(), "rules");
        var files = Directory.EnumerateFiles(rules, "*.json").Where(f => !f.EndsWith(".cases.json", StringComparison.Ordinal) && !f.EndsWith(".lock.json", StringComparison.Ordinal)).ToList();
        files.Should().NotBeEmpty();

        foreach (string file in files)
        {
            var evaluator = RuleCompiler.CompileFile(file).Evaluator!;
            foreach (var asOf in new[] { TrialEvaluator.EarliestAsOf, new DateOnly(2026, 1, 15), TrialEvaluator.LatestAsOf })
            {
                var act = () => evaluator.Evaluate(patient, asOf);
                act.Should().NotThrow($"{Path.GetFileName(file)} as of {asOf:yyyy-MM-dd}");
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private string MakeFifo(string name)
    {
        string path = Path.Combine(folder, name);
        using var process = Process.Start(new ProcessStartInfo("mkfifo", path) { UseShellExecute = false })!;
        process.WaitForExit();
        process.ExitCode.Should().Be(0);
        return path;
    }

    private static void Single(IReadOnlyList<Diagnostic> diagnostics, string code, string path)
    {
        var d = diagnostics.Should().ContainSingle($"{path}: {string.Join("; ", diagnostics)}").Subject;
        d.Code.Should().Be(code, d.ToString());
        d.File.Should().Be(path);
        d.Line.Should().Be(0);
    }

    private static (int Line, int Column) LineColumn(string text, int index)
    {
        int line = text[..index].Count(c => c == '\n') + 1;
        int start = text.LastIndexOf('\n', Math.Max(0, index - 1)) + 1;
        return (line, index - start + 1);
    }

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "rules")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("no rules/ folder above the test directory");
    }
}
