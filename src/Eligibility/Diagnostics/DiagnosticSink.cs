using System.Collections.Generic;

namespace Eligibility.Diagnostics;

/// <summary>Collects diagnostics for one input, positioning each by its JSON pointer.</summary>
internal sealed class DiagnosticSink
{
    private readonly List<Diagnostic> items = new();
    private readonly HashSet<string> errorPointers = new(System.StringComparer.Ordinal);
    private readonly byte[]? utf8;
    private SourceMap? map;

    public DiagnosticSink(string? file, byte[]? utf8)
    {
        File = file;
        this.utf8 = utf8;
    }

    public string? File { get; }

    public IReadOnlyList<Diagnostic> Items => items;

    public bool HasErrors { get; private set; }

    public SourceMap? Map => map ??= utf8 is null ? null : SourceMap.Build(utf8);

    public void Add(string code, DiagnosticSeverity severity, string pointer, string message, bool atName = false)
    {
        (int line, int column) = Map?.Locate(pointer, atName) ?? (0, 0);
        Add(new Diagnostic { Code = code, Severity = severity, Message = message, File = File, Line = line, Column = column, Pointer = pointer });
    }

    public void Error(string code, string pointer, string message, bool atName = false) => Add(code, DiagnosticSeverity.Error, pointer, message, atName);

    public void Warning(string code, string pointer, string message, bool atName = false) => Add(code, DiagnosticSeverity.Warning, pointer, message, atName);

    public void Add(Diagnostic diagnostic)
    {
        items.Add(diagnostic);
        HasErrors |= diagnostic.IsError;
        if (diagnostic.IsError && diagnostic.Pointer is { } pointer)
        {
            errorPointers.Add(pointer);
        }
    }

    /// <summary>
    /// Whether an error was already reported at exactly this pointer: a later stage then stays silent there, so one
    /// mistake (an invalid duration the schema already rejected) is not reported again. Errors elsewhere — even in the
    /// same object — are independent and still reported.
    /// </summary>
    public bool IsExplained(string pointer) => errorPointers.Contains(pointer);

    /// <summary>Reports an error unless an earlier stage already explained the problem at that place.</summary>
    public void ErrorUnlessExplained(string code, string pointer, string message, bool atName = false)
    {
        if (!IsExplained(pointer))
        {
            Error(code, pointer, message, atName);
        }
    }
}
