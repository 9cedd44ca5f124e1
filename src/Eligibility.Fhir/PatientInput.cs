using System;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Eligibility.Diagnostics;
using Eligibility.Patients;
using Eligibility.Shared;

namespace Eligibility.Fhir;

/// <summary>
/// Reads a patient record in either format, as the <c>eligibility</c> tool does: JSON whose top-level object says
/// <c>"resourceType": "Bundle"</c> goes to <see cref="FhirBundleReader"/>; any other FHIR resource on its own (a lone
/// <c>Patient</c>, <c>Observation</c>, …) is refused (ELIG3001: give a Bundle); anything else is the native record format,
/// read by <see cref="PatientReader"/>. Only the top level is looked at to decide, so the choice costs nothing. The
/// signature shape is that of the readers: <c>Read(input, fileName = null, limits = null)</c>. Never throws for bad
/// input; thread-safe; reads no clock.
/// </summary>
public static class PatientInput
{
    /// <summary>
    /// Reads a patient file in either format; the path is used as given in diagnostics. Only a regular file is read (a
    /// device, pipe, socket or folder is ELIG0002), and never more than <see cref="InputLimits.MaxRecordBytes"/> of it (ELIG0003).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="limits">The input limits; default <see cref="InputLimits.Default"/>.</param>
    /// <returns>The record or diagnostics.</returns>
    /// <exception cref="EligibilityBugException">Reading failed in a way that is a defect of this library, not of the input.</exception>
    public static PatientReadResult ReadFile(string path, InputLimits? limits = null) => BoundedPatientInput.ReadFile(path, limits, Read);

    /// <summary>
    /// Reads one record in either format from UTF-8 JSON (a file's content, a request body, one NDJSON line) within
    /// <paramref name="limits"/>: each reader checks the limits before anything is built.
    /// </summary>
    /// <param name="utf8">The JSON bytes (a byte order mark is allowed).</param>
    /// <param name="fileName">The name used in diagnostics, if any.</param>
    /// <param name="limits">The input limits; default <see cref="InputLimits.Default"/>.</param>
    /// <returns>The record or diagnostics.</returns>
    /// <exception cref="EligibilityBugException">Reading failed in a way that is a defect of this library, not of the input.</exception>
    public static PatientReadResult Read(byte[] utf8, string? fileName = null, InputLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(utf8);
        limits ??= InputLimits.Default;

        // PeekResourceType reads only the top level (once) and never throws; each reader checks the limits first.
        string? resourceType = BundleLayout.PeekResourceType(utf8);
        if (string.Equals(resourceType, "Bundle", StringComparison.Ordinal))
        {
            return FhirBundleReader.Read(utf8, fileName, limits);
        }

        if (resourceType is not null)
        {
            return limits.Check(utf8, fileName) is { } problem ? new PatientReadResult(null, new[] { problem }) : LoneResource(utf8, fileName);
        }

        return PatientReader.Read(utf8, fileName, limits);
    }

    /// <summary>Reads one record in either format from JSON text, as <see cref="Read(byte[], string?, InputLimits?)"/> does from its UTF-8 bytes.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="fileName">The name used in diagnostics, if any.</param>
    /// <param name="limits">The input limits; default <see cref="InputLimits.Default"/>.</param>
    /// <returns>The record or diagnostics.</returns>
    /// <exception cref="EligibilityBugException">Reading failed in a way that is a defect of this library, not of the input.</exception>
    public static PatientReadResult Read(string json, string? fileName = null, InputLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Read(Encoding.UTF8.GetBytes(json), fileName, limits);
    }

    /// <summary>
    /// Reads one record in either format from a stream, from its position to its end (the stream is not closed), never
    /// reading more than <see cref="InputLimits.MaxRecordBytes"/> of it: a longer stream is ELIG0003, as a longer file is.
    /// The stream need not be seekable. Exceptions of the stream itself (an I/O error) propagate.
    /// </summary>
    /// <param name="stream">The JSON text, UTF-8 (a byte order mark is allowed).</param>
    /// <param name="fileName">The name used in diagnostics, if any.</param>
    /// <param name="limits">The input limits; default <see cref="InputLimits.Default"/>.</param>
    /// <returns>The record or diagnostics.</returns>
    /// <exception cref="EligibilityBugException">Reading failed in a way that is a defect of this library, not of the input.</exception>
    public static PatientReadResult Read(Stream stream, string? fileName = null, InputLimits? limits = null) =>
        BoundedPatientInput.Read(stream, fileName, limits, Read);

