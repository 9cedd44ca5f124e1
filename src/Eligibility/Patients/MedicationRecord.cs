using System;

namespace Eligibility.Patients;

/// <summary>
/// One exposure to a medication at one daily dose: <c>[Start, End]</c>, no end meaning ongoing through as-of.
/// A dose change is a new record.
/// </summary>
public sealed record MedicationRecord : ClinicalRecord
{
    /// <summary>First day of exposure.</summary>
    public DateOnly? Start { get; init; }

    /// <summary>Last day of exposure; <c>null</c> when ongoing.</summary>
    public DateOnly? End { get; init; }

    /// <summary>The daily dose (e.g. <c>7.5 mg/d</c>), if known.</summary>
    public Quantity? DailyDose { get; init; }
}
