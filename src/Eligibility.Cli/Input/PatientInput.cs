using System;
using System.Text.Json;
using Eligibility.Diagnostics;
using Eligibility.Fhir;
using Eligibility.Patients;
using Eligibility.Shared;

namespace Eligibility.Cli.Input;

/// <summary>
/// The one way every command reads patient records: a FHIR R4 Bundle goes to <see cref="FhirBundleReader"/>, a lone FHIR
/// resource is refused (give a Bundle), anything else is the native record format read by <see cref="PatientReader"/>.
/// </summary>
internal static class PatientInput
{
    /// <summary>
    /// Reads a patient file (native or FHIR Bundle); the path is used as given in diagnostics. Only a regular file is read
    /// (a device, pipe, socket or folder is ELIG0002), never more than <see cref="InputLimits.MaxRecordBytes"/> of it (ELIG0003).
    /// </summary>
    public static PatientReadResult ReadFile(string path, InputLimits? limits = null)
    {
        limits ??= InputLimits.Default;
        var file = BoundedFile.Read(path, limits.MaxRecordBytes, "patient records");
        if (file.Bytes is not { } bytes)
        {
            return Failed(path, file.Code!, file.Message!);
        }

        return Read(bytes, path, limits);
    }

    /// <summary>
    /// Reads one record from UTF-8 JSON (a file's content, or one NDJSON line) within <paramref name="limits"/> (default
    /// <see cref="InputLimits.Default"/>). Bad input comes back as diagnostics; a defect in a reader throws
    /// <see cref="EligibilityBugException"/> (the tool exits 3 on it).
    /// </summary>
    public static PatientReadResult Read(byte[] utf8, string? fileName, InputLimits? limits = null)
    {
        limits ??= InputLimits.Default;

        // Each reader checks the limits first; PeekResourceType reads only the top level and never throws.
        if (FhirBundleReader.IsBundle(utf8))
        {
            return FhirBundleReader.Read(utf8, fileName, limits);
        }

        if (FhirBundleReader.IsFhirResource(utf8))
        {
            if (limits.Check(utf8, fileName) is { } problem)
            {
                return new PatientReadResult(null, new[] { problem });
            }

            var (type, line, column) = ResourceType(utf8);
            return new PatientReadResult(null, new[]
            {
                new Diagnostic
                {
                    Code = DiagnosticCodes.PatientNotRecord,
                    Severity = DiagnosticSeverity.Error,
                    Message = $"a lone FHIR {type} is not supported; give a Bundle (or a native patient record)",
                    File = fileName,
                    Line = line,
                    Column = column,
                    Pointer = "/resourceType",
                },
            });
        }

        return PatientReader.Read(utf8, fileName, limits);
    }

    private static PatientReadResult Failed(string path, string code, string message) =>
        new(null, new[] { new Diagnostic { Code = code, Severity = DiagnosticSeverity.Error, Message = message, File = path, Pointer = string.Empty } });

    /// <summary>The top-level resourceType and the position of its value.</summary>
    private static (string Type, int Line, int Column) ResourceType(byte[] utf8)
    {
        var positions = JsonPositions.TryBuild(utf8);
        var at = positions?.Find("/resourceType");
        string type = "resource";
        try
        {
            using var doc = JsonDocument.Parse(JsonPositions.WithoutBom(utf8));
            if (doc.RootElement.TryGetProperty("resourceType", out var value) && value.ValueKind == JsonValueKind.String)
            {
                type = value.GetString() ?? type;
            }
        }
        catch (JsonException)
        {
        }

        return (type, at?.Line ?? 0, at?.Column ?? 0);
    }
}
