using Eligibility.Fhir.Tests.Support;
using Eligibility.Patients;

namespace Eligibility.Fhir.Tests;

public class EventMappingTests
{
    private PatientReadResult result = null!;
    private PatientRecord patient = null!;

    [OneTimeSetUp]
    public void ReadBundle()
    {
        result = TestBundles.Read("events.json");
        result.HasErrors.Should().BeFalse(string.Join("\n", result.Diagnostics));
        patient = result.Patient!;
    }

    [Test]
    public void TransactionBundle_WithUrnUuidReferences_IsOnePatient()
    {
        patient.Id.Should().Be("pt-ev");
        patient.Sex.Should().Be(AdministrativeSex.Other);
    }

    [Test]
    public void Immunizations_CodeStatusAndOccurrence()
    {
        patient.Immunizations.Should().HaveCount(3);
        patient.Immunizations[0].Should().Match<ImmunizationRecord>(i =>
            i.Codes.Single().Code == "03" && i.Status == "completed" && i.Date == new DateOnly(2025, 12, 20) && i.Source == "Immunization/mmr");
        patient.Immunizations[1].Status.Should().Be("not-done");
        patient.Immunizations[2].Date.Should().BeNull("'spring 2020' is not a date");
        result.WithCode(FhirDiagnosticCodes.DateNotUsable).Should().ContainSingle(d => d.Pointer == "/entry/3/resource/occurrenceString");
    }

    [Test]
    public void Procedures_CodeStatusAndPerformed()
    {
        patient.Procedures.Select(p => (p.Codes.Single().Code, p.Status, p.Performed)).Should().Equal(
            ("302497006", "completed", new DateOnly(2025, 11, 2)),
            ("20720000", "completed", new DateOnly(2025, 10, 1)),
            ("234336002", "not-done", new DateOnly(2025, 6, 1)));
        patient.Procedures[0].Source.Should().Be("Procedure/hd");
    }

    [Test]
    public void EveryCodingOfTheCode_IsKept_ForConditionsProceduresAndImmunizations()
    {
        // A site's own code beside the standard one is normal (and SNOMED CT beside ICD-10 for conditions).
        string json = """
        {"resourceType":"Bundle","type":"collection","entry":[
          {"resource":{"resourceType":"Condition","id":"c","subject":{"reference":"Patient/p1"},"onsetDateTime":"2020-01-01",
            "code":{"coding":[{"system":"http://snomed.info/sct","code":"55464009","display":"SLE"},{"system":"http://hl7.org/fhir/sid/icd-10","code":"M32.14"},
              {"system":"urn:eligibility:concept","code":"lupus-nephritis"},{"display":"no system or code"}]}}},
          {"resource":{"resourceType":"Procedure","id":"pr","status":"completed","subject":{"reference":"Patient/p1"},"performedDateTime":"2025-11-02",
            "code":{"coding":[{"system":"http://snomed.info/sct","code":"302497006"},{"system":"urn:eligibility:concept","code":"dialysis"}]}}},
          {"resource":{"resourceType":"Immunization","id":"im","status":"completed","patient":{"reference":"Patient/p1"},"occurrenceDateTime":"2025-12-20",
            "vaccineCode":{"coding":[{"system":"http://hl7.org/fhir/sid/cvx","code":"03"},{"system":"urn:eligibility:concept","code":"live-vaccine"}]}}}]}
        """;
        var read = FhirBundleReader.Read(System.Text.Encoding.UTF8.GetBytes(json), "x.json");
        read.HasErrors.Should().BeFalse(string.Join("\n", read.Diagnostics));
        var p = read.Patient!;
        p.Conditions.Single().Codes.Select(c => c.System + "|" + c.Code).Should().Equal(
            "http://snomed.info/sct|55464009", "http://hl7.org/fhir/sid/icd-10|M32.14", "urn:eligibility:concept|lupus-nephritis");
        p.Procedures.Single().Codes.Select(c => c.Code).Should().Equal("302497006", "dialysis");
        p.Immunizations.Single().Codes.Select(c => c.Code).Should().Equal("03", "live-vaccine");
    }

    [Test]
    public void MappedEvents_EvaluateThroughTheCore()
    {
        var trial = Rules.Compile(
            """{ "id": "INCL01", "text": "no HSCT", "rule": { "kind": "not", "rule": { "kind": "procedure", "concept": "dialysis", "occurredWithin": "P1M" } } }""",
            """
            { "id": "EXCL01", "text": "live vaccine within 4 weeks", "rule": { "kind": "immunization", "concept": "live-vaccine", "within": "P4W" } },
            { "id": "EXCL02", "text": "plasma exchange within 6 months", "rule": { "kind": "procedure", "concept": "plasma-exchange", "occurredWithin": "P6M" } }
            """);
        var evaluation = trial.Evaluate(patient, Rules.AsOf);
        evaluation.Criteria.Select(c => c.Outcome).Should().Equal(Outcome.Pass, Outcome.Fail, Outcome.Fail);
        evaluation.Criteria[1].Explanation.Should().Contain("Immunization/mmr");
    }

    [Test]
    public void DocumentBundle_IgnoresTheComposition_AndMapsTheRest()
    {
        var doc = TestBundles.Read("document.json");
        doc.HasErrors.Should().BeFalse();
        doc.Patient!.Id.Should().Be("p-doc");
        doc.Patient.Observations.Single().Should().Match<ObservationRecord>(o => o.Value == 12.1m && o.Unit == "g/dL");
        doc.WithCode(FhirDiagnosticCodes.IgnoredResourceTypes).Single().Message.Should().Contain("Composition ×1");
    }
}
