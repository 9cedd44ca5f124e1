using Eligibility.Tests.Support;
using static Eligibility.Tests.Support.TestTrial;

namespace Eligibility.Tests.Evaluation;

public class MeasurementTests
{
    private const string Extra = """
        {
          "igg": { "codes": { "http://loinc.org": ["2465-3"] }, "unit": "g/L" },
          "platelets": { "codes": { "http://loinc.org": ["777-3", "26515-7"] }, "unit": "10*9/L" },
          "bilirubin-total": { "codes": { "http://loinc.org": ["1975-2", "14631-6"] }, "unit": "mg/dL", "molarMass": 584.66, "uln": { "value": 1.2 } },
          "fev1-fvc": { "codes": { "http://loinc.org": ["19926-5"] }, "unit": "%" },
          "selena-sledai": { "codes": { "urn:eligibility:concept": ["selena-sledai"] }, "unit": "{score}" },
          "cardiac-index": { "codes": { "urn:eligibility:concept": ["cardiac-index"] }, "unit": "L/min/m2" }
        }
        """;

    [TestCase(79.9, "g/L", "fail", TestName = "Hemoglobin below 80 g/L excludes")]
    [TestCase(80, "g/L", "pass", TestName = "Hemoglobin exactly 80 g/L is not below 80")]
    [TestCase(80.1, "g/L", "pass", TestName = "Hemoglobin above 80 g/L passes")]
    [TestCase(7.99, "g/dL", "fail", TestName = "Hemoglobin 7.99 g/dL is 79.9 g/L and excludes")]
    [TestCase(8.0, "g/dL", "pass", TestName = "Hemoglobin 8 g/dL is exactly 80 g/L")]
    public void Hemoglobin_below_80_g_per_L(decimal value, string unit, string outcome)
    {
        var trial = With("""{ "kind": "measurement", "concept": "hemoglobin", "lt": 80, "unit": "g/L" }""");
        var result = trial.Single(Patient().WithLabs(Lab("718-7", value, unit)));
        ResultJson.Name(result.Outcome).Should().Be(outcome);
    }

    [TestCase("gt", 5, 5, "false")]
    [TestCase("gt", 5, 5.01, "true")]
    [TestCase("gte", 5, 5, "true")]
    [TestCase("gte", 5, 4.99, "false")]
    [TestCase("lt", 5, 5, "false")]
    [TestCase("lt", 5, 4.99, "true")]
    [TestCase("lte", 5, 5, "true")]
    [TestCase("lte", 5, 5.01, "false")]
    public void Bounds_are_taken_literally(string op, decimal bound, decimal value, string truth)
    {
        var trial = With($$"""{ "kind": "measurement", "concept": "hemoglobin", "{{op}}": {{bound}}, "unit": "g/L" }""");
        trial.Single(Patient().WithLabs(Lab("718-7", value, "g/L"))).Truth.ToString().Should().Be(truth);
    }

