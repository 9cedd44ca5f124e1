using System;

namespace Eligibility.Units;

/// <summary>
/// A number held as a normalised decimal mantissa (1 ≤ |mantissa| &lt; 10) times a power of ten.
/// </summary>
/// <remarks>
/// Canonical magnitudes leave <see cref="decimal"/>'s range quickly (1 mol/uL is 6.0e32 per m³ in
/// UCUM's own canonical form), yet conversion factors must be exact decimals. Keeping the power of
/// ten apart lets magnitudes be multiplied and divided with 28 significant digits and no overflow;
/// only the final factor is turned into a <see cref="decimal"/>.
/// </remarks>
internal readonly record struct ScaledDecimal
{
    private static readonly decimal[] PowersOfTen = CreatePowersOfTen();

    private ScaledDecimal(decimal mantissa, int exponent)
    {
        Mantissa = mantissa;
        Exponent = exponent;
    }

    /// <summary>The number one.</summary>
    public static ScaledDecimal One { get; } = new(1m, 0);

    /// <summary>The significant digits, normalised to 1 ≤ |mantissa| &lt; 10 (or exactly 0).</summary>
    public decimal Mantissa { get; }

    /// <summary>The power of ten the mantissa is scaled by.</summary>
    public int Exponent { get; }

    /// <summary>Whether the number is zero.</summary>
    public bool IsZero => Mantissa == 0m;

    /// <summary>Creates <paramref name="mantissa"/> × 10^<paramref name="exponent"/>, normalised.</summary>
    /// <exception cref="OverflowException">The exponent leaves the range of <see cref="int"/>.</exception>
    public static ScaledDecimal Create(decimal mantissa, int exponent)
    {
        if (mantissa == 0m)
        {
            return new ScaledDecimal(0m, 0);
        }

        checked
        {
            while (Math.Abs(mantissa) >= 10m)
            {
                mantissa /= 10m;
                exponent++;
            }

            while (Math.Abs(mantissa) < 1m)
            {
                mantissa *= 10m;
                exponent--;
            }
        }

        return new ScaledDecimal(mantissa, exponent);
    }

    /// <summary>The product of two numbers.</summary>
    /// <exception cref="OverflowException">The exponent leaves the range of <see cref="int"/>.</exception>
    public static ScaledDecimal Multiply(ScaledDecimal left, ScaledDecimal right) =>
        Create(left.Mantissa * right.Mantissa, checked(left.Exponent + right.Exponent));

    /// <summary>The quotient of two numbers.</summary>
    /// <exception cref="DivideByZeroException"><paramref name="right"/> is zero.</exception>
    /// <exception cref="OverflowException">The exponent leaves the range of <see cref="int"/>.</exception>
    public static ScaledDecimal Divide(ScaledDecimal left, ScaledDecimal right) =>
        Create(left.Mantissa / right.Mantissa, checked(left.Exponent - right.Exponent));

    /// <summary>This number raised to an integer power (negative powers divide), by repeated squaring.</summary>
    /// <exception cref="OverflowException">The exponent leaves the range of <see cref="int"/>.</exception>
    public ScaledDecimal Power(int exponent)
    {
        var result = One;
        var square = this;
        for (var remaining = Math.Abs((long)exponent); remaining > 0; remaining >>= 1)
        {
            if ((remaining & 1) == 1)
            {
                result = Multiply(result, square);
            }

            if (remaining > 1)
            {
                square = Multiply(square, square);
            }
        }

        return exponent >= 0 ? result : Divide(One, result);
    }

    /// <summary>
    /// The number with the fewest significant digits (at most <paramref name="maxDigits"/>) that lies
    /// within <paramref name="relativeTolerance"/> of this one.
    /// </summary>
    /// <remarks>
    /// Canonical magnitudes are products and quotients of UCUM's constants, each rounded to 28
    /// significant digits, so a ratio of two can carry noise in its last digits (a repeating
    /// fraction such as 1/60 for a minute). UCUM's own constants have far fewer digits, so the
    /// shortest nearby number is the intended one; a repeating fraction such as 1/24 keeps
    /// 14–15 digits, which is well beyond any clinical precision.
    /// </remarks>
    public ScaledDecimal RoundToShortest(int maxDigits, decimal relativeTolerance)
    {
        if (IsZero)
        {
            return this;
        }

        var allowed = Math.Abs(Mantissa) * relativeTolerance;
        for (var digits = 1; digits < maxDigits; digits++)
        {
            var rounded = Math.Round(Mantissa, digits - 1, MidpointRounding.AwayFromZero);
            if (Math.Abs(rounded - Mantissa) <= allowed)
            {
                return Create(rounded, Exponent);
            }
        }

        return Create(Math.Round(Mantissa, maxDigits - 1, MidpointRounding.AwayFromZero), Exponent);
    }

    /// <summary>
    /// Converts to a <see cref="decimal"/>; false when the number is too large, or so small that
    /// nothing of it would survive.
    /// </summary>
    public bool TryToDecimal(out decimal value)
    {
        value = 0m;
        if (IsZero)
        {
            return true;
        }

        if (Exponent > 28)
        {
            return false;
        }

        if (Exponent >= 0)
        {
            try
            {
                value = Mantissa * PowersOfTen[Exponent];
                return true;
            }
            catch (OverflowException)
            {
                return false;
            }
        }

        // Dividing by powers of ten is exact until decimal's 28 decimal places run out; below that
        // digits are rounded away, and a result of zero means the number cannot be represented.
        var scaled = Mantissa;
        var remaining = -(long)Exponent;
        while (remaining > 0 && scaled != 0m)
        {
            var step = (int)Math.Min(remaining, 28);
            scaled /= PowersOfTen[step];
            remaining -= step;
        }

        value = scaled;
        return scaled != 0m;
    }

    private static decimal[] CreatePowersOfTen()
    {
        var powers = new decimal[29];
        powers[0] = 1m;
        for (var i = 1; i < powers.Length; i++)
        {
            powers[i] = powers[i - 1] * 10m;
        }

        return powers;
    }
}
