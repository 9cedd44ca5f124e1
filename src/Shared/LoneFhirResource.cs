// One source file, linked into the assemblies that refuse a FHIR resource given on its own where a patient record is
// expected (Eligibility: PatientReader; Eligibility.Fhir: FhirBundleReader and PatientInput), so that all three give one
// code and one message.
using Eligibility.Diagnostics;

namespace Eligibility.Shared;

/// <summary>A FHIR resource on its own (a Patient, an Observation: anything with a <c>resourceType</c> but Bundle) is not
/// a patient record: ELIG3001 at its <c>resourceType</c>, whichever reader is given it.</summary>
internal static class LoneFhirResource
{
    /// <summary>The code: ELIG3001 (<see cref="DiagnosticCodes.PatientNotRecord"/>), the older of the two once used.</summary>
    public const string Code = DiagnosticCodes.PatientNotRecord;

    /// <summary>The message for a lone resource of type <paramref name="resourceType"/>.</summary>
    /// <param name="resourceType">The resource's <c>resourceType</c> (<c>resource</c> when it cannot be told).</param>
    /// <returns>The message.</returns>
    public static string Message(string resourceType) =>
        $"a lone FHIR {resourceType} is not supported; give a Bundle (or a native patient record)";
}
