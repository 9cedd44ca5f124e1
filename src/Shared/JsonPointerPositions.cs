// One source file, linked into each assembly that reports positions in JSON (Eligibility, Eligibility.Fhir,
// Eligibility.Cli): the one walk from JSON pointers to byte offsets and the one count from byte offsets to line and
// column. SourceMap (rule files, patient records), SourcePositions (FHIR bundles, value sets) and JsonPositions (case
// files) are views over these two types.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Eligibility.Shared;

/// <summary>
/// Lines of a window of UTF-8 text (<c>utf8[start..start+length]</c>): turns byte offsets into the window into 1-based
/// line and column, the column counted in UTF-16 code units. Nothing is counted until a position is asked for; then the
/// line breaks are counted (vectorised, without a table) from the last offset asked for, so positions asked for in
/// text order, as a reader asks for them, cost one pass over the text up to the last of them. A table of line starts is
/// built only when positions are asked for out of order more than a few times, or by line number (a reader error).
/// </summary>
internal sealed class Utf8Lines
{
    private readonly byte[] utf8;
    private readonly int start;
    private readonly int length;
    private List<int>? lineStarts;

    // The cursor of the look-ups without a table (an offset, its 0-based line and that line's start), replaced whole so
    // that threads sharing the lines never see a torn one; and how many look-ups went back before the cursor (each
    // counts again from the start of the text).
    private Cursor cursor = new(0, 0, 0, 0);
    private int backwards;

    /// <summary>Look-ups before the cursor that are counted from the start of the text before the table is built.</summary>
    private const int BackwardsBeforeTable = 8;

    /// <summary>Lines of <c>utf8[start..start+length]</c>; offsets and columns count from <paramref name="start"/>.</summary>
    public Utf8Lines(byte[] utf8, int start, int length)
    {
        this.utf8 = utf8;
        this.start = start;
        this.length = length;
    }

    /// <summary>The number of lines (at least one).</summary>
    public int Count => Starts.Count;

    private ReadOnlySpan<byte> Text => utf8.AsSpan(start, length);

    private List<int> Starts => lineStarts ??= FindLineStarts(Text);

    /// <summary>The offset at which the 0-based <paramref name="line"/> starts.</summary>
    public int LineStart(int line) => Starts[line];

    /// <summary>The 1-based line and column of a byte offset into the window (clamped to the window).</summary>
    public (int Line, int Column) LineColumn(long offset)
    {
        int target = (int)Math.Clamp(offset, 0, length);
        int line, lineStart;
        var from = cursor;
        if (lineStarts is null && target < from.Offset && ++backwards > BackwardsBeforeTable)
        {
            _ = Starts; // out of order too often: the table answers every look-up from now on
        }

        if (lineStarts is { } starts)
        {
            int index = starts.BinarySearch(target);
            line = index >= 0 ? index : ~index - 1;
            lineStart = starts[line];
        }
        else
        {
            if (target < from.Offset)
            {
                from = new Cursor(0, 0, 0, 0);
            }

            // The line breaks between the cursor and the target; a break at the target itself belongs to the target's line.
            // On the cursor's line the column counts on from the cursor's, so that a text on one line (an NDJSON record)
            // is counted once however many positions are asked for, not once per position.
            var between = Text[from.Offset..target];
            int breaks = between.Count((byte)'\n');
            line = from.Line + breaks;
            lineStart = breaks == 0 ? from.LineStart : from.Offset + between.LastIndexOf((byte)'\n') + 1;
            // Counting on is exact when the cursor's byte follows an ASCII one (or starts its line): a decoder is then between
            // characters there whether it counts from the line's start or from the cursor, even in text that is not UTF-8.
            bool onFromCursor = breaks == 0 && (from.Offset == from.LineStart || Text[from.Offset - 1] < 0x80);
            int chars = onFromCursor ? from.Chars + Encoding.UTF8.GetCharCount(between) : Encoding.UTF8.GetCharCount(Text[lineStart..target]);
            cursor = new Cursor(target, line, lineStart, chars);
            return (line + 1, chars + 1);
        }

        return (line + 1, Encoding.UTF8.GetCharCount(Text[lineStart..target]) + 1);
    }

