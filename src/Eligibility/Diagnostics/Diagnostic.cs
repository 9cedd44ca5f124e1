using System.Globalization;

namespace Eligibility.Diagnostics;

/// <summary>
/// One problem found in a rule file or patient record, with a permanent code, a position and a JSON pointer.
/// <see cref="ToString"/> prints MSBuild's canonical form <c>path(line,col): error ELIG2001: message</c>.
/// </summary>
public sealed record Diagnostic
{
    /// <summary>The permanent code, e.g. <c>ELIG2001</c> (docs/diagnostics.md lists them all).</summary>
    public required string Code { get; init; }

    /// <summary>Error, warning or information.</summary>
    public required DiagnosticSeverity Severity { get; init; }

    /// <summary>What is wrong, in one sentence.</summary>
    public required string Message { get; init; }

    /// <summary>The file (as given by the caller), or <c>null</c> for text with no file.</summary>
    public string? File { get; init; }

    /// <summary>1-based line, or 0 when no position applies (e.g. a missing file).</summary>
    public int Line { get; init; }

    /// <summary>1-based column (in UTF-16 characters), or 0 when no position applies.</summary>
    public int Column { get; init; }

    /// <summary>The RFC 6901 JSON pointer of the offending value (<c>""</c> for the root), when known.</summary>
    public string? Pointer { get; init; }

    /// <summary>Whether this is an error.</summary>
    public bool IsError => Severity == DiagnosticSeverity.Error;

    /// <summary>MSBuild's canonical form: <c>path(line,col): error CODE: message</c>.</summary>
    /// <returns>The formatted line.</returns>
    public override string ToString()
    {
        string severity = Severity switch { DiagnosticSeverity.Error => "error", DiagnosticSeverity.Info => "info", _ => "warning" };
        string file = File ?? "<input>";
        return Line > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{file}({Line},{Column}): {severity} {Code}: {Message}")
            : $"{file}: {severity} {Code}: {Message}";
    }
}
