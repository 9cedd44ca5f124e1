using Eligibility.Patients;
using static Eligibility.Tests.Support.TestTrial;

namespace Eligibility.Tests.Expressions;

/// <summary>
/// One record selection per kind: the expression facts choose records exactly as the typed rules do. Each record below
/// (cancelled, not taken, entered in error, only planned, refuted, preliminary, out of the window, …) must give the
/// same answer through the typed rule and through the expression fact. As-of is 2026-01-15; the lookback is 28 days.
/// </summary>
[TestFixture]
public sealed class RecordSelectionTests
{
    // RxNorm 8640 prednisone (ATC H02AB07); RxNorm 3002 cyclophosphamide; RxNorm 6902 methylprednisolone.
    private const string Pulses = """
        { "cyclophosphamide-iv": { "codes": { "http://www.nlm.nih.gov/research/umls/rxnorm": ["3002"] }, "exposureLasts": "P4W" } }
        """;

    private static IEnumerable<TestCaseData> Medications()
    {
        yield return Case("ongoing since 2026-01-01", Rx("8640", "2026-01-01"));
        yield return Case("coded with ATC", Rx("8640", "2026-01-01") with { Codes = [new Coding("http://www.whocc.no/atc", "H02AB07")] });
        yield return Case("another drug", Rx("6902", "2026-01-01"));
        yield return Case("ended before as-of", Rx("8640", "2025-06-01", "2026-01-10"));
        yield return Case("ends on as-of", Rx("8640", "2025-06-01", "2026-01-15"));
        yield return Case("starts after as-of", Rx("8640", "2026-02-01"));
        yield return Case("no start date", Rx("8640", null));
        yield return Case("no start date, and another record current", Rx("8640", null), Rx("8640", "2026-01-01"));
        foreach (var status in new[] { "cancelled", "not-taken", "entered-in-error", "draft", "intended", "not-done", "declined", "active", "completed", "stopped", "on-hold" })
        {
            yield return Case("status " + status, Rx("8640", "2026-01-01", status: status));
        }

        foreach (var intent in new[] { "plan", "proposal", "option", "order", "original-order" })
        {
            yield return Case("intent " + intent, Rx("8640", "2026-01-01") with { Intent = intent });
        }

        static TestCaseData Case(string name, params MedicationRecord[] records) =>
            new TestCaseData(new object[] { records }).SetName("OnMedication agrees with a current medication rule: " + name);
    }

    [TestCaseSource(nameof(Medications))]
    public void OnMedication_selects_records_as_the_medication_rule_does(MedicationRecord[] records)
    {
        var patient = Patient().WithMedications(records);

        Same(patient, """{ "kind": "medication", "concept": "prednisone", "current": true }""", "OnMedication(\"prednisone\")");
        Same(patient, """{ "kind": "medication", "concept": "glucocorticoid", "current": true }""", "OnMedication(\"glucocorticoid\")");
    }

    [TestCase("2026-01-01", true, Description = "a pulse two weeks ago lasts four weeks")]
    [TestCase("2025-12-18", true, Description = "exactly four weeks ago")]
    [TestCase("2025-12-17", false, Description = "four weeks and a day ago")]
    public void OnMedication_extends_intermittent_doses_as_the_medication_rule_does(string date, bool current)
    {
        var patient = Patient().WithMedications(Rx("3002", date, date));

        var typed = Outcome(patient, """{ "kind": "medication", "concept": "cyclophosphamide-iv", "current": true }""", Pulses);
        var expression = Outcome(patient, """{ "kind": "expression", "expression": "OnMedication(\"cyclophosphamide-iv\")" }""", Pulses);

        expression.Should().Be(typed).And.Be(current ? Eligibility.Outcome.Pass : Eligibility.Outcome.Fail);
    }

    private static IEnumerable<TestCaseData> Conditions()
    {
        yield return Case("active SLE", Icd("M32.14", "2020-01-01"));
        yield return Case("SNOMED coded", Condition("http://snomed.info/sct", "55464009", "2020-01-01"));
        yield return Case("another disease", Icd("J84.10", "2020-01-01"));
        yield return Case("onset after as-of", Icd("M32", "2026-02-01"));
        yield return Case("no onset", Icd("M32", null));
        yield return Case("abated before as-of", Icd("M32", "2020-01-01", "resolved", "2025-01-01"));
        yield return Case("abates after as-of", Icd("M32", "2020-01-01", "active", "2026-06-01"));
        yield return Case("no clinical status", Icd("M32", "2020-01-01", status: null));
        foreach (var status in new[] { "active", "recurrence", "relapse", "inactive", "remission", "resolved", "entered-in-error" })
        {
            yield return Case("clinical status " + status, Icd("M32", "2020-01-01", status));
        }

        foreach (var verification in new[] { "refuted", "entered-in-error", "unconfirmed", "provisional", "confirmed" })
        {
            yield return Case("verification " + verification, Icd("M32", "2020-01-01", verification: verification));
        }

        yield return Case("record status entered-in-error", Icd("M32", "2020-01-01") with { Status = "entered-in-error" });
        yield return Case("refuted, and another record active", Icd("M32", "2020-01-01", verification: "refuted"), Icd("M32.1", "2021-01-01"));

        static TestCaseData Case(string name, params ConditionRecord[] records) =>
            new TestCaseData(new object[] { records }).SetName("HasCondition and HasActiveCondition agree with condition rules: " + name);
    }

