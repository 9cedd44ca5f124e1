using System.Collections.Generic;
using System.IO;
using Eligibility.Diagnostics;

namespace Eligibility.Cli.Output;

/// <summary>Writes diagnostics in MSBuild's canonical form, one per line (<c>path(line,col): error CODE: message</c>).</summary>
internal static class DiagnosticOutput
{
    public static void WriteAll(TextWriter writer, IEnumerable<Diagnostic> diagnostics, bool warningsAsErrors = false)
    {
        foreach (var d in diagnostics)
        {
            writer.WriteLine(Promote(d, warningsAsErrors).ToString());
        }
    }

    /// <summary>The diagnostic as an error when warnings are treated as errors.</summary>
    public static Diagnostic Promote(Diagnostic d, bool warningsAsErrors) =>
        warningsAsErrors && !d.IsError ? d with { Severity = DiagnosticSeverity.Error } : d;

    /// <summary>A file-level error (no position).</summary>
    public static Diagnostic FileError(string path, string code, string message) =>
        new() { Code = code, Severity = DiagnosticSeverity.Error, Message = message, File = path, Pointer = string.Empty };
}
