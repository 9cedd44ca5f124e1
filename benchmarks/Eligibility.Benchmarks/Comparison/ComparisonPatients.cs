using System;
using System.Collections.Generic;
using Eligibility.Patients;
using static Eligibility.Benchmarks.Comparison.FieldExtractor;

namespace Eligibility.Benchmarks.Comparison;

/// <summary>
/// Deterministic native patient records for the side-by-side comparison (fixed seed): varied around the 14 criteria of
/// <see cref="Nct14"/> — results inside and outside each lookback, on either side of each threshold, in every unit the
/// comparison converts (g/dL and g/L, 10*3/uL, /uL, µmol/L creatinine), with and without a reference range, without a
/// unit, with statuses that do not count, several results per test, creatinine without a reported eGFR, conditions coded
/// in SNOMED CT or ICD-10 (prefix matches), refuted or undated, infusions with and without dates, plans and
/// entered-in-error records, and patients without a birth date or sex. Every code is one the rule file lists.
/// </summary>
public static class ComparisonPatients
{
    /// <summary>The generator's seed.</summary>
    public const int Seed = 20_260_115;

    /// <summary>The number of patients the benchmarks and the agreement test use.</summary>
    public const int Count = 10_000;

    private static readonly string?[] Statuses = ["final", "final", "final", "final", "amended", "corrected", null, "preliminary", "cancelled", "entered-in-error"];

    // (codes, low, high, unit) per measured test; a null unit is a result without one.
    private static readonly (Coding[] Codes, decimal Low, decimal High, string? Unit)[] Tests =
    [
        ([new(Loinc, "1742-6"), new(Loinc, "1743-4"), new(Loinc, "1744-2")], 8, 320, "U/L"),
        ([new(Loinc, "1920-8"), new(Loinc, "30239-8")], 8, 300, "U/L"),
        ([new(Loinc, "98979-8"), new(Loinc, "62238-1"), new(Loinc, "33914-3")], 8, 120, "mL/min/{1.73_m2}"),
        ([new(Loinc, "2160-0")], 0.4m, 6, "mg/dL"),
        ([new(Loinc, "14682-9")], 35, 500, "umol/L"),
        ([new(Loinc, "718-7")], 55, 170, "g/L"),
        ([new(Loinc, "718-7")], 5.5m, 17, "g/dL"),
        ([new(Loinc, "6690-2"), new(Loinc, "26464-8")], 0.5m, 14, "10*9/L"),
        ([new(Loinc, "6690-2")], 0.5m, 14, "10*3/uL"),
        ([new(Loinc, "777-3"), new(Loinc, "26515-7")], 10, 450, "10*9/L"),
        ([new(Loinc, "777-3")], 10_000, 450_000, "/uL"),
        ([new(Loinc, "19926-5")], 35, 95, "%"),
        ([new(Local, "dlco-percent-predicted")], 15, 95, "%"),
    ];

    private static readonly Coding[] Sle = [new(Snomed, "55464009"), new(Snomed, "239887007"), new(Icd10, "M32.14"), new(Icd10, "M32.9"), new(Icd10, "m3210")];
    private static readonly Coding[] Ild = [new(Snomed, "233703007"), new(Snomed, "700250006"), new(Icd10, "J84.1"), new(Icd10, "M32.13"), new(Icd10, "J99.1")];
    private static readonly Coding[] Mi = [new(Snomed, "22298006"), new(Snomed, "57054005"), new(Icd10, "I21.9"), new(Icd10, "I25.2"), new(Icd10, "I25.10")];
    private static readonly Coding[] Other = [new(Snomed, "4557003"), new(Icd10, "N18.4"), new(Icd10, "J45.9"), new(Snomed, "169750002")];
    private static readonly Coding[] Rituximab = [new(RxNorm, "121191"), new(RxNorm, "1657862"), new(Atc, "L01FA01"), new(Atc, "L01XC02")];
    private static readonly Coding[] Belimumab = [new(RxNorm, "1092437"), new(Atc, "L04AG04"), new(Atc, "L04AA26")];
    private static readonly Coding[] OtherDrugs = [new(RxNorm, "3002"), new(Atc, "L04AX01"), new(RxNorm, "712566")];
    private static readonly string?[] MedicationStatuses = ["completed", "completed", "active", null, "stopped", "entered-in-error", "not-taken"];
    private static readonly string?[] Intents = [null, null, null, "order", "plan"];
    private static readonly IsoDuration?[] Intervals = [null, null, null, new(0, 0, 4, 0), new(0, 0, 2, 0), new(0, 8, 0, 0)];

    /// <summary>The patients for the benchmarks and the agreement test: <see cref="Count"/> records from <see cref="Seed"/>.</summary>
    /// <returns>The records.</returns>
    public static PatientRecord[] Standard() => Generate(Count, Seed);

