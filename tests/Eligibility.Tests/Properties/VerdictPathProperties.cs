using Eligibility.Patients;
using Eligibility.Tests.Evaluation;
using FsCheck;
using FsCheck.Fluent;

namespace Eligibility.Tests.Properties;

/// <summary>
/// On patients made by mutating the repository's patients (records dropped, duplicated, re-dated, undated, re-statused,
/// values scaled, units changed, answers flipped or re-dated, sex and birth date changed), at shifted as-of dates, against
/// every rule file: Decide gives Evaluate's outcomes and verdict, and Evaluate(index) gives Evaluate(record)'s result.
/// </summary>
[TestFixture]
public sealed class VerdictPathProperties
{
    private static readonly string?[] ObservationStatuses = ["final", "final", "amended", "corrected", null, "preliminary", "entered-in-error"];
    private static readonly string?[] Units = [null, string.Empty, "mg/dL", "umol/L", "g/L", "U/L", "%", "foo"];
    private static readonly string?[] ClinicalStatuses = [null, "active", "recurrence", "relapse", "inactive", "remission", "resolved"];
    private static readonly string?[] VerificationStatuses = [null, "confirmed", "refuted", "entered-in-error", "provisional"];
    private static readonly string?[] MedicationStatuses = [null, "active", "completed", "stopped", "cancelled", "entered-in-error", "not-taken", "draft"];
    private static readonly string?[] Intents = [null, "order", "plan", "proposal"];
    private static readonly string?[] EventStatuses = [null, "completed", "not-done", "entered-in-error", "in-progress", "cancelled"];

    private static Gen<(int Trial, int Patient, int Seed, int Shift)> Cases() =>
        from trial in Gen.Choose(0, VerdictPathData.Trials.Count - 1)
        from patient in Gen.Choose(0, VerdictPathData.Patients.Count - 1)
        from seed in Gen.Choose(0, int.MaxValue - 1)
        from shift in Gen.Frequency((3, Gen.Constant(0)), (2, Gen.Choose(-60, 60)), (1, Gen.Choose(-1500, 1500)))
        select (trial, patient, seed, shift);

    [FsCheck.NUnit.Property(MaxTest = 600)]
    public Property Decide_and_the_indexed_evaluation_agree_with_Evaluate_on_mutated_patients() =>
        Prop.ForAll(Cases().ToArbitrary(), c =>
        {
            var (trialName, trial) = VerdictPathData.Trials[c.Trial];
            var (name, original, asOf) = VerdictPathData.Patients[c.Patient];
            var patient = Mutate(original, new Random(c.Seed));
            string? difference = VerdictPathData.Difference(trial, patient, asOf.AddDays(c.Shift));
            return (difference is null).Label($"{trialName} × mutated {name} (seed {c.Seed}, shift {c.Shift}): {difference}");
        });

    /// <summary>A random variation of the patient: each record kept, dropped, duplicated or changed in one of several ways.</summary>
    internal static PatientRecord Mutate(PatientRecord p, Random r) => p with
    {
        BirthDate = r.Next(8) switch { 0 => null, 1 => p.BirthDate?.AddDays(r.Next(-9000, 9000)), _ => p.BirthDate },
        Sex = r.Next(6) == 0 ? (AdministrativeSex)r.Next(4) : p.Sex,
        Observations = Each(p.Observations, r, o => r.Next(7) switch
        {
            0 => o with { Date = Shift(o.Date, r) },
            1 => o with { Date = r.Next(3) == 0 ? null : o.Date },
            2 => o with { Status = Pick(ObservationStatuses, r) },
            3 => o with { Value = o.Value is { } v ? (r.Next(4) == 0 ? null : v * r.Next(1, 40) / 10m) : o.Value },
            4 => o with { Unit = Pick(Units, r) },
            5 => o with { ReferenceRange = r.Next(2) == 0 ? null : new ReferenceRange { High = r.Next(0, 200), Low = r.Next(0, 20) } },
            _ => o with { ValueCodes = r.Next(2) == 0 ? [] : o.ValueCodes, ValueText = r.Next(3) == 0 ? " Positive." : o.ValueText, ValueBoolean = r.Next(3) == 0 ? r.Next(2) == 0 : o.ValueBoolean },
        }),
        Conditions = Each(p.Conditions, r, c => r.Next(5) switch
        {
            0 => c with { Onset = r.Next(3) == 0 ? null : Shift(c.Onset, r) },
            1 => c with { Abatement = r.Next(2) == 0 ? null : Shift(c.Onset ?? new DateOnly(2025, 1, 1), r) },
            2 => c with { ClinicalStatus = Pick(ClinicalStatuses, r) },
            3 => c with { VerificationStatus = Pick(VerificationStatuses, r) },
            _ => c with { Onset = Shift(c.Onset, r), ClinicalStatus = Pick(ClinicalStatuses, r) },
        }),
        Medications = Each(p.Medications, r, m => r.Next(6) switch
        {
            0 => m with { Start = r.Next(4) == 0 ? null : Shift(m.Start, r) },
            1 => m with { End = r.Next(2) == 0 ? null : Shift(m.Start ?? m.End, r) },
            2 => m with { Status = Pick(MedicationStatuses, r), Intent = Pick(Intents, r) },
            3 => m with { DailyDose = m.DailyDose is { } q && r.Next(4) != 0 ? new Quantity(q.Value * r.Next(1, 30) / 10m, r.Next(5) == 0 ? "g/d" : q.Unit) : null },
            4 => m with { DosingInterval = r.Next(2) == 0 ? null : Weeks(r.Next(1, 8)) },
            _ => m with { Start = Shift(m.Start, r), End = Shift(m.End, r) },
        }),
        Procedures = Each(p.Procedures, r, x => r.Next(2) == 0 ? x with { Performed = r.Next(3) == 0 ? null : Shift(x.Performed, r) } : x with { Status = Pick(EventStatuses, r) }),
        Immunizations = Each(p.Immunizations, r, x => r.Next(2) == 0 ? x with { Date = r.Next(3) == 0 ? null : Shift(x.Date, r) } : x with { Status = Pick(EventStatuses, r) }),
        Assessments = Each(p.Assessments, r, a => r.Next(3) switch
        {
            0 => a with { Value = !a.Value },
            1 => a with { Date = r.Next(3) == 0 ? null : Shift(a.Date ?? new DateOnly(2026, 1, 1), r) },
            _ => a with { Criterion = r.Next(2) == 0 ? a.Criterion.ToUpperInvariant() : a.Criterion.ToLowerInvariant() },
        }),
    };

    private static T[] Each<T>(IReadOnlyList<T> records, Random r, Func<T, T> change)
    {
        var result = new List<T>();
        foreach (var record in records)
        {
            switch (r.Next(10))
            {
                case 0:
                    break; // dropped
                case 1:
                    result.Add(record);
                    result.Add(change(record)); // duplicated, one copy changed
                    break;
                case 2:
                case 3:
                case 4:
                    result.Add(change(record));
                    break;
                default:
                    result.Add(record);
                    break;
            }
        }

        if (result.Count > 1 && r.Next(4) == 0)
        {
            result.Reverse();
        }

        return result.ToArray();
    }

    private static DateOnly? Shift(DateOnly? date, Random r) =>
        date?.AddDays(r.Next(4) == 0 ? r.Next(-1000, 1000) : r.Next(-60, 60));

    private static IsoDuration Weeks(int n) => IsoDuration.TryParse("P" + n + "W", out var d) ? d : throw new InvalidOperationException("bad duration");

    private static T Pick<T>(T[] values, Random r) => values[r.Next(values.Length)];
}
