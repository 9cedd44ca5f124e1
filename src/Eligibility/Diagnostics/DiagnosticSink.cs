using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text.Json;
using Eligibility.Shared;

namespace Eligibility.Diagnostics;

/// <summary>Collects diagnostics for one input, positioning each by its JSON pointer.</summary>
internal sealed class DiagnosticSink
{
    private readonly List<Diagnostic> items = new();
    private readonly HashSet<string> errorPointers = new(System.StringComparer.Ordinal);
    private readonly byte[]? utf8;
    private SourceMap? map;
    private Utf8Lines? lines;

    public DiagnosticSink(string? file, byte[]? utf8)
    {
        File = file;
        this.utf8 = utf8;
    }

    public string? File { get; }

    public IReadOnlyList<Diagnostic> Items => items;

    public bool HasErrors { get; private set; }

    public SourceMap? Map => map ??= utf8 is null ? null : SourceMap.Build(utf8);

    /// <summary>
    /// The line and column of <paramref name="value"/>, an element of a document parsed over this input's bytes, found
    /// from where its text lies in the bytes: no <see cref="Map"/> is built for it (a record's answers are positioned this
    /// way, and most records have nothing to report). The position is the one <see cref="SourceMap.Locate"/> gives for
    /// <paramref name="pointer"/>, the value's own pointer; a value of another buffer is located by that pointer.
    /// </summary>
    public (int Line, int Column) Locate(JsonElement value, string pointer)
    {
        if (utf8 is null)
        {
            return (0, 0);
        }

        long offset = SourceMap.OffsetOf(utf8, JsonMarshal.GetRawUtf8Value(value));
        if (offset < 0)
        {
            return Map!.Locate(pointer);
        }

        if (map is not null)
        {
            return map.LineColumn(offset);
        }

        int bom = Utf8Bom.LengthOf(utf8);
        lines ??= new Utf8Lines(utf8, bom, utf8.Length - bom);
        return lines.LineColumn(offset - bom);
    }

    /// <summary>
    /// Adds a diagnostic positioned at <paramref name="pointer"/>. A diagnostic's pointer always names a value of the input:
    /// when the pointer names none (a check that meant a member the input does not have), the diagnostic gets the
    /// nearest ancestor that exists, which is also where <see cref="SourceMap.Locate"/> positions it. The pointer as
    /// asked still counts for <see cref="IsExplained"/>.
    /// </summary>
    public void Add(string code, DiagnosticSeverity severity, string pointer, string message, bool atName = false)
    {
        (int line, int column) = Map?.Locate(pointer, atName) ?? (0, 0);
        Add(new Diagnostic { Code = code, Severity = severity, Message = message, File = File, Line = line, Column = column, Pointer = Existing(pointer) }, pointer);
    }

    public void Error(string code, string pointer, string message, bool atName = false) => Add(code, DiagnosticSeverity.Error, pointer, message, atName);

    public void Warning(string code, string pointer, string message, bool atName = false) => Add(code, DiagnosticSeverity.Warning, pointer, message, atName);

    public void Add(Diagnostic diagnostic) => Add(diagnostic, diagnostic.Pointer);

    /// <summary>Adds <paramref name="diagnostic"/>; an error explains <paramref name="explained"/> (<see cref="IsExplained"/>).</summary>
    private void Add(Diagnostic diagnostic, string? explained)
    {
        items.Add(diagnostic);
        HasErrors |= diagnostic.IsError;
        if (diagnostic.IsError && explained is not null)
        {
            errorPointers.Add(explained);
        }
    }

    /// <summary>The pointer itself when the input has a value there (or there is no map to tell), else its nearest
    /// ancestor that has one (<c>""</c>, the whole input, at worst).</summary>
    private string Existing(string pointer)
    {
        if (Map is not { } map)
        {
            return pointer;
        }

        string p = pointer;
        while (p.Length > 0 && !map.Contains(p))
        {
            int slash = p.LastIndexOf('/');
            p = slash <= 0 ? string.Empty : p[..slash];
        }

        return p;
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
