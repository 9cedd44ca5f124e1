using System;
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

    private UcumTable(IReadOnlyList<UcumPrefix> prefixes, IReadOnlyDictionary<string, UcumAtom> atoms)
    {
        Prefixes = prefixes;
        Atoms = atoms;
    }

    /// <summary>The prefixes in the file's order (<c>da</c> before <c>d</c>), each with its factor.</summary>
    public IReadOnlyList<UcumPrefix> Prefixes { get; }

    /// <summary>Every base and defined unit, by its case-sensitive code.</summary>
    /// <remarks>A plain dictionary: a frozen one costs a fresh process more to build than the few lookups of a unit's
    /// first analysis save (each unit's analysis is cached by <see cref="UnitConverter"/>).</remarks>
    public IReadOnlyDictionary<string, UcumAtom> Atoms { get; }

    /// <summary>Reads the table.</summary>
    /// <exception cref="InvalidOperationException">The Fhir.Metrics assembly lacks the UCUM essence file, or it is malformed.</exception>
    public static UcumTable Load()
    {
        var bytes = ReadEssence();

        // The essence file is plain: elements, attributes and text, in ASCII. Read that with a few lines of scanning
        // (XmlReader's first use costs a fresh process more than the whole table); anything else in the file (a CDATA
        // section, a document type, an entity in an attribute) is read by XDocument, which gives the same entries.
        return Build(UcumEssenceScanner.TryRead(bytes) ?? ReadWithXDocument(bytes));
    }

    /// <summary>Reads the table through <see cref="XDocument"/> (tests compare it with <see cref="Load"/>).</summary>
    /// <returns>The table.</returns>
    internal static UcumTable LoadWithXDocument() => Build(ReadWithXDocument(ReadEssence()));

    /// <summary>Whether <see cref="Load"/> reads the essence file by scanning (not through XDocument).</summary>
    /// <returns>True when the scanner reads it.</returns>
    internal static bool ScannerReadsEssence() => UcumEssenceScanner.TryRead(ReadEssence()) is not null;

    private static byte[] ReadEssence()
    {
        // typeof(...).Assembly runs no type initializer of Fhir.Metrics.
        using var stream = typeof(global::Fhir.Metrics.SystemOfUnits).Assembly.GetManifestResourceStream(EssenceResourceName)
            ?? throw new InvalidOperationException($"Fhir.Metrics does not contain {EssenceResourceName}.");
        using var copy = new System.IO.MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static List<UcumEssenceEntry> ReadWithXDocument(byte[] bytes)
    {
        using var stream = new System.IO.MemoryStream(bytes, writable: false);
        var root = XDocument.Load(stream).Root ?? throw new InvalidOperationException($"{EssenceResourceName} is empty.");
        var entries = new List<UcumEssenceEntry>();
        foreach (var element in root.Elements())
        {
            var value = element.Elements().FirstOrDefault(e => e.Name.LocalName == "value");
            entries.Add(new UcumEssenceEntry(element.Name.LocalName, Attributes(element), value is null ? null : Attributes(value)));
        }

        return entries;
    }

    private static Dictionary<string, string> Attributes(XElement element)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var attribute in element.Attributes())
        {
            // XElement.Attribute(name) finds attributes without a namespace only.
            if (attribute.Name.Namespace == XNamespace.None && !attribute.IsNamespaceDeclaration)
            {
                attributes[attribute.Name.LocalName] = attribute.Value;
            }
        }

        return attributes;
    }

    private static UcumTable Build(List<UcumEssenceEntry> entries)
    {
        var prefixes = new List<UcumPrefix>();
        var atoms = new Dictionary<string, UcumAtom>(StringComparer.Ordinal);
        foreach (var element in entries)
        {
            var code = Required(element.Attributes, "Code");
            switch (element.Name)
            {
                case "prefix":
                    prefixes.Add(new UcumPrefix(code, ParseNumber(Required(Value(element, code), "value"))));
                    break;
                case "base-unit":
                    atoms[code] = new UcumAtom(code, IsMetric: true, IsSpecial: false, IsArbitrary: false, IsBase: true, Definition: null, ScaledDecimal.One);
                    break;
                case "unit":
                    var value = Value(element, code);
                    var special = Flag(element.Attributes, "isSpecial");
                    atoms[code] = new UcumAtom(
                        code,
                        Flag(element.Attributes, "isMetric"),
                        special,
                        Flag(element.Attributes, "isArbitrary"),
                        IsBase: false,
                        Required(value, "Unit"),

                        // A special unit's value is a function (Cel, [pH]), not a factor.
                        special ? ScaledDecimal.One : ParseNumber(Required(value, "value")));
                    break;
                default:
                    break;
            }
        }

        return new UcumTable(prefixes, atoms);
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
        if (digits.Length == 0 || digits.AsSpan().ContainsAnyExceptInRange('0', '9'))
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

    private static Dictionary<string, string> Value(UcumEssenceEntry element, string code) =>
        element.Value ?? throw new InvalidOperationException($"'{code}' in {EssenceResourceName} has no value.");

    private static string Required(Dictionary<string, string> attributes, string attribute) =>
        attributes.TryGetValue(attribute, out var value) ? value
        : throw new InvalidOperationException($"An element of {EssenceResourceName} lacks '{attribute}'.");

    private static bool Flag(Dictionary<string, string> attributes, string attribute) =>
        attributes.TryGetValue(attribute, out var value) && string.Equals(value, "yes", StringComparison.Ordinal);
}