    [TestCase("igg", "2465-3", 500, "mg/dL", "g/L", 5, "false", TestName = "IgG 500 mg/dL is exactly 5 g/L")]
    [TestCase("igg", "2465-3", 499, "mg/dL", "g/L", 5, "true", TestName = "IgG 499 mg/dL is below 5 g/L")]
    [TestCase("platelets", "777-3", 49, "10*3/uL", "10*9/L", 50, "true", TestName = "Platelets 49 x10^3/uL is below 50 x10^9/L")]
    [TestCase("platelets", "777-3", 50000, "/uL", "10*9/L", 50, "false", TestName = "Platelets 50000 /uL is exactly 50 x10^9/L")]
    [TestCase("platelets", "777-3", 49999, "/uL", "10*9/L", 50, "true", TestName = "Platelets 49999 /uL is below 50 x10^9/L")]
    [TestCase("creatinine", "14682-9", 88.41, "umol/L", "mg/dL", 1.0, "false", TestName = "Creatinine 88.41 umol/L is 1.0001 mg/dL (molar mass 113.12), not below 1")]
    [TestCase("creatinine", "14682-9", 88.40, "umol/L", "mg/dL", 1.0, "true", TestName = "Creatinine 88.40 umol/L is 0.99998 mg/dL, below 1")]
    [TestCase("bilirubin-total", "14631-6", 17.1, "umol/L", "mg/dL", 1.0, "true", TestName = "Bilirubin 17.1 umol/L is just under 1 mg/dL")]
    [TestCase("bilirubin-total", "14631-6", 17.2, "umol/L", "mg/dL", 1.0, "false", TestName = "Bilirubin 17.2 umol/L is over 1 mg/dL")]
    [TestCase("fev1-fvc", "19926-5", 59.9, "%", "%", 60, "true", TestName = "FEV1/FVC 59.9 % is below 60 %")]
    [TestCase("body-weight", "29463-7", 150, "[lb_av]", "kg", 68, "true", TestName = "150 lb is 68.04 kg, not below 68 kg")]
    public void Values_are_converted_to_the_rule_unit_before_comparing(string concept, string loinc, decimal value, string unit, string ruleUnit, decimal below, string truthBelow)
    {
        var trial = With($$"""{ "kind": "measurement", "concept": "{{concept}}", "lt": {{below}}, "unit": "{{ruleUnit}}" }""", extraConcepts: Extra);
        var result = trial.Single(Patient().WithLabs(Lab(loinc, value, unit)));
        string expected = concept == "body-weight" ? "false" : truthBelow;
        result.Truth.ToString().Should().Be(expected, result.Explanation);
    }

    [Test]
    public void Scores_and_cardiac_index_compare_in_their_own_units()
    {
        var score = With("""{ "kind": "measurement", "concept": "selena-sledai", "lt": 8, "unit": "{score}" }""", inclusion: true, extraConcepts: Extra);
        var p = Patient().WithLabs(new ObservationRecordBuilder("urn:eligibility:concept", "selena-sledai", 7, "{score}").Build());
        score.Single(p).Outcome.Should().Be(Outcome.Pass);

        var ci = With("""{ "kind": "measurement", "concept": "cardiac-index", "lte": 2, "unit": "L/min/m2" }""", extraConcepts: Extra);
        ci.Single(Patient().WithLabs(new ObservationRecordBuilder("urn:eligibility:concept", "cardiac-index", 2, "L/min/m2").Build())).Outcome.Should().Be(Outcome.Fail);
    }

    [Test]
    public void A_value_without_a_unit_is_unknown_never_compared()
    {
        var trial = With("""{ "kind": "measurement", "concept": "hemoglobin", "lt": 80, "unit": "g/L" }""");
        var result = trial.Single(Patient().WithLabs(Lab("718-7", 8.5m, null)));
        result.Outcome.Should().Be(Outcome.Unknown);
        result.Explanation.Should().Contain("has no unit");
        result.Missing.Should().ContainSingle();
    }

    [Test]
    public void A_value_in_an_unconvertible_unit_is_unknown()
    {
        var trial = With("""{ "kind": "measurement", "concept": "hemoglobin", "lt": 80, "unit": "g/L" }""");
        var result = trial.Single(Patient().WithLabs(Lab("718-7", 5, "mmol/L")));
        result.Outcome.Should().Be(Outcome.Unknown);
        result.Explanation.Should().Contain("cannot be converted");
    }

    [Test]
    public void No_result_in_the_lookback_is_unknown_and_says_what_is_missing()
    {
        var trial = With("""{ "kind": "measurement", "concept": "hemoglobin", "lt": 80, "unit": "g/L" }""");
        var result = trial.Single(Patient().WithLabs(Lab("718-7", 70, "g/L", date: "2025-12-17")));
        result.Outcome.Should().Be(Outcome.Unknown);
        result.Missing.Should().Equal("hemoglobin within the last 28 days");
        trial.Evaluate(Patient(), AsOf).Missing.Should().Equal("hemoglobin within the last 28 days");
    }

