using System;
using System.Collections.Generic;
using Hl7.Fhir.Model;
using FhirCoding = Hl7.Fhir.Model.Coding;
using FhirQuantity = Hl7.Fhir.Model.Quantity;

namespace Eligibility.Fhir;

/// <summary>
/// Derives a daily dose from FHIR dosage instructions: <c>doseAndRate.doseQuantity</c> × administrations per day from
/// <c>timing.repeat</c> (<c>frequency</c> per <c>period</c> <c>periodUnit</c>) or a common <c>timing.code</c> (BID, TID, …).
/// 5 mg twice daily is 10 mg/d. Concurrent instructions (no or equal <c>sequence</c>) add up; sequential ones, as-needed
/// doses, dose ranges and monthly or yearly schedules give no daily dose (the dose is then unknown, never guessed).
/// </summary>
internal static class DailyDose
{
    private const decimal DaysPerWeek = 7m;

    // HL7 GTS timing abbreviations (http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation) → administrations per day.
    private static readonly Dictionary<string, decimal> TimingCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["QD"] = 1m, ["AM"] = 1m, ["PM"] = 1m, ["BID"] = 2m, ["TID"] = 3m, ["QID"] = 4m,
        ["QOD"] = 0.5m, ["Q4H"] = 6m, ["Q6H"] = 4m, ["Q8H"] = 3m, ["Q12H"] = 2m,
    };

    /// <summary>The daily dose of a set of instructions, with the dose quantity it was derived from (for diagnostics).</summary>
    public static (Quantity? Dose, FhirQuantity? Source) From(IReadOnlyList<Dosage> dosages)
    {
        // "dosageInstruction": [null] parses (a warning, ELIG3109) with a null in the list: it says nothing.
        if (!Concurrent(dosages))
        {
            return (null, null);
        }

        decimal total = 0;
        string? unit = null;
        FhirQuantity? source = null;
        foreach (var dosage in dosages)
        {
            if (dosage is null)
            {
                continue;
            }

            if (IsAsNeeded(dosage) || dosage.DoseAndRate.Count != 1 || dosage.DoseAndRate[0].Dose is not FhirQuantity dose
                || dose.Value is not { } value || FhirValues.Raw(dose.ComparatorElement) is not null)
            {
                return (null, null);
            }

            if (PerDay(dosage.Timing) is not { } perDay)
            {
                return (null, null);
            }

            string doseUnit = FhirValues.UnitOf(dose);
            if (unit is not null && !string.Equals(unit, doseUnit, StringComparison.Ordinal))
            {
                return (null, null);
            }

            unit = doseUnit;
            source ??= dose;
            total += value * perDay;
        }

        return (new Quantity(Normalize(total), PerDayUnit(unit!)), source);
    }

    /// <summary>Whether there is an instruction (a null says nothing) and every one has the same <c>sequence</c> (or none):
    /// instructions given together, whose doses add up.</summary>
    private static bool Concurrent(IReadOnlyList<Dosage> dosages)
    {
        bool any = false;
        int? sequence = null;
        foreach (var dosage in dosages)
        {
            if (dosage is null)
            {
                continue;
            }

            if (any && dosage.Sequence != sequence)
            {
                return false;
            }

            (any, sequence) = (true, dosage.Sequence);
        }

        return any;
    }

    /// <summary>A single administration's dose as the amount given that day.</summary>
    public static Quantity? OneDay(FhirQuantity? dose) =>
        dose?.Value is { } value && FhirValues.Raw(dose.ComparatorElement) is null ? new Quantity(Normalize(value), PerDayUnit(FhirValues.UnitOf(dose))) : null;

    /// <summary><c>mg</c> → <c>mg/d</c>; an empty unit stays empty so that comparisons on it are unknown.</summary>
    public static string PerDayUnit(string unit) => unit.Length == 0 ? string.Empty : unit + "/d";

    /// <summary>Administrations per day, or <c>null</c> when the timing does not say (or is not daily or weekly).</summary>
    internal static decimal? PerDay(Timing? timing)
    {
        if (timing is null)
        {
            return null;
        }

        var repeat = timing.Repeat;
        if (repeat?.Period is { } period && period > 0)
        {
            decimal frequency = repeat.Frequency ?? 1;
            string? unit = FhirValues.Raw(repeat.PeriodUnitElement);
            decimal? perDay = unit switch
            {
                "s" => frequency * 86400m / period,
                "min" => frequency * 1440m / period,
                "h" => frequency * 24m / period,
                "d" => frequency / period,
                "wk" => frequency / (period * DaysPerWeek),
                _ => null, // months and years: a daily dose would be an average nobody prescribes
            };
            return perDay;
        }

        if (repeat is null || (repeat.Frequency is null && repeat.Period is null))
        {
            foreach (var coding in timing.Code?.Coding ?? new List<FhirCoding>())
            {
                if (coding.Code is { } code && TimingCodes.TryGetValue(code, out decimal perDay))
                {
                    return perDay;
                }
            }
        }

        return null;
    }

    private static bool IsAsNeeded(Dosage dosage) => dosage.AsNeeded switch
    {
        FhirBoolean b => b.Value == true,
        null => false,
        _ => true, // asNeededCodeableConcept: as needed for a stated reason
    };

    private static decimal Normalize(decimal value) => Math.Round(value, 6) / 1.000000000000000000000000000000000m;
}
