using System;

namespace Eligibility.Evaluation;

/// <summary>One fact from the patient record (or computed from it) that a rule used.</summary>
public sealed record FactUsed
{
    /// <summary>The concept it is about, e.g. <c>alt</c>.</summary>
    public required string Concept { get; init; }

    /// <summary>The value as reported (number), if numeric.</summary>
    public decimal? Value { get; init; }

    /// <summary>The unit of <see cref="Value"/>.</summary>
    public string? Unit { get; init; }

    /// <summary>The value converted to the rule's unit, when a conversion took place.</summary>
    public decimal? ConvertedValue { get; init; }

    /// <summary>The unit of <see cref="ConvertedValue"/>.</summary>
    public string? ConvertedUnit { get; init; }

    /// <summary>The effective, onset, start or performed date.</summary>
    public DateOnly? Date { get; init; }

    /// <summary>The source record (e.g. <c>Observation/abc</c>), if known.</summary>
    public string? Source { get; init; }

    /// <summary>The formula, if the value was computed (e.g. <c>CKD-EPI 2021</c>).</summary>
    public string? Formula { get; init; }

    /// <summary>The upper limit of normal used, with its source, for ULN comparisons.</summary>
    public string? Uln { get; init; }

    /// <summary>Anything else worth showing (status, dose, interval), as text.</summary>
    public string? Detail { get; init; }
}
