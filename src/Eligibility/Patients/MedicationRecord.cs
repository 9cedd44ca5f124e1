using System;
using Eligibility.Time;

namespace Eligibility.Patients;

/// <summary>
/// One exposure to a medication at one daily dose: <c>[Start, End]</c>, no end meaning ongoing through as-of.
/// A dose change is a new record. Only real exposure counts: see <see cref="IsExposure"/>.
/// </summary>
public sealed record MedicationRecord : ClinicalRecord
{
    /// <summary>First day of exposure.</summary>
    public DateOnly? Start { get; init; }

    /// <summary>Last day of exposure; <c>null</c> when ongoing.</summary>
    public DateOnly? End { get; init; }

    /// <summary>The daily dose (e.g. <c>7.5 mg/d</c>), if known.</summary>
    public Quantity? DailyDose { get; init; }

    /// <summary>
    /// For an order: its intent as the source gives it (FHIR <c>MedicationRequest.intent</c>: <c>order</c>,
    /// <c>plan</c>, <c>proposal</c>, <c>option</c>, …). A plan, proposal or option is not exposure.
    /// </summary>
    public string? Intent { get; init; }

    /// <summary>
    /// The interval between doses of an intermittent schedule as the source states it (e.g. <c>P4W</c> for an infusion
    /// every four weeks), if any. For "currently using" and stable regimens each dose then lasts until the next is due.
    /// </summary>
    public IsoDuration? DosingInterval { get; init; }

    /// <summary>
    /// Whether the record is real exposure: not a plan, proposal or option (<see cref="Intent"/>), and not a draft,
    /// cancelled, entered-in-error, not-taken, not-done, declined or intended record (<see cref="ClinicalRecord.Status"/>).
    /// Every rule and expression selects medication records with this one test.
    /// </summary>
    public bool IsExposure => !MedicationSelection.IsNotExposure(Status, Intent);
}
