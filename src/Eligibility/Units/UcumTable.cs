using System;
using System.Collections.Frozen;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Xml.Linq;

namespace Eligibility.Units;

/// <summary>
/// The UCUM table: prefixes, base units and defined units with their definitions, read from the UCUM essence file
/// (<c>ucum-essence.xml</c>, version 1.9) that the Fhir.Metrics package carries as a resource.
/// </summary>
/// <remarks>
/// Only the file is taken from Fhir.Metrics, never its code: Fhir.Metrics creates the <c>en-US</c> culture in a static
/// constructor, which fails in globalization-invariant mode with predefined cultures only, and a type whose static
/// constructor failed stays unusable for the life of the process. Reading the table here, with the invariant culture,
/// makes unit conversion independent of every globalization setting.
/// </remarks>
internal sealed class UcumTable
{
    private const string EssenceResourceName = "Fhir.Metrics.Data.ucum-essence.xml";

    private UcumTable(IReadOnlyList<(string Code, ScaledDecimal Factor)> prefixes, FrozenDictionary<string, UcumAtom> atoms)
    {
        Prefixes = prefixes;
        Atoms = atoms;
    }

    /// <summary>The prefixes in the file's order (<c>da</c> before <c>d</c>), each with its factor.</summary>
    public IReadOnlyList<(string Code, ScaledDecimal Factor)> Prefixes { get; }

    /// <summary>Every base and defined unit, by its case-sensitive code.</summary>
    public FrozenDictionary<string, UcumAtom> Atoms { get; }

    /// <summary>Reads the table.</summary>
    /// <exception cref="InvalidOperationException">The Fhir.Metrics assembly lacks the UCUM essence file, or it is malformed.</exception>
    public static UcumTable Load()
    {
        // typeof(...).Assembly runs no type initializer of Fhir.Metrics.
        using var stream = typeof(global::Fhir.Metrics.SystemOfUnits).Assembly.GetManifestResourceStream(EssenceResourceName)
            ?? throw new InvalidOperationException($"Fhir.Metrics does not contain {EssenceResourceName}.");
        var root = XDocument.Load(stream).Root ?? throw new InvalidOperationException($"{EssenceResourceName} is empty.");

        var prefixes = new List<(string, ScaledDecimal)>();
        var atoms = new Dictionary<string, UcumAtom>(StringComparer.Ordinal);
        foreach (var element in root.Elements())
        {
            var code = Required(element, "Code");
            switch (element.Name.LocalName)
            {
                case "prefix":
                    prefixes.Add((code, ParseNumber(Required(Value(element), "value"))));
                    break;
                case "base-unit":
                    atoms[code] = new UcumAtom(code, IsMetric: true, IsSpecial: false, IsArbitrary: false, IsBase: true, Definition: null, ScaledDecimal.One);
                    break;
                case "unit":
                    var value = Value(element);
                    var special = Flag(element, "isSpecial");
                    atoms[code] = new UcumAtom(
                        code,
                        Flag(element, "isMetric"),
                        special,
                        Flag(element, "isArbitrary"),
                        IsBase: false,
                        Required(value, "Unit"),

                        // A special unit's value is a function (Cel, [pH]), not a factor.
                        special ? ScaledDecimal.One : ParseNumber(Required(value, "value")));
                    break;
                default:
                    break;
            }
        }

        return new UcumTable(prefixes, atoms.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>
    /// Reads a UCUM number (<c>6.0221367</c>, <c>980665e-5</c>, π to 64 digits) exactly to 28 significant digits,
    /// independent of any culture.
    /// </summary>
    internal static ScaledDecimal ParseNumber(string text)
    {
        var e = text.IndexOfAny(['e', 'E']);
        var mantissaText = e < 0 ? text : text[..e];
        var exponent = e < 0 ? 0 : int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var point = mantissaText.IndexOf('.', StringComparison.Ordinal);
        var digits = point < 0 ? mantissaText : mantissaText.Remove(point, 1);
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
        {
            throw new InvalidOperationException($"'{text}' in {EssenceResourceName} is not a number.");
        }

        // The value is digits × 10^(exponent − digits after the point); keep at most 28 significant digits, rounded.
        var scale = point < 0 ? 0 : mantissaText.Length - point - 1;
        digits = digits.TrimStart('0');
        if (digits.Length == 0)
        {
            return ScaledDecimal.Create(0m, 0);
        }

        const int Kept = 28;
        var dropped = Math.Max(0, digits.Length - Kept);
        var mantissa = decimal.Parse(digits[..(digits.Length - dropped)], NumberStyles.None, CultureInfo.InvariantCulture);
        if (dropped > 0 && digits[Kept] >= '5')
        {
            mantissa += 1m;
        }

        return ScaledDecimal.Create(mantissa, checked(exponent - scale + dropped));
    }

    private static XElement Value(XElement element) =>
        element.Elements().FirstOrDefault(e => e.Name.LocalName == "value")
        ?? throw new InvalidOperationException($"'{(string?)element.Attribute("Code")}' in {EssenceResourceName} has no value.");

    private static string Required(XElement element, string attribute) =>
        (string?)element.Attribute(attribute)
        ?? throw new InvalidOperationException($"An element of {EssenceResourceName} lacks '{attribute}'.");

    private static bool Flag(XElement element, string attribute) =>
        string.Equals((string?)element.Attribute(attribute), "yes", StringComparison.Ordinal);
}

/// <summary>One UCUM unit atom (<c>g</c>, <c>L</c>, <c>[IU]</c>, <c>Cel</c>) as the table defines it.</summary>
/// <param name="Code">The case-sensitive code.</param>
/// <param name="IsMetric">Whether prefixes may be applied to it.</param>
/// <param name="IsSpecial">Whether it is defined by a function rather than a factor (no ratio scale: Cel, [pH]).</param>
/// <param name="IsArbitrary">Whether it is an arbitrary unit ([IU]), comparable only with itself.</param>
/// <param name="IsBase">Whether it is one of the seven base units.</param>
/// <param name="Definition">The unit term it is defined by (<c>mol/s</c>, <c>10*-2</c>); null for base units.</param>
/// <param name="Factor">How many of <paramref name="Definition"/> one of it is.</param>
internal sealed record UcumAtom(
    string Code, bool IsMetric, bool IsSpecial, bool IsArbitrary, bool IsBase, string? Definition, ScaledDecimal Factor);
