using System;
using System.Collections.Generic;
using System.Reflection;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification;

namespace Eligibility.Fhir;

/// <summary>
/// The R4 model tables the fast read looks elements up in (<see cref="FastResourceReader"/>, <see cref="LiteralValidator"/>):
/// the resource types eligibility reads and every data type of R4, imported when first needed, anything else on its
/// first use. Firely's own <c>ModelInfo.ModelInspector</c> imports the whole R4 assembly (every resource and component
/// class) at its first use, about half a second of a process's first FHIR read; this holds about a tenth of that. Its
/// class mappings are Firely's own, made the same way from the same classes, so an element resolves to the same thing in
/// both. A name this one has not met (a contained resource of a type eligibility does not read) finds nothing here, and the
/// fast reader then leaves the resource to Firely's parse, which uses the whole model: the same records and diagnostics,
/// only slower (tests/Eligibility.Fhir.Tests/FastReadTests.cs compares the two over every test bundle). Thread-safe.
/// </summary>
internal static class FhirModel
{
    /// <summary>The tables.</summary>
    public static ModelInspector Inspector => Holder.Inspector;

    /// <summary>Made at the first use of <see cref="Inspector"/> (the explicit static constructor keeps it from being made
    /// any earlier).</summary>
    private static class Holder
    {
        public static readonly ModelInspector Inspector = Create();

        static Holder()
        {
        }
    }

    private static ModelInspector Create()
    {
        // An element of any type (an extension's value[x]) allows the R4 open types, which Firely's inspector learns when it
        // imports the whole assembly; this one is told them before it imports anything, through the property's non-public
        // setter. Should a Firely version not have it, the whole model is used, as before (slower, the same answers). The
        // list is not read from ModelInfo.OpenTypes: touching ModelInfo runs its static constructor, another half second.
        var inspector = new ModelInspector(FhirRelease.R4);
        if (typeof(ModelInspector).GetProperty(nameof(ModelInspector.OpenTypes))?.GetSetMethod(nonPublic: true) is not { } setOpenTypes)
        {
            return ModelInfo.ModelInspector;
        }

        setOpenTypes.Invoke(inspector, [OpenTypes]);
        foreach (string name in BundleMapper.UsedTypes)
        {
            inspector.ImportType(ResourceClass(name));
        }

        foreach (var assembly in new[] { typeof(Patient).Assembly, typeof(Base).Assembly, typeof(RelatedArtifact).Assembly })
        {
            foreach (var type in assembly.GetExportedTypes())
            {
                if (type.IsSubclassOf(typeof(DataType)) && !type.IsAbstract && !type.IsGenericTypeDefinition && type.GetCustomAttribute<FhirTypeAttribute>() is not null)
                {
                    inspector.ImportType(type);
                }
            }
        }

        return inspector;
    }

    /// <summary>
    /// The R4 open types (the types an element of any type may have), in the order of Firely's <c>ModelInfo.OpenTypes</c>;
    /// a test checks that they are the same list.
    /// </summary>
    internal static readonly Type[] OpenTypes =
    [
        typeof(Hl7.Fhir.Model.Address), typeof(Hl7.Fhir.Model.Age), typeof(Hl7.Fhir.Model.Annotation), typeof(Hl7.Fhir.Model.Attachment), typeof(Hl7.Fhir.Model.Base64Binary), typeof(Hl7.Fhir.Model.FhirBoolean),
        typeof(Hl7.Fhir.Model.Canonical), typeof(Hl7.Fhir.Model.Code), typeof(Hl7.Fhir.Model.CodeableConcept), typeof(Hl7.Fhir.Model.Coding), typeof(Hl7.Fhir.Model.ContactDetail), typeof(Hl7.Fhir.Model.ContactPoint),
        typeof(Hl7.Fhir.Model.Contributor), typeof(Hl7.Fhir.Model.Count), typeof(Hl7.Fhir.Model.DataRequirement), typeof(Hl7.Fhir.Model.Date), typeof(Hl7.Fhir.Model.FhirDateTime), typeof(Hl7.Fhir.Model.FhirDecimal),
        typeof(Hl7.Fhir.Model.Distance), typeof(Hl7.Fhir.Model.Dosage), typeof(Hl7.Fhir.Model.Duration), typeof(Hl7.Fhir.Model.Expression), typeof(Hl7.Fhir.Model.HumanName), typeof(Hl7.Fhir.Model.Id),
        typeof(Hl7.Fhir.Model.Identifier), typeof(Hl7.Fhir.Model.Instant), typeof(Hl7.Fhir.Model.Integer), typeof(Hl7.Fhir.Model.Markdown), typeof(Hl7.Fhir.Model.Meta), typeof(Hl7.Fhir.Model.Money), typeof(Hl7.Fhir.Model.Oid),
        typeof(Hl7.Fhir.Model.ParameterDefinition), typeof(Hl7.Fhir.Model.Period), typeof(Hl7.Fhir.Model.PositiveInt), typeof(Hl7.Fhir.Model.Quantity), typeof(Hl7.Fhir.Model.Range),
        typeof(Hl7.Fhir.Model.Ratio), typeof(Hl7.Fhir.Model.ResourceReference), typeof(Hl7.Fhir.Model.RelatedArtifact), typeof(Hl7.Fhir.Model.SampledData), typeof(Hl7.Fhir.Model.Signature),
        typeof(Hl7.Fhir.Model.FhirString), typeof(Hl7.Fhir.Model.Time), typeof(Hl7.Fhir.Model.Timing), typeof(Hl7.Fhir.Model.TriggerDefinition), typeof(Hl7.Fhir.Model.UnsignedInt), typeof(Hl7.Fhir.Model.FhirUri),
        typeof(Hl7.Fhir.Model.FhirUrl), typeof(Hl7.Fhir.Model.UsageContext), typeof(Hl7.Fhir.Model.Uuid),
    ];

    /// <summary>The class of a resource type eligibility reads (<see cref="BundleMapper.UsedTypes"/>): R4's class of that name.</summary>
    private static Type ResourceClass(string name) =>
        typeof(Patient).Assembly.GetType("Hl7.Fhir.Model." + name) is { IsClass: true } type && type.IsSubclassOf(typeof(Resource))
            ? type
            : throw new EligibilityBugException($"no R4 class is known for the used resource type {name}");
}
