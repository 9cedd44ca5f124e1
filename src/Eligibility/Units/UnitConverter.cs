using System;
using System.Collections.Concurrent;
using System.Globalization;

namespace Eligibility.Units;

/// <summary>
/// Converts values between UCUM units with exact <see cref="decimal"/> factors, including mass ↔
/// amount-of-substance conversions through a molar mass (creatinine mg/dL ↔ µmol/L).
/// </summary>
/// <remarks>
/// <para>
/// Units are read with the UCUM table (see <see cref="UcumCanonicalizer"/>); a factor is the ratio
/// of the canonical magnitudes of one unit of each side, computed in decimal and cleared of the
/// rounding noise repeating fractions leave in the last digits. Nothing depends on the process's
/// culture or globalization settings (invariant globalization included).
/// </para>
/// <para>
/// Spelling: surrounding white space is ignored and the micro signs µ (U+00B5) and μ (U+03BC)
/// are read as UCUM's <c>u</c>. Otherwise UCUM applies as written: it is case-sensitive, and
/// annotations in braces count as 1, so <c>{score}</c> converts to <c>1</c> and
/// <c>mL/min/{1.73_m2}</c> to <c>mL/min</c>. The mole is kept as a dimension of its own (UCUM
/// defines it as a plain number), and arbitrary units such as <c>[IU]</c> convert only to
/// themselves. Units without a ratio scale (Cel, [pH]) convert only to the identical unit.
/// </para>
/// <para>
/// Thread-safe and immutable after construction. Results are cached per unit and per
/// (from, to, molar mass); the caches are bounded so that arbitrary input cannot grow them
/// without limit. Nothing here throws for bad input: failures return false with a short message.
/// </para>
/// </remarks>
internal sealed class UnitConverter
{
    // Enough for every unit spelling a deployment meets; beyond this results are computed, not kept.
    private const int MaxCacheEntries = 4096;

    // Rounding noise is far below 1e-14 relative; UCUM's constants have at most 10 digits.
    private const int MaxSignificantDigits = 15;
    private const decimal NoiseTolerance = 5e-14m;

    private readonly UcumCanonicalizer canonicalizer = new();
    private readonly object canonicalizerGate = new();
    private readonly ConcurrentDictionary<string, UnitAnalysis> units = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<FactorKey, FactorResult> factors = new();

    private UnitConverter()
    {
    }

    /// <summary>The shared converter; it loads the UCUM table once.</summary>
    public static UnitConverter Instance { get; } = new();

    /// <summary>Whether <paramref name="unit"/> is a valid UCUM unit.</summary>
    /// <param name="unit">The unit, e.g. <c>mg/dL</c> or <c>10*9/L</c>.</param>
    /// <param name="error">
    /// What is wrong, briefly and without repeating the unit (e.g. "unknown unit 'foo'",
    /// "unexpected ')'"), so callers can prefix their own context; null when the unit is valid.
    /// </param>
    /// <returns>
    /// True for valid UCUM, including units without a ratio scale such as <c>Cel</c>, which
    /// <see cref="TryGetFactor"/> then declines to convert to anything but themselves.
    /// </returns>
    public bool IsValid(string unit, out string? error)
    {
        var analysis = Analyze(Normalize(unit));
        error = analysis.IsValid ? null : analysis.Error;
        return analysis.IsValid;
    }

    /// <summary>
    /// The factor that turns a value in <paramref name="from"/> into a value in <paramref name="to"/>:
    /// <c>value_in_to = value_in_from × factor</c>.
    /// </summary>
    /// <param name="from">The unit of the value.</param>
    /// <param name="to">The unit wanted.</param>
    /// <param name="molarMass">
    /// Molar mass in g/mol of the substance measured; needed only when one side counts substance
    /// (mol) and the other mass (g), e.g. 113.12 for creatinine, 584.66 for bilirubin.
    /// </param>
    /// <param name="factor">The factor; 0 on failure.</param>
    /// <param name="error">
    /// Why there is no factor (e.g. "cannot convert mmol/L to U/L"); null on success.
    /// </param>
    /// <returns>
    /// True when the units are convertible. Units that are identical after normalisation give
    /// exactly 1 without consulting UCUM; a missing unit always fails.
    /// </returns>
    public bool TryGetFactor(string from, string to, decimal? molarMass, out decimal factor, out string? error)
    {
        // The spellings met last on this thread, as given (no string built, no shared hash): evaluation converts the
        // same few units over and over, so most calls end here.
        ref var recent = ref Recent.Slot(from, to, molarMass);
        if (recent.Is(from, to, molarMass))
        {
            factor = recent.Factor;
            error = recent.Error;
            return error is null;
        }

        bool converted = Factor(from, to, molarMass, out factor, out error);
        recent = new Recent(from, to, molarMass, factor, error);
        return converted;
    }

