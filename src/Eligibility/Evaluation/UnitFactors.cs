using System;
using System.Threading;
using Eligibility.Patients;
using Eligibility.Units;

namespace Eligibility.Evaluation;

/// <summary>
/// The conversion factors between one fixed unit (a rule's unit, a concept's limit unit) and the units results come in,
/// kept per compiled node: the verdict path then converts a value with one short scan and one multiplication, where the
/// shared converter would hash both spellings and the molar mass into its per-thread table on every call. Each factor is
/// <see cref="UnitConverter.TryGetFactor"/>'s own for that pair of spellings, and a value is converted as
/// <see cref="UnitConverter.TryConvert"/> converts it (the value times the factor; an overflow is no conversion), so the
/// answers are the converter's.
/// </summary>
/// <remarks>
/// At most <see cref="MaxUnits"/> spellings are kept (past that a value is converted by the converter, and nothing is
/// kept), so arbitrary units cannot grow it. Thread-safe: the kept factors are an immutable array, replaced whole by a
/// compare-and-swap; two threads may work out the same factor, and a factor one of them kept may be lost, which costs
/// only working it out again.
/// </remarks>
internal sealed class UnitFactors
{
    /// <summary>The most spellings kept.</summary>
    public const int MaxUnits = 8;

    private readonly string fixedUnit;
    private readonly bool intoFixed;
    private readonly decimal? molarMass;
    private Known[] known = [];

    private UnitFactors(string fixedUnit, bool intoFixed, decimal? molarMass)
    {
        this.fixedUnit = fixedUnit;
        this.intoFixed = intoFixed;
        this.molarMass = molarMass;
    }

    /// <summary>Converts values from the units results come in into <paramref name="unit"/>.</summary>
    public static UnitFactors Into(string unit, decimal? molarMass) => new(unit, intoFixed: true, molarMass);

    /// <summary>Converts values in <paramref name="unit"/> into the units results come in.</summary>
    public static UnitFactors From(string unit, decimal? molarMass) => new(unit, intoFixed: false, molarMass);

    /// <summary>The fixed unit.</summary>
    public string Unit => fixedUnit;

    /// <summary>The number of spellings kept so far.</summary>
    public int Kept => Volatile.Read(ref known).Length;

    /// <summary>
    /// <paramref name="value"/> converted between the fixed unit and <paramref name="other"/> (from <paramref name="other"/>
    /// for <see cref="Into"/>, to it for <see cref="From"/>), exactly as <see cref="UnitConverter.TryConvert"/> converts it;
    /// false when it does not.
    /// </summary>
    public bool TryConvert(decimal value, string other, out decimal converted)
    {
        var kept = Volatile.Read(ref known);
        for (int k = 0; k < kept.Length; k++)
        {
            if (ReferenceEquals(kept[k].Unit, other) || string.Equals(kept[k].Unit, other, StringComparison.Ordinal))
            {
                return Multiply(value, kept[k], out converted);
            }
        }

        var found = Find(other);
        if (kept.Length < MaxUnits)
        {
            var grown = new Known[kept.Length + 1];
            kept.CopyTo(grown, 0);
            grown[^1] = found;
            Interlocked.CompareExchange(ref known, grown, kept);
        }

        return Multiply(value, found, out converted);
    }

    /// <summary>
    /// A result's value in the fixed unit (for <see cref="Into"/>), as <see cref="Reading.TryConvert"/> reads it: false
    /// when the result has no unit or its unit does not convert.
    /// </summary>
    public bool TryRead(ObservationRecord o, out decimal converted)
    {
        converted = 0m;
        return !string.IsNullOrWhiteSpace(o.Unit) && TryConvert(o.Value!.Value, o.Unit, out converted);
    }

    private Known Find(string other)
    {
        bool converts = intoFixed
            ? UnitConverter.Instance.TryGetFactor(other, fixedUnit, molarMass, out decimal factor, out _)
            : UnitConverter.Instance.TryGetFactor(fixedUnit, other, molarMass, out factor, out _);
        return new Known(other, converts, factor);
    }

    private static bool Multiply(decimal value, in Known known, out decimal converted)
    {
        if (!known.Converts)
        {
            converted = 0m;
            return false;
        }

        try
        {
            converted = value * known.Factor;
            return true;
        }
        catch (OverflowException)
        {
            converted = 0m;
            return false;
        }
    }

    /// <summary>One spelling met: whether it converts, and the factor.</summary>
    private readonly record struct Known(string Unit, bool Converts, decimal Factor);
}