    [TestCaseSource(nameof(Conditions))]
    public void Condition_facts_select_records_as_the_condition_rule_does(ConditionRecord[] records)
    {
        var patient = Patient().WithConditions(records);

        Same(patient, """{ "kind": "condition", "concept": "sle" }""", "HasCondition(\"sle\")");
        Same(patient, """{ "kind": "condition", "concept": "sle", "active": true }""", "HasActiveCondition(\"sle\")");
    }

    private static IEnumerable<TestCaseData> Labs()
    {
        yield return Case("final", Lab("1742-6", 150, "U/L"));
        yield return Case("below the threshold", Lab("1742-6", 90, "U/L"));
        yield return Case("no status", Lab("1742-6", 150, "U/L", status: null));
        foreach (var status in new[] { "preliminary", "registered", "cancelled", "entered-in-error", "amended", "corrected" })
        {
            yield return Case("status " + status, Lab("1742-6", 150, "U/L", status: status));
        }

        yield return Case("outside the lookback", Lab("1742-6", 150, "U/L", date: "2025-12-01"));
        yield return Case("first day of the lookback", Lab("1742-6", 150, "U/L", date: "2025-12-18"));
        yield return Case("after as-of", Lab("1742-6", 150, "U/L", date: "2026-01-20"));
        yield return Case("in microkatal per litre", Lab("1742-6", 2.5m, "ukat/L"));
        yield return Case("own reference range", Lab("1742-6", 150, "U/L", uln: 60));
        yield return Case("reference range in another unit", Lab("1742-6", 150, "U/L", uln: 0.5m, ulnUnit: "ukat/L"));
        yield return Case("reference range of zero", Lab("1742-6", 150, "U/L", uln: 0));
        yield return Case("no unit", Lab("1742-6", 150, null));
        yield return Case("a cancelled newer result and a final older one", Lab("1742-6", 90, "U/L", date: "2026-01-12", status: "cancelled"), Lab("1742-6", 150, "U/L", date: "2026-01-05"));
        yield return Case("a preliminary newer result and a final older one", Lab("1742-6", 150, "U/L", date: "2026-01-12", status: "preliminary"), Lab("1742-6", 90, "U/L", date: "2026-01-05"));
        yield return Case("no value", Lab("1742-6", 150, "U/L") with { Value = null });
        yield return Case("another test", Lab("718-7", 150, "U/L"));

        static TestCaseData Case(string name, params ObservationRecord[] records) =>
            new TestCaseData(new object[] { records }).SetName("Value and Uln agree with the ULN-multiple rule: " + name);
    }

    [TestCaseSource(nameof(Labs))]
    public void Lab_facts_select_records_as_the_measurement_rule_does(ObservationRecord[] records)
    {
        foreach (var sex in new[] { "female", "male", "unknown" })
        {
            var patient = Patient(sex).WithLabs(records);

            // The concept's default ULN is 40 U/L (35 for females).
            Same(patient, """{ "kind": "measurement", "concept": "alt", "gt": 3, "relativeTo": "uln" }""", "Value(\"alt\") > 3 * Uln(\"alt\")");
            Same(patient, """{ "kind": "measurement", "concept": "alt", "lte": 120, "unit": "U/L" }""", "Value(\"alt\") <= 120");
        }
    }

    [Test]
    public void Hemoglobin_in_another_unit_is_converted_for_both()
    {
        var patient = Patient().WithLabs(Lab("718-7", 7.5m, "g/dL"));

        Same(patient, """{ "kind": "measurement", "concept": "hemoglobin", "lt": 80, "unit": "g/L" }""", "Value(\"hemoglobin\") < 80");
        Outcome(patient, """{ "kind": "expression", "expression": "Value(\"hemoglobin\") < 80" }""").Should().Be(Eligibility.Outcome.Pass);
    }

    private static void Same(PatientRecord patient, string typedRule, string expression)
    {
        var typed = Outcome(patient, typedRule);
        var viaExpression = Outcome(patient, System.Text.Json.JsonSerializer.Serialize(new { kind = "expression", expression }));

        viaExpression.Should().Be(typed, "{0} must agree with {1}", expression, typedRule);
    }

    private static Outcome Outcome(PatientRecord patient, string rule, string? extraConcepts = null) =>
        Trials.GetOrAdd((rule, extraConcepts), key => With(key.Rule, inclusion: true, extraConcepts: key.Extra)).Single(patient).Outcome;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Rule, string? Extra), TrialEvaluator> Trials = new();
}
