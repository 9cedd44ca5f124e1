using System.Text.Json;

namespace Eligibility.Cli.Tests;

/// <summary><c>--terminology PATH</c>: an OMOP vocabulary folder, FHIR ValueSet files and folders, on every command.</summary>
[TestFixture]
public sealed class TerminologyOptionTests
{
    private string dir = string.Empty;

    [SetUp]
    public void CreateFolder() => dir = TestPaths.NewTempFolder();

    [TearDown]
    public void DeleteFolder() => Directory.Delete(dir, true);

    [TestCase("evaluate")]
    [TestCase("validate")]
    [TestCase("test")]
    [TestCase("screen")]
    [TestCase("render")]
    [TestCase("lock")]
    public void Every_command_has_the_option(string command)
    {
        var r = CliRunner.Run(command, "--help");

        r.ExitCode.Should().Be(0, r.ToString());
        r.Out.Should().Contain("--terminology <PATH>");
    }

    [Test]
    public void Without_a_terminology_a_snomed_child_does_not_match_and_the_info_says_so()
    {
        string rules = TerminologyFixtures.WriteMalignancyRules(dir);
        string patient = TerminologyFixtures.WriteBreastCancerPatient(dir);

        var r = CliRunner.Run("evaluate", "--rules", rules, "--patient", patient, "--format", "json");

        r.ExitCode.Should().Be(0, r.ToString());
        Outcome(r.Out, "EXCL01").Should().Be("pass", "the rule file lists 363346000 only, and nothing says 254837009 is below it");
        r.Err.Should().Contain($"{rules}(6,5): info ELIG2026: SNOMED CT and RxNorm bindings in this file match only the codes they list");
        r.Err.Should().NotContain("terminology:");
    }

    [Test]
    public void With_an_omop_folder_a_snomed_child_matches_the_parent()
    {
        string rules = TerminologyFixtures.WriteMalignancyRules(dir);
        string patient = TerminologyFixtures.WriteBreastCancerPatient(dir);

        var r = CliRunner.Run("evaluate", "--rules", rules, "--patient", patient, "--format", "json", "--terminology", TerminologyFixtures.Omop);

        r.ExitCode.Should().Be(0, r.ToString());
        Outcome(r.Out, "EXCL01").Should().Be("fail", "malignant tumor of breast is a malignant neoplastic disease");
        JsonDocument.Parse(r.Out).RootElement.GetProperty("verdict").GetString().Should().Be("ineligible");
        r.ErrLines[0].Should().StartWith("terminology: OMOP vocabulary (").And.Contain("SNOMED/RxNorm/ATC concepts");
        r.Err.Should().NotContain("ELIG2026");
    }

    [Test]
    public void A_value_set_file_given_directly_is_loaded()
    {
        string rules = TerminologyFixtures.WriteValueSetRules(dir);
        string patient = TerminologyFixtures.WriteBreastCancerPatient(dir);

        var without = CliRunner.Run("evaluate", "--rules", rules, "--patient", patient);
        without.ExitCode.Should().Be(2, "a value set that is neither loaded nor locked is an error");
        without.Err.Should().MatchRegex(@"VS-1\.json\(\d+,\d+\): error ELIG2027: ");

        var with = CliRunner.Run("evaluate", "--rules", rules, "--patient", patient, "--format", "json", "--terminology", TerminologyFixtures.CancerValueSet);
        with.ExitCode.Should().Be(0, with.ToString());
        with.ErrLines[0].Should().Be("terminology: 1 value set");
        Outcome(with.Out, "EXCL01").Should().Be("fail", "the value set contains 254837009");
    }

