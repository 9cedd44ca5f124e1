using System;

namespace Eligibility;

/// <summary>A code in a code system, e.g. LOINC <c>1742-6</c>.</summary>
/// <param name="System">The code system URI, e.g. <c>http://loinc.org</c>.</param>
/// <param name="Code">The code.</param>
/// <param name="Display">Optional human-readable text (never used for matching).</param>
/// <remarks>An input: a record (init-only, with value equality) because it is a value an application constructs — by
/// hand, from its own store, or with <c>with</c> — and passes in. Equal when system, code and display are.</remarks>
public sealed record Coding(string System, string Code, string? Display = null)
{
    /// <inheritdoc/>
    public override string ToString() => Display is null ? $"{System}|{Code}" : $"{System}|{Code} ({Display})";
}
