using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Eligibility.Diagnostics;

namespace Eligibility.Loading;

/// <summary>
/// A JSON file read once: its bytes and the one <see cref="JsonDocument"/> parsed over them, with positions. Everything
/// after the parse works on this document: the Unicode and repeated-name checks here, the schema check
/// (<see cref="Schema.SchemaValidator.Validate(JsonElement, Schema.SchemaKind, ReadOnlySpan{byte})"/>), the model reader,
/// and <see cref="SourceMap"/>, which while this is open indexes the document (offsets of its raw spans) instead of
/// reading the text again. Nothing here is specific to rule files.
/// </summary>
internal sealed class JsonSource : IDisposable
{
    private readonly IDisposable attachment;

    private JsonSource(byte[] utf8, JsonDocument document)
    {
        Utf8 = utf8;
        Document = document;
        attachment = SourceMap.Attach(utf8, document);
    }

    /// <summary>The file's bytes, a byte order mark included.</summary>
    public byte[] Utf8 { get; }

    /// <summary>The document, parsed from <see cref="Text"/>.</summary>
    public JsonDocument Document { get; }

    /// <summary>The document's root.</summary>
    public JsonElement Root => Document.RootElement;

    /// <summary>The bytes the document was parsed from: <see cref="Utf8"/> without a byte order mark.</summary>
    public ReadOnlySpan<byte> Text => JsonInput.WithoutBom(Utf8).Span;

    /// <summary>
    /// Parses <paramref name="utf8"/> once (at most <see cref="JsonInput.MaxDepth"/> levels) and checks what the parser
    /// lets through: a string or property name that is not valid Unicode (ELIG0001, reported alone, as the first problem
    /// in the text) and a property name repeated in one object (ELIG0004, at the repeated name). Null, with the problem
    /// reported, when the text is not usable JSON.
    /// </summary>
    /// <param name="utf8">The file's bytes.</param>
    /// <param name="sink">Where to report; its file name is used.</param>
    /// <param name="what">What the input is called in messages, plural (<c>"rule files"</c>).</param>
    /// <returns>The open source (dispose it), or null.</returns>
    public static JsonSource? Read(byte[] utf8, DiagnosticSink sink, string what)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(JsonInput.WithoutBom(utf8), new JsonDocumentOptions { MaxDepth = JsonInput.MaxDepth });
        }
        catch (JsonException ex)
        {
            // A string that is not Unicode before the syntax error is the first problem; only now is the text scanned again.
            if (JsonScanner.Scan(utf8, int.MaxValue - 2, int.MaxValue, int.MaxValue, what) is { } problem)
            {
                var (line, column) = JsonScanner.LineColumn(utf8, problem.Offset);
                sink.Add(new Diagnostic { Code = problem.Code, Severity = DiagnosticSeverity.Error, Message = problem.Message, File = sink.File, Line = line, Column = column, Pointer = problem.Pointer });
            }
            else
            {
                JsonInput.ReportSyntax(ex, utf8, sink);
            }

            return null;
        }

        var source = new JsonSource(utf8, document);
        var checker = new Checker(utf8);
        if (!checker.Check(document.RootElement, -1))
        {
            var (line, column) = JsonScanner.LineColumn(utf8, checker.ProblemOffset);
            sink.Add(new Diagnostic { Code = DiagnosticCodes.JsonSyntax, Severity = DiagnosticSeverity.Error, Message = checker.ProblemMessage!, File = sink.File, Line = line, Column = column, Pointer = checker.ProblemPointer });
            source.Dispose();
            return null;
        }

        foreach (var (pointer, name, offset) in checker.Duplicates)
        {
            var (line, column) = JsonScanner.LineColumn(utf8, offset);
            JsonInput.ReportDuplicate(sink, pointer, name, line, column);
        }

        return source;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        attachment.Dispose();
        Document.Dispose();
    }

    /// <summary>One walk of the document (not of the text): Unicode of every string and name, repeated names.</summary>
    private sealed class Checker(byte[] utf8)
    {
        // The path to the value being checked: a name (escaped) or an array index per level; pointers are built only for a problem.
        private readonly List<(string? Name, int Index)> path = new();

        public List<(string Pointer, string Name, long Offset)> Duplicates { get; } = new();

        public string? ProblemMessage { get; private set; }

        public long ProblemOffset { get; private set; }

        public string ProblemPointer { get; private set; } = string.Empty;

        /// <summary>False at the first string or name that is not valid Unicode (the problem is then set).</summary>
        public bool Check(JsonElement element, long nameOffset)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                {
                    HashSet<string>? names = null;
                    foreach (var property in element.EnumerateObject())
                    {
                        // The raw name excludes its quotes.
                        var rawName = JsonMarshal.GetRawUtf8PropertyName(property);
                        long at = SourceMap.OffsetOf(utf8, rawName) - 1;
                        if (!Valid(rawName, at, "a property name", property.Value, property))
                        {
                            return false;
                        }

                        string name = property.Name;
                        string escaped = SourceMap.Escape(name);
                        names ??= new HashSet<string>(StringComparer.Ordinal);
                        if (!names.Add(name))
                        {
                            Duplicates.Add((Pointer() + "/" + escaped, escaped, at));
                        }

                        path.Add((escaped, 0));
                        bool ok = Check(property.Value, at);
                        path.RemoveAt(path.Count - 1);
                        if (!ok)
                        {
                            return false;
                        }
                    }

                    return true;
                }

                case JsonValueKind.Array:
                {
                    int index = 0;
                    foreach (var item in element.EnumerateArray())
                    {
                        path.Add((null, index++));
                        bool ok = Check(item, -1);
                        path.RemoveAt(path.Count - 1);
                        if (!ok)
                        {
                            return false;
                        }
                    }

                    return true;
                }

                case JsonValueKind.String:
                {
                    // The raw value includes its quotes.
                    var raw = JsonMarshal.GetRawUtf8Value(element);
                    long at = SourceMap.OffsetOf(utf8, raw);
                    return Valid(raw[1..^1], at, "a string", element, null);
                }

                default:
                    return true;
            }
        }

        /// <summary>Checks one string (<paramref name="value"/>) or property name (<paramref name="name"/>) as written, between its
        /// quotes (the opening one at <paramref name="quote"/>); as <see cref="JsonScanner"/> does.</summary>
        private bool Valid(ReadOnlySpan<byte> raw, long quote, string kind, JsonElement value, JsonProperty? name)
        {
            string? why = null;
            int index = 0;
            if (JsonScanner.FirstInvalidUtf8(raw) is { } bad)
            {
                (why, index) = (JsonScanner.NotUtf8, bad);
            }
            else if (raw.Contains((byte)'\\'))
            {
                try
                {
                    // Unescaping throws for a lone or reversed surrogate escape (\ud800, \udc00).
                    _ = name is { } property ? property.Name : value.GetString();
                }
                catch (InvalidOperationException)
                {
                    (why, index) = (JsonScanner.LoneSurrogate, JsonScanner.LoneSurrogateEscape(raw));
                }
            }

            if (why is null)
            {
                return true;
            }

            // A name's problem is the enclosing object's; a value's is its own.
            ProblemMessage = $"invalid JSON: {kind} {why}";
            ProblemOffset = quote + 1 + index;
            ProblemPointer = Pointer();
            return false;
        }

        private string Pointer()
        {
            var sb = new StringBuilder();
            foreach (var (name, index) in path)
            {
                sb.Append('/').Append(name ?? index.ToString(CultureInfo.InvariantCulture));
            }

            return sb.ToString();
        }
    }
}