    private bool Factor(string from, string to, decimal? molarMass, out decimal factor, out string? error)
    {
        var source = Normalize(from);
        var target = Normalize(to);
        if (source.Length == 0 || target.Length == 0)
        {
            factor = 0m;
            error = source.Length == 0 ? "the unit of the value is missing" : "the unit to convert to is missing";
            return false;
        }

        if (string.Equals(source, target, StringComparison.Ordinal))
        {
            factor = 1m;
            error = null;
            return true;
        }

        var key = new FactorKey(source, target, molarMass);
        if (!factors.TryGetValue(key, out var result))
        {
            result = ComputeFactor(source, target, molarMass);
            AddBounded(factors, key, result);
        }

        factor = result.Factor;
        error = result.Error;
        return result.Error is null;
    }

    /// <summary>
    /// Converts <paramref name="value"/> from one unit to another; see <see cref="TryGetFactor"/>.
    /// </summary>
    /// <param name="value">The value in <paramref name="from"/>.</param>
    /// <param name="from">The unit of the value.</param>
    /// <param name="to">The unit wanted.</param>
    /// <param name="molarMass">Molar mass in g/mol, for mass ↔ substance conversions.</param>
    /// <param name="result">The value in <paramref name="to"/>; 0 on failure.</param>
    /// <param name="error">Why the value could not be converted; null on success.</param>
    /// <returns>True when the value was converted.</returns>
    public bool TryConvert(decimal value, string from, string to, decimal? molarMass, out decimal result, out string? error)
    {
        result = 0m;
        if (!TryGetFactor(from, to, molarMass, out var factor, out error))
        {
            return false;
        }

        try
        {
            result = value * factor;
            return true;
        }
        catch (OverflowException)
        {
            error = $"{value.ToString(CultureInfo.InvariantCulture)} {Normalize(from)} is too large to express in {Normalize(to)}";
            return false;
        }
    }

    /// <summary>Trims the unit and spells both micro signs as UCUM's <c>u</c>; null becomes empty.</summary>
    private static string Normalize(string? unit)
    {
        if (unit is null)
        {
            return string.Empty;
        }

        // Trim and the check below allocate nothing for the usual, already clean spelling.
        var trimmed = unit.Trim();
        return trimmed.AsSpan().IndexOfAny('\u00B5', '\u03BC') < 0
            ? trimmed
            : trimmed.Replace('\u00B5', 'u').Replace('\u03BC', 'u');
    }

    private static void AddBounded<TKey, TValue>(ConcurrentDictionary<TKey, TValue> cache, TKey key, TValue value)
        where TKey : notnull
    {
        if (cache.Count < MaxCacheEntries)
        {
            cache.TryAdd(key, value);
        }
    }

    private UnitAnalysis Analyze(string unit)
    {
        if (units.TryGetValue(unit, out var analysis))
        {
            return analysis;
        }

        lock (canonicalizerGate)
        {
            analysis = canonicalizer.Analyze(unit);
        }

        AddBounded(units, unit, analysis);
        return analysis;
    }

    private FactorResult ComputeFactor(string from, string to, decimal? molarMass)
    {
        var source = Analyze(from);
        if (source.Canonical is null)
        {
            return FactorResult.Failed($"cannot convert {from} to {to}: {Describe(from, source)}");
        }

        var target = Analyze(to);
        if (target.Canonical is null)
        {
            return FactorResult.Failed($"cannot convert {from} to {to}: {Describe(to, target)}");
        }

        var substanceDifference = source.Canonical.SubstanceExponent - target.Canonical.SubstanceExponent;
        if (substanceDifference == 0)
        {
            return string.Equals(source.Canonical.DimensionKey, target.Canonical.DimensionKey, StringComparison.Ordinal)
                ? ToFactor(from, to, source.Canonical, target.Canonical, molarMassPower: 1m, divideByPower: false)
                : FactorResult.Failed($"cannot convert {from} to {to}");
        }

        // One side counts substance, the other weighs it: read 1 mol as molarMass g on both sides.
        if (!string.Equals(
                source.Canonical.DimensionKeyWithSubstanceAsMass(),
                target.Canonical.DimensionKeyWithSubstanceAsMass(),
                StringComparison.Ordinal))
        {
            return FactorResult.Failed($"cannot convert {from} to {to}");
        }

        if (molarMass is null)
        {
            return FactorResult.Failed($"cannot convert {from} to {to} without a molar mass");
        }

        if (molarMass <= 0m)
        {
            return FactorResult.Failed($"cannot convert {from} to {to}: the molar mass must be positive");
        }

        // x mol^a per ... = x·M^a g^a per ..., so the factor gains M^(a_from − a_to). The power
        // is applied after the noise is removed because M is exact as given.
        try
        {
            var power = 1m;
            for (var i = 0; i < Math.Abs(substanceDifference); i++)
            {
                power *= molarMass.Value;
            }

            return ToFactor(from, to, source.Canonical, target.Canonical, power, divideByPower: substanceDifference < 0);
        }
        catch (OverflowException)
        {
            return FactorResult.Failed($"cannot convert {from} to {to}: the factor is out of range");
        }
    }