    /// <summary>The 1-based UTF-16 column of a byte position in the 0-based <paramref name="line"/> (as a reader error
    /// gives it), clamped to the window; a line past the last counts as the last.</summary>
    public int Column(long line, long bytePositionInLine)
    {
        int lineStart = Starts[(int)Math.Clamp(line, 0, Starts.Count - 1)];
        int end = (int)Math.Clamp(lineStart + bytePositionInLine, lineStart, length);
        return Encoding.UTF8.GetCharCount(Text[lineStart..end]) + 1;
    }

    /// <summary>An offset, its 0-based line, the offset that line starts at and the UTF-16 characters from there to the offset.</summary>
    private sealed record Cursor(int Offset, int Line, int LineStart, int Chars);

    private static List<int> FindLineStarts(ReadOnlySpan<byte> text)
    {
        var starts = new List<int> { 0 };
        int at = 0;
        while (true)
        {
            int next = text[at..].IndexOf((byte)'\n');
            if (next < 0)
            {
                return starts;
            }

            at += next + 1;
            starts.Add(at);
        }
    }
}

/// <summary>
/// Where each value of a JSON text starts, by RFC 6901 pointer, and where its property name starts (-1 for the root and
/// array items). Built by one walk of the text with <see cref="Utf8JsonReader"/>; a walk that stops at a syntax error (or
/// a name that is not UTF-8) keeps what it had mapped.
/// </summary>
internal sealed class JsonPointerOffsets
{
    private readonly Dictionary<string, (long Value, long Name)> offsets;

    private JsonPointerOffsets(Dictionary<string, (long Value, long Name)> offsets, bool complete)
    {
        this.offsets = offsets;
        Complete = complete;
    }

    /// <summary>Whether the walk reached the end of the text (it did not stop at a syntax error).</summary>
    public bool Complete { get; }

    /// <summary>Every pointer that names a value.</summary>
    public IEnumerable<string> Pointers => offsets.Keys;