    /// <summary>
    /// As <see cref="Read(Stream, string?, InputLimits?)"/>, reading the stream asynchronously (a server reading a request
    /// body); the record is then read from the bytes as <see cref="Read(byte[], string?, InputLimits?)"/> does.
    /// </summary>
    /// <param name="stream">The JSON text, UTF-8 (a byte order mark is allowed).</param>
    /// <param name="fileName">The name used in diagnostics, if any.</param>
    /// <param name="limits">The input limits; default <see cref="InputLimits.Default"/>.</param>
    /// <param name="cancellationToken">Cancels reading the stream.</param>
    /// <returns>The record or diagnostics.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="EligibilityBugException">Reading failed in a way that is a defect of this library, not of the input.</exception>
    public static Task<PatientReadResult> ReadAsync(Stream stream, string? fileName = null, InputLimits? limits = null, CancellationToken cancellationToken = default) =>
        BoundedPatientInput.ReadAsync(stream, fileName, limits, Read, cancellationToken); // faults the task (never throws) on a null stream, as an async method does

    /// <summary>
    /// Prepares the FHIR reader ahead of the first record: builds the FHIR R4 model tables a bundle's read needs and
    /// compiles the reading path, by reading a small built-in bundle (synthetic codes; its record is dropped). Otherwise the
    /// first FHIR record a process reads pays for this, about half a second. A server or a batch can call it at start-up on
    /// another thread while it does something else, such as compiling its rule files (<c>eligibility screen</c> and
    /// <c>evaluate</c> do, when their input looks like FHIR). Optional: reading works the same without it. The work is done
    /// once per process; later calls return at once. Thread-safe; reads no clock.
    /// </summary>
    public static void Prepare()
    {
        if (Volatile.Read(ref prepared) != 0 || Interlocked.Exchange(ref prepared, 1) != 0)
        {
            return;
        }

        FhirBundleReader.Read(PreparationBundle.ToArray(), "(prepare)", InputLimits.Default);
    }

    /// <summary>1 once <see cref="Prepare"/> has started.</summary>
    private static int prepared;

