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

        // PeekResourceType reads only the top level and never throws; each reader checks the limits first.
        if (FhirBundleReader.IsBundle(utf8))
        {
            return FhirBundleReader.Read(utf8, fileName, limits);
        }

        if (FhirBundleReader.IsFhirResource(utf8))
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