    [Test]
    public void A_vocabulary_folder_and_a_value_set_folder_are_combined_and_described_once()
    {
        TerminologyFixtures.WriteMalignancyRules(dir);
        TerminologyFixtures.WriteValueSetRules(dir);

        var r = CliRunner.Run("validate", dir, "--terminology", TerminologyFixtures.Omop, "--terminology", TerminologyFixtures.ValueSets);

        r.ExitCode.Should().Be(0, r.ToString());
        r.Out.Should().Be("2 file(s) checked: 0 error(s), 0 warning(s), 0 info\n", "the PATH after the repeated option is still the command's argument");
        r.ErrLines.Where(l => l.StartsWith("terminology: ", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should().MatchRegex(@"^terminology: OMOP vocabulary \(.*\): \d+ SNOMED/RxNorm/ATC concepts.*; 2 value sets$");

        // One path per --terminology: a PATH after it is the command's.
        var before = CliRunner.Run("validate", "--terminology", TerminologyFixtures.Omop, dir);
        before.ExitCode.Should().Be(1, "VS-1 names a value set the vocabulary alone does not have");
        before.Out.Should().StartWith("2 file(s) checked: 1 error(s)");
    }

    [Test]
    public void The_concept_table_file_named_directly_means_its_folder()
    {
        string rules = TerminologyFixtures.WriteMalignancyRules(dir);

        var r = CliRunner.Run("validate", rules, "--terminology", Path.Combine(TerminologyFixtures.Omop, "CONCEPT.csv"));

        r.ExitCode.Should().Be(0, r.ToString());
        r.Err.Should().StartWith("terminology: OMOP vocabulary");
    }

    [Test]
    public void A_malformed_vocabulary_table_exits_2_with_a_positioned_error()
    {
        string vocabulary = Path.Combine(dir, "vocab");
        Directory.CreateDirectory(vocabulary);
        File.WriteAllText(Path.Combine(vocabulary, "CONCEPT.csv"), "concept_id,concept_name,vocabulary_id,concept_code\n443392,Malignant neoplastic disease,SNOMED,363346000\n");
        File.WriteAllText(Path.Combine(vocabulary, "CONCEPT_ANCESTOR.csv"), "ancestor_concept_id\tdescendant_concept_id\tmin_levels_of_separation\tmax_levels_of_separation\n");

        var r = CliRunner.Run("evaluate", "--rules", TestPaths.TinyRules, "--patient", TestPaths.Fixture("patients", "tiny-eligible.json"), "--terminology", vocabulary);

        r.ExitCode.Should().Be(2, r.ToString());
        r.Err.Should().Contain(Path.Combine(vocabulary, "CONCEPT.csv") + "(1,1): error ELIG5002: the header has no 'concept_id' column (the file looks comma-separated");
        r.Err.Should().Contain("eligibility: error: the terminology could not be loaded");
        r.Err.Should().NotContain("   at ");
        r.Out.Should().BeEmpty();
    }

    [Test]
    public void A_folder_with_neither_tables_nor_value_sets_exits_2()
    {
        string empty = Path.Combine(dir, "empty");
        Directory.CreateDirectory(empty);

        var r = CliRunner.Run("validate", TestPaths.TinyRules, "--terminology", empty);

        r.ExitCode.Should().Be(2, r.ToString());
        r.Err.Should().Contain(empty + ": error ELIG5001: neither an OMOP vocabulary");
        r.Out.Should().BeEmpty("nothing is validated without the terminology asked for");
    }

    [Test]
    public void A_missing_path_exits_2()
    {
        string missing = Path.Combine(dir, "no-such-vocabulary");

        var r = CliRunner.Run("validate", TestPaths.TinyRules, "--terminology", missing);

        r.ExitCode.Should().Be(2, r.ToString());
        r.Err.Should().Contain(missing + ": error ELIG0002: no such file or folder");
    }

    [Test]
    public void A_file_that_is_not_a_value_set_exits_2_with_the_readers_diagnostic()
    {
        var r = CliRunner.Run("validate", TestPaths.TinyRules, "--terminology", TestPaths.Fixture("patients", "lone-patient-resource.json"));

        r.ExitCode.Should().Be(2, r.ToString());
        r.Err.Should().MatchRegex(@"lone-patient-resource\.json(\(\d+,\d+\))?: error ELIG5101: ");
    }

    [Test]
    public void Two_vocabulary_folders_exit_2()
    {
        string copy = Path.Combine(dir, "vocab-copy");
        Directory.CreateDirectory(copy);
        foreach (string file in Directory.GetFiles(TerminologyFixtures.Omop))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        var r = CliRunner.Run("validate", TestPaths.TinyRules, "--terminology", TerminologyFixtures.Omop, "--terminology", copy);

        r.ExitCode.Should().Be(2, r.ToString());
        r.Err.Should().Contain("eligibility: error: --terminology: 2 OMOP vocabulary folders");
    }

    [Test]
    public void Example_cases_run_with_the_terminology()
    {
        TerminologyFixtures.WriteMalignancyRules(dir);
        string cases = Path.Combine(dir, "MAL-1.cases.json");
        File.WriteAllText(cases, $$"""
            {
              "rules": "MAL-1.json",
              "cases": [
                { "name": "breast cancer is a malignancy", "patient": {{TerminologyFixtures.Patient("c1", TerminologyFixtures.BreastCancer)}},
                  "expect": { "verdict": "ineligible", "criteria": { "EXCL01": "fail" } } }
              ]
            }
            """);

        var without = CliRunner.Run("test", cases);
        without.ExitCode.Should().Be(1, without.ToString());
        without.Out.Should().Contain("EXCL01: expected fail, actual pass");

        var with = CliRunner.Run("test", cases, "--terminology", TerminologyFixtures.Omop);
        with.ExitCode.Should().Be(0, with.ToString());
        with.OutLines[^1].Should().Be("1 passed, 0 failed");
    }

    [Test]
    public void Render_accepts_the_terminology()
    {
        string rules = TerminologyFixtures.WriteMalignancyRules(dir);

        var r = CliRunner.Run("render", rules, "--out", Path.Combine(dir, "out"), "--terminology", TerminologyFixtures.Omop);

        r.ExitCode.Should().Be(0, r.ToString());
        r.Err.Should().StartWith("terminology: OMOP vocabulary");
        File.Exists(Path.Combine(dir, "out", "MAL-1.md")).Should().BeTrue();
    }

    private static string Outcome(string json, string id) =>
        JsonDocument.Parse(json).RootElement.GetProperty("criteria").EnumerateArray()
            .Single(c => c.GetProperty("id").GetString() == id).GetProperty("outcome").GetString()!;
}
