using System;
using System.Globalization;
using Eligibility.Diagnostics;

namespace Eligibility;

/// <summary>
/// One problem found in a rule file or patient record, with a permanent code, a position and a JSON pointer.
/// <see cref="ToString"/> prints MSBuild's canonical form <c>path(line,col): error ELIG2001: message</c>.
/// </summary>
/// <remarks>
/// A sealed class with read-only properties. Its constructor is public because readers of other formats produce
/// diagnostics too (<c>Eligibility.Fhir</c> is one). Two diagnostics are equal when every property is (it holds no list).
/// </remarks>
public sealed class Diagnostic : IEquatable<Diagnostic>
{
    /// <summary>Creates a diagnostic.</summary>
    /// <param name="code">The permanent code, e.g. <c>ELIG2001</c>.</param>
    /// <param name="severity">Error, warning or information.</param>
    /// <param name="message">What is wrong, in one sentence.</param>
    /// <param name="file">The file, as the caller named it, or <c>null</c>.</param>
    /// <param name="line">1-based line, or 0 when no position applies.</param>
    /// <param name="column">1-based column in UTF-16 characters, or 0 when no position applies.</param>
    /// <param name="pointer">The RFC 6901 JSON pointer of the offending value, when known.</param>
    /// <exception cref="ArgumentException"><paramref name="code"/> or <paramref name="message"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="line"/> or <paramref name="column"/> is negative.</exception>
    public Diagnostic(string code, DiagnosticSeverity severity, string message, string? file = null, int line = 0, int column = 0, string? pointer = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        ArgumentException.ThrowIfNullOrEmpty(message);
        ArgumentOutOfRangeException.ThrowIfNegative(line);
        ArgumentOutOfRangeException.ThrowIfNegative(column);
        Code = code;
        Severity = severity;
        Message = message;
        File = file;
        Line = line;
        Column = column;
        Pointer = pointer;
    }

    internal Diagnostic()
    {
    }

    /// <summary>The permanent code, e.g. <c>ELIG2001</c> (docs/diagnostics.md lists them all).</summary>
    public string Code { get; internal init; } = string.Empty;

    /// <summary>Error, warning or information.</summary>
    public DiagnosticSeverity Severity { get; internal init; }

    /// <summary>What is wrong, in one sentence.</summary>
    public string Message { get; internal init; } = string.Empty;

    /// <summary>The file (as given by the caller), or <c>null</c> for text with no file.</summary>
    public string? File { get; internal init; }

    /// <summary>1-based line, or 0 when no position applies (e.g. a missing file).</summary>
    public int Line { get; internal init; }

    /// <summary>1-based column (in UTF-16 characters), or 0 when no position applies.</summary>
    public int Column { get; internal init; }

    /// <summary>The RFC 6901 JSON pointer of the offending value (<c>""</c> for the root), when known.</summary>
    public string? Pointer { get; internal init; }

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

    /// <summary>Whether every property of <paramref name="other"/> is equal to this one's.</summary>
    /// <param name="other">The other diagnostic.</param>
    /// <returns><c>true</c> when equal.</returns>
    public bool Equals(Diagnostic? other) =>
        other is not null
        && string.Equals(Code, other.Code, StringComparison.Ordinal)
        && Severity == other.Severity
        && string.Equals(Message, other.Message, StringComparison.Ordinal)
        && string.Equals(File, other.File, StringComparison.Ordinal)
        && Line == other.Line
        && Column == other.Column
        && string.Equals(Pointer, other.Pointer, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Diagnostic);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Code, Severity, Message, File, Line, Column, Pointer);
}
