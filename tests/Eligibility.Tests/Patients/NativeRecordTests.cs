using Eligibility.Codes;
using Eligibility.Diagnostics;
using Eligibility.Patients;
using Eligibility.Time;

namespace Eligibility.Tests.Patients;

/// <summary>The native record's fields for real-world data: several answer codings, text results, interpretations, intent, dosing interval.</summary>
public class NativeRecordTests
{
    private static PatientRecord Read(string json)
    {
        var result = PatientReader.Read(json, "p.json");
        result.Diagnostics.Should().BeEmpty();
        return result.Patient!;
    }

    [Test]
    public void An_observation_reads_a_coding_array_a_text_and_an_interpretation()
    {
        var o = Read("""
            { "observations": [
              { "code": [{ "system": "http://loinc.org", "code": "5196-1" }],
                "valueCode": [{ "system": "urn:lab:local", "code": "NR" }, { "system": "http://snomed.info/sct", "code": "131194007", "display": "Non-reactive" }],
                "interpretation": [{ "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "code": "NEG" }],
                "status": "final", "date": "2026-01-10" },
              { "code": [{ "system": "http://loinc.org", "code": "5196-1" }], "valueText": "Non-reactive", "status": "final", "date": "2026-01-11" },
              { "code": [{ "system": "http://loinc.org", "code": "82810-3" }], "valueCode": { "system": "http://loinc.org", "code": "LA26683-5" }, "date": "2026-01-12" }
            ] }
            """).Observations;

        o[0].ValueCodes.Select(c => c.Code).Should().Equal("NR", "131194007");
        o[0].Interpretation.Should().Equal(new Coding(CodeSystems.ObservationInterpretation, "NEG"));
        o[1].ValueText.Should().Be("Non-reactive");
        o[1].HasContent.Should().BeTrue();
        o[2].ValueCodes.Should().Equal(new Coding(CodeSystems.Loinc, "LA26683-5"));
    }

    [Test]
    public void Two_kinds_of_value_are_an_error()
    {
        var result = PatientReader.Read("""{ "observations": [ { "code": [{ "system": "http://loinc.org", "code": "5196-1" }], "valueText": "Reactive", "valueBoolean": true } ] }""", "p.json");

        result.Diagnostics.Should().ContainSingle(d => d.Code == DiagnosticCodes.PatientInvalidValue).Which.Message.Should().Contain("at most one of");
    }

    [Test]
    public void A_medication_reads_intent_and_dosing_interval()
    {
        var m = Read("""
            { "medications": [
              { "code": [{ "system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "121191" }], "intent": "plan", "start": "2026-01-20" },
              { "code": [{ "system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "3002" }], "intent": "order", "dosingInterval": "P4W", "start": "2025-12-01", "end": "2025-12-01" }
            ] }
            """).Medications;

        m[0].Intent.Should().Be("plan");
        m[0].IsExposure.Should().BeFalse();
        m[1].DosingInterval.Should().Be(new IsoDuration(0, 0, 4, 0));
        m[1].IsExposure.Should().BeTrue();
    }

    [TestCase("\"4 weeks\"")]
    [TestCase("\"P0D\"")]
    [TestCase("28")]
    public void A_dosing_interval_that_is_not_a_duration_is_an_error_at_its_position(string value)
    {
        var result = PatientReader.Read($$"""{ "medications": [ { "code": [{ "system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "3002" }], "dosingInterval": {{value}} } ] }""", "p.json");

        result.Diagnostics.Should().ContainSingle(d => d.IsError).Which.Pointer.Should().Be("/medications/0/dosingInterval");
    }

    [Test]
    public void The_schema_accepts_the_new_fields()
    {
        const string json = """
            { "observations": [ { "code": [{ "system": "http://loinc.org", "code": "5196-1" }], "valueText": "Non-reactive",
                                  "interpretation": [{ "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "code": "NEG" }] },
                                { "code": [{ "system": "http://loinc.org", "code": "5196-1" }], "valueCode": [{ "system": "http://snomed.info/sct", "code": "131194007" }] } ],
              "medications": [ { "code": [{ "system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "3002" }], "intent": "order", "dosingInterval": "P4W" } ] }
            """;

        Eligibility.Schema.SchemaValidator.Validate(json, Eligibility.Schema.SchemaKind.Patient).Should().BeEmpty();
    }
}
