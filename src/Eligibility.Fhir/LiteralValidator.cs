using System;
using System.Collections;
using System.Collections.Generic;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;
using Hl7.Fhir.Validation;

namespace Eligibility.Fhir;

/// <summary>
/// The deserialization checks eligibility needs, without the rest (docs/fhir.md). Firely's own
/// <see cref="FhirAttributeValidator"/> still checks the literals the mapping reads through typed values (decimals,
/// booleans, integers, <c>Code&lt;T&gt;</c> statuses), elements the R4 model does not have, and values of the wrong
/// list/single shape. Profile checks of complex elements (cardinality, mandatory elements, allowed choice types) are
/// skipped: they only ever gave warnings (ELIG3109) about content eligibility does not read, and took a quarter to a
/// third of a bundle read (benchmarks/RESULTS.md). Dates are checked by the mapper (ELIG3104).
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
