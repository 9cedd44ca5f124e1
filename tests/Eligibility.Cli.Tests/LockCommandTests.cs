using System.Text;
using System.Text.Json;

namespace Eligibility.Cli.Tests;

/// <summary><c>eligibility lock</c>: writes and checks <c>&lt;TrialId&gt;.lock.json</c> beside each rule file.</summary>
[TestFixture]
public sealed class LockCommandTests
{
    private string dir = string.Empty;

    [SetUp]
    public void CreateFolder() => dir = TestPaths.NewTempFolder();

    [TearDown]
    public void DeleteFolder() => Directory.Delete(dir, true);

    private string LockPath => Path.Combine(dir, "MAL-1.lock.json");

    [Test]
    public void Without_a_terminology_exits_2_with_a_clear_message()
    {
        TerminologyFixtures.WriteMalignancyRules(dir);

        var r = CliRunner.Run("lock", dir);

        r.ExitCode.Should().Be(2, r.ToString());
        r.Err.Should().Be("eligibility: error: lock needs --terminology PATH: the OMOP vocabulary folder and/or FHIR ValueSets to expand the bindings with\n");
        File.Exists(LockPath).Should().BeFalse();
    }

    [Test]
    public void Writes_the_lock_file_beside_the_rule_file_then_leaves_it_unchanged()
    {
        string rules = TerminologyFixtures.WriteMalignancyRules(dir);

        var first = CliRunner.Run("lock", rules, "--terminology", TerminologyFixtures.Omop);

        first.ExitCode.Should().Be(0, first.ToString());
        first.Out.Should().Be($"{LockPath}: written (1 concept pinned)\n");
        first.Err.Should().StartWith("terminology: OMOP vocabulary");
        byte[] bytes = File.ReadAllBytes(LockPath);
        bytes.Take(3).Should().NotEqual(new byte[] { 0xEF, 0xBB, 0xBF }, "no byte-order mark");
        bytes.Should().NotContain((byte)'\r', "LF line endings");

        // Exactly what the library says, and it pins the SNOMED CT child.
        string expected = RuleCompiler.CompileFile(rules, new CompileOptions { Terminology = Terminology.LoadOmop(TerminologyFixtures.Omop).Terminology, UseLockFile = false })
            .LockFileText!.ReplaceLineEndings("\n");
        Encoding.UTF8.GetString(bytes).Should().Be(expected);
        using (var doc = JsonDocument.Parse(bytes))
        {
            doc.RootElement.GetProperty("concepts").GetProperty("malignancy").GetProperty("codes").GetProperty(TerminologyFixtures.Snomed)
                .TryGetProperty(TerminologyFixtures.BreastCancer, out _).Should().BeTrue();
        }

        var again = CliRunner.Run("lock", dir, "--terminology", TerminologyFixtures.Omop);
        again.ExitCode.Should().Be(0, again.ToString());
        again.Out.Should().Be($"{LockPath}: unchanged (1 concept pinned)\n", "the folder's lock file is not taken for a rule file");
        File.ReadAllBytes(LockPath).Should().Equal(bytes);
    }

    [Test]
    public void The_lock_file_makes_the_rule_file_match_the_child_without_the_terminology()
    {
        string rules = TerminologyFixtures.WriteMalignancyRules(dir);
        string patient = TerminologyFixtures.WriteBreastCancerPatient(dir);
        CliRunner.Run("lock", rules, "--terminology", TerminologyFixtures.Omop).ExitCode.Should().Be(0);

        var r = CliRunner.Run("evaluate", "--rules", rules, "--patient", patient, "--format", "json");

        r.ExitCode.Should().Be(0, r.ToString());
        JsonDocument.Parse(r.Out).RootElement.GetProperty("verdict").GetString().Should().Be("ineligible");
        r.Err.Should().NotContain("ELIG2026", "the lock file pins the descendants");
    }

    [Test]
    public void Check_fails_for_a_missing_or_stale_lock_file_and_passes_for_a_fresh_one()
    {
        string rules = TerminologyFixtures.WriteMalignancyRules(dir);

        var missing = CliRunner.Run("lock", rules, "--terminology", TerminologyFixtures.Omop, "--check");
        missing.ExitCode.Should().Be(1, missing.ToString());
        missing.Err.Should().Contain($"{LockPath}: error ELIG4102: the lock file is missing; run 'eligibility lock'");
        File.Exists(LockPath).Should().BeFalse("--check writes nothing");

        CliRunner.Run("lock", rules, "--terminology", TerminologyFixtures.Omop).ExitCode.Should().Be(0);
        var fresh = CliRunner.Run("lock", rules, "--terminology", TerminologyFixtures.Omop, "--check");
        fresh.ExitCode.Should().Be(0, fresh.ToString());
        fresh.Out.Should().Be($"{LockPath}: up to date (1 concept pinned)\n");

        // The bindings change (the file now also lists lung cancer itself): the pinned expansion is stale.
        TerminologyFixtures.WriteMalignancyRules(dir, "\"363346000\", \"363358000\"");
        byte[] before = File.ReadAllBytes(LockPath);
        var stale = CliRunner.Run("lock", rules, "--terminology", TerminologyFixtures.Omop, "--check");
        stale.ExitCode.Should().Be(1, stale.ToString());
        stale.Err.Should().Contain($"{LockPath}: error ELIG4102: the lock file is out of date");
        File.ReadAllBytes(LockPath).Should().Equal(before, "--check writes nothing");

        // Compiling without the terminology says the lock is stale too.
        var validate = CliRunner.Run("validate", rules);
        validate.ExitCode.Should().Be(0, validate.ToString());
        validate.Err.Should().Contain("warning ELIG2025: the lock file MAL-1.lock.json is stale for concept 'malignancy'");
    }

