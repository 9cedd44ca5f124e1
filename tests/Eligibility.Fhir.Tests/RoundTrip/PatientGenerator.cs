using Eligibility.Patients;

namespace Eligibility.Fhir.Tests.RoundTrip;

/// <summary>Deterministic, varied native patient records around the as-of date 2026-01-15, for the round trip.</summary>
internal static class PatientGenerator
{
    private const string Loinc = "http://loinc.org";
    private const string Snomed = "http://snomed.info/sct";
    private const string Icd10 = "http://hl7.org/fhir/sid/icd-10";
    private const string RxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
    private const string Atc = "http://www.whocc.no/atc";
    private const string Cvx = "http://hl7.org/fhir/sid/cvx";

    private static readonly DateOnly AsOf = new(2026, 1, 15);

    private static readonly (string Code, decimal Min, decimal Max, string Unit)[] Labs =
    {
        ("1742-6", 8, 260, "U/L"), ("1920-8", 10, 240, "U/L"), ("718-7", 60, 160, "g/L"), ("718-7", 6, 16, "g/dL"),
        ("777-3", 20, 400, "10*9/L"), ("777-3", 20, 400, "10*3/uL"), ("26515-7", 20000, 400000, "/uL"), ("6690-2", 1, 12, "10*9/L"),
        ("2160-0", 0.5m, 4, "mg/dL"), ("14682-9", 40, 350, "umol/L"), ("98979-8", 10, 120, "mL/min/{1.73_m2}"),
    };

    private static readonly string[] ObservationStatuses = { "final", "final", "final", "amended", "corrected", "preliminary", "cancelled", "entered-in-error" };
    private static readonly string[] ClinicalStatuses = { "active", "active", "recurrence", "relapse", "inactive", "remission", "resolved" };
    private static readonly string[] VerificationStatuses = { "confirmed", "confirmed", "provisional", "refuted", "entered-in-error" };
    private static readonly string[] MedicationStatuses = { "active", "active", "completed", "stopped", "entered-in-error", "not-taken", "intended", "on-hold" };
    private static readonly string[] EventStatuses = { "completed", "completed", "completed", "not-done", "entered-in-error" };

    private static readonly Coding[] ConditionCodes =
    {
        new(Snomed, "55464009"), new(Icd10, "M32.14"), new(Icd10, "C50.9"), new(Icd10, "C44.3"), new(Snomed, "4740000"),
        new(Icd10, "B20"), new(Snomed, "77386006"), new(Icd10, "N18.5"), new(Snomed, "22298006"), new(Icd10, "J84.1"),
    };

    private static readonly (Coding Code, decimal? Dose)[] Drugs =
    {
        (new(RxNorm, "8640"), 5), (new(RxNorm, "8640"), 20), (new(RxNorm, "8640"), 40), (new(RxNorm, "6902"), 16), (new(Atc, "H02AB07"), 10),
        (new(RxNorm, "3002"), null), (new(RxNorm, "121191"), null), (new(RxNorm, "5521"), 400), (new(Atc, "L04AA06"), 2000), (new(RxNorm, "1092437"), null),
    };

    private const string Interpretation = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

    private static readonly string[] RequestStatuses = { "active", "active", "completed", "stopped", "on-hold", "cancelled", "entered-in-error", "draft" };
    private static readonly string[] Intents = { "order", "order", "original-order", "plan", "proposal", "option" };

    // Intermittent schedules as FHIR timing can state them: one dose every n days (n > 1), weeks, months or years.
    private static readonly IsoDuration[] Intervals = { new(0, 0, 4, 0), new(0, 0, 2, 0), new(0, 6, 0, 0), new(0, 1, 0, 0), new(1, 0, 0, 0), new(0, 0, 0, 3) };

