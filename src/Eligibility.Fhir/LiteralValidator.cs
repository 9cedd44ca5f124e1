using System;
using System.Collections;
using System.Collections.Generic;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;
using Hl7.Fhir.Validation;

namespace Eligibility.Fhir;

/// <summary>
/// The deserialization checks eligibility needs, without the rest: every primitive's literal is validated by Firely's
/// own attribute validator (a decimal that is not a number, a code or date that breaks its pattern), and so is a value of
/// the wrong shape (a single element where a list belongs) or an element the model does not have, while the profile checks of complex elements (cardinality,
/// mandatory elements, allowed choice types) are skipped.
/// Those are warnings here anyway (ELIG3109) and cost most of a read; the mapping itself checks every element it reads.
/// </summary>
internal sealed class LiteralValidator : IPocoValidator
{
    public static readonly LiteralValidator Instance = new();

    private static readonly FhirAttributeValidator Full = new();

    private LiteralValidator()
    {
    }

    /// <summary>Only an element the model does not have (the deserializer maps it on the fly) and a value of the wrong shape
    /// (one element where the model has a list, or the reverse) are checked, fully.</summary>
    public IReadOnlyCollection<CodedValidationException> ValidateProperty(string name, object? propertyValue, PropertyMapping? propertyMapping, PocoValidationContext context) =>
        propertyMapping is null || propertyMapping.IsCustomMapping || (propertyValue is not null && propertyMapping.IsCollection != propertyValue is IList)
            ? Full.ValidateProperty(name, propertyValue, propertyMapping, context)
            : Array.Empty<CodedValidationException>();

    /// <summary>Numbers, booleans and enumerated codes: the literals the mapping reads through typed getters.</summary>
    public IReadOnlyCollection<CodedValidationException> ValidateObject(Base instance, ClassMapping classMapping, PocoValidationContext context) =>
        IsTypedLiteral(instance) ? Full.ValidateObject(instance, classMapping, context) : Array.Empty<CodedValidationException>();

    private static bool IsTypedLiteral(Base instance) =>
        instance is FhirDecimal or FhirBoolean or Integer or Integer64 or PositiveInt or UnsignedInt
        || (instance.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(Code<>));
}