/// <summary>One child of the essence file's root: its name, its attributes and those of its first <c>value</c> child.</summary>
/// <param name="Name">The element's local name (<c>prefix</c>, <c>base-unit</c>, <c>unit</c>).</param>
/// <param name="Attributes">Its attributes without a namespace, by name.</param>
/// <param name="Value">The attributes of its first child element named <c>value</c>; null when it has none.</param>
internal sealed record UcumEssenceEntry(string Name, Dictionary<string, string> Attributes, Dictionary<string, string>? Value);

/// <summary>
/// Reads the UCUM essence file's entries (<see cref="UcumEssenceEntry"/>) by scanning its text: elements, attributes,
/// text, comments and processing instructions, in ASCII. Anything else — a CDATA section, a document type, a character
/// outside ASCII, an entity or white space other than a space in an attribute value — makes it give up (null), and the
/// file is read through XDocument instead.
/// </summary>
internal static class UcumEssenceScanner
{
    /// <summary>The entries, or null when the text has something the scanner does not read.</summary>
    /// <param name="text">The file's bytes.</param>
    /// <returns>The entries in document order, or null.</returns>
    public static List<UcumEssenceEntry>? TryRead(ReadOnlySpan<byte> text)
    {
        if (!System.Text.Ascii.IsValid(text))
        {
            return null;
        }

        var entries = new List<UcumEssenceEntry>();
        var depth = 0;
        var rootSeen = false;
        string? entryName = null;
        Dictionary<string, string>? entryAttributes = null;
        Dictionary<string, string>? entryValue = null;
        var position = 0;
        while (true)
        {
            var open = text[position..].IndexOf((byte)'<');
            if (open < 0)
            {
                // Only text after the root; an element left open is not a well-formed file.
                return depth == 0 && rootSeen ? entries : null;
            }

            position += open;
            var rest = text[position..];
            if (rest.StartsWith("<?"u8))
            {
                var end = rest.IndexOf("?>"u8);
                if (end < 0)
                {
                    return null;
                }

                position += end + 2;
                continue;
            }

            if (rest.StartsWith("<!--"u8))
            {
                var end = rest[4..].IndexOf("-->"u8);
                if (end < 0)
                {
                    return null;
                }

                position += 4 + end + 3;
                continue;
            }

            if (rest.StartsWith("<!"u8))
            {
                return null;
            }

            var close = rest.IndexOf((byte)'>');
            if (close < 0)
            {
                return null;
            }

            var tag = rest[1..close];
            position += close + 1;
            if (tag.Length > 0 && tag[0] == (byte)'/')
            {
                depth--;
                if (depth < 0)
                {
                    return null;
                }

                if (depth == 1 && entryName is not null)
                {
                    entries.Add(new UcumEssenceEntry(entryName, entryAttributes!, entryValue));
                    entryName = null;
                }

                continue;
            }

            var selfClosing = tag.Length > 0 && tag[^1] == (byte)'/';
            if (selfClosing)
            {
                tag = tag[..^1];
            }

            if (!TryReadTag(tag, out var name, out var attributes) || (depth == 0 && rootSeen))
            {
                return null;
            }

            if (depth == 0)
            {
                rootSeen = true;
            }
            else if (depth == 1)
            {
                (entryName, entryAttributes, entryValue) = (name, attributes, null);
            }
            else if (depth == 2 && entryValue is null && name == "value")
            {
                entryValue = attributes;
            }

            if (selfClosing)
            {
                if (depth == 1)
                {
                    entries.Add(new UcumEssenceEntry(entryName!, entryAttributes!, null));
                    entryName = null;
                }
            }
            else
            {
                depth++;
            }
        }
    }