    /// <summary>Generates <paramref name="count"/> records, the same ones for the same seed.</summary>
    /// <param name="count">How many.</param>
    /// <param name="seed">The random seed.</param>
    /// <returns>The records, ids <c>p0</c>, <c>p1</c>, …</returns>
    public static PatientRecord[] Generate(int count, int seed)
    {
        var random = new Random(seed);
        var patients = new PatientRecord[count];
        for (int i = 0; i < count; i++)
        {
            patients[i] = One(random, "p" + i);
        }

        return patients;
    }

    private static PatientRecord One(Random random, string id)
    {
        var asOf = SampleData.AsOf;
        DateOnly? birth = random.Next(12) == 0 ? null : asOf.AddDays(-random.Next(12 * 365, 90 * 365));
        var sex = random.Next(20) switch { 0 => AdministrativeSex.Unknown, 1 => AdministrativeSex.Other, < 11 => AdministrativeSex.Female, _ => AdministrativeSex.Male };

        var observations = new List<ObservationRecord>();
        foreach (var (codes, low, high, unit) in Tests)
        {
            int n = random.Next(5) switch { 0 => 0, 1 or 2 => 1, 3 => 2, _ => 3 };
            if (unit == "umol/L" || unit == "mg/dL")
            {
                n = random.Next(3) == 0 ? n : 0; // creatinine for some patients only, so eGFR is often computed
            }

            for (int k = 0; k < n; k++)
            {
                decimal value = Math.Round(low + ((high - low) * (decimal)random.NextDouble()), unit == "/uL" ? 0 : 1);
                bool noUnit = random.Next(40) == 0;
                ReferenceRange? range = null;
                if (unit == "U/L" && random.Next(2) == 0)
                {
                    range = random.Next(4) == 0
                        ? new ReferenceRange { Low = 7 }
                        : new ReferenceRange { Low = 7, High = random.Next(30, 57), Unit = random.Next(2) == 0 ? "U/L" : null };
                }

                observations.Add(new ObservationRecord
                {
                    Id = $"{id}-o{observations.Count}",
                    Codes = [codes[random.Next(codes.Length)]],
                    Status = Statuses[random.Next(Statuses.Length)],
                    Value = random.Next(60) == 0 ? null : value,
                    Unit = noUnit ? null : unit,
                    ReferenceRange = range,
                    Date = random.Next(30) == 0 ? null : asOf.AddDays(-(random.Next(10) < 7 ? random.Next(-3, 35) : random.Next(35, 130))),
                });
            }
        }

        var conditions = new List<ConditionRecord>();
        Conditions(random, Sle, 3, conditions, id);
        Conditions(random, Ild, 3, conditions, id);
        Conditions(random, Mi, 4, conditions, id);
        Conditions(random, Other, 4, conditions, id);

        var medications = new List<MedicationRecord>();
        Medications(random, Rituximab, medications, id);
        Medications(random, Belimumab, medications, id);
        Medications(random, OtherDrugs, medications, id);

        return new PatientRecord
        {
            Id = id,
            AsOf = asOf,
            BirthDate = birth,
            Sex = sex,
            Observations = observations,
            Conditions = conditions,
            Medications = medications,
        };
    }

    private static void Conditions(Random random, Coding[] codes, int oneIn, List<ConditionRecord> into, string id)
    {
        int n = random.Next(oneIn) == 0 ? 1 + random.Next(2) : 0;
        for (int k = 0; k < n; k++)
        {
            DateOnly? onset = random.Next(8) == 0 ? null : SampleData.AsOf.AddDays(-random.Next(-20, 600));
            into.Add(new ConditionRecord
            {
                Id = $"{id}-c{into.Count}",
                Codes = [codes[random.Next(codes.Length)]],
                ClinicalStatus = random.Next(4) switch { 0 => "resolved", 1 => null, _ => "active" },
                VerificationStatus = random.Next(10) switch { 0 => "refuted", 1 => "entered-in-error", 2 => "provisional", _ => "confirmed" },
                Onset = onset,
                Abatement = onset is { } o && random.Next(4) == 0 ? o.AddDays(random.Next(1, 60)) : null,
            });
        }
    }

    private static void Medications(Random random, Coding[] codes, List<MedicationRecord> into, string id)
    {
        int n = random.Next(3) == 0 ? 1 + random.Next(3) : 0;
        for (int k = 0; k < n; k++)
        {
            DateOnly? start = random.Next(12) == 0 ? null : SampleData.AsOf.AddDays(-random.Next(-10, 400));
            DateOnly? end = start is not { } s ? null : random.Next(3) switch
            {
                0 => s, // one infusion
                1 => null, // ongoing
                _ => s.AddDays(random.Next(0, 120)),
            };
            into.Add(new MedicationRecord
            {
                Id = $"{id}-m{into.Count}",
                Codes = [codes[random.Next(codes.Length)]],
                Status = MedicationStatuses[random.Next(MedicationStatuses.Length)],
                Intent = Intents[random.Next(Intents.Length)],
                Start = start,
                End = end,
                DosingInterval = Intervals[random.Next(Intervals.Length)],
            });
        }
    }
}
