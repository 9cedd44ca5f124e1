using System;
using System.IO;
using System.Text.Json;
using Eligibility.Diagnostics;
using Eligibility.Fhir;
using Eligibility.Patients;

namespace Eligibility.Cli.Input;

/// <summary>
/// The one way every command reads patient records: a FHIR R4 Bundle goes to <see cref="FhirBundleReader"/>, a lone FHIR
/// resource is refused (give a Bundle), anything else is the native record format read by <see cref="PatientReader"/>.
/// </summary>
internal static class PatientInput
{
    /// <summary>Reads a patient file (native or FHIR Bundle); the path is used as given in diagnostics.</summary>
    public static PatientReadResult ReadFile(string path)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return Failed(path, DiagnosticCodes.FileUnreadable, "the file does not exist");
            }

            if (info.Length > PatientReader.MaxBytes)
            {
                return Failed(path, DiagnosticCodes.InputTooLarge, $"the file is {info.Length} bytes; patient records are limited to {PatientReader.MaxBytes} bytes");
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return Failed(path, DiagnosticCodes.FileUnreadable, "cannot read the file: " + ex.Message);
        }

        return Read(bytes, path);
    }

    /// <summary>Reads one record from UTF-8 JSON (a file's content, or one NDJSON line).</summary>
    public static PatientReadResult Read(byte[] utf8, string? fileName)
    {
        if (FhirBundleReader.IsBundle(utf8))
        {
            return FhirBundleReader.Read(utf8, fileName);
        }

        if (FhirBundleReader.IsFhirResource(utf8))
        {
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

        return PatientReader.Read(utf8, fileName);
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
