using System;
using System.Collections.Generic;
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
/// Reads a FHIR R4 <c>Bundle</c> (JSON, any bundle type) into the native <see cref="PatientRecord"/> (docs/fhir.md).
/// Every entry's resource is parsed on its own with the Firely SDK, so one bad resource gives one positioned error and
/// the others are still checked. Never throws for bad input: problems come back as diagnostics with file, line, column,
/// JSON pointer and the resource they are about (<c>Observation/abc</c>). Thread-safe; reads no clock.
/// </summary>
public static class FhirBundleReader
{
    /// <summary>Whether the JSON's top-level object has <c>"resourceType": "Bundle"</c>. Reads only the top level; never throws.</summary>
    /// <param name="utf8">The JSON text, UTF-8 (a byte order mark is allowed).</param>
    /// <returns><c>true</c> for a FHIR Bundle.</returns>
    public static bool IsBundle(ReadOnlySpan<byte> utf8) =>
        string.Equals(BundleLayout.PeekResourceType(utf8), "Bundle", StringComparison.Ordinal);

    /// <summary>Whether the JSON's top-level object has any <c>resourceType</c>, i.e. is a FHIR resource of some kind
    /// (a lone resource that is not a Bundle is not a patient record: callers reject it). Reads only the top level; never throws.</summary>
    /// <param name="utf8">The JSON text, UTF-8 (a byte order mark is allowed).</param>
    /// <returns><c>true</c> for a FHIR resource, Bundle or not.</returns>
    public static bool IsFhirResource(ReadOnlySpan<byte> utf8) => BundleLayout.PeekResourceType(utf8) is not null;

    /// <summary>
    /// Reads a bundle file; the path is used as given in diagnostics. Only a regular file is read (a device, pipe, socket
    /// or folder is ELIG0002), and never more than <see cref="InputLimits.MaxRecordBytes"/> bytes of it (ELIG0003).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="limits">The input limits; default <see cref="InputLimits.Default"/>.</param>
    /// <returns>The patient record, or <c>null</c> with the errors; warnings either way.</returns>
    /// <exception cref="EligibilityBugException">Mapping failed in a way that is a defect of this library, not of the bundle.</exception>
    public static PatientReadResult ReadFile(string path, InputLimits? limits = null) => BoundedPatientInput.ReadFile(path, limits, Read);

    /// <summary>
    /// Reads a bundle from UTF-8 JSON. The bytes are checked against <paramref name="limits"/> (size, longest string,
    /// nesting, array length: ELIG0003, ELIG0005) and for text that is not valid UTF-8 anywhere in the bundle (ELIG0001):
    /// in the one pass that reads the bundle when whole-text tests show that only the nesting can be over its limit, else
    /// by a scan of their own before anything is parsed; either way with the same diagnostics, and a hostile input costs
    /// bounded time and memory.
    /// </summary>
    /// <param name="utf8">The JSON text, UTF-8 (a byte order mark is allowed).</param>
    /// <param name="fileName">The name used in diagnostics, if any.</param>
    /// <param name="limits">The input limits; default <see cref="InputLimits.Default"/>.</param>
    /// <returns>The patient record, or <c>null</c> with the errors; warnings either way.</returns>
    /// <exception cref="EligibilityBugException">Mapping failed in a way that is a defect of this library, not of the
    /// bundle (bad input never throws; it comes back as diagnostics). The original exception is the inner exception.</exception>
    public static PatientReadResult Read(byte[] utf8, string? fileName = null, InputLimits? limits = null) => Read(utf8, fileName, ResourceParsing.Fast, null, limits);

    /// <summary>Reads a bundle from JSON text, as <see cref="Read(byte[], string?, InputLimits?)"/> does from its UTF-8 bytes.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="fileName">The name used in diagnostics, if any.</param>
    /// <param name="limits">The input limits; default <see cref="InputLimits.Default"/>.</param>
    /// <returns>The patient record, or <c>null</c> with the errors; warnings either way.</returns>
    /// <exception cref="EligibilityBugException">Mapping failed in a way that is a defect of this library, not of the bundle.</exception>
    public static PatientReadResult Read(string json, string? fileName = null, InputLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Read(Encoding.UTF8.GetBytes(json), fileName, limits);
    }

