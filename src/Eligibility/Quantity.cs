using System.Globalization;

namespace Eligibility;

/// <summary>A decimal value with a UCUM unit.</summary>
/// <param name="Value">The value.</param>
/// <param name="Unit">The UCUM unit code, e.g. <c>mg/dL</c>; may be empty when the source gave none.</param>
/// <remarks>An input: a record (init-only, with value equality) because it is a value an application constructs — by
/// hand, from its own store, or with <c>with</c> — and passes in. Equal when value and unit are.</remarks>
public sealed record Quantity(decimal Value, string Unit)
{
    /// <summary>Reads like a lab report: <c>212 U/L</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.IsNullOrEmpty(Unit)
        ? Value.ToString("0.####", CultureInfo.InvariantCulture)
        : Value.ToString("0.####", CultureInfo.InvariantCulture) + " " + Unit;
}
