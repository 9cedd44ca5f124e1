using System;

namespace Eligibility.Patients;

/// <summary>A procedure (dialysis, transplant, plasma exchange, …).</summary>
public sealed record ProcedureRecord : ClinicalRecord
{
    /// <summary>The date it was performed (its start, for a period).</summary>
    public DateOnly? Performed { get; init; }
}