    /// <summary>A start tag's local name and its attributes without a namespace prefix (namespace declarations left out).</summary>
    private static bool TryReadTag(ReadOnlySpan<byte> tag, out string name, out Dictionary<string, string> attributes)
    {
        attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        var nameEnd = IndexOfSpace(tag);
        var qualified = nameEnd < 0 ? tag : tag[..nameEnd];
        name = System.Text.Encoding.ASCII.GetString(qualified[(qualified.IndexOf((byte)':') + 1)..]);
        if (name.Length == 0)
        {
            return false;
        }

        var rest = nameEnd < 0 ? [] : tag[nameEnd..];
        while (true)
        {
            rest = TrimStart(rest);
            if (rest.IsEmpty)
            {
                return true;
            }

            var equals = rest.IndexOf((byte)'=');
            if (equals <= 0)
            {
                return false;
            }

            var attributeName = TrimEnd(rest[..equals]);
            rest = TrimStart(rest[(equals + 1)..]);
            if (rest.IsEmpty || rest[0] is not ((byte)'"' or (byte)'\''))
            {
                return false;
            }

            var quote = rest[0];
            var end = rest[1..].IndexOf(quote);
            if (end < 0)
            {
                return false;
            }

            var value = rest.Slice(1, end);
            rest = rest[(end + 2)..];

            // An entity, or white space an XML parser would normalise, is left to XDocument; so is a markup character.
            if (!IsPlain(value, quotes: false) || !IsPlain(attributeName, quotes: true))
            {
                return false;
            }

            // xmlns and prefixed names (xmlns:x, xml:lang) are not attributes XElement.Attribute(name) finds.
            if (attributeName.IndexOf((byte)':') < 0 && !attributeName.SequenceEqual("xmlns"u8))
            {
                attributes[System.Text.Encoding.ASCII.GetString(attributeName)] = System.Text.Encoding.ASCII.GetString(value);
            }
        }
    }

    // Plain loops rather than the span searches over a set of bytes: their generic code is not precompiled for byte, and
    // a fresh process would JIT-compile it for this file alone.
    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static int IndexOfSpace(ReadOnlySpan<byte> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (IsSpace(text[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static ReadOnlySpan<byte> TrimStart(ReadOnlySpan<byte> text)
    {
        var start = 0;
        while (start < text.Length && IsSpace(text[start]))
        {
            start++;
        }

        return text[start..];
    }

    private static ReadOnlySpan<byte> TrimEnd(ReadOnlySpan<byte> text)
    {
        var end = text.Length;
        while (end > 0 && IsSpace(text[end - 1]))
        {
            end--;
        }

        return text[..end];
    }

    /// <summary>No white space other than a space, no entity and no markup (and, in a name, no space or quote).</summary>
    private static bool IsPlain(ReadOnlySpan<byte> text, bool quotes)
    {
        foreach (var b in text)
        {
            if (b is (byte)'&' or (byte)'<' or (byte)'\t' or (byte)'\r' or (byte)'\n'
                || (quotes && b is (byte)' ' or (byte)'"' or (byte)'\''))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>One UCUM prefix (<c>k</c>, <c>da</c>, <c>u</c>) with its factor.</summary>
/// <param name="Code">The case-sensitive code.</param>
/// <param name="Factor">The factor it multiplies a unit by.</param>
internal sealed record UcumPrefix(string Code, ScaledDecimal Factor);

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
