using System;
using System.Collections.Generic;
using Eligibility.Binding;
using Eligibility.Patients;
using Eligibility.Time;

namespace Eligibility.Evaluation;

/// <summary>
/// Which medication records are exposure to a concept, and for how long (SEMANTICS "Medication exposure"). One
/// implementation for every medication rule and expression fact: real exposure only
/// (<see cref="MedicationRecord.IsExposure"/>), nothing started after as-of, and — for "currently using" and stable
/// regimens — each dose extended by how long it keeps the patient on the therapy.
/// </summary>
internal static class Exposure
{
    /// <summary>The records of the concept that are real exposure and did not start after as-of, with the member concept each matched.</summary>
    public static List<(MedicationRecord Record, string Member)> Select(BoundConcept concept, EvaluationContext context)
    {
        var records = new List<(MedicationRecord, string)>();
        var medications = context.Patient.Medications;
        for (int i = 0; i < medications.Count; i++)
        {
            if (MemberOf(medications[i], concept, context.AsOf) is { } member)
            {
                records.Add((medications[i], member));
            }
        }

        return records;
    }

    /// <summary>The member concept a record is exposure to, or <c>null</c> when it is not real exposure to the concept or started after as-of.</summary>
    public static string? MemberOf(MedicationRecord m, BoundConcept concept, DateOnly asOf) =>
        MemberOf(m, m.IsExposure ? concept.Matcher.Match(m.Codes) : null, asOf);

    /// <summary><see cref="MemberOf(MedicationRecord, BoundConcept, DateOnly)"/> given the member the record's codes match
    /// (<paramref name="matched"/>, as <see cref="PatientIndex.MedicationMembers"/> keeps it).</summary>
    public static string? MemberOf(MedicationRecord m, string? matched, DateOnly asOf) =>
        m.IsExposure && !(m.Start > asOf) ? matched : null;

    /// <summary>
    /// How long after its last recorded day a record keeps the patient on the therapy: the longer of the concept's
    /// <c>exposureLasts</c> and the record's own dosing interval; <c>null</c> when neither says.
    /// </summary>
    public static IsoDuration? Extension(MedicationRecord m, BoundConcept concept, string member)
    {
        var lasts = concept.ExposureLastsOf(member);
        var interval = m.DosingInterval;
        if (lasts is null || interval is null)
        {
            return lasts ?? interval;
        }

        // Compare on a fixed date: calendar months make the two incomparable in general, never by more than a few days.
        var reference = new DateOnly(2001, 1, 1);
        return AddSaturating(lasts.Value, reference) >= AddSaturating(interval.Value, reference) ? lasts : interval;
    }

    /// <summary>
    /// The last day of exposure, as-of-capped: the record's end (or as-of while ongoing), extended by
    /// <see cref="Extension"/> when <paramref name="extend"/> is set. <c>null</c> without a start.
    /// </summary>
    public static DateOnly? LastDay(MedicationRecord m, BoundConcept concept, string member, DateOnly asOf, bool extend)
    {
        if (m.Start is null)
        {
            return null;
        }

        if (m.End is not { } end)
        {
            return asOf;
        }

        if (extend && Extension(m, concept, member) is { } extension)
        {
            end = AddSaturating(extension, end);
        }

        return end < asOf ? end : asOf;
    }

    /// <summary>The date a duration after another, or the calendar's last day when that is past its end.</summary>
    public static DateOnly AddSaturating(IsoDuration duration, DateOnly date)
    {
        try
        {
            return duration.AddTo(date);
        }
        catch (ArgumentOutOfRangeException)
        {
            return DateOnly.MaxValue; // a duration past the calendar's end: exposure that never ends
        }
    }

    /// <summary>Whether the record covers as-of ("currently using"), each dose extended; <c>null</c> when it has no start.</summary>
    public static bool? IsCurrent(MedicationRecord m, BoundConcept concept, string member, DateOnly asOf) =>
        LastDay(m, concept, member, asOf, extend: true) is { } last ? m.Start <= asOf && last >= asOf : null;
}