    private static string Describe(string unit, UnitAnalysis analysis) =>
        analysis.IsValid ? analysis.Error ?? string.Empty : $"'{unit}' is not a valid UCUM unit ({analysis.Error})";

    private static FactorResult ToFactor(
        string from, string to, CanonicalUnit source, CanonicalUnit target, decimal molarMassPower, bool divideByPower)
    {
        try
        {
            var ratio = ScaledDecimal.Divide(source.Magnitude, target.Magnitude)
                .RoundToShortest(MaxSignificantDigits, NoiseTolerance);
            if (ratio.TryToDecimal(out var factor))
            {
                // Dividing directly (10000 / 113.12) keeps all 28 digits; multiplying by a rounded
                // reciprocal would not.
                factor = divideByPower ? factor / molarMassPower : factor * molarMassPower;
                if (factor != 0m)
                {
                    // Dividing by 1 with 28 decimal zeros drops trailing zeros (30.43750 → 30.4375),
                    // so factors read cleanly in explanations.
                    return FactorResult.Succeeded(factor / 1.0000000000000000000000000000m);
                }
            }
        }
        catch (Exception ex) when (ex is OverflowException or DivideByZeroException)
        {
            // Falls through to the out-of-range message.
        }

        return FactorResult.Failed($"cannot convert {from} to {to}: the factor is out of range");
    }

    /// <summary>Cache key; <see cref="decimal"/> equality ignores trailing zeros (113.12 = 113.120).</summary>
    private readonly record struct FactorKey(string From, string To, decimal? MolarMass);

    /// <summary>
    /// One recently computed factor, keyed by the spellings exactly as given; a small direct-mapped table per thread
    /// (so entries are plain values, read and written without locks), replaced on collision.
    /// </summary>
    private readonly struct Recent(string? from, string? to, decimal? molarMass, decimal factor, string? error)
    {
        private const int Size = 32;

        [ThreadStatic]
        private static Recent[]? table;

        private readonly string? from = from;
        private readonly string? to = to;
        private readonly decimal? molarMass = molarMass;

        public decimal Factor { get; } = factor;

        public string? Error { get; } = error;

        /// <summary>The slot of this thread's table where the key would be.</summary>
        public static ref Recent Slot(string? from, string? to, decimal? molarMass)
        {
            var recent = table ??= new Recent[Size];
            int hash = Mix(from) ^ (Mix(to) * 31) ^ (molarMass is { } m ? m.GetHashCode() : 0);
            return ref recent[hash & (Size - 1)];
        }

        /// <summary>Whether this entry is the key (an empty entry is none).</summary>
        public bool Is(string? from, string? to, decimal? molarMass) =>
            this.from is not null && string.Equals(this.from, from, StringComparison.Ordinal) && string.Equals(this.to, to, StringComparison.Ordinal)
            && this.molarMass == molarMass;

        // A cheap hash of a unit spelling: its length and its first, middle and last characters.
        private static int Mix(string? unit) => unit is not { Length: > 0 } u ? 0 : (u.Length * 7919) ^ (u[0] * 31) ^ (u[u.Length / 2] * 131) ^ (u[^1] * 17);
    }

    /// <summary>A cached outcome: a factor, or the reason there is none.</summary>
    private sealed record FactorResult(decimal Factor, string? Error)
    {
        public static FactorResult Succeeded(decimal factor) => new(factor, null);

        public static FactorResult Failed(string error) => new(0m, error);
    }
}
