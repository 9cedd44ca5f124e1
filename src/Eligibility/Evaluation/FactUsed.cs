using System;
using Eligibility.Evaluation;

namespace Eligibility;

/// <summary>One fact from the patient record (or computed from it) that a rule used.</summary>
/// <remarks>
/// An output: a sealed class whose properties callers can read but not set, built only by Eligibility (records would give
/// a public <c>init</c> that lets callers fabricate results, and value equality that compares lists by reference).
/// </remarks>
public sealed class FactUsed
{
    internal FactUsed()
    {
    }

    /// <summary>The concept it is about, e.g. <c>alt</c>.</summary>
    public string Concept { get; internal init; } = string.Empty;

    /// <summary>The value as reported (number), if numeric.</summary>
    public decimal? Value { get; internal init; }

    /// <summary>The unit of <see cref="Value"/>.</summary>
    public string? Unit { get; internal init; }

    /// <summary>The value converted to the rule's unit, when a conversion took place.</summary>
    public decimal? ConvertedValue { get; internal init; }

    /// <summary>The unit of <see cref="ConvertedValue"/>.</summary>
    public string? ConvertedUnit { get; internal init; }

    /// <summary>The effective, onset, start or performed date.</summary>
    public DateOnly? Date { get; internal init; }

    /// <summary>The source record (e.g. <c>Observation/abc</c>), if known.</summary>
    public string? Source { get; internal init; }

    /// <summary>The formula, if the value was computed (e.g. <c>CKD-EPI 2021</c>).</summary>
    public string? Formula { get; internal init; }

    /// <summary>The upper limit of normal used, with its source, for ULN comparisons.</summary>
    public string? Uln { get; internal init; }

    /// <summary>Anything else worth showing (status, dose, interval), as text.</summary>
    public string? Detail { get; internal init; }
}
