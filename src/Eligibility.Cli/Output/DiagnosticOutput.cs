using System.Collections.Generic;
using System.IO;
using Eligibility.Diagnostics;

namespace Eligibility.Cli.Output;

/// <summary>
/// Writes diagnostics in MSBuild's canonical form, one per line (<c>path(line,col): error CODE: message</c>; the
/// severity is <c>error</c>, <c>warning</c> or <c>info</c>).
/// </summary>
internal static class DiagnosticOutput
{
    public static void WriteAll(TextWriter writer, IEnumerable<Diagnostic> diagnostics, bool warningsAsErrors = false)
    {
        foreach (var d in diagnostics)
        {
            writer.WriteLine(Promote(d, warningsAsErrors).ToString());
        }
    }

    /// <summary>A warning as an error when warnings are treated as errors; errors and information are never changed.</summary>
    public static Diagnostic Promote(Diagnostic d, bool warningsAsErrors) =>
        warningsAsErrors && d.Severity == DiagnosticSeverity.Warning ? new Diagnostic(d.Code, DiagnosticSeverity.Error, d.Message, d.File, d.Line, d.Column, d.Pointer) : d;

    /// <summary>A file-level error (no position).</summary>
    public static Diagnostic FileError(string path, string code, string message) =>
        new Diagnostic(code: code, severity: DiagnosticSeverity.Error, message: message, file: path, pointer: string.Empty);
}
