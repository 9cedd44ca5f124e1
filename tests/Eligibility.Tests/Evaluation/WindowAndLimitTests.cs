using static Eligibility.Tests.Support.TestTrial;

namespace Eligibility.Tests.Evaluation;

/// <summary>Rule options the reference trials needed: LLN multiples, absent tests meaning "not met", disease duration, ever used.</summary>
public class WindowAndLimitTests
{
    private const string Igg = """{ "igg": { "codes": { "http://loinc.org": ["2465-3"] }, "unit": "g/L", "lln": { "value": 7 } } }""";

    [TestCase(6.9, null, "fail", Description = "below the default LLN 7 g/L")]
    [TestCase(7, null, "pass", Description = "exactly at the LLN")]
    [TestCase(6.9, 6.5, "pass", Description = "the result's own reference range low wins")]
    public void Below_the_lower_limit_of_normal(decimal value, double? low, string outcome)
    {
        var trial = With("""{ "kind": "measurement", "concept": "igg", "lt": 1, "relativeTo": "lln" }""", extraConcepts: Igg);
        var lab = Lab("2465-3", value, "g/L") with { ReferenceRange = low is null ? null : new Eligibility.Patients.ReferenceRange { Low = (decimal)low.Value } };
        var result = trial.Single(Patient().WithLabs(lab));
        ResultJson.Name(result.Outcome).Should().Be(outcome, result.Explanation);
        result.Explanation.Should().Contain("× LLN");
    }

    [Test]
    public void A_measurement_may_declare_that_no_result_means_not_met()
    {
        var absentFalse = With("""{ "kind": "measurement", "concept": "hemoglobin", "lt": 80, "unit": "g/L", "absentMeans": "false" }""");
        var result = absentFalse.Single(Patient());
        result.Outcome.Should().Be(Outcome.Pass);
        result.Explanation.Should().Contain("no result means not met");
        absentFalse.Single(Patient().WithLabs(Lab("718-7", 70, "g/L"))).Outcome.Should().Be(Outcome.Fail, "a result still decides");
        With("""{ "kind": "measurement", "concept": "hemoglobin", "lt": 80, "unit": "g/L" }""").Single(Patient()).Outcome.Should().Be(Outcome.Unknown, "the default stays unknown");
    }

    [TestCase("2025-10-15", "pass", Description = "onset exactly 3 months before as-of")]
    [TestCase("2025-10-16", "fail", Description = "diagnosed less than 3 months ago")]
    [TestCase(null, "unknown", Description = "onset not recorded")]
    public void Disease_duration_by_onset_before(string? onset, string outcome) =>
        ResultJson.Name(With("""{ "kind": "condition", "concept": "sle", "onsetBefore": "P3M" }""", inclusion: true)
            .Single(Patient().WithConditions(Icd("M32.1", onset))).Outcome).Should().Be(outcome);

    [TestCase("2001-01-01", "2001-02-01", "fail", Description = "used long ago")]
    [TestCase("2026-01-16", null, "pass", Description = "starts after as-of")]
    public void Medication_ever_taken(string start, string? end, string outcome) =>
        ResultJson.Name(With("""{ "kind": "medication", "concept": "cyclophosphamide", "ever": true }""")
            .Single(Patient().WithMedications(Rx("3002", start, end))).Outcome).Should().Be(outcome);

    [Test]
    public void A_computed_value_cannot_be_relative_to_a_limit()
    {
        var result = Compile("""{ "kind": "measurement", "concept": "egfr", "lt": 1, "relativeTo": "uln", "compute": "ckd-epi-2021" }""");
        result.HasErrors.Should().BeTrue();
        result.Diagnostics.Should().Contain(d => d.Code == Eligibility.DiagnosticCodes.InvalidCombination && d.Pointer == "/exclusion/0/rule/compute");
    }
}
