using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using Eligibility.Diagnostics;
using Eligibility.Patients;

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

    /// <summary>Reads a bundle file; the path is used as given in diagnostics.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The patient record, or <c>null</c> with the errors; warnings either way.</returns>
    public static PatientReadResult ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > PatientReader.MaxBytes)
            {
                return Failed(path, DiagnosticCodes.InputTooLarge, $"the file is {info.Length} bytes; patient records are limited to {PatientReader.MaxBytes} bytes");
            }

            return Read(File.ReadAllBytes(path), path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or System.Security.SecurityException)
        {
            return Failed(path, DiagnosticCodes.FileUnreadable, "cannot read the file: " + ex.Message);
        }
    }

    /// <summary>Reads a bundle from UTF-8 JSON.</summary>
    /// <param name="utf8">The JSON text, UTF-8 (a byte order mark is allowed).</param>
    /// <param name="fileName">The name used in diagnostics, if any.</param>
    /// <returns>The patient record, or <c>null</c> with the errors; warnings either way.</returns>
    public static PatientReadResult Read(byte[] utf8, string? fileName = null) => Read(utf8, fileName, validateEveryResource: false);

    /// <summary>As <see cref="Read(byte[], string?)"/>; <paramref name="validateEveryResource"/> skips the unvalidated first
    /// parse (<see cref="BundleMapper.UncheckedDeserializer"/>), so tests can show that both paths give the same result.</summary>
    internal static PatientReadResult Read(byte[] utf8, string? fileName, bool validateEveryResource)
    {
        ArgumentNullException.ThrowIfNull(utf8);
        if (utf8.Length > PatientReader.MaxBytes)
        {
            return Failed(fileName, DiagnosticCodes.InputTooLarge, $"the input is {utf8.Length} bytes; patient records are limited to {PatientReader.MaxBytes} bytes");
        }

        int bom = utf8.Length - BundleLayout.WithoutBom(utf8).Length;
        var positions = new SourcePositions(utf8, bom, utf8.Length - bom);
        var diagnostics = new MappingDiagnostics(fileName, positions);
        BundleLayout layout;
        try
        {
            layout = BundleLayout.Scan(utf8.AsSpan(bom));
        }
        catch (JsonException ex)
        {
            diagnostics.Add(SyntaxError(ex, positions, fileName));
            return new PatientReadResult(null, diagnostics.Items);
        }

        if (!string.Equals(layout.ResourceType, "Bundle", StringComparison.Ordinal))
        {
            string message = !layout.IsObject ? "a FHIR Bundle must be a JSON object"
                : layout.ResourceType is null ? "this JSON has no 'resourceType', so it is not a FHIR Bundle"
                : $"a lone FHIR {layout.ResourceType} is not a patient record; give a FHIR Bundle (or a native patient record)";
            string pointer = layout.ResourceType is null ? string.Empty : "/resourceType";
            var (line, column) = positions.Locate(EntryLayout.Whole(layout, utf8.Length - bom), pointer);
            diagnostics.Add(new Diagnostic
            {
                Code = FhirDiagnosticCodes.NotBundle,
                Severity = DiagnosticSeverity.Error,
                Message = message,
                File = fileName,
                Line = line,
                Column = column,
                Pointer = pointer,
            });
            return new PatientReadResult(null, diagnostics.Items);
        }

        try
        {
            var patient = new BundleMapper(utf8, bom, layout, diagnostics, validateEveryResource).Map();
            return new PatientReadResult(diagnostics.HasErrors ? null : patient, diagnostics.Items);
        }
#pragma warning disable CA1031 // The reader's promise is "never throws for bad input": a defect in mapping becomes a diagnostic.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            diagnostics.Add(new Diagnostic
            {
                Code = FhirDiagnosticCodes.InvalidResource,
                Severity = DiagnosticSeverity.Error,
                Message = "the bundle could not be mapped: " + ex.Message,
                File = fileName,
                Line = 1,
                Column = 1,
                Pointer = string.Empty,
            });
            return new PatientReadResult(null, diagnostics.Items);
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

        return new Diagnostic
        {
            Code = DiagnosticCodes.JsonSyntax,
            Severity = DiagnosticSeverity.Error,
            Message = "invalid JSON: " + message.TrimEnd(),
            File = fileName,
            Line = line,
            Column = column,
        };
    }

    private static PatientReadResult Failed(string? file, string code, string message) =>
        new(null, new List<Diagnostic> { new() { Code = code, Severity = DiagnosticSeverity.Error, Message = message, File = file, Pointer = string.Empty } });
}
