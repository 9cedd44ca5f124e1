using Eligibility.Diagnostics;
using Eligibility.Patients;
using Eligibility.Schema;

namespace Eligibility.Tests.Patients;

/// <summary>
/// What patient.schema.json rules out, the reader refuses too, with a positioned diagnostic (and the schema refuses it):
/// an empty code list, a non-string id or '$schema', an observation with no result, an empty list of codings, a daily
/// dose without its unit or below zero, an empty system, code or text, a status, intent or sex the schema does not list
/// (values are written in lower case), a date that does not exist, a zero interval, a malformed criterion reference, a
/// result member given as null. An observation with only an interpretation is a
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
    [TestCase("""{ "observations": [{ "code": [ """ + Loinc + """ ], "value": null }] }""", DiagnosticCodes.PatientInvalidValue, "/observations/0/value")]
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
    [TestCase("""{ "sex": "Female" }""", DiagnosticCodes.PatientInvalidValue, "/sex")]
    [TestCase("""{ "birthDate": "2023-02-29" }""", DiagnosticCodes.PatientInvalidValue, "/birthDate")]
    [TestCase("""{ "birthDate": "1980-02-01T08:30:00+15:00" }""", DiagnosticCodes.PatientInvalidValue, "/birthDate")]
    [TestCase("""{ "asOf": "2026-01-15T08:30:00Z" }""", DiagnosticCodes.PatientInvalidValue, "/asOf")]
    [TestCase("""{ "medications": [{ "code": [ """ + Rx + """ ], "dosingInterval": "P0D" }] }""", DiagnosticCodes.PatientInvalidValue, "/medications/0/dosingInterval")]
    [TestCase("""{ "medications": [{ "code": [ """ + Rx + """ ], "dosingInterval": "P1000000D" }] }""", DiagnosticCodes.PatientInvalidValue, "/medications/0/dosingInterval")]
    [TestCase("""{ "assessments": [{ "criterion": "NCT07077486/incl05", "value": true }] }""", DiagnosticCodes.PatientInvalidValue, "/assessments/0/criterion")]
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

    [TestCase("""{ "birthDate": "1980-02-29T23:30:00-05:00", "sex": null, "id": null, "observations": [{ "code": [ """ + Loinc + """ ], "valueBoolean": true, "unit": null, "status": null, "date": "2026-01-10T08:30:00Z" }] }""")]
    [TestCase("""{ "birthDate": "2000-02-29", "conditions": null, "medications": [{ "code": [ """ + Rx + """ ], "dosingInterval": "P1Y2M3W4D", "start": null, "dailyDose": null }] }""")]
    public void Null_for_an_optional_member_and_date_times_are_accepted_by_both(string json)
    {
        var result = PatientReader.Read(json, "p.json");
        result.Diagnostics.Should().BeEmpty();
        SchemaValidator.Validate(json, SchemaKind.Patient).Should().BeEmpty();
    }

    [Test]
    public void The_as_of_pattern_spans_exactly_the_dates_an_evaluation_accepts()
    {
        string F(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var regex = NativeFormat.AsOfRegex();
        regex.IsMatch(F(TrialEvaluator.EarliestAsOf)).Should().BeTrue();
        regex.IsMatch(F(TrialEvaluator.LatestAsOf)).Should().BeTrue();
        regex.IsMatch(F(TrialEvaluator.EarliestAsOf.AddDays(-1))).Should().BeFalse();
        regex.IsMatch(F(TrialEvaluator.LatestAsOf.AddDays(1))).Should().BeFalse();
    }

    [Test]
    public void The_date_patterns_accept_exactly_the_days_of_the_calendar()
    {
        // Every day from 1896 to 2404 (leap rules of 1900, 2000, 2100, 2400) and the days that do not exist around them.
        var wrong = new List<string>();
        for (var day = new DateOnly(1896, 1, 1); day <= new DateOnly(2404, 12, 31); day = day.AddDays(1))
        {
            string text = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            if (!NativeFormat.DateOrDateTimeRegex().IsMatch(text) || NativeFormat.AsOfRegex().IsMatch(text) != TrialEvaluator.IsValidAsOf(day))
            {
                wrong.Add(text);
            }
        }

        for (int year = 1896; year <= 2404; year++)
        {
            foreach (string md in new[] { "02-29", "02-30", "04-31", "06-31", "09-31", "11-31", "00-10", "13-01", "01-00", "01-32" })
            {
                string text = $"{year:D4}-{md}";
                bool exists = DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _);
                if (NativeFormat.DateOrDateTimeRegex().IsMatch(text) != exists)
                {
                    wrong.Add(text);
                }
            }
        }

        wrong.Should().BeEmpty();
    }

    [Test]
    public void A_date_time_is_read_as_its_date_as_written()
    {
        var result = PatientReader.Read("""{ "birthDate": "1980-02-29T23:30:00-05:00" }""", "p.json");
        result.Patient!.BirthDate.Should().Be(new DateOnly(1980, 2, 29));
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