    // HBsAg (LOINC 5196-1) read from a coded value, a text, an interpretation, or several of them.
    private static readonly Coding[] HbsAgValues = { new(Snomed, "131194007", "Non-reactive"), new(Snomed, "10828004", "Positive"), new(Snomed, "260385009", "Negative") };
    private static readonly string[] HbsAgTexts = { "Non-reactive", "Reactive", "Negative", "indeterminate" };
    private static readonly Coding[] HbsAgInterpretations = { new(Interpretation, "NEG", "Negative"), new(Interpretation, "POS", "Positive") };

    private static readonly Coding[] Vaccines = { new(Cvx, "03"), new(Cvx, "21"), new(Cvx, "140"), new(Cvx, "208"), new(Cvx, "121") };
    private static readonly Coding[] ProcedureCodes = { new(Snomed, "302497006"), new(Snomed, "71192002"), new(Snomed, "20720000"), new(Snomed, "234336002") };

    public static IEnumerable<PatientRecord> Generate(int count, int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            yield return One(random, "gen-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static PatientRecord One(Random r, string id)
    {
        var sex = (AdministrativeSex)r.Next(4);
        DateOnly? birth = r.Next(12) == 0 ? null : AsOf.AddDays(-r.Next(15 * 365, 85 * 365));
        int k = 0;
        string Next(string type) => $"{type}/{id}-{k++}";
        DateOnly Recent(int days) => AsOf.AddDays(-r.Next(0, days) + (r.Next(15) == 0 ? 5 : 0)); // now and then after as-of

        var observations = new List<ObservationRecord>();
        for (int j = r.Next(0, 9); j > 0; j--)
        {
            var lab = Labs[r.Next(Labs.Length)];
            decimal value = Math.Round(lab.Min + ((lab.Max - lab.Min) * (decimal)r.NextDouble()), 1);
            string source = Next("Observation");
            bool withRange = lab.Unit == "U/L" && r.Next(2) == 0;
            observations.Add(new ObservationRecord
            {
                Id = source[(source.IndexOf('/') + 1)..],
                Source = source,
                Codes = new[] { new Coding(Loinc, lab.Code) },
                Value = value,
                Unit = lab.Unit,
                ReferenceRange = withRange ? new ReferenceRange { Low = 7, High = 35 + r.Next(10), Unit = "U/L" } : null,
                Status = ObservationStatuses[r.Next(ObservationStatuses.Length)],
                Date = Recent(40),
            });
        }

        if (r.Next(3) > 0)
        {
            string source = Next("Observation");
            string answer = new[] { "LA15173-0", "LA26683-5", "LA26683-5", "LA4489-6" }[r.Next(4)];
            observations.Add(new ObservationRecord
            {
                Id = source[(source.IndexOf('/') + 1)..], Source = source, Codes = new[] { new Coding(Loinc, "82810-3") },
                ValueCodes = new[] { new Coding(Loinc, answer) }, Status = "final", Date = Recent(35),
            });
        }

        for (int j = r.Next(0, 3); j > 0; j--)
        {
            string source = Next("Observation");
            var hbsag = new ObservationRecord
            {
                Id = source[(source.IndexOf('/') + 1)..], Source = source, Codes = new[] { new Coding(Loinc, "5196-1") },
                Status = ObservationStatuses[r.Next(ObservationStatuses.Length)], Date = Recent(40),
            };
            hbsag = r.Next(4) switch
            {
                0 => hbsag with { ValueCodes = r.Next(3) == 0 ? HbsAgValues[..2] : new[] { HbsAgValues[r.Next(HbsAgValues.Length)] } },
                1 => hbsag with { ValueText = HbsAgTexts[r.Next(HbsAgTexts.Length)] },
                2 => hbsag with { Value = r.Next(1, 300) / 100m, Unit = "1" },
                _ => hbsag,
            };
            if (r.Next(2) == 0 || !hbsag.HasContent)
            {
                hbsag = hbsag with { Interpretation = r.Next(4) == 0 ? HbsAgInterpretations : new[] { HbsAgInterpretations[r.Next(HbsAgInterpretations.Length)] } };
            }

            observations.Add(hbsag);
        }

        var conditions = new List<ConditionRecord>();
        for (int j = r.Next(0, 5); j > 0; j--)
        {
            string source = Next("Condition");
            DateOnly onset = AsOf.AddDays(-r.Next(0, 3650));
            conditions.Add(new ConditionRecord
            {
                Id = source[(source.IndexOf('/') + 1)..], Source = source, Codes = new[] { ConditionCodes[r.Next(ConditionCodes.Length)] },
                ClinicalStatus = ClinicalStatuses[r.Next(ClinicalStatuses.Length)],
                VerificationStatus = VerificationStatuses[r.Next(VerificationStatuses.Length)],
                Onset = r.Next(8) == 0 ? null : onset,
                Abatement = r.Next(3) == 0 ? onset.AddDays(r.Next(1, 400)) : null,
            });
        }

        var medications = new List<MedicationRecord>();
        for (int j = r.Next(0, 5); j > 0; j--)
        {
            var (code, dose) = Drugs[r.Next(Drugs.Length)];
            bool request = r.Next(3) == 0; // an order, with an intent; else a statement
            string source = Next(request ? "MedicationRequest" : "MedicationStatement");
            DateOnly start = AsOf.AddDays(-r.Next(0, 400));
            // An intermittent schedule (no daily dose: a dose every few weeks is not a daily amount anyone prescribes).
            var interval = dose is null && r.Next(2) == 0 ? Intervals[r.Next(Intervals.Length)] : (IsoDuration?)null;
            medications.Add(new MedicationRecord
            {
                Id = source[(source.IndexOf('/') + 1)..], Source = source, Codes = new[] { code },
                Status = request ? RequestStatuses[r.Next(RequestStatuses.Length)] : MedicationStatuses[r.Next(MedicationStatuses.Length)],
                Intent = request ? Intents[r.Next(Intents.Length)] : null,
                Start = start,
                End = r.Next(2) == 0 ? null : start.AddDays(r.Next(1, 300)),
                DailyDose = dose is { } d ? new Quantity(d, "mg/d") : null,
                DosingInterval = interval,
            });
        }

        var immunizations = new List<ImmunizationRecord>();
        for (int j = r.Next(0, 3); j > 0; j--)
        {
            string source = Next("Immunization");
            immunizations.Add(new ImmunizationRecord
            {
                Id = source[(source.IndexOf('/') + 1)..], Source = source, Codes = new[] { Vaccines[r.Next(Vaccines.Length)] },
                Status = EventStatuses[r.Next(EventStatuses.Length)], Date = Recent(90),
            });
        }

        var procedures = new List<ProcedureRecord>();
        for (int j = r.Next(0, 3); j > 0; j--)
        {
            string source = Next("Procedure");
            procedures.Add(new ProcedureRecord
            {
                Id = source[(source.IndexOf('/') + 1)..], Source = source, Codes = new[] { ProcedureCodes[r.Next(ProcedureCodes.Length)] },
                Status = EventStatuses[r.Next(EventStatuses.Length)], Performed = AsOf.AddDays(-r.Next(0, 800)),
            });
        }

        var assessments = new List<Assessment>();
        foreach (string criterion in new[] { "FHIR-RT/INCL05", "FHIR-RT/EXCL09" })
        {
            if (r.Next(2) == 0)
            {
                assessments.Add(new Assessment
                {
                    Criterion = criterion, Value = r.Next(2) == 0, Date = Recent(20), By = r.Next(2) == 0 ? "Dr Li" : null,
                    Source = Next("Observation"),
                });
            }
        }

        return new PatientRecord
        {
            Id = id,
            BirthDate = birth,
            Sex = sex,
            Observations = observations,
            Conditions = conditions,
            Medications = medications,
            Immunizations = immunizations,
            Procedures = procedures,
            Assessments = assessments,
        };
    }
}
