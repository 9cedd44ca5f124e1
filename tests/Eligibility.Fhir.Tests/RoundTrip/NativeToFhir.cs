using System.Globalization;
using Eligibility.Patients;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Coding = Eligibility.Coding;
using FhirCoding = Hl7.Fhir.Model.Coding;
using FhirQuantity = Hl7.Fhir.Model.Quantity;

namespace Eligibility.Fhir.Tests.RoundTrip;

/// <summary>
/// Writes a native patient record as a FHIR R4 Bundle with Firely — the inverse of <see cref="FhirBundleReader"/>, used
/// only to test the round trip. Medications vary how they name the drug (a CodeableConcept, a Medication in the bundle,
/// a contained Medication) and how the daily dose is written (once daily, or half the dose twice daily), so the reader's
/// resolution and dose derivation are exercised too; a record with an intent is written as a MedicationRequest, and a
/// dosing interval as one dose per period. Text results alternate between valueString and a coded value's text. Records must carry ids and <c>ResourceType/id</c> sources.
/// </summary>
internal static class NativeToFhir
{
    public static string ToJson(PatientRecord patient, Bundle.BundleType type = Bundle.BundleType.Collection) =>
        ToBundle(patient, type).ToJson(pretty: true);

    public static Bundle ToBundle(PatientRecord native, Bundle.BundleType type = Bundle.BundleType.Collection)
    {
        var bundle = new Bundle { Type = type, Id = "rt-" + native.Id };
        string patientUrl = "urn:uuid:" + Guid.NewGuid();
        var subject = new ResourceReference(patientUrl);
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = patientUrl,
            Resource = new Patient
            {
                Id = native.Id,
                BirthDate = native.BirthDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Gender = native.Sex switch
                {
                    AdministrativeSex.Female => AdministrativeGender.Female,
                    AdministrativeSex.Male => AdministrativeGender.Male,
                    AdministrativeSex.Other => AdministrativeGender.Other,
                    _ => AdministrativeGender.Unknown,
                },
            },
        });

        int texts = 0;
        foreach (var o in native.Observations)
        {
            var obs = new Observation
            {
                Id = IdOf(o.Source),
                StatusElement = new Code<ObservationStatus>(Status<ObservationStatus>(o.Status)),
                Code = Concept(o.Codes),
                Subject = subject,
                Effective = Date(o.Date),
            };
            if (o.Value is { } value)
            {
                obs.Value = Quantity(value, o.Unit!);
            }
            else if (o.ValueCodes.Count > 0)
            {
                obs.Value = Concept(o.ValueCodes);
            }
            else if (o.ValueBoolean is { } yes)
            {
                obs.Value = new FhirBoolean(yes);
            }
            else if (o.ValueText is { } text)
            {
                // Both spellings of a text result: valueString, or a coded value with text and no codings.
                obs.Value = texts++ % 2 == 0 ? new FhirString(text) : new CodeableConcept { Text = text };
            }

            // The interpretation's codings, in one concept or one concept each.
            if (o.Interpretation.Count > 1 && o.Interpretation.Count % 2 == 0)
            {
                obs.Interpretation.Add(Concept(o.Interpretation));
            }
            else
            {
                obs.Interpretation.AddRange(o.Interpretation.Select(i => Concept(new[] { i })));
            }

            if (o.ReferenceRange is { } range)
            {
                obs.ReferenceRange.Add(new Observation.ReferenceRangeComponent
                {
                    Low = range.Low is { } low ? Simple(low, range.Unit ?? o.Unit!) : null,
                    High = range.High is { } high ? Simple(high, range.Unit ?? o.Unit!) : null,
                });
            }

            Add(bundle, obs);
        }

        foreach (var a in native.Assessments)
        {
            var obs = new Observation
            {
                Id = IdOf(a.Source),
                Status = ObservationStatus.Final,
                Code = Concept(new[] { new Coding(BundleMapper.CriterionSystem, a.Criterion) }),
                Subject = subject,
                Effective = Date(a.Date),
                Value = new FhirBoolean(a.Value),
            };
            if (a.By is { } by)
            {
                obs.Performer.Add(new ResourceReference { Display = by });
            }

            Add(bundle, obs);
        }

        foreach (var c in native.Conditions)
        {
            Add(bundle, new Condition
            {
                Id = IdOf(c.Source),
                Code = Concept(c.Codes),
                ClinicalStatus = c.ClinicalStatus is { } cs ? new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-clinical", cs) : null,
                VerificationStatus = c.VerificationStatus is { } vs ? new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-ver-status", vs) : null,
                Subject = subject,
                Onset = Date(c.Onset),
                Abatement = Date(c.Abatement),
            });
        }

        foreach (var p in native.Procedures)
        {
            Add(bundle, new Procedure
            {
                Id = IdOf(p.Source),
                StatusElement = new Code<EventStatus>(Status<EventStatus>(p.Status)),
                Code = Concept(p.Codes),
                Subject = subject,
                Performed = Date(p.Performed),
            });
        }

        int n = 0;
        foreach (var m in native.Medications)
        {
            DataType medication;
            var contained = new List<Resource>();
            switch (n++ % 3)
            {
                case 0:
                    medication = Concept(m.Codes);
                    break;
                case 1:
                {
                    string url = "urn:uuid:" + Guid.NewGuid();
                    bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = url, Resource = new Medication { Id = "med-" + n, Code = Concept(m.Codes) } });
                    medication = new ResourceReference(n % 2 == 0 ? url : "Medication/med-" + n);
                    break;
                }

                default:
                    contained.Add(new Medication { Id = "m", Code = Concept(m.Codes) });
                    medication = new ResourceReference("#m");
                    break;
            }

            var dosages = new List<Dosage>();
            if (m.DailyDose is { } dose)
            {
                string unit = dose.Unit.EndsWith("/d", StringComparison.Ordinal) ? dose.Unit[..^2] : dose.Unit;
                bool split = n % 2 == 0;
                dosages.Add(new Dosage
                {
                    Timing = new Timing { Repeat = new Timing.RepeatComponent { Frequency = split ? 2 : 1, Period = 1, PeriodUnit = Timing.UnitsOfTime.D } },
                    DoseAndRate = { new Dosage.DoseAndRateComponent { Dose = Quantity(split ? dose.Value / 2 : dose.Value, unit) } },
                });
            }
            else if (m.DosingInterval is { } every)
            {
                dosages.Add(new Dosage { Timing = new Timing { Repeat = Schedule(every, n) } });
            }

            string? start = m.Start?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            string? end = m.End?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (m.Intent is { } intent)
            {
                // An order: its intent, and the exposure as the validity period.
                var order = new MedicationRequest
                {
                    Id = IdOf(m.Source),
                    StatusElement = new Code<MedicationRequest.MedicationrequestStatus>(Status<MedicationRequest.MedicationrequestStatus>(m.Status)),
                    IntentElement = new Code<MedicationRequest.MedicationRequestIntent>(Status<MedicationRequest.MedicationRequestIntent>(intent)),
                    Medication = medication,
                    Subject = subject,
                    DispenseRequest = new MedicationRequest.DispenseRequestComponent { ValidityPeriod = new Period { Start = start, End = end } },
                };
                order.Contained.AddRange(contained);
                order.DosageInstruction.AddRange(dosages);
                Add(bundle, order);
                continue;
            }

            var statement = new MedicationStatement
            {
                Id = IdOf(m.Source),
                StatusElement = new Code<MedicationStatement.MedicationStatusCodes>(Status<MedicationStatement.MedicationStatusCodes>(m.Status)),
                Medication = medication,
                Subject = subject,
                Effective = new Period { Start = start, End = end },
            };
            statement.Contained.AddRange(contained);
            statement.Dosage.AddRange(dosages);
            Add(bundle, statement);
        }

        foreach (var i in native.Immunizations)
        {
            Add(bundle, new Immunization
            {
                Id = IdOf(i.Source),
                StatusElement = new Code<Immunization.ImmunizationStatusCodes>(Status<Immunization.ImmunizationStatusCodes>(i.Status)),
                VaccineCode = Concept(i.Codes),
                Patient = subject,
                Occurrence = Date(i.Date)!,
            });
        }

        return bundle;
    }

    /// <summary>One dose per period: <c>P4W</c> ⇒ period 4 wk (frequency 1, or now and then left out, which means the same).</summary>
    private static Timing.RepeatComponent Schedule(IsoDuration every, int n)
    {
        var (period, unit) = every switch
        {
            { Years: > 0 } => (every.Years, Timing.UnitsOfTime.A),
            { Months: > 0 } => (every.Months, Timing.UnitsOfTime.Mo),
            { Weeks: > 0 } => (every.Weeks, Timing.UnitsOfTime.Wk),
            _ => (every.Days, Timing.UnitsOfTime.D),
        };
        return new Timing.RepeatComponent { Frequency = n % 2 == 0 ? 1 : null, Period = period, PeriodUnit = unit };
    }

    private static T? Status<T>(string? code)
        where T : struct, Enum =>
        code is null ? null : Hl7.Fhir.Utility.EnumUtility.ParseLiteral<T>(code) ?? throw new ArgumentException($"'{code}' is not a {typeof(T).Name}");

    private static void Add(Bundle bundle, Resource resource) =>
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = "urn:uuid:" + Guid.NewGuid(), Resource = resource });

    private static string? IdOf(string? source) => source is null ? null : source[(source.IndexOf('/', StringComparison.Ordinal) + 1)..];

    private static CodeableConcept Concept(IEnumerable<Coding> codes)
    {
        var concept = new CodeableConcept();
        foreach (var c in codes)
        {
            concept.Coding.Add(new FhirCoding(c.System, c.Code, c.Display));
        }

        return concept;
    }

    private static FhirDateTime? Date(DateOnly? date) => date is { } d ? new FhirDateTime(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) : null;

    private static FhirQuantity Quantity(decimal value, string unit) =>
        new() { Value = value, Unit = unit, System = FhirValues.Ucum, Code = unit };

    private static FhirQuantity Simple(decimal value, string unit) =>
        new() { Value = value, Unit = unit, System = FhirValues.Ucum, Code = unit };
}
