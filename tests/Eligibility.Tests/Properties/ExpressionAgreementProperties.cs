using System.Collections.Concurrent;
using Eligibility.Patients;
using Eligibility.Time;
using Eligibility.Units;
using FsCheck;
using FsCheck.Fluent;
using static Eligibility.Tests.Support.TestTrial;

namespace Eligibility.Tests.Properties;

/// <summary>
/// An expression and the equivalent typed rule agree on random patients — records with missing values, invalid
/// results, unconvertible units, cancelled and planned medications, refuted conditions, … As-of is 2026-01-15; the
/// lookback is 28 days. Where the typed rule's semantics are richer, the exact equivalence is stated and tested.
/// </summary>
[TestFixture]
public sealed class ExpressionAgreementProperties
{
    private const string Pulses = """
        { "cyclophosphamide-iv": { "codes": { "http://www.nlm.nih.gov/research/umls/rxnorm": ["3002"] }, "exposureLasts": "P4W" } }
        """;

    private static readonly ConcurrentDictionary<(string Rule, string? Extra), TrialEvaluator> Trials = new();

    // ---------------------------------------------------------------- generators

    private static Gen<DateOnly?> DateAround(int fromDays, int toDays) =>
        Gen.Frequency(
            (1, Gen.Constant<DateOnly?>(null)),
            (8, Gen.Choose(fromDays, toDays).Select(d => (DateOnly?)AsOf.AddDays(d))));

    private static Gen<AdministrativeSex> Sexes() =>
        Gen.Elements(AdministrativeSex.Female, AdministrativeSex.Male, AdministrativeSex.Unknown);

    /// <summary>Two-decimal amounts: ratios of two of them are never so close to a bound that rounding could matter.</summary>
    private static Gen<decimal> Amount(int max) => Gen.Choose(0, max * 100).Select(n => n / 100m);

    private static Gen<ObservationRecord> AltResult() =>
        from code in Gen.Frequency((6, Gen.Constant("1742-6")), (1, Gen.Constant("718-7")))
        from value in Gen.Frequency((1, Gen.Constant<decimal?>(null)), (8, Amount(400).Select(v => (decimal?)v)))
        from unit in Gen.Elements<string?>("U/L", "U/L", "U/L", "ukat/L", "U/mL", null, "", "mg/dL", "foo")
        from status in Gen.Elements<string?>("final", "final", "amended", "corrected", null, "preliminary", "registered", "cancelled", "entered-in-error")
        from date in DateAround(-40, 5)
        from high in Gen.Frequency((3, Gen.Constant<decimal?>(null)), (3, Amount(100).Select(h => (decimal?)h)), (1, Gen.Constant<decimal?>(0m)), (1, Gen.Constant<decimal?>(-5m)))
        from rangeUnit in Gen.Elements<string?>(null, null, "U/L", "ukat/L", "U/mL", "foo")
        select new ObservationRecord
        {
            Codes = [Loinc(code)],
            Value = value,
            Unit = unit,
            Status = status,
            Date = date,
            ReferenceRange = high is null ? null : new ReferenceRange { High = high, Unit = rangeUnit },
        };

    private static Gen<PatientRecord> LabPatients() =>
        from sex in Sexes()
        from count in Gen.Choose(0, 3)
        from labs in AltResult().ArrayOf(count)
        select Patient() with { Sex = sex, Observations = labs };

    private static Gen<ConditionRecord> SleCondition() =>
        from code in Gen.Elements(
            new Coding("http://hl7.org/fhir/sid/icd-10", "M32"),
            new Coding("http://hl7.org/fhir/sid/icd-10", "M32.14"),
            new Coding("http://snomed.info/sct", "55464009"),
            new Coding("http://hl7.org/fhir/sid/icd-10", "J84.10"))
        from onset in DateAround(-4000, 30)
        from abatement in Gen.Frequency((3, Gen.Constant<DateOnly?>(null)), (1, DateAround(-2000, 60)))
        from clinical in Gen.Elements<string?>("active", "recurrence", "relapse", "inactive", "remission", "resolved", "entered-in-error", null)
        from verification in Gen.Elements<string?>(null, "confirmed", "unconfirmed", "provisional", "refuted", "entered-in-error")
        from status in Gen.Elements<string?>(null, null, null, "entered-in-error")
        select new ConditionRecord
        {
            Codes = [code],
            Onset = onset,
            Abatement = abatement,
            ClinicalStatus = clinical,
            VerificationStatus = verification,
            Status = status,
        };

    private static Gen<PatientRecord> ConditionPatients() =>
        from count in Gen.Choose(0, 3)
        from conditions in SleCondition().ArrayOf(count)
        select Patient() with { Conditions = conditions };

