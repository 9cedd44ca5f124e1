using System.Globalization;
using System.Text;
using Eligibility.Fhir.Tests.Support;
using Eligibility.Patients;

namespace Eligibility.Fhir.Tests;

/// <summary>The same result written in different units maps faithfully (value and unit as given) and evaluates the same
/// through the core's UCUM conversion.</summary>
public class UnitVariantTests
{
    /// <summary>A bundle with one Patient and one lab result.</summary>
    private static PatientRecord Lab(string loinc, decimal value, string? ucum, string? unitText = null, string? rangeHigh = null)
    {
        string quantity = "\"value\": " + value.ToString(CultureInfo.InvariantCulture)
            + (unitText is null ? string.Empty : $", \"unit\": \"{unitText}\"")
            + (ucum is null ? string.Empty : $", \"system\": \"http://unitsofmeasure.org\", \"code\": \"{ucum}\"");
        string range = rangeHigh is null ? string.Empty : $", \"referenceRange\": [ {{ \"high\": {rangeHigh} }} ]";
        string json = $$"""
        { "resourceType": "Bundle", "type": "collection", "entry": [
          { "resource": { "resourceType": "Patient", "id": "u", "gender": "female", "birthDate": "1980-01-01" } },
          { "resource": { "resourceType": "Observation", "id": "lab", "status": "final",
              "code": { "coding": [ { "system": "http://loinc.org", "code": "{{loinc}}" } ] },
              "subject": { "reference": "Patient/u" }, "effectiveDateTime": "2026-01-10",
              "valueQuantity": { {{quantity}} }{{range}} } } ] }
        """;
        var result = FhirBundleReader.Read(Encoding.UTF8.GetBytes(json), "lab.json");
        result.HasErrors.Should().BeFalse(string.Join("\n", result.Diagnostics));
        return result.Patient!;
    }

    private static readonly Lazy<TrialEvaluator> Trial = new(() => Rules.Compile(
        """
        { "id": "INCL01", "text": "Hemoglobin ≥ 80 g/L", "rule": { "kind": "measurement", "concept": "hemoglobin", "gte": 80, "unit": "g/L" } },
        { "id": "INCL02", "text": "Platelets ≥ 50×10^9/L", "rule": { "kind": "measurement", "concept": "platelets", "gte": 50, "unit": "10*9/L" } },
        { "id": "INCL03", "text": "Creatinine ≤ 1.5 mg/dL", "rule": { "kind": "measurement", "concept": "creatinine", "lte": 1.5, "unit": "mg/dL" } },
        { "id": "INCL04", "text": "ALT ≤ 3 × ULN", "rule": { "kind": "measurement", "concept": "alt", "lte": 3, "relativeTo": "uln" } }
        """));

    private static Outcome OutcomeOf(string criterion, PatientRecord patient) =>
        Trial.Value.Evaluate(patient, Rules.AsOf).Criteria.Single(c => c.Id == criterion).Outcome;

    [TestCase("718-7", 11.8, "g/dL", Outcome.Pass)]
    [TestCase("718-7", 7.9, "g/dL", Outcome.Fail)]
    [TestCase("718-7", 118, "g/L", Outcome.Pass)]
    [TestCase("718-7", 79, "g/L", Outcome.Fail)]
    [TestCase("718-7", 8.0, "g/dL", Outcome.Pass, Description = "80 g/L exactly: inclusive bound")]
    public void Hemoglobin_GdlAndGl(string loinc, decimal value, string unit, Outcome expected) => Check("INCL01", loinc, value, unit, expected);

    [TestCase("777-3", 45, "10*3/uL", Outcome.Fail)]
    [TestCase("777-3", 55, "10*3/uL", Outcome.Pass)]
    [TestCase("26515-7", 45000, "/uL", Outcome.Fail)]
    [TestCase("26515-7", 50000, "/uL", Outcome.Pass)]
    [TestCase("777-3", 45, "10*9/L", Outcome.Fail)]
    [TestCase("777-3", 210, "10*9/L", Outcome.Pass)]
    public void Platelets_ThousandsPerMicrolitre_PerMicrolitre_AndBillionsPerLitre(string loinc, decimal value, string unit, Outcome expected) =>
        Check("INCL02", loinc, value, unit, expected);

    [TestCase("2160-0", 1.2, "mg/dL", Outcome.Pass)]
    [TestCase("2160-0", 1.6, "mg/dL", Outcome.Fail)]
    [TestCase("14682-9", 106.1, "umol/L", Outcome.Pass, Description = "1.2 mg/dL")]
    [TestCase("14682-9", 141.4, "umol/L", Outcome.Fail, Description = "1.6 mg/dL")]
    public void Creatinine_MicromolesAndMilligrams(string loinc, decimal value, string unit, Outcome expected) =>
        Check("INCL03", loinc, value, unit, expected);

    private static void Check(string criterion, string loinc, decimal value, string unit, Outcome expected)
    {
        var patient = Lab(loinc, value, unit, unitText: "as printed on the report");
        var o = patient.Observations.Single();
        o.Value.Should().Be(value);
        o.Unit.Should().Be(unit, "the UCUM code is kept, not the printed unit");
        OutcomeOf(criterion, patient).Should().Be(expected);
    }

    [Test]
    public void UnitStringOnly_IsUsedWhenThereIsNoUcumCode()
    {
        var patient = Lab("718-7", 7.5m, null, unitText: "g/dL");
        patient.Observations.Single().Unit.Should().Be("g/dL");
        OutcomeOf("INCL01", patient).Should().Be(Outcome.Fail);
    }

    [Test]
    public void MissingUnit_IsUnknown_NeverSilentlyCompared()
    {
        var patient = Lab("718-7", 120, null);
        patient.Observations.Single().Unit.Should().BeEmpty();
        var criterion = Trial.Value.Evaluate(patient, Rules.AsOf).Criteria.Single(c => c.Id == "INCL01");
        criterion.Outcome.Should().Be(Outcome.Unknown);
        criterion.Explanation.Should().Contain("no unit").And.Contain("Observation/lab");
    }

    [Test]
    public void ReferenceRangeInAnotherUnit_GivesTheUln()
    {
        // ALT 1.5 ukat/L ≈ 90 U/L against ULN 0.6 ukat/L ≈ 36 U/L: 2.5 × ULN.
        var patient = Lab("1742-6", 1.5m, "ukat/L", rangeHigh: """{ "value": 0.6, "system": "http://unitsofmeasure.org", "code": "ukat/L" }""");
        patient.Observations.Single().ReferenceRange!.Unit.Should().Be("ukat/L");
        OutcomeOf("INCL04", patient).Should().Be(Outcome.Pass);
    }
}
