using Eligibility.Diagnostics;
using Eligibility.Patients;
using Eligibility.Schema;

namespace Eligibility.Tests.Patients;

/// <summary>
/// What patient.schema.json rules out, the reader refuses too, with a positioned diagnostic (and the schema refuses it):
/// an empty code list, a non-string id or '$schema', an observation with no result, an empty list of codings, a daily
/// dose without its unit or below zero, an empty system, code or text, a status or intent the schema does not list. An observation with only an interpretation is a
/// result, accepted by both.
/// </summary>
public class NativeRecordStrictnessTests
{
    private const string Loinc = """{ "system": "http://loinc.org", "code": "5196-1" }""";
    private const string Neg = """{ "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "code": "NEG" }""";
    private const string Rx = """{ "system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "8640" }""";

    [TestCase("""{ "conditions": [{ "code": [] }] }""", DiagnosticCodes.PatientMissingField, "/conditions/0/code")]
    [TestCase("""{ "id": 17 }""", DiagnosticCodes.PatientInvalidValue, "/id")]
    [TestCase("""{ "procedures": [{ "id": 3, "code": [ """ + Rx + """ ] }] }""", DiagnosticCodes.PatientInvalidValue, "/procedures/0/id")]
    [TestCase("""{ "$schema": 1 }""", DiagnosticCodes.PatientInvalidValue, "/$schema")]
    [TestCase("""{ "observations": [{ "code": [ """ + Loinc + """ ], "status": "final" }] }""", DiagnosticCodes.PatientMissingField, "/observations/0")]
    [TestCase("""{ "observations": [{ "code": [ """ + Loinc + """ ], "value": null }] }""", DiagnosticCodes.PatientMissingField, "/observations/0")]
    [TestCase("""{ "observations": [{ "code": [ """ + Loinc + """ ], "valueCode": [] }] }""", DiagnosticCodes.PatientInvalidValue, "/observations/0/valueCode")]
    [TestCase("""{ "observations": [{ "code": [ """ + Loinc + """ ], "valueBoolean": true, "interpretation": [] }] }""", DiagnosticCodes.PatientInvalidValue, "/observations/0/interpretation")]
    [TestCase("""{ "observations": [{ "code": [ """ + Loinc + """ ], "valueText": "" }] }""", DiagnosticCodes.PatientInvalidValue, "/observations/0/valueText")]
    [TestCase("""{ "observations": [{ "code": [{ "system": "", "code": "5196-1" }], "valueBoolean": true }] }""", DiagnosticCodes.PatientMissingField, "/observations/0/code/0")]
    [TestCase("""{ "medications": [{ "code": [ """ + Rx + """ ], "dailyDose": { "value": 7.5 } }] }""", DiagnosticCodes.PatientMissingField, "/medications/0/dailyDose")]
    [TestCase("""{ "medications": [{ "code": [ """ + Rx + """ ], "dailyDose": { "value": 7.5, "unit": "" } }] }""", DiagnosticCodes.PatientMissingField, "/medications/0/dailyDose")]
    [TestCase("""{ "medications": [{ "code": [ """ + Rx + """ ], "dailyDose": { "value": -1, "unit": "mg/d" } }] }""", DiagnosticCodes.PatientInvalidValue, "/medications/0/dailyDose/value")]
    [TestCase("""{ "conditions": [{ "code": [ """ + Loinc + """ ], "clinicalStatus": "actve" }] }""", DiagnosticCodes.PatientInvalidValue, "/conditions/0/clinicalStatus")]
    [TestCase("""{ "conditions": [{ "code": [ """ + Loinc + """ ], "verificationStatus": "Confirmed" }] }""", DiagnosticCodes.PatientInvalidValue, "/conditions/0/verificationStatus")]
    [TestCase("""{ "observations": [{ "code": [ """ + Loinc + """ ], "valueBoolean": true, "status": "finished" }] }""", DiagnosticCodes.PatientInvalidValue, "/observations/0/status")]
    [TestCase("""{ "procedures": [{ "code": [ """ + Loinc + """ ], "status": "done" }] }""", DiagnosticCodes.PatientInvalidValue, "/procedures/0/status")]
    [TestCase("""{ "medications": [{ "code": [ """ + Rx + """ ], "status": "taking" }] }""", DiagnosticCodes.PatientInvalidValue, "/medications/0/status")]
    [TestCase("""{ "medications": [{ "code": [ """ + Rx + """ ], "intent": "orders" }] }""", DiagnosticCodes.PatientInvalidValue, "/medications/0/intent")]
    [TestCase("""{ "immunizations": [{ "code": [ """ + Loinc + """ ], "status": "given" }] }""", DiagnosticCodes.PatientInvalidValue, "/immunizations/0/status")]
    public void The_reader_refuses_what_the_schema_rules_out(string json, string code, string pointer)
    {
        var result = PatientReader.Read(json, "p.json");
        result.Succeeded.Should().BeFalse();
        result.Diagnostics.Where(d => d.IsError).Should().ContainSingle()
            .Which.Should().Match<Diagnostic>(d => d.Code == code && d.Pointer == pointer && d.Line > 0);
        SchemaValidator.Validate(json, SchemaKind.Patient).Should().NotBeEmpty("the schema rules it out too");
    }

    [TestCase("""{ "observations": [{ "code": [ """ + Loinc + """ ], "interpretation": [ """ + Neg + """ ] }] }""")]
    [TestCase("""{ "observations": [{ "code": [ """ + Loinc + """ ], "interpretation": """ + Neg + """ }] }""")]
    public void An_observation_with_only_an_interpretation_is_a_result(string json)
    {
        var result = PatientReader.Read(json, "p.json");
        result.Diagnostics.Should().BeEmpty();
        result.Patient!.Observations.Should().ContainSingle().Which.Interpretation.Select(c => c.Code).Should().Equal("NEG");
        SchemaValidator.Validate(json, SchemaKind.Patient).Should().BeEmpty();
    }

    [Test]
    public void A_daily_dose_keeps_its_unit()
    {
        var dose = PatientReader.Read("""{ "medications": [{ "code": [ """ + Rx + """ ], "dailyDose": { "value": 0, "unit": "mg/d" } }] }""", "p.json")
            .EnsureSuccess().Medications.Single().DailyDose!;
        dose.Unit.Should().Be("mg/d");
        dose.Value.Should().Be(0m);
    }
}