    /// <summary>Maps <paramref name="json"/>, adding <paramref name="shift"/> to every offset.</summary>
    /// <param name="json">The JSON text (without a byte order mark).</param>
    /// <param name="shift">Added to each offset (the text's own offset in a larger buffer, such as the length of a byte order mark).</param>
    /// <param name="maxDepth">The reader's nesting limit.</param>
    /// <param name="lastWins">For a name repeated in one object: map the last occurrence (as <see cref="JsonElement.GetProperty(string)"/> finds it) rather than the first.</param>
    /// <param name="duplicates">When given, receives each repeated name: its pointer and the offset of the name.</param>
    public static JsonPointerOffsets Walk(ReadOnlySpan<byte> json, long shift, int maxDepth, bool lastWins = false, List<(string Pointer, long Offset)>? duplicates = null)
    {
        var offsets = new Dictionary<string, (long Value, long Name)>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth });
        var path = new List<string>();
        var containers = new Stack<(bool IsArray, int Index, HashSet<string>? Names)>();
        long pendingName = -1;
        try
        {
            while (reader.Read())
            {
                long at = reader.TokenStartIndex + shift;
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        string name = reader.GetString() ?? string.Empty;
                        string escaped = Escape(name);
                        if (duplicates is not null && containers.Peek().Names is { } names && !names.Add(name))
                        {
                            duplicates.Add((Pointer(path) + "/" + escaped, at));
                        }

                        path.Add(escaped);
                        pendingName = at;
                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        Begin(at);
                        containers.Push((reader.TokenType == JsonTokenType.StartArray, 0, duplicates is not null && reader.TokenType == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.Ordinal) : null));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        containers.Pop();
                        End();
                        break;
                    default:
                        Begin(at);
                        End();
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Only well-formed text is mapped in full; a syntax error is reported separately with the reader's own position.
            return new JsonPointerOffsets(offsets, complete: false);
        }

        return new JsonPointerOffsets(offsets, complete: true);

        void Begin(long at)
        {
            if (containers.Count > 0 && containers.Peek().IsArray)
            {
                path.Add(containers.Peek().Index.ToString(CultureInfo.InvariantCulture));
            }

            string pointer = Pointer(path);
            if (lastWins)
            {
                offsets[pointer] = (at, pendingName);
            }
            else
            {
                offsets.TryAdd(pointer, (at, pendingName));
            }

            pendingName = -1;
        }

        void End()
        {
            if (containers.Count == 0)
            {
                return;
            }

            var top = containers.Pop();
            if (top.IsArray)
            {
                top.Index++;
            }

            containers.Push(top);
            if (path.Count > 0)
            {
                path.RemoveAt(path.Count - 1);
            }
        }
    }

    /// <summary>Maps the values of a document parsed over <paramref name="utf8"/> (or a slice of it) without reading the text
    /// again: offsets are those of the document's raw spans in <paramref name="utf8"/>.</summary>
    /// <param name="utf8">The bytes the document was parsed from.</param>
    /// <param name="document">The open document.</param>
    /// <param name="duplicates">Receives each repeated name: its pointer and the offset of the name.</param>
    public static JsonPointerOffsets Index(byte[] utf8, JsonDocument document, List<(string Pointer, long Offset)> duplicates)
    {
        var offsets = new Dictionary<string, (long Value, long Name)>(StringComparer.Ordinal);
        var path = new List<string>();
        Visit(document.RootElement, -1);
        return new JsonPointerOffsets(offsets, complete: true);

        void Visit(JsonElement element, long nameOffset)
        {
            offsets.TryAdd(Pointer(path), (OffsetOf(utf8, System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element)), nameOffset));
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    HashSet<string>? names = null;
                    foreach (var property in element.EnumerateObject())
                    {
                        // The raw name excludes its quotes; the reader's token (and so this map) starts at the opening quote.
                        long name = OffsetOf(utf8, System.Runtime.InteropServices.JsonMarshal.GetRawUtf8PropertyName(property)) - 1;
                        string escaped = Escape(property.Name);
                        names ??= new HashSet<string>(StringComparer.Ordinal);
                        if (!names.Add(property.Name))
                        {
                            duplicates.Add((Pointer(path) + "/" + escaped, name));
                        }

                        path.Add(escaped);
                        Visit(property.Value, name);
                        path.RemoveAt(path.Count - 1);
                    }

                    break;
                case JsonValueKind.Array:
                    int index = 0;
                    foreach (var item in element.EnumerateArray())
                    {
                        path.Add(index.ToString(CultureInfo.InvariantCulture));
                        Visit(item, -1);
                        path.RemoveAt(path.Count - 1);
                        index++;
                    }

                    break;
            }
        }
    }

    /// <summary>The byte offset of <paramref name="raw"/> (a span of a document parsed over <paramref name="utf8"/>) in <paramref name="utf8"/>, or -1.</summary>
    public static long OffsetOf(byte[] utf8, ReadOnlySpan<byte> raw) =>
        ((ReadOnlySpan<byte>)utf8).Overlaps(raw, out int offset) ? offset : -1;

    /// <summary>Escapes one pointer segment (RFC 6901).</summary>
    public static string Escape(string segment) =>
        segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    /// <summary>The parent of a pointer (<c>""</c> for a top-level member and for the root itself).</summary>
    public static string Parent(string pointer)
    {
        int slash = pointer.LastIndexOf('/');
        return slash <= 0 ? string.Empty : pointer[..slash];
    }

    /// <summary>Whether a value exists at the pointer.</summary>
    public bool Contains(string pointer) => offsets.ContainsKey(pointer);

    /// <summary>The offsets of the value at <paramref name="pointer"/> and of its name, if it exists.</summary>
    public bool TryGet(string pointer, out (long Value, long Name) at) => offsets.TryGetValue(pointer, out at);

    /// <summary>The pointer itself when it names a value, else its nearest ancestor that does, else <c>""</c>.</summary>
    public string Nearest(string pointer)
    {
        string p = pointer;
        while (p.Length > 0 && !offsets.ContainsKey(p))
        {
            p = Parent(p);
        }

        return p;
    }

    private static string Pointer(List<string> path) => path.Count == 0 ? string.Empty : "/" + string.Join('/', path);
}