    /// <summary>
    /// Reads a bundle from a stream, from its position to its end (the stream is not closed), never reading more than
    /// <see cref="InputLimits.MaxRecordBytes"/> of it: a longer stream is ELIG0003, as a longer file is. The stream need
    /// not be seekable. Exceptions of the stream itself (an I/O error) propagate.
    /// </summary>
    /// <param name="stream">The JSON text, UTF-8 (a byte order mark is allowed).</param>
    /// <param name="fileName">The name used in diagnostics, if any.</param>
    /// <param name="limits">The input limits; default <see cref="InputLimits.Default"/>.</param>
    /// <returns>The patient record, or <c>null</c> with the errors; warnings either way.</returns>
    /// <exception cref="EligibilityBugException">Mapping failed in a way that is a defect of this library, not of the bundle.</exception>
    public static PatientReadResult Read(Stream stream, string? fileName = null, InputLimits? limits = null) =>
        BoundedPatientInput.Read(stream, fileName, limits, Read);

    /// <summary>
    /// As <see cref="Read(Stream, string?, InputLimits?)"/>, reading the stream asynchronously (a server reading a request
    /// body); the bundle is then read from the bytes as <see cref="Read(byte[], string?, InputLimits?)"/> does.
    /// </summary>
    /// <param name="stream">The JSON text, UTF-8 (a byte order mark is allowed).</param>
    /// <param name="fileName">The name used in diagnostics, if any.</param>
    /// <param name="limits">The input limits; default <see cref="InputLimits.Default"/>.</param>
    /// <param name="cancellationToken">Cancels reading the stream.</param>
    /// <returns>The patient record, or <c>null</c> with the errors; warnings either way.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="EligibilityBugException">Mapping failed in a way that is a defect of this library, not of the bundle.</exception>
    public static Task<PatientReadResult> ReadAsync(Stream stream, string? fileName = null, InputLimits? limits = null, CancellationToken cancellationToken = default) =>
        BoundedPatientInput.ReadAsync(stream, fileName, limits, Read, cancellationToken); // faults the task (never throws) on a null stream, as an async method does

    /// <summary>As <see cref="Read(byte[], string?, InputLimits?)"/>; <paramref name="validateEveryResource"/> skips the fast
    /// reader and the unvalidated first parse (<see cref="BundleMapper.UncheckedDeserializer"/>), so tests can show that
    /// both paths give the same result.</summary>
    internal static PatientReadResult Read(byte[] utf8, string? fileName, bool validateEveryResource, InputLimits? limits = null) =>
        Read(utf8, fileName, validateEveryResource ? ResourceParsing.Validating : ResourceParsing.Fast, null, limits);