    [Test]
    public void The_lookback_window_includes_both_ends()
    {
        var trial = With("""{ "kind": "measurement", "concept": "hemoglobin", "lt": 80, "unit": "g/L" }""");
        trial.Single(Patient().WithLabs(Lab("718-7", 70, "g/L", date: "2025-12-18"))).Outcome.Should().Be(Outcome.Fail, "2026-01-15 minus 28 days is 2025-12-18");
        trial.Single(Patient().WithLabs(Lab("718-7", 70, "g/L", date: "2026-01-15"))).Outcome.Should().Be(Outcome.Fail);
    }

    [Test]
    public void A_criterion_lookback_overrides_the_default()
    {
        var trial = With("""{ "kind": "measurement", "concept": "hemoglobin", "lt": 80, "unit": "g/L", "lookback": "P3M" }""");
        trial.Single(Patient().WithLabs(Lab("718-7", 70, "g/L", date: "2025-10-15"))).Outcome.Should().Be(Outcome.Fail);
        trial.Single(Patient().WithLabs(Lab("718-7", 70, "g/L", date: "2025-10-14"))).Outcome.Should().Be(Outcome.Unknown);
    }

    [Test]
    public void The_most_recent_result_wins()
    {
        var trial = With("""{ "kind": "measurement", "concept": "hemoglobin", "lt": 80, "unit": "g/L" }""");
        var p = Patient().WithLabs(Lab("718-7", 70, "g/L", date: "2026-01-14"), Lab("718-7", 120, "g/L", date: "2026-01-02"));
        trial.Single(p).Outcome.Should().Be(Outcome.Fail);
    }

    [TestCase("entered-in-error")]
    [TestCase("cancelled")]
    [TestCase("preliminary")]
    public void Results_that_are_not_final_never_count(string status)
    {
        var trial = With("""{ "kind": "measurement", "concept": "hemoglobin", "lt": 80, "unit": "g/L" }""");
        var p = Patient().WithLabs(Lab("718-7", 120, "g/L", date: "2026-01-02"), Lab("718-7", 70, "g/L", date: "2026-01-14", status: status));
        trial.Single(p).Outcome.Should().Be(Outcome.Pass, "the later result does not count");
    }

    [TestCase("amended")]
    [TestCase("corrected")]
    [TestCase("final")]
    public void Amended_and_corrected_results_count(string status)
    {
        var trial = With("""{ "kind": "measurement", "concept": "hemoglobin", "lt": 80, "unit": "g/L" }""");
        trial.Single(Patient().WithLabs(Lab("718-7", 70, "g/L", status: status))).Outcome.Should().Be(Outcome.Fail);
    }

    [Test]
    public void Future_dated_results_are_ignored()
    {
        var trial = With("""{ "kind": "measurement", "concept": "hemoglobin", "lt": 80, "unit": "g/L" }""");
        var p = Patient().WithLabs(Lab("718-7", 120, "g/L", date: "2026-01-02"), Lab("718-7", 70, "g/L", date: "2026-01-16"));
        trial.Single(p).Outcome.Should().Be(Outcome.Pass);
    }

    [Test]
    public void The_explanation_names_value_unit_date_source_and_conversion()
    {
        var trial = With("""{ "kind": "measurement", "concept": "hemoglobin", "lt": 80, "unit": "g/L" }""");
        var lab = Lab("718-7", 8.5m, "g/dL") with { Source = "Observation/hb1" };
        var result = trial.Single(Patient().WithLabs(lab));
        result.Explanation.Should().Be("hemoglobin 8.5 g/dL (85 g/L) on 2026-01-10 (Observation/hb1) is not below 80 g/L");
        result.Facts.Should().ContainSingle().Which.ConvertedValue.Should().Be(85m);
    }
}

/// <summary>Observations with codes outside LOINC.</summary>
internal sealed record ObservationRecordBuilder(string System, string Code, decimal Value, string Unit)
{
    public Eligibility.Patients.ObservationRecord Build() => new()
    {
        Codes = new[] { new Coding(System, Code) },
        Value = Value,
        Unit = Unit,
        Status = "final",
        Date = new DateOnly(2026, 1, 10),
    };
}
