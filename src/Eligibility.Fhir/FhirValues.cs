using System;
using System.Collections.Generic;
using System.Globalization;
using Hl7.Fhir.Model;
using FhirCoding = Hl7.Fhir.Model.Coding;
using FhirQuantity = Hl7.Fhir.Model.Quantity;

namespace Eligibility.Fhir;

/// <summary>Reads values out of Firely POCOs without the typed getters that throw on content the parser kept as-is
/// (a code outside its value set, for instance).</summary>
internal static class FhirValues
{
    /// <summary>UCUM's code system.</summary>
    public const string Ucum = "http://unitsofmeasure.org";

    /// <summary>A primitive's value as written in the JSON.</summary>
    public static string? Raw(PrimitiveType? primitive) => primitive?.JsonValue switch
    {
        null => null,
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString(),
    };

    /// <summary>A quantity's unit: the UCUM code when the system is UCUM, else the human-readable <c>unit</c>, else a code
    /// with no system; <c>""</c> when there is none.</summary>
    public static string UnitOf(FhirQuantity quantity)
    {
        if (string.Equals(quantity.System, Ucum, StringComparison.Ordinal) && !string.IsNullOrWhiteSpace(quantity.Code))
        {
            return quantity.Code.Trim();
        }

        if (!string.IsNullOrWhiteSpace(quantity.Unit))
        {
            return quantity.Unit.Trim();
        }

        return quantity.System is null && !string.IsNullOrWhiteSpace(quantity.Code) ? quantity.Code.Trim() : string.Empty;
    }

    /// <summary>The codings of a concept that have both a system and a code (display text is kept, never matched).</summary>
    public static List<Coding> Codes(CodeableConcept? concept)
    {
        var list = new List<Coding>();
        if (concept is null)
        {
            return list;
        }

        foreach (var c in concept.Coding)
        {
            if (ToCoding(c) is { } coding)
            {
                list.Add(coding);
            }
        }

        return list;
    }

    /// <summary>One coding, if it has a system and a code.</summary>
    public static Coding? ToCoding(FhirCoding? c)
    {
        string? system = c?.System?.Trim();
        string? code = c?.Code?.Trim();
        return string.IsNullOrEmpty(system) || string.IsNullOrEmpty(code) ? null : new Coding(system, code, c!.Display);
    }

    /// <summary>The first code of a status concept (<c>clinicalStatus</c>, <c>verificationStatus</c>), whatever its system.</summary>
    public static string? FirstCode(CodeableConcept? concept)
    {
        if (concept is null)
        {
            return null;
        }

        foreach (var c in concept.Coding)
        {
            if (!string.IsNullOrWhiteSpace(c.Code))
            {
                return c.Code.Trim();
            }
        }

        return null;
    }

    /// <summary>The pointers <see cref="ChoicePointer"/> made, by element and value type (both from the model, so few).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Element, Type Type), string> Pointers = new();

    /// <summary><c>"/" + <see cref="ChoiceName"/></c>: the pointer of a choice element's value relative to its parent,
    /// made once per element and type of the model rather than on every read (most reads never report it).</summary>
    public static string ChoicePointer(string element, DataType value) =>
        value is IDynamicType
            ? "/" + ChoiceName(element, value) // an ad-hoc type's name comes from the input: not kept
            : Pointers.GetOrAdd((element, value.GetType()), static (_, state) => "/" + ChoiceName(state.Element, state.Value), (Element: element, Value: value));

    /// <summary>The JSON name of a choice element: <c>value</c> + <c>Quantity</c> → <c>valueQuantity</c>; for a type R4
    /// does not have (Firely's ad-hoc value, its type name the suffix as written), the name as written: <c>valueFoo</c>.</summary>
    public static string ChoiceName(string element, DataType value)
    {
        string type = value.TypeName;
        return type.Length == 0 ? element
            : value is IDynamicType ? element + type
            : element + char.ToUpperInvariant(type[0]) + type[1..];
    }
}
