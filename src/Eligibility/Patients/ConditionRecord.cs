using System;

namespace Eligibility.Patients;

/// <summary>A diagnosis or problem.</summary>
public sealed record ConditionRecord : ClinicalRecord
{
    /// <summary>Clinical status: <c>active</c>, <c>recurrence</c>, <c>relapse</c>, <c>inactive</c>, <c>remission</c>, <c>resolved</c>.</summary>
    public string? ClinicalStatus { get; init; }

    /// <summary>Verification status; <c>refuted</c> and <c>entered-in-error</c> never count.</summary>
    public string? VerificationStatus { get; init; }

    /// <summary>Onset date, if known.</summary>
    public DateOnly? Onset { get; init; }

    /// <summary>Abatement date, if the condition has abated.</summary>
    public DateOnly? Abatement { get; init; }
}
