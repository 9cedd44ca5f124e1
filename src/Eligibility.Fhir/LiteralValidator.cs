using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;
using Hl7.Fhir.Validation;

namespace Eligibility.Fhir;

/// <summary>
/// The deserialization checks eligibility needs, without the rest (docs/fhir.md). Firely's own
/// <see cref="FhirAttributeValidator"/> still checks the literals the mapping reads through typed values (decimals,
/// booleans, integers, <c>Code&lt;T&gt;</c> statuses), every other literal of the wrong JSON kind (a number or a boolean
/// where a string, code, uri or date belongs: Firely keeps it as it is, and the element's typed getter would throw when
/// it is read), elements the R4 model does not have (with <see cref="BundleMapper.Deserializer"/>'s exact binding, a
/// name that differs from an R4 element's only in letter case is one of them), choice elements whose type suffix names
/// no R4 type (<c>valueFoo</c>), and values of the wrong list/single shape. Profile checks of complex elements
/// (cardinality, mandatory elements, allowed choice types of known types) are skipped: they only ever gave warnings
/// (ELIG3109) about content eligibility does not read, and took a quarter to a third of a bundle read
/// (benchmarks/RESULTS.md). Dates are checked by the mapper (ELIG3104).
/// </summary>
/// <remarks>
/// Running any validator inside Firely's deserializer costs more than the checks themselves (a validation context and
/// a delayed-validation closure for every element), so the reader first parses without a validator and asks
/// <see cref="WouldPass"/> whether parsing with this validator would have reported anything. Only when it would is the
/// resource parsed again with the validator, which then gives the positioned issues. Without a validator Firely keeps
/// an element the model does not have, or a value of the wrong list/single shape, in the element's overflow, a literal
/// of the wrong kind as the raw value, and a choice element of an unknown type as an ad-hoc (<see cref="IDynamicType"/>)
/// value; <see cref="WouldPass"/> looks for exactly those. Without a validator Firely also binds a member name that
/// differs from an element's only in letter case to that element, leaving no trace in the result: the reader looks for
/// such names in the JSON itself (<see cref="MemberNames"/>).
/// </remarks>
internal sealed class LiteralValidator : IPocoValidator
{
    public static readonly LiteralValidator Instance = new();

    private static readonly FhirAttributeValidator Full = new();

    private static readonly Func<string> NoPath = () => string.Empty;

    /// <summary>Coded literals already checked and found valid, by type and text (a run sees a few dozen: statuses,
    /// genders, comparators). Bounded, so hostile input cannot grow it without limit.</summary>
    private static readonly ConcurrentDictionary<(Type Type, string Literal), bool> ValidCodes = new();

    private const int MaxCachedCodes = 4096;

    private LiteralValidator()
    {
    }

    /// <summary>Only an element the model does not have (the deserializer maps it on the fly), a value of the wrong shape
    /// (one element where the model has a list, or the reverse) and an ad-hoc value (a choice element whose type suffix
    /// names no R4 type) are checked, fully.</summary>
    public IReadOnlyCollection<CodedValidationException> ValidateProperty(string name, object? propertyValue, PropertyMapping? propertyMapping, PocoValidationContext context) =>
        propertyMapping is null || propertyMapping.IsCustomMapping || (propertyValue is not null && propertyMapping.IsCollection != propertyValue is IList)
            || propertyValue is IDynamicType
            ? Full.ValidateProperty(name, propertyValue, propertyMapping, context)
            : Array.Empty<CodedValidationException>();

    /// <summary>Numbers, booleans and enumerated codes (the literals the mapping reads through typed getters), and every
    /// other literal of the wrong JSON kind.</summary>
    public IReadOnlyCollection<CodedValidationException> ValidateObject(Base instance, ClassMapping classMapping, PocoValidationContext context) =>
        IsTypedLiteral(instance) || IsOfWrongKind(instance) ? Full.ValidateObject(instance, classMapping, context) : Array.Empty<CodedValidationException>();

    /// <summary>
    /// Whether parsing with this validator would report nothing for an instance Firely parsed without a validator and
    /// without issues: no element anywhere has overflow (elements R4 does not have, values of the wrong list/single
    /// shape) or is an ad-hoc value (a choice element of an unknown type), every typed literal passes
    /// <see cref="ValidateObject"/>, and every other literal is a string. <c>false</c> means "parse it again with the
    /// validator", never "invalid", so any doubt answers <c>false</c>.
    /// </summary>
    /// <param name="instance">A resource or element parsed with no validator.</param>
    /// <returns><c>true</c> when the validator would find nothing.</returns>
    public static bool WouldPass(Base instance)
    {
        if (instance.HasOverflow || instance is IDynamicType)
        {
            return false;
        }

        if (instance is PrimitiveType primitive)
        {
            // Numbers, booleans and codes are validated, every other literal must be a string; any primitive's
            // extensions can hold more.
            return (IsTypedLiteral(primitive) ? LiteralValid(primitive) : !IsOfWrongKind(primitive))
                && (!primitive.HasElements || ElementsPass(primitive.Extension));
        }

        foreach (var element in instance.EnumerateElements())
        {
            switch (element.Value)
            {
                case Base child when !WouldPass(child):
                    return false;
                case IList list when !ElementsPass(list):
                    return false;
            }
        }

        return true;
    }

    private static bool ElementsPass(IList list)
    {
        foreach (object? item in list)
        {
            if (item is Base child && !WouldPass(child))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Firely's check of one typed literal; a code text found valid once is remembered for its type.</summary>
    internal static bool LiteralValid(PrimitiveType literal)
    {
        if (literal.JsonValue is not string text || !literal.GetType().IsGenericType)
        {
            return Validates(literal); // numbers and booleans: checked every time
        }

        var key = (literal.GetType(), text);
        if (ValidCodes.ContainsKey(key))
        {
            return true;
        }

        if (!Validates(literal))
        {
            return false;
        }

        if (ValidCodes.Count < MaxCachedCodes)
        {
            ValidCodes.TryAdd(key, true);
        }

        return true;
    }

    private static bool Validates(Base literal)
    {
        var mapping = FhirModel.Inspector.FindOrImportClassMapping(literal.GetType());
        return mapping is not null
            && Full.ValidateObject(literal, mapping, new PocoValidationContext(literal, FhirModel.Inspector, NoPath, null, null, NarrativeValidationKind.None)).Count == 0;
    }

    /// <summary>A primitive other than a number, a boolean or an enumerated code (a string, code, uri, id, date, …)
    /// whose literal is not a string: Firely keeps the number or boolean as it is, and the typed getter throws.</summary>
    private static bool IsOfWrongKind(Base instance) =>
        instance is PrimitiveType { JsonValue: not (null or string) } primitive && primitive is not IDynamicType && !IsTypedLiteral(primitive);

    private static bool IsTypedLiteral(Base instance) =>
        instance is FhirDecimal or FhirBoolean or Integer or Integer64 or PositiveInt or UnsignedInt
        || (instance.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(Code<>));
}