    private static Gen<MedicationRecord> Medication() =>
        from code in Gen.Elements(
            new Coding("http://www.nlm.nih.gov/research/umls/rxnorm", "8640"),
            new Coding("http://www.whocc.no/atc", "H02AB07"),
            new Coding("http://www.nlm.nih.gov/research/umls/rxnorm", "6902"),
            new Coding("http://www.nlm.nih.gov/research/umls/rxnorm", "3002"))
        from start in DateAround(-400, 20)
        from end in Gen.Frequency((2, Gen.Constant<DateOnly?>(null)), (3, DateAround(-200, 60)))
        from status in Gen.Elements<string?>(null, "active", "completed", "stopped", "on-hold", "cancelled", "not-taken", "entered-in-error", "draft", "intended", "not-done", "declined")
        from intent in Gen.Elements<string?>(null, null, "order", "original-order", "plan", "proposal", "option")
        from interval in Gen.Elements<IsoDuration?>(null, null, new IsoDuration(0, 0, 2, 0), new IsoDuration(0, 1, 0, 0))
        select new MedicationRecord
        {
            Codes = [code],
            Start = start,
            End = end,
            Status = status,
            Intent = intent,
            DosingInterval = interval,
        };

    private static Gen<PatientRecord> MedicationPatients() =>
        from count in Gen.Choose(0, 3)
        from medications in Medication().ArrayOf(count)
        select Patient() with { Medications = medications };

    private static Gen<DateOnly?> BirthDates() =>
        Gen.Frequency(
            (1, Gen.Constant<DateOnly?>(null)),
            (2, Gen.Choose(-4, 4).Select(d => (DateOnly?)AsOf.AddYears(-18).AddDays(d))),
            (2, Gen.Choose(-4, 4).Select(d => (DateOnly?)AsOf.AddYears(-70).AddDays(d))),
            (2, Gen.Choose(-4, 4).Select(d => (DateOnly?)AsOf.AddYears(-71).AddDays(d))),
            (1, Gen.Elements<DateOnly?>(new DateOnly(2008, 2, 29), new DateOnly(1956, 2, 29), new DateOnly(1955, 2, 28))),
            (2, Gen.Choose(0, 100 * 365).Select(d => (DateOnly?)AsOf.AddDays(-d))));

    // ---------------------------------------------------------------- properties

    /// <summary>
    /// <c>Value("alt") &gt; 3 * Uln("alt")</c> ≡ <c>measurement alt gt 3 relativeTo uln</c> (the same most recent valid
    /// result, the same ULN: its reference range, else the rule file's default by sex; a ULN that is not positive is
    /// unknown) whenever the latest result's unit converts to the concept's unit (U/L) or is missing. The typed rule
    /// divides the result by its ULN in the result's own unit, so it can still decide a result in a unit that does not
    /// convert to U/L; the expression reads values in the concept's unit, and is then unknown.
    /// </summary>
    [FsCheck.NUnit.Property(MaxTest = 400)]
    public Property Uln_multiple_expression_agrees_with_the_measurement_rule() =>
        Prop.ForAll(LabPatients().ToArbitrary(), patient =>
        {
            var typed = Outcome(patient, """{ "kind": "measurement", "concept": "alt", "gt": 3, "relativeTo": "uln" }""");
            var expression = Outcome(patient, """{ "kind": "expression", "expression": "Value(\"alt\") > 3 * Uln(\"alt\")" }""");
            var latest = LatestAlt(patient);
            var convertible = latest is null || string.IsNullOrWhiteSpace(latest.Unit)
                || UnitConverter.Instance.TryGetFactor(latest.Unit, "U/L", null, out _, out _);
            return convertible
                ? (expression == typed).Label($"typed {typed}, expression {expression}")
                : (expression == Eligibility.Outcome.Unknown).Label($"unit {latest!.Unit}: expression {expression}");
        });

    /// <summary><c>Value("alt") &lt;= 120</c> ≡ <c>measurement alt lte 120 unit U/L</c>, always.</summary>
    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property Value_expression_agrees_with_the_measurement_rule() =>
        Prop.ForAll(LabPatients().ToArbitrary(), patient =>
            Outcome(patient, """{ "kind": "expression", "expression": "Value(\"alt\") <= 120" }""")
            == Outcome(patient, """{ "kind": "measurement", "concept": "alt", "lte": 120, "unit": "U/L" }"""));

    /// <summary>
    /// Completed years: <c>Age &gt;= 18</c> ≡ <c>age gte 18</c>, <c>Age &lt; 70</c> ≡ <c>age lt 70</c>,
    /// <c>Age &lt;= 70</c> ≡ <c>age lte 70</c>, and <c>Age &gt; 70</c> ≡ <c>age gte 71</c>. (A typed <c>gt 70</c> reads
    /// "older than 70" and holds from the day after the 70th birthday; the expression compares completed years.)
    /// </summary>
    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property Age_expressions_agree_with_the_age_rule() =>
        Prop.ForAll(BirthDates().ToArbitrary(), birth =>
        {
            var patient = Patient() with { BirthDate = birth };
            return Agree(patient, "Age >= 18", """{ "kind": "age", "gte": 18 }""")
                && Agree(patient, "Age < 70", """{ "kind": "age", "lt": 70 }""")
                && Agree(patient, "Age <= 70", """{ "kind": "age", "lte": 70 }""")
                && Agree(patient, "Age > 70", """{ "kind": "age", "gte": 71 }""");
        });

