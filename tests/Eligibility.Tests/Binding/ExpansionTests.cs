using Eligibility.Codes;
using Eligibility.Diagnostics;
using Eligibility.Patients;
using Eligibility.Tests.Support;
using static Eligibility.Tests.Support.TestTrial;

namespace Eligibility.Tests.Binding;

/// <summary>
/// A binding means the listed codes and their descendants: from a loaded terminology, else from the lock file, else the
/// listed codes only (said once, as information). Records coded with a descendant are matched; nothing else is.
/// </summary>
public class ExpansionTests
{
    private const string MalignancyExclusion = """{ "kind": "condition", "concept": "malignancy" }""";

    private static readonly CompileOptions WithOmop = new() { Terminology = Terminologies.Omop };

    private static PatientRecord BreastCancer() => Patient().WithConditions(Condition(CodeSystems.Snomed, "254837009", "2024-03-01"));

    [Test]
    public void Without_a_terminology_a_SNOMED_child_is_missed_and_the_compiler_says_so_once()
    {
        var compiled = Compile(MalignancyExclusion);
        var info = compiled.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Info).ToList();

        info.Should().ContainSingle().Which.Code.Should().Be(DiagnosticCodes.BindingsListedOnly);
        compiled.Evaluator!.Single(BreastCancer()).Outcome.Should().Be(Outcome.Pass, "the listed code 363346000 is all the binding knows");
    }

    [Test]
    public void With_the_terminology_a_SNOMED_child_matches_the_parent_binding()
    {
        var compiled = Compile(MalignancyExclusion, options: WithOmop);

        compiled.Diagnostics.Where(d => d.Code == DiagnosticCodes.BindingsListedOnly).Should().BeEmpty();
        var result = compiled.Evaluator!.Single(BreastCancer());
        result.Outcome.Should().Be(Outcome.Fail);
        result.Explanation.Should().Contain("254837009");
    }

    [Test]
    public void With_the_terminology_a_grandchild_matches_and_an_unrelated_code_does_not()
    {
        var trial = With(MalignancyExclusion, options: WithOmop);

        trial.Single(Patient().WithConditions(Condition(CodeSystems.Snomed, "372064008", "2024-03-01"))).Outcome.Should().Be(Outcome.Fail);
        trial.Single(Patient().WithConditions(Condition(CodeSystems.Snomed, "62479008", "2024-03-01"))).Outcome.Should().Be(Outcome.Pass, "AIDS is not a malignancy");
    }

    [Test]
    public void An_exception_concept_expands_too_so_a_SNOMED_coded_skin_carcinoma_is_excepted()
    {
        const string extra = """{ "skin-bcc-scc-snomed": { "codes": { "http://snomed.info/sct": ["254701007", "254651007"] } } }""";
        var trial = With("""{ "kind": "condition", "concept": "malignancy", "except": ["skin-bcc-scc-snomed"] }""", extraConcepts: extra, options: WithOmop);

        trial.Single(Patient().WithConditions(Condition(CodeSystems.Snomed, "254701007", "2024-03-01"))).Outcome.Should().Be(Outcome.Pass);
        trial.Single(Patient().WithConditions(Condition(CodeSystems.Snomed, "254837009", "2024-03-01"))).Outcome.Should().Be(Outcome.Fail);
    }

    [Test]
    public void A_product_level_RxNorm_code_matches_an_ingredient_binding()
    {
        const string extra = """{ "tacrolimus": { "codes": { "http://www.nlm.nih.gov/research/umls/rxnorm": ["42316"] } } }""";
        var rule = """{ "kind": "medication", "concept": "tacrolimus", "current": true }""";
        var capsule = Patient().WithMedications(Rx("198377", "2025-10-01"));

        With(rule, extraConcepts: extra).Single(capsule).Outcome.Should().Be(Outcome.Pass, "without a terminology the 1 mg capsule is not tacrolimus");
        var result = With(rule, extraConcepts: extra, options: WithOmop).Single(capsule);
        result.Outcome.Should().Be(Outcome.Fail);
        result.Explanation.Should().Contain("tacrolimus");
    }

    [Test]
    public void An_ATC_class_binding_reaches_RxNorm_products()
    {
        const string extra = """{ "calcineurin-inhibitor": { "codes": { "http://www.whocc.no/atc": ["L04AD"] } } }""";
        var trial = With("""{ "kind": "medication", "concept": "calcineurin-inhibitor", "current": true }""", extraConcepts: extra, options: WithOmop);

        trial.Single(Patient().WithMedications(Rx("198378", "2025-10-01"))).Outcome.Should().Be(Outcome.Fail);
    }

    [Test]
    public void A_product_reached_from_a_class_and_from_a_drug_counts_as_the_drug()
    {
        // The class lists ATC H02AB (every glucocorticoid) and includes the named drugs: prednisone 20 MG Oral Tablet is
        // reached from both, and must count as prednisone (whose dose factor and per-drug grouping apply), not the class.
        const string extra = """{ "steroid": { "codes": { "http://www.whocc.no/atc": ["H02AB"] }, "include": ["prednisone", "methylprednisolone"] } }""";
        var trial = With("""{ "kind": "medication", "concept": "steroid", "current": true }""", extraConcepts: extra, options: WithOmop);

        var result = trial.Single(Patient().WithMedications(Rx("312615", "2025-12-01", dose: 20)));

        result.Outcome.Should().Be(Outcome.Fail);
        result.Explanation.Should().Contain(": prednisone 20 mg/day from 2025-12-01");
    }

    [Test]
    public void A_prednisone_equivalent_dose_shows_the_drug_its_dose_and_the_converted_dose()
    {
        var trial = With("""{ "kind": "medication", "concept": "glucocorticoid", "current": true, "dose": { "gt": 10, "unit": "mg/d" }, "prednisoneEquivalent": true }""");

        var result = trial.Single(Patient().WithMedications(Rx("6902", "2025-12-01", dose: 16)));

        result.Outcome.Should().Be(Outcome.Fail);
        result.Explanation.Should().Contain("methylprednisolone 16 mg/day (20 mg/day prednisone-equivalent)");
    }

    [Test]
    public void A_code_missing_from_the_vocabulary_is_a_warning_at_the_code()
    {
        const string extra = """{ "lupus-nephritis": { "codes": { "http://snomed.info/sct": ["68815009"] } } }""";
        var compiled = Compile("""{ "kind": "condition", "concept": "lupus-nephritis" }""", extraConcepts: extra, options: WithOmop);

        var warning = compiled.Diagnostics.Should().ContainSingle(d => d.Code == DiagnosticCodes.CodeNotInVocabulary && d.Pointer!.StartsWith("/concepts/lupus-nephritis", StringComparison.Ordinal)).Subject;
        warning.Pointer.Should().Be("/concepts/lupus-nephritis/codes/http:~1~1snomed.info~1sct/0");
        compiled.HasErrors.Should().BeFalse();
    }

    [Test]
    public void A_value_set_a_concept_names_adds_its_codes()
    {
        const string url = "http://cts.nlm.nih.gov/fhir/ValueSet/2.16.840.1.113762.1.4.1111.161";
        var cancer = new ValueSetDefinition
        {
            Url = url,
            Version = "20200310",
            Codes = new[] { new Coding(CodeSystems.Snomed, "254837009"), new Coding(CodeSystems.Icd10Cm, "C00.0") },
        };
        string extra = $$"""{ "cancer": { "valueSet": "{{url}}" } }""";
        var rule = """{ "kind": "condition", "concept": "cancer" }""";

        var missing = Compile(rule, extraConcepts: extra);
        missing.Diagnostics.Should().ContainSingle(d => d.Code == DiagnosticCodes.ValueSetNotLoaded).Which.Pointer.Should().Be("/concepts/cancer/valueSet");
        missing.Evaluator.Should().BeNull("a concept whose codes are not available cannot be trusted");

        var trial = With(rule, extraConcepts: extra, options: new CompileOptions { Terminology = Terminology.Empty.WithValueSets(new[] { cancer }) });
        trial.Single(BreastCancer()).Outcome.Should().Be(Outcome.Fail);
        trial.Single(Patient().WithConditions(Condition(CodeSystems.Icd10Cm, "C00.0", "2024-01-01"))).Outcome.Should().Be(Outcome.Fail);
        trial.Single(Patient().WithConditions(Condition(CodeSystems.Snomed, "372064008", "2024-01-01"))).Outcome.Should().Be(Outcome.Pass, "no hierarchy is loaded, so only the value set's own codes count");

        var both = With(rule, extraConcepts: extra, options: new CompileOptions { Terminology = Terminologies.Omop.WithValueSets(new[] { cancer }) });
        both.Single(Patient().WithConditions(Condition(CodeSystems.Snomed, "372064008", "2024-01-01"))).Outcome.Should().Be(Outcome.Pass, "a value set's codes are exact: an expansion already lists what it includes");

        var isA = cancer with { Codes = Array.Empty<Coding>(), IncludesDescendantsOf = new[] { new Coding(CodeSystems.Snomed, "254837009") } };
        var filtered = With(rule, extraConcepts: extra, options: new CompileOptions { Terminology = Terminologies.Omop.WithValueSets(new[] { isA }) });
        filtered.Single(Patient().WithConditions(Condition(CodeSystems.Snomed, "372064008", "2024-01-01"))).Outcome.Should().Be(Outcome.Fail, "an is-a filter includes the descendants");
        filtered.Single(BreastCancer()).Outcome.Should().Be(Outcome.Fail, "and the code itself");
    }

    [Test]
    public void Two_loaded_versions_of_a_value_set_need_the_concept_to_name_one()
    {
        const string url = "http://cts.nlm.nih.gov/fhir/ValueSet/2.16.840.1.113762.1.4.1111.161";
        var v1 = new ValueSetDefinition { Url = url, Version = "20200310", Codes = new[] { new Coding(CodeSystems.Snomed, "254837009") } };
        var v2 = v1 with { Version = "20210506" };
        var options = new CompileOptions { Terminology = Terminology.Empty.WithValueSets(new[] { v1, v2 }) };

        Compile("""{ "kind": "condition", "concept": "cancer" }""", extraConcepts: $$"""{ "cancer": { "valueSet": "{{url}}" } }""", options: options)
            .Diagnostics.Should().ContainSingle(d => d.Code == DiagnosticCodes.ValueSetNotLoaded).Which.Message.Should().Contain("2 versions");
        Compile("""{ "kind": "condition", "concept": "cancer" }""", extraConcepts: $$"""{ "cancer": { "valueSet": "{{url}}|20210506" } }""", options: options)
            .HasErrors.Should().BeFalse();
    }

    [Test]
    public void A_lock_file_pins_the_expansion_so_the_file_matches_the_same_codes_without_the_terminology()
    {
        string rules = RuleFileIn("lock-roundtrip");

        var withTerminology = RuleCompiler.CompileFile(rules, WithOmop);
        withTerminology.LockFileText.Should().NotBeNull();
        withTerminology.LockFileText.Should().Contain("\"254837009\": \"Malignant tumor of breast\"");
        File.WriteAllText(RuleCompiler.LockFilePath(rules), withTerminology.LockFileText);

        var locked = RuleCompiler.CompileFile(rules);
        locked.Diagnostics.Where(d => d.Severity != DiagnosticSeverity.Error).Should().BeEmpty("a fresh lock file leaves nothing to say");
        locked.Evaluator!.Evaluate(BreastCancer(), AsOf).Criteria.Single().Outcome.Should().Be(Outcome.Fail);

        var ignoringLock = RuleCompiler.CompileFile(rules, new CompileOptions { UseLockFile = false });
        ignoringLock.Evaluator!.Evaluate(BreastCancer(), AsOf).Criteria.Single().Outcome.Should().Be(Outcome.Pass);

        RuleCompiler.CompileFile(rules, WithOmop).Diagnostics.Where(d => d.Code == DiagnosticCodes.LockFileStale).Should().BeEmpty("the lock matches the terminology");
    }

    [Test]
    public void A_lock_file_whose_bindings_changed_is_stale_and_its_codes_are_not_used()
    {
        string rules = RuleFileIn("lock-stale");
        File.WriteAllText(RuleCompiler.LockFilePath(rules), RuleCompiler.CompileFile(rules, WithOmop).LockFileText);
        File.WriteAllText(rules, File.ReadAllText(rules).Replace("\"363346000\"", "\"363346000\", \"86406008\"", StringComparison.Ordinal));

        var compiled = RuleCompiler.CompileFile(rules);

        compiled.Diagnostics.Should().ContainSingle(d => d.Code == DiagnosticCodes.LockFileStale).Which.Message.Should().Contain("stale for concept 'malignancy'");
        compiled.Diagnostics.Should().Contain(d => d.Code == DiagnosticCodes.BindingsListedOnly);
        compiled.Evaluator!.Evaluate(BreastCancer(), AsOf).Criteria.Single().Outcome.Should().Be(Outcome.Pass);
    }

    [Test]
    public void A_lock_file_that_differs_from_the_loaded_terminology_is_reported()
    {
        string rules = RuleFileIn("lock-differs");
        string text = RuleCompiler.CompileFile(rules, WithOmop).LockFileText!;
        File.WriteAllText(RuleCompiler.LockFilePath(rules), text.Replace("\"363358000\": \"Malignant tumor of lung\",", string.Empty, StringComparison.Ordinal));

        var compiled = RuleCompiler.CompileFile(rules, WithOmop);

        compiled.Diagnostics.Should().ContainSingle(d => d.Code == DiagnosticCodes.LockFileStale).Which.Message.Should().Contain("1 code(s) more, 0 fewer");
    }

    [Test]
    public void A_broken_lock_file_is_an_error_in_the_lock_file()
    {
        string rules = RuleFileIn("lock-broken");
        File.WriteAllText(RuleCompiler.LockFilePath(rules), "{ \"formatVersion\": 1, \"concepts\": [] }");

        var compiled = RuleCompiler.CompileFile(rules);

        compiled.Evaluator.Should().BeNull();
        var error = compiled.Diagnostics.Should().ContainSingle(d => d.IsError).Subject;
        error.Code.Should().Be(DiagnosticCodes.LockFileInvalid);
        error.File.Should().Be(RuleCompiler.LockFilePath(rules));
        (error.Line, error.Pointer).Should().Be((1, "/concepts"));
    }

    [Test]
    public void The_lock_file_sits_beside_the_rule_file()
    {
        RuleCompiler.LockFilePath(Path.Combine("rules", "NCT07077486.json")).Should().Be(Path.Combine("rules", "NCT07077486.lock.json"));
    }

    [Test]
    public void Compiling_without_a_terminology_gives_no_lock_text()
    {
        Compile(MalignancyExclusion).LockFileText.Should().BeNull();
    }

    /// <summary>A small trial with a malignancy exclusion written to its own temporary folder (no lock file yet).</summary>
    private static string RuleFileIn(string name)
    {
        string folder = Path.Combine(Path.GetTempPath(), "eligibility-expansion-tests", name);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, true);
        }

        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, "LOCK-1.json");
        File.WriteAllText(path, """
            {
              "formatVersion": 1,
              "trial": { "id": "LOCK-1", "title": "lock test" },
              "defaults": { "lookback": "P28D" },
              "concepts": { "malignancy": { "codes": { "http://snomed.info/sct": ["363346000"], "http://hl7.org/fhir/sid/icd-10": ["C"] } } },
              "inclusion": [],
              "exclusion": [ { "id": "EXCL01", "text": "malignancy", "rule": { "kind": "condition", "concept": "malignancy" } } ]
            }
            """);
        return path;
    }
}
