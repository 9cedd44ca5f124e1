using System;
using System.Collections.Generic;
using System.Globalization;
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

    // The dimension as two parallel arrays, the symbols in ordinal order and no exponent zero: plain arrays rather than
    // a sorted dictionary over a value-type pair, whose generic code a fresh process would JIT-compile for this alone.
    private readonly string[] symbols;
    private readonly int[] exponents;

    /// <summary>Creates a dimensionless unit (a prefix, a factor).</summary>
    /// <param name="magnitude">How many of the number 1 it is.</param>
    public CanonicalUnit(ScaledDecimal magnitude)
        : this(magnitude, [], [])
    {
    }

    /// <summary>Creates a unit of one base dimension to the power 1 (a base unit, the mole, an arbitrary unit).</summary>
    /// <param name="magnitude">How many of <paramref name="symbol"/> it is.</param>
    /// <param name="symbol">The dimension's symbol.</param>
    public CanonicalUnit(ScaledDecimal magnitude, string symbol)
        : this(magnitude, [symbol ?? throw new ArgumentNullException(nameof(symbol))], [1])
    {
    }

    private CanonicalUnit(ScaledDecimal magnitude, string[] symbols, int[] exponents)
    {
        Magnitude = magnitude;
        this.symbols = symbols;
        this.exponents = exponents;
        DimensionKey = FormatDimensions(symbols, exponents);
    }

    /// <summary>The dimensionless number 1.</summary>
    public static CanonicalUnit Unity { get; } = new(ScaledDecimal.One);

    /// <summary>How many base units one of this unit is (with the mole as a base unit).</summary>
    public ScaledDecimal Magnitude { get; }

    /// <summary>The dimension as text, e.g. <c>g1.m-3</c>; equal text means convertible by a factor.</summary>
    public string DimensionKey { get; }

    /// <summary>The symbols of the base dimensions (exponent not zero), in ordinal order.</summary>
    public IReadOnlyList<string> Symbols => symbols;

    /// <summary>The exponent of the amount of substance (1 for mmol/L, 0 for mg/dL).</summary>
    public int SubstanceExponent => ExponentOf(SubstanceSymbol);

    /// <summary>The product of two units.</summary>
    public static CanonicalUnit Multiply(CanonicalUnit left, CanonicalUnit right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var (symbols, exponents) = Merge(left.symbols, left.exponents, right.symbols, right.exponents, negateRight: false);
        return new CanonicalUnit(ScaledDecimal.Multiply(left.Magnitude, right.Magnitude), symbols, exponents);
    }

    /// <summary>The quotient of two units.</summary>
    public static CanonicalUnit Divide(CanonicalUnit left, CanonicalUnit right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var magnitude = ScaledDecimal.Divide(left.Magnitude, right.Magnitude);
        var (symbols, exponents) = Merge(left.symbols, left.exponents, right.symbols, right.exponents, negateRight: true);
        return new CanonicalUnit(magnitude, symbols, exponents);
    }

    /// <summary>This unit raised to an integer power (<c>m</c> to <c>m3</c>, <c>s</c> to <c>s-1</c>).</summary>
    /// <exception cref="OverflowException">An exponent leaves the range of <see cref="int"/>.</exception>
    public CanonicalUnit Power(int exponent)
    {
        if (exponent == 1)
        {
            return this;
        }

        var magnitude = Magnitude.Power(exponent);
        var powers = new int[exponents.Length];
        for (var i = 0; i < powers.Length; i++)
        {
            powers[i] = checked(exponents[i] * exponent);
        }

        return exponent == 0 ? new CanonicalUnit(magnitude) : new CanonicalUnit(magnitude, symbols, powers);
    }

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

        // The exponents without mol, times g to the substance's exponent.
        var massSymbols = new string[symbols.Length - 1];
        var massExponents = new int[massSymbols.Length];
        for (int i = 0, k = 0; i < symbols.Length; i++)
        {
            if (!string.Equals(symbols[i], SubstanceSymbol, StringComparison.Ordinal))
            {
                massSymbols[k] = symbols[i];
                massExponents[k++] = exponents[i];
            }
        }

        var (asMassSymbols, asMassExponents) = Merge(massSymbols, massExponents, [MassSymbol], [substance], negateRight: false);
        return FormatDimensions(asMassSymbols, asMassExponents);
    }

    private int ExponentOf(string symbol)
    {
        for (var i = 0; i < symbols.Length; i++)
        {
            if (string.Equals(symbols[i], symbol, StringComparison.Ordinal))
            {
                return exponents[i];
            }
        }

        return 0;
    }

    /// <summary>
    /// Two dimensions' exponents added (the right's negated first when <paramref name="negateRight"/>), each given as
    /// symbols in ordinal order with their exponents: the symbols in ordinal order, zeros dropped.
    /// </summary>
    /// <exception cref="OverflowException">An exponent leaves the range of <see cref="int"/>.</exception>
    private static (string[] Symbols, int[] Exponents) Merge(
        string[] leftSymbols, int[] leftExponents, string[] rightSymbols, int[] rightExponents, bool negateRight)
    {
        var symbols = new string[leftSymbols.Length + rightSymbols.Length];
        var exponents = new int[symbols.Length];
        int i = 0, j = 0, count = 0;
        while (i < leftSymbols.Length || j < rightSymbols.Length)
        {
            int order = i == leftSymbols.Length ? 1
                : j == rightSymbols.Length ? -1
                : string.CompareOrdinal(leftSymbols[i], rightSymbols[j]);
            string symbol;
            int exponent;
            if (order < 0)
            {
                symbol = leftSymbols[i];
                exponent = leftExponents[i++];
            }
            else
            {
                symbol = rightSymbols[j];
                exponent = negateRight ? checked(-rightExponents[j]) : rightExponents[j];
                j++;
                if (order == 0)
                {
                    exponent = checked(leftExponents[i++] + exponent);
                }
            }

            if (exponent != 0)
            {
                symbols[count] = symbol;
                exponents[count++] = exponent;
            }
        }

        return count == symbols.Length ? (symbols, exponents) : (symbols[..count], exponents[..count]);
    }

    private static string FormatDimensions(string[] symbols, int[] exponents)
    {
        var text = new StringBuilder();
        for (var i = 0; i < symbols.Length; i++)
        {
            if (text.Length > 0)
            {
                text.Append('.');
            }

            text.Append(symbols[i]).Append(exponents[i].ToString(CultureInfo.InvariantCulture));
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