    [Test]
    public void A_different_terminology_makes_the_lock_file_out_of_date()
    {
        string rules = TerminologyFixtures.WriteMalignancyRules(dir);
        CliRunner.Run("lock", rules, "--terminology", TerminologyFixtures.Omop).ExitCode.Should().Be(0);

        var r = CliRunner.Run("lock", rules, "--terminology", TerminologyFixtures.Omop, "--terminology", TerminologyFixtures.ValueSets, "--check");

        r.ExitCode.Should().Be(1, r.ToString());
        r.Err.Should().Contain("ELIG4102");
    }

    [Test]
    public void A_broken_lock_file_is_replaced()
    {
        string rules = TerminologyFixtures.WriteMalignancyRules(dir);
        File.WriteAllText(LockPath, "{ \"formatVersion\": 99 }\n");
        CliRunner.Run("validate", rules).ExitCode.Should().Be(1, "a broken lock file is an error when the rule file is compiled");

        var r = CliRunner.Run("lock", rules, "--terminology", TerminologyFixtures.Omop);

        r.ExitCode.Should().Be(0, r.ToString());
        r.Out.Should().Be($"{LockPath}: written (1 concept pinned)\n");
        CliRunner.Run("validate", rules).ExitCode.Should().Be(0);
    }

    [Test]
    public void A_rule_file_with_errors_writes_no_lock_file_and_exits_1()
    {
        TerminologyFixtures.WriteMalignancyRules(dir);
        File.Copy(TestPaths.Fixture("broken", "BROKEN-1.json"), Path.Combine(dir, "BROKEN-1.json"));

        var r = CliRunner.Run("lock", dir, "--terminology", TerminologyFixtures.Omop);

        r.ExitCode.Should().Be(1, r.ToString());
        r.Err.Should().Contain("BROKEN-1.json(10,98): error ELIG2001:");
        r.Err.Should().Contain("eligibility: error: rule files have errors; no lock file was written");
        Directory.GetFiles(dir, "*.lock.json").Should().BeEmpty();
    }

    [Test]
    public void A_bad_terminology_exits_2()
    {
        string rules = TerminologyFixtures.WriteMalignancyRules(dir);

        var r = CliRunner.Run("lock", rules, "--terminology", Path.Combine(dir, "missing"));

        r.ExitCode.Should().Be(2, r.ToString());
        File.Exists(LockPath).Should().BeFalse();
    }

    [Test]
    public void Folder_expansion_skips_lock_files_everywhere()
    {
        string rules = TerminologyFixtures.WriteMalignancyRules(dir);
        CliRunner.Run("lock", rules, "--terminology", TerminologyFixtures.Omop).ExitCode.Should().Be(0);

        var validate = CliRunner.Run("validate", dir);
        validate.ExitCode.Should().Be(0, validate.ToString());
        validate.Out.Should().StartWith("1 file(s) checked");

        var render = CliRunner.Run("render", dir, "--out", Path.Combine(dir, "out"));
        render.ExitCode.Should().Be(0, render.ToString());
        render.OutLines.Should().ContainSingle();

        string patients = Path.Combine(dir, "p.ndjson");
        File.WriteAllText(patients, TerminologyFixtures.Patient("p1", TerminologyFixtures.BreastCancer) + "\n");
        var screen = CliRunner.Run("screen", "--rules", dir, "--patients", patients);
        screen.ExitCode.Should().Be(0, screen.ToString());
        screen.OutLines.Should().ContainSingle("one trial, one patient");
    }

    [TestCase("validate")]
    [TestCase("test")]
    [TestCase("render")]
    [TestCase("lock")]
    public void A_lock_file_named_explicitly_is_an_input_error(string command)
    {
        string rules = TerminologyFixtures.WriteMalignancyRules(dir);
        CliRunner.Run("lock", rules, "--terminology", TerminologyFixtures.Omop).ExitCode.Should().Be(0);
        string[] args = command == "lock" ? [command, LockPath, "--terminology", TerminologyFixtures.Omop] : [command, LockPath];

        var r = CliRunner.Run(args);

        r.ExitCode.Should().Be(2, r.ToString());
        r.Err.Should().Contain($"{LockPath}: error ELIG4103: this is a lock file (the codes pinned by 'eligibility lock'), not a rule file or example-case file; give the rule file {rules}");
    }

    [Test]
    public void A_lock_file_given_as_rules_to_evaluate_or_screen_is_an_input_error()
    {
        string rules = TerminologyFixtures.WriteMalignancyRules(dir);
        string patient = TerminologyFixtures.WriteBreastCancerPatient(dir);
        CliRunner.Run("lock", rules, "--terminology", TerminologyFixtures.Omop).ExitCode.Should().Be(0);

        var evaluate = CliRunner.Run("evaluate", "--rules", LockPath, "--patient", patient);
        evaluate.ExitCode.Should().Be(2, evaluate.ToString());
        evaluate.Err.Should().Contain("error ELIG4103: this is a lock file");

        var screen = CliRunner.Run("screen", "--rules", LockPath, "--patients", patient);
        screen.ExitCode.Should().Be(2, screen.ToString());
        screen.Err.Should().Contain("error ELIG4103");
    }

    [Test]
    public void Help_has_examples_including_the_ci_check()
    {
        var r = CliRunner.Run("lock", "--help");

        r.ExitCode.Should().Be(0, r.ToString());
        r.Out.Should().Contain("eligibility lock rules --terminology vocab/ --check");
    }
}
