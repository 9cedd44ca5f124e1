using System.Collections.Generic;
using Eligibility.Diagnostics;

namespace Eligibility.Fhir;

/// <summary>Collects the diagnostics of one bundle (or value set file), each with file, line, column, JSON pointer and the resource it is about.</summary>
internal sealed class MappingDiagnostics
{
    private readonly List<Diagnostic> items = new();

    public MappingDiagnostics(string? file, SourcePositions positions)
    {
        File = file;
        Positions = positions;
    }

    public string? File { get; }

    public SourcePositions Positions { get; }

    public IReadOnlyList<Diagnostic> Items => items;

    public bool HasErrors { get; private set; }

    /// <summary>Reports a problem at <paramref name="relativePointer"/> inside an entry's resource, or at its nearest
    /// ancestor that exists (a diagnostic's pointer always names a value of the input).</summary>
    public void Report(string code, DiagnosticSeverity severity, EntryLayout entry, string relativePointer, string message)
    {
        relativePointer = Positions.Existing(entry, relativePointer);
        var (line, column) = Positions.Locate(entry, relativePointer);
        Add(new Diagnostic(
            code: code,
            severity: severity,
            message: message,
            file: File,
            line: line,
            column: column,
            pointer: entry.Pointer + relativePointer));
    }

    public void Error(string code, EntryLayout entry, string relativePointer, string message) =>
        Report(code, DiagnosticSeverity.Error, entry, relativePointer, message);

    public void Warning(string code, EntryLayout entry, string relativePointer, string message) =>
        Report(code, DiagnosticSeverity.Warning, entry, relativePointer, message);

    public void Add(Diagnostic diagnostic)
    {
        items.Add(diagnostic);
        HasErrors |= diagnostic.IsError;
    }
}
