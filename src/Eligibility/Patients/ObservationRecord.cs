using System;

namespace Eligibility.Patients;

/// <summary>A measurement or coded observation: a lab value, vital sign, score, or a status such as pregnancy.</summary>
public sealed record ObservationRecord : ClinicalRecord
{
    /// <summary>The numeric value, if the result is a quantity.</summary>
    public decimal? Value { get; init; }

    /// <summary>The UCUM unit of <see cref="Value"/>; <c>null</c> or empty when the source gave none.</summary>
    public string? Unit { get; init; }

    /// <summary>The coded answer, if the result is coded (e.g. LOINC LA15173-0 "pregnant").</summary>
    public Coding? ValueCode { get; init; }

    /// <summary>The boolean answer, if the result is a yes/no.</summary>
    public bool? ValueBoolean { get; init; }

    /// <summary>The result's reference range, if reported.</summary>
    public ReferenceRange? ReferenceRange { get; init; }

    /// <summary>The effective (specimen) date.</summary>
    public DateOnly? Date { get; init; }
}
