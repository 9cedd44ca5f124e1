using System;
using System.Collections.Generic;
using Eligibility.Time;
using Hl7.Fhir.Model;

namespace Eligibility.Fhir;

/// <summary>
/// The dosing interval of an intermittent schedule, from FHIR dosage timing (docs/fhir.md): one dose per
/// <c>timing.repeat.period</c> <c>periodUnit</c> (<c>frequency</c> absent or 1; <c>periodMax</c> ignored) with a whole
/// period longer than a day — every 4 weeks ⇒ <c>P4W</c>, every 6 months ⇒ <c>P6M</c>. Daily and more frequent schedules
/// are not intermittent and give none; so do several instructions that disagree, or an instruction without such timing.
/// The daily dose is derived separately (<see cref="DailyDose"/>).
/// </summary>
internal static class DosingSchedule
{
    /// <summary>Longest period read (in its unit); longer ones are not a dosing schedule anyone writes.</summary>
    private const decimal MaxPeriod = 1000;

    /// <summary>The interval shared by every instruction, or <c>null</c>.</summary>
    public static IsoDuration? Interval(IReadOnlyList<Dosage> dosages)
    {
        IsoDuration? interval = null;
        foreach (var dosage in dosages)
        {
            if (dosage is null)
            {
                continue; // "dosageInstruction": [null]: says nothing
            }

            if (Interval(dosage.Timing) is not { } one || (interval is { } seen && seen != one))
            {
                return null;
            }

            interval = one;
        }

        return interval;
    }

    /// <summary>The interval of one timing, or <c>null</c> when it is not one dose per whole period of more than a day.</summary>
    internal static IsoDuration? Interval(Timing? timing)
    {
        var repeat = timing?.Repeat;
        if (repeat?.Period is not { } period || period < 1 || period > MaxPeriod || period != decimal.Truncate(period)
            || repeat.Frequency is not (null or 1))
        {
            return null;
        }

        int n = (int)period;
        return FhirValues.Raw(repeat.PeriodUnitElement) switch
        {
            "d" when n > 1 => new IsoDuration(0, 0, 0, n),
            "wk" => new IsoDuration(0, 0, n, 0),
            "mo" => new IsoDuration(0, n, 0, 0),
            "a" => new IsoDuration(n, 0, 0, 0),
            _ => null, // s, min, h, and once a day: not intermittent
        };
    }
}