    /// <summary>As <see cref="Read(byte[], string?, InputLimits?)"/>, parsing the used resources as <paramref name="parsing"/>
    /// says and counting in <paramref name="counts"/> how they were parsed, so tests can compare the ways of parsing and see
    /// that the fast reader takes the common bundles.</summary>
    internal static PatientReadResult Read(byte[] utf8, string? fileName, ResourceParsing parsing, ParseCounts? counts, InputLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(utf8);
        limits ??= InputLimits.Default;
        bool parseResources = parsing == ResourceParsing.Fast;

        // One pass: when nothing but the nesting depth can exceed the limits, the layout pass checks it; any problem in
        // that pass (deeper text, or a syntax error) and the check and the pass run as before, so diagnostics are theirs.
        var (bom, positions, diagnostics, scanned) = LayoutLimits.OnlyDepthLeft(utf8, limits)
            ? Scan(utf8, fileName, parseResources, limits.MaxDepth)
            : default;
        if (scanned is null)
        {
            if (limits.Check(utf8, fileName) is { } problem)
            {
                return new PatientReadResult(null, new[] { problem });
            }

            (bom, positions, diagnostics, scanned) = Scan(utf8, fileName, parseResources);
        }

        if (scanned is not { } layout)
        {
            return new PatientReadResult(null, diagnostics.Items);
        }

        if (!string.Equals(layout.ResourceType, "Bundle", StringComparison.Ordinal))
        {
            string message = !layout.IsObject ? "a FHIR Bundle must be a JSON object"
                : layout.ResourceType is null ? "this JSON has no 'resourceType', so it is not a FHIR Bundle"
                : LoneFhirResource.Message(layout.ResourceType);
            string pointer = layout.ResourceType is null ? string.Empty : "/resourceType";
            var (line, column) = positions.Locate(EntryLayout.Whole(layout, utf8.Length - bom), pointer);
            diagnostics.Add(new Diagnostic(
                code: layout.IsObject && layout.ResourceType is not null ? LoneFhirResource.Code : FhirDiagnosticCodes.NotBundle,
                severity: DiagnosticSeverity.Error,
                message: message,
                file: fileName,
                line: line,
                column: column,
                pointer: pointer));
            return new PatientReadResult(null, diagnostics.Items);
        }

        PatientRecord patient;
        try
        {
            patient = new BundleMapper(utf8, bom, layout, diagnostics, parsing, counts).Map();
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or EligibilityBugException))
        {
            // Bad input is reported as diagnostics while parsing and mapping; an exception here is a defect, not the
            // bundle's fault. That includes Firely's CodedValidationException from a typed getter: every literal the
            // mapper reads has been checked by the parse (LiteralValidator), so a value Firely refuses when it is read
            // is one the checks missed.
            throw new EligibilityBugException($"internal error while mapping the FHIR bundle {fileName ?? "<input>"}: {ex.GetType().Name}: {ex.Message}", ex);
        }

        return new PatientReadResult(diagnostics.HasErrors ? null : patient, diagnostics.Items);
    }

    /// <summary>
    /// The opening of both FHIR readers (bundles and value sets): the byte order mark's length, the positions over the
    /// text after it, the diagnostics that use them, and the top-level layout, or <c>null</c> with the syntax error
    /// (ELIG0001) already added when the text is not well-formed JSON.
    /// </summary>
    internal static (int Bom, SourcePositions Positions, MappingDiagnostics Diagnostics, BundleLayout? Layout) Scan(byte[] utf8, string? fileName, bool parseResources = false, int maxDepth = BundleLayout.MaxDepth)
    {
        int bom = utf8.Length - BundleLayout.WithoutBom(utf8).Length;
        var positions = new SourcePositions(utf8, bom, utf8.Length - bom);
        var diagnostics = new MappingDiagnostics(fileName, positions);
        try
        {
            return (bom, positions, diagnostics, BundleLayout.Scan(utf8.AsSpan(bom), parseResources, maxDepth, forMapping: parseResources));
        }
        catch (JsonException ex)
        {
            diagnostics.Add(SyntaxError(ex, positions, fileName));
            return (bom, positions, diagnostics, null);
        }
    }

    /// <summary>ELIG0001 for text that is not well-formed JSON, at the reader's line and column (without the reader's
    /// own position suffix in the message).</summary>
    internal static Diagnostic SyntaxError(JsonException ex, SourcePositions positions, string? fileName)
    {
        var (line, column) = positions.ReaderPosition(ex.LineNumber ?? 0, ex.BytePositionInLine ?? 0);
        string message = ex.Message;
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut > 0)
        {
            message = message[..cut];
        }

        return new Diagnostic(
            code: DiagnosticCodes.JsonSyntax,
            severity: DiagnosticSeverity.Error,
            message: "invalid JSON: " + message.TrimEnd(),
            file: fileName,
            line: line,
            column: column);
    }
}