    /// <summary>The exact difference from a typed <c>gt</c>: on the 70th birthday both say no; on the days after, until the 71st, only the typed rule says yes.</summary>
    [TestCase("2026-01-15", false, false)]
    [TestCase("2026-01-14", false, true)]
    [TestCase("2025-07-01", false, true)]
    [TestCase("2025-01-16", false, true)]
    [TestCase("2025-01-15", true, true)]
    public void Age_greater_than_compares_completed_years_unlike_the_typed_older_than(string seventiethBirthday, bool expression, bool typed)
    {
        var patient = Patient() with { BirthDate = D(seventiethBirthday).AddYears(-70) };

        Truth(patient, "Age > 70").Should().Be(expression);
        Outcome(patient, """{ "kind": "age", "gt": 70 }""").Should().Be(typed ? Eligibility.Outcome.Pass : Eligibility.Outcome.Fail);
    }

    /// <summary><c>HasActiveCondition("sle")</c> ≡ <c>condition sle active</c> and <c>HasCondition("sle")</c> ≡ <c>condition sle</c>, always.</summary>
    [FsCheck.NUnit.Property(MaxTest = 400)]
    public Property Condition_expressions_agree_with_the_condition_rule() =>
        Prop.ForAll(ConditionPatients().ToArbitrary(), patient =>
            Agree(patient, "HasActiveCondition(\"sle\")", """{ "kind": "condition", "concept": "sle", "active": true }""")
            && Agree(patient, "HasCondition(\"sle\")", """{ "kind": "condition", "concept": "sle" }"""));

    /// <summary>
    /// <c>OnMedication(c)</c> ≡ <c>medication c current</c>, always: for a drug, a class of drugs, and an intermittent
    /// therapy whose doses last four weeks.
    /// </summary>
    [FsCheck.NUnit.Property(MaxTest = 400)]
    public Property OnMedication_agrees_with_the_current_medication_rule() =>
        Prop.ForAll(MedicationPatients().ToArbitrary(), patient =>
            Agree(patient, "OnMedication(\"prednisone\")", """{ "kind": "medication", "concept": "prednisone", "current": true }""")
            && Agree(patient, "OnMedication(\"glucocorticoid\")", """{ "kind": "medication", "concept": "glucocorticoid", "current": true }""")
            && Agree(patient, "OnMedication(\"cyclophosphamide-iv\")", """{ "kind": "medication", "concept": "cyclophosphamide-iv", "current": true }""", Pulses));

    /// <summary>An expression combining facts agrees with the typed rules combined by any / all / not.</summary>
    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property A_combined_expression_agrees_with_combined_typed_rules() =>
        Prop.ForAll(
            (from labs in LabPatients()
             from birth in BirthDates()
             from meds in Medication().ArrayOf(2)
             select labs with { BirthDate = birth, Medications = meds }).ToArbitrary(),
            patient => Agree(
                patient,
                "Value(\"alt\") > 3 * Uln(\"alt\") || !(Age >= 18) || (Sex == \"female\" && OnMedication(\"prednisone\"))",
                """
                { "kind": "any", "rules": [
                  { "kind": "measurement", "concept": "alt", "gt": 3, "relativeTo": "uln" },
                  { "kind": "not", "rule": { "kind": "age", "gte": 18 } },
                  { "kind": "all", "rules": [ { "kind": "sex", "is": "female" }, { "kind": "medication", "concept": "prednisone", "current": true } ] } ] }
                """,
                only: LatestAlt(patient) is not { Unit: { } unit } || string.IsNullOrWhiteSpace(unit) || UnitConverter.Instance.TryGetFactor(unit, "U/L", null, out _, out _)));

    // ---------------------------------------------------------------- helpers

    /// <summary>The result both rules read: the latest ALT with a value, valid status, inside the 28-day lookback.</summary>
    private static ObservationRecord? LatestAlt(PatientRecord patient) => patient.Observations
        .Where(o => o.Codes.Any(c => c.Code == "1742-6") && o.Value is not null && o.Date is { } d && d <= AsOf && d >= AsOf.AddDays(-28)
            && (o.Status is null or "final" or "amended" or "corrected"))
        .Select((o, i) => (o, i))
        .OrderBy(x => x.o.Date).ThenBy(x => x.i)
        .Select(x => x.o)
        .LastOrDefault();

    private static bool Agree(PatientRecord patient, string expression, string typedRule, string? extraConcepts = null, bool only = true)
    {
        if (!only)
        {
            return true;
        }

        var json = System.Text.Json.JsonSerializer.Serialize(new { kind = "expression", expression });
        return Outcome(patient, json, extraConcepts) == Outcome(patient, typedRule, extraConcepts);
    }

    private static bool? Truth(PatientRecord patient, string expression) =>
        Outcome(patient, System.Text.Json.JsonSerializer.Serialize(new { kind = "expression", expression })) switch
        {
            Eligibility.Outcome.Pass => true,
            Eligibility.Outcome.Fail => false,
            _ => null,
        };

    private static Outcome Outcome(PatientRecord patient, string rule, string? extraConcepts = null) =>
        Trials.GetOrAdd((rule, extraConcepts), key => With(key.Rule, inclusion: true, extraConcepts: key.Extra)).Single(patient).Outcome;
}
