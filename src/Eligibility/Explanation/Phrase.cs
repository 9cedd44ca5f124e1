using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Eligibility.Model;

namespace Eligibility.Explanation;

/// <summary>Formats numbers, dates and thresholds for explanations a study coordinator reads.</summary>
internal static class Phrase
{
    public static string Number(decimal value)
    {
        decimal rounded = Math.Round(value, Math.Abs(value) >= 100 ? 1 : 2, MidpointRounding.AwayFromZero);
        return rounded.ToString("0.##", CultureInfo.InvariantCulture);
    }

    /// <summary>A value exactly as given, without noise digits.</summary>
    public static string Exact(decimal value) => value.ToString("0.############", CultureInfo.InvariantCulture);

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>"No ALT result between 2025-12-18 and 2026-01-15": nothing usable in the lookback window.</summary>
    public static string NoResult(string label, Time.DateWindow window) => $"No {label} result between {Date(window.Start)} and {Date(window.End)}";

    public static string Quantity(decimal value, string? unit) =>
        string.IsNullOrEmpty(unit) ? Exact(value) : Exact(value) + " " + Unit(unit);

    /// <summary>
    /// A UCUM unit as a coordinator reads it: <c>10*9/L</c> → <c>×10⁹/L</c>, <c>umol/L</c> → <c>µmol/L</c>,
    /// <c>mL/min/{1.73_m2}</c> → <c>mL/min/1.73 m²</c>, <c>{score}</c> → <c>points</c>. Display only: facts keep the UCUM code.
    /// </summary>
    public static string Unit(string unit)
    {
        if (unit.Length == 0)
        {
            return unit;
        }

        var sb = new StringBuilder(unit);
        sb.Replace("{1.73_m2}", "1.73 m²").Replace("{score}", "points").Replace("[lb_av]", "lb");
        sb.Replace("m2", "m²").Replace("ml", "mL");
        string text = sb.ToString();
        if (text.EndsWith("/d", StringComparison.Ordinal))
        {
            text += "ay";
        }

        if (text.StartsWith('u'))
        {
            text = "µ" + text[1..];
        }

        text = text.Replace("/u", "/µ", StringComparison.Ordinal);
        int star = text.IndexOf("10*", StringComparison.Ordinal);
        if (star >= 0)
        {
            int end = star + 3;
            while (end < text.Length && (char.IsDigit(text[end]) || text[end] == '-'))
            {
                end++;
            }

            string exponent = string.Concat(text[(star + 3)..end].Select(Superscript));
            text = text[..star] + "×10" + exponent + text[end..];
        }

        return text;
    }

    private static char Superscript(char c) => c switch
    {
        '0' => '⁰', '1' => '¹', '2' => '²', '3' => '³', '4' => '⁴', '5' => '⁵', '6' => '⁶', '7' => '⁷', '8' => '⁸', '9' => '⁹', '-' => '⁻', _ => c,
    };

    public static string Source(string? reference) => reference is null ? string.Empty : " (" + reference + ")";

    /// <summary>"above 5 × ULN", "at least 18 years", "below 80 g/L", "between 18 and 70 years (inclusive)".</summary>
    public static string Bounds(Bounds b, string suffix)
    {
        string s = suffix.Length == 0 ? string.Empty : " " + Unit(suffix);
        var parts = new List<string>();
        if (b.Gt is { } gt) parts.Add("above " + Exact(gt) + s);
        if (b.Gte is { } gte) parts.Add("at least " + Exact(gte) + s);
        if (b.Lt is { } lt) parts.Add("below " + Exact(lt) + s);
        if (b.Lte is { } lte) parts.Add("at most " + Exact(lte) + s);
        return string.Join(" and ", parts);
    }

    /// <summary>Symbolic form: "&gt; 5", "≥ 18 and &lt; 70".</summary>
    public static string Symbols(Bounds b, string suffix)
    {
        string s = suffix.Length == 0 ? string.Empty : " " + Unit(suffix);
        var parts = new List<string>();
        if (b.Gt is { } gt) parts.Add("> " + Exact(gt) + s);
        if (b.Gte is { } gte) parts.Add("≥ " + Exact(gte) + s);
        if (b.Lt is { } lt) parts.Add("< " + Exact(lt) + s);
        if (b.Lte is { } lte) parts.Add("≤ " + Exact(lte) + s);
        return string.Join(" and ", parts);
    }

    public static bool Satisfies(Bounds b, decimal value) =>
        (b.Gt is not { } gt || value > gt) && (b.Gte is not { } gte || value >= gte) &&
        (b.Lt is not { } lt || value < lt) && (b.Lte is not { } lte || value <= lte);

    public static string Join(IEnumerable<string> items, string separator = "; ")
    {
        var sb = new StringBuilder();
        foreach (var item in items)
        {
            if (string.IsNullOrEmpty(item))
            {
                continue;
            }

            if (sb.Length > 0)
            {
                sb.Append(separator);
            }

            sb.Append(item);
        }

        return sb.ToString();
    }
}
