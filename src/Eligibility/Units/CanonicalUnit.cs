using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Eligibility.Units;

/// <summary>
/// One unit expressed in UCUM base units: how many base units one of it is, and the base-unit
/// exponents (its dimension).
/// </summary>
/// <remarks>
/// UCUM defines the mole as the plain number 6.0221367 × 10²³, so its canonical form cannot tell
/// mmol/L from 10*9/L, nor any arbitrary unit ([IU]) from the number 1. Here <c>mol</c> and every
/// arbitrary unit stay dimensions of their own: substance amounts only convert to other substance
/// amounts, or to masses through a molar mass, and arbitrary units only to themselves.
/// </remarks>
internal sealed class CanonicalUnit
{
    /// <summary>The symbol under which the amount of substance is kept as a dimension.</summary>
    public const string SubstanceSymbol = "mol";

    /// <summary>The UCUM base unit of mass, which a substance amount becomes through a molar mass.</summary>
    public const string MassSymbol = "g";

    private readonly SortedDictionary<string, int> dimensions;

    /// <summary>Creates a canonical unit; zero exponents are dropped.</summary>
    public CanonicalUnit(ScaledDecimal magnitude, IEnumerable<KeyValuePair<string, int>> dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        Magnitude = magnitude;
        this.dimensions = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (symbol, exponent) in dimensions)
        {
            this.dimensions.TryGetValue(symbol, out var existing);
            this.dimensions[symbol] = checked(existing + exponent);
        }

        foreach (var symbol in this.dimensions.Where(d => d.Value == 0).Select(d => d.Key).ToList())
        {
            this.dimensions.Remove(symbol);
        }

        DimensionKey = FormatDimensions(this.dimensions);
    }

    /// <summary>The dimensionless number 1.</summary>
    public static CanonicalUnit Unity { get; } = new(ScaledDecimal.One, []);

    /// <summary>How many base units one of this unit is (with the mole as a base unit).</summary>
    public ScaledDecimal Magnitude { get; }

    /// <summary>The dimension as text, e.g. <c>g1.m-3</c>; equal text means convertible by a factor.</summary>
    public string DimensionKey { get; }

    /// <summary>The base-unit exponents, none of them zero.</summary>
    public IReadOnlyDictionary<string, int> Dimensions => dimensions;

    /// <summary>The exponent of the amount of substance (1 for mmol/L, 0 for mg/dL).</summary>
    public int SubstanceExponent => dimensions.TryGetValue(SubstanceSymbol, out var exponent) ? exponent : 0;

    /// <summary>The product of two units.</summary>
    public static CanonicalUnit Multiply(CanonicalUnit left, CanonicalUnit right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return new CanonicalUnit(
            ScaledDecimal.Multiply(left.Magnitude, right.Magnitude),
            left.dimensions.Concat(right.dimensions));
    }

    /// <summary>The quotient of two units.</summary>
    public static CanonicalUnit Divide(CanonicalUnit left, CanonicalUnit right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return new CanonicalUnit(
            ScaledDecimal.Divide(left.Magnitude, right.Magnitude),
            left.dimensions.Concat(right.dimensions.Select(d => KeyValuePair.Create(d.Key, checked(-d.Value)))));
    }

    /// <summary>This unit raised to an integer power (<c>m</c> to <c>m3</c>, <c>s</c> to <c>s-1</c>).</summary>
    /// <exception cref="OverflowException">An exponent leaves the range of <see cref="int"/>.</exception>
    public CanonicalUnit Power(int exponent) => exponent == 1
        ? this
        : new CanonicalUnit(
            Magnitude.Power(exponent),
            dimensions.Select(d => KeyValuePair.Create(d.Key, checked(d.Value * exponent))));

    /// <summary>
    /// The dimension this unit has once its amount of substance is read as a mass (mol → g), which
    /// is what a molar mass makes comparable with a mass-based unit.
    /// </summary>
    public string DimensionKeyWithSubstanceAsMass()
    {
        var substance = SubstanceExponent;
        if (substance == 0)
        {
            return DimensionKey;
        }

        var asMass = new SortedDictionary<string, int>(dimensions, StringComparer.Ordinal);
        asMass.Remove(SubstanceSymbol);
        asMass.TryGetValue(MassSymbol, out var mass);
        asMass[MassSymbol] = checked(mass + substance);
        if (asMass[MassSymbol] == 0)
        {
            asMass.Remove(MassSymbol);
        }

        return FormatDimensions(asMass);
    }

    private static string FormatDimensions(SortedDictionary<string, int> dimensions)
    {
        var text = new StringBuilder();
        foreach (var (symbol, exponent) in dimensions)
        {
            if (text.Length > 0)
            {
                text.Append('.');
            }

            text.Append(symbol).Append(exponent.ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}

/// <summary>What is known about one unit string: invalid, valid but not convertible by a factor, or canonical.</summary>
internal sealed class UnitAnalysis
{
    private UnitAnalysis(bool isValid, CanonicalUnit? canonical, string? error)
    {
        IsValid = isValid;
        Canonical = canonical;
        Error = error;
    }

    /// <summary>Whether the unit is valid UCUM.</summary>
    public bool IsValid { get; }

    /// <summary>The canonical form; null when the unit is invalid or has no ratio scale (Cel, [pH]).</summary>
    public CanonicalUnit? Canonical { get; }

    /// <summary>
    /// Why the unit is invalid (the reason only, e.g. "unknown unit 'foo'") or not convertible (a
    /// sentence naming the unit); null when <see cref="Canonical"/> is set.
    /// </summary>
    public string? Error { get; }

    /// <summary>A unit that converts by a factor.</summary>
    public static UnitAnalysis Convertible(CanonicalUnit canonical) => new(true, canonical, null);

    /// <summary>A valid UCUM unit that no factor can convert (a temperature scale, a logarithm).</summary>
    public static UnitAnalysis NotConvertible(string error) => new(true, null, error);

    /// <summary>Text that is not valid UCUM.</summary>
    public static UnitAnalysis Invalid(string error) => new(false, null, error);
}