    /// <summary>The bundle <see cref="Prepare"/> reads: one of each resource type the mapper reads, with the members the
    /// common records use. Its codes are synthetic (<c>urn:eligibility:prepare</c>), never clinical.</summary>
    internal static ReadOnlySpan<byte> PreparationBundle => """
        {"resourceType":"Bundle","type":"collection","entry":[
        {"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000001","resource":{"resourceType":"Patient","id":"prepare","gender":"female","birthDate":"1970-01-01"}},
        {"resource":{"resourceType":"Observation","id":"o1","status":"final","category":[{"coding":[{"system":"urn:eligibility:prepare","code":"category"}]}],"code":{"coding":[{"system":"urn:eligibility:prepare","code":"quantity","display":"quantity"}],"text":"quantity"},"subject":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000001"},"effectiveDateTime":"2020-01-01","valueQuantity":{"value":1.5,"unit":"mg/dL","system":"http://unitsofmeasure.org","code":"mg/dL"},"interpretation":[{"coding":[{"system":"urn:eligibility:prepare","code":"N"}]}],"referenceRange":[{"low":{"value":1,"unit":"mg/dL","system":"http://unitsofmeasure.org","code":"mg/dL"},"high":{"value":2,"unit":"mg/dL","system":"http://unitsofmeasure.org","code":"mg/dL"}}],"performer":[{"display":"prepare"}]}},
        {"resource":{"resourceType":"Observation","id":"o2","status":"final","code":{"coding":[{"system":"urn:eligibility:prepare","code":"coded"}]},"subject":{"reference":"Patient/prepare"},"effectivePeriod":{"start":"2020-01-01"},"valueCodeableConcept":{"coding":[{"system":"urn:eligibility:prepare","code":"answer","display":"answer"}]},"component":[{"code":{"coding":[{"system":"urn:eligibility:prepare","code":"part"}]},"valueInteger":1}]}},
        {"resource":{"resourceType":"Observation","id":"o3","status":"final","code":{"coding":[{"system":"urn:eligibility:criterion","code":"PREPARE/C1"}]},"subject":{"reference":"Patient/prepare"},"effectiveDateTime":"2020-01-01T10:00:00Z","valueBoolean":true,"performer":[{"display":"prepare"}]}},
        {"resource":{"resourceType":"Observation","id":"o4","status":"final","code":{"coding":[{"system":"urn:eligibility:prepare","code":"text"}]},"subject":{"reference":"Patient/prepare"},"effectiveDateTime":"2020-01-01","valueString":"text"}},
        {"resource":{"resourceType":"Condition","id":"c1","clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},"verificationStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-ver-status","code":"confirmed"}]},"code":{"coding":[{"system":"urn:eligibility:prepare","code":"condition"}]},"subject":{"reference":"Patient/prepare"},"onsetDateTime":"2019-01-01","abatementDateTime":"2019-06-01"}},
        {"resource":{"resourceType":"Procedure","id":"p1","status":"completed","code":{"coding":[{"system":"urn:eligibility:prepare","code":"procedure"}]},"subject":{"reference":"Patient/prepare"},"performedDateTime":"2019-01-01"}},
        {"resource":{"resourceType":"Immunization","id":"i1","status":"completed","vaccineCode":{"coding":[{"system":"urn:eligibility:prepare","code":"vaccine"}]},"patient":{"reference":"Patient/prepare"},"occurrenceDateTime":"2019-01-01"}},
        {"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000002","resource":{"resourceType":"Medication","id":"m1","code":{"coding":[{"system":"urn:eligibility:prepare","code":"medication","display":"medication"}]}}},
        {"resource":{"resourceType":"MedicationStatement","id":"s1","status":"active","medicationReference":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000002","display":"medication"},"subject":{"reference":"Patient/prepare"},"effectivePeriod":{"start":"2019-01-01","end":"2019-12-31"},"dosage":[{"text":"1 mg daily","timing":{"repeat":{"frequency":1,"period":1,"periodUnit":"d"}},"doseAndRate":[{"doseQuantity":{"value":1,"unit":"mg","system":"http://unitsofmeasure.org","code":"mg"}}]}]}},
        {"resource":{"resourceType":"MedicationStatement","id":"s2","status":"completed","contained":[{"resourceType":"Medication","id":"c","code":{"coding":[{"system":"urn:eligibility:prepare","code":"contained"}]}}],"medicationReference":{"reference":"#c"},"subject":{"reference":"Patient/prepare"},"effectiveDateTime":"2019-01-01"}},
        {"resource":{"resourceType":"MedicationRequest","id":"r1","status":"active","intent":"order","medicationCodeableConcept":{"coding":[{"system":"urn:eligibility:prepare","code":"request"}]},"subject":{"reference":"Patient/prepare"},"authoredOn":"2019-01-01","dosageInstruction":[{"timing":{"repeat":{"frequency":1,"period":1,"periodUnit":"wk"}},"doseAndRate":[{"doseQuantity":{"value":2,"unit":"mg","system":"http://unitsofmeasure.org","code":"mg"}}]}]}},
        {"resource":{"resourceType":"MedicationAdministration","id":"a1","status":"completed","medicationCodeableConcept":{"coding":[{"system":"urn:eligibility:prepare","code":"administration"}]},"subject":{"reference":"Patient/prepare"},"effectiveDateTime":"2019-01-01","dosage":{"dose":{"value":1,"unit":"mg","system":"http://unitsofmeasure.org","code":"mg"}}}},
        {"resource":{"resourceType":"MedicationDispense","id":"d1","status":"completed","medicationCodeableConcept":{"coding":[{"system":"urn:eligibility:prepare","code":"dispense"}]},"subject":{"reference":"Patient/prepare"},"whenHandedOver":"2019-01-01","daysSupply":{"value":30,"unit":"d","system":"http://unitsofmeasure.org","code":"d"}}}
        ]}
        """u8;

    /// <summary>ELIG3001 for a FHIR resource that is not a Bundle, at its <c>resourceType</c>.</summary>
    private static PatientReadResult LoneResource(byte[] utf8, string? fileName)
    {
        var (type, line, column) = ResourceType(utf8);
        return new PatientReadResult(null, new[]
        {
            new Diagnostic(
                code: LoneFhirResource.Code,
                severity: DiagnosticSeverity.Error,
                message: LoneFhirResource.Message(type),
                file: fileName,
                line: line,
                column: column,
                pointer: "/resourceType"),
        });
    }

    /// <summary>The top-level resourceType and the position of its value; <c>resource</c> and no position when the text is not JSON.</summary>
    private static (string Type, int Line, int Column) ResourceType(byte[] utf8)
    {
        int bom = utf8.Length - BundleLayout.WithoutBom(utf8).Length;
        BundleLayout layout;
        try
        {
            layout = BundleLayout.Scan(utf8.AsSpan(bom));
        }
        catch (JsonException)
        {
            return ("resource", 0, 0);
        }

        var positions = new SourcePositions(utf8, bom, utf8.Length - bom);
        var (line, column) = positions.Locate(EntryLayout.Whole(layout, utf8.Length - bom), "/resourceType");
        return (layout.ResourceType ?? "resource", line, column);
    }
}
