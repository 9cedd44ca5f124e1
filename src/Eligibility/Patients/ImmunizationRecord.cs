using System;

namespace Eligibility.Patients;

/// <summary>A vaccination.</summary>
public sealed record ImmunizationRecord : ClinicalRecord
{
    /// <summary>The date given.</summary>
    public DateOnly? Date { get; init; }
}
