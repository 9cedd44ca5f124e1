using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Eligibility.Diagnostics;

/// <summary>
/// A position index over UTF-8 JSON bytes: maps JSON pointers to the byte offset of each value and property name, and
/// byte offsets to line and column. Independent of what the JSON holds (rule file, patient record, lock file).
/// Built only when a diagnostic needs a position, in one of two ways:
/// <list type="bullet">
/// <item>from a <see cref="JsonDocument"/> already parsed over these very bytes (<see cref="Attach"/>): offsets come from
/// <see cref="JsonMarshal.GetRawUtf8Value"/>, whose span lies inside the bytes, so the text is not read again;</item>
/// <item>otherwise by walking the bytes with <see cref="Utf8JsonReader"/> (<see cref="Utf8JsonReader.TokenStartIndex"/>).</item>
/// </list>
/// Offsets count from the start of the bytes, a byte order mark included; lines and columns from 1 (columns in UTF-16 code units).
/// </summary>
internal sealed class SourceMap
{
    /// <summary>Documents open over a byte array (by reference), so that <see cref="Build"/> indexes the document instead of reading the text again.</summary>
    private static readonly ConditionalWeakTable<byte[], JsonDocument> OpenDocuments = new();

    private readonly byte[] utf8;
    private readonly List<int> lineStarts = new() { 0 };
    private readonly Dictionary<string, (long Value, long Name)> offsets = new(StringComparer.Ordinal);

    private SourceMap(byte[] utf8)
    {
        this.utf8 = utf8;
        for (int i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'\n')
            {
                lineStarts.Add(i + 1);
            }
        }
    }

    /// <summary>Duplicate property names found while walking: pointer of the duplicate and its name offset.</summary>
    public List<(string Pointer, long Offset)> Duplicates { get; } = new();

    /// <summary>
    /// The map of <paramref name="utf8"/>: from the document attached to these bytes (<see cref="Attach"/>) while it is
    /// open, else by walking well-formed JSON text. Records the offset of every value and property name, and repeated names.
    /// </summary>
    public static SourceMap Build(byte[] utf8)
    {
        var map = new SourceMap(utf8);
        if (OpenDocuments.TryGetValue(utf8, out var document))
        {
            map.Index(document);
        }
        else
        {
            map.Walk();
        }

        return map;
    }

    /// <summary>
    /// Declares that <paramref name="document"/> was parsed from <paramref name="utf8"/> (or a slice of it, such as the
    /// bytes after a byte order mark) and stays open until the returned handle is disposed: until then <see cref="Build"/>
    /// indexes the document rather than reading the text again.
    /// </summary>
    public static IDisposable Attach(byte[] utf8, JsonDocument document)
    {
        OpenDocuments.AddOrUpdate(utf8, document);
        return new Detach(utf8);
    }

    /// <summary>The byte offset of <paramref name="raw"/> (a span of a document parsed over <paramref name="utf8"/>) in <paramref name="utf8"/>, or -1.</summary>
    public static long OffsetOf(byte[] utf8, ReadOnlySpan<byte> raw) =>
        ((ReadOnlySpan<byte>)utf8).Overlaps(raw, out int offset) ? offset : -1;

    /// <summary>The 1-based line and column of the value at <paramref name="pointer"/> (or of its property name when <paramref name="atName"/>).
    /// Falls back to the nearest ancestor that exists.</summary>
    public (int Line, int Column) Locate(string pointer, bool atName = false)
    {
        string p = pointer;
        while (true)
        {
            if (offsets.TryGetValue(p, out var o))
            {
                long offset = atName && o.Name >= 0 ? o.Name : o.Value;
                return LineColumn(offset);
            }

            if (p.Length == 0)
            {
                return (1, 1);
            }

            int slash = p.LastIndexOf('/');
            p = slash <= 0 ? string.Empty : p[..slash];
        }
    }

    /// <summary>Whether a value exists at the pointer.</summary>
    public bool Contains(string pointer) => offsets.ContainsKey(pointer);

    /// <summary>The 1-based line and column of a (0-based line, byte position in line) pair as System.Text.Json reports them.</summary>
    public (int Line, int Column) FromReaderPosition(long line, long bytePositionInLine)
    {
        int index = (int)Math.Min(line, lineStarts.Count - 1);
        return LineColumn(lineStarts[index] + bytePositionInLine);
    }

    /// <summary>The 1-based line and column of a byte offset; the column counts UTF-16 characters.</summary>
    public (int Line, int Column) LineColumn(long offset)
    {
        int index = lineStarts.BinarySearch((int)Math.Min(offset, int.MaxValue));
        int line = index >= 0 ? index : ~index - 1;
        int start = lineStarts[line];
        int length = (int)Math.Max(0, Math.Min(offset, utf8.Length) - start);
        int column = Encoding.UTF8.GetCharCount(utf8, start, length) + 1;
        return (line + 1, column);
    }

    /// <summary>Escapes one pointer segment (RFC 6901).</summary>
    public static string Escape(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    /// <summary>Indexes a document parsed over <see cref="utf8"/>: no text is read, offsets are those of the document's raw spans.</summary>
    private void Index(JsonDocument document)
    {
        var path = new List<string>();
        Visit(document.RootElement, -1);

        void Visit(JsonElement element, long nameOffset)
        {
            offsets.TryAdd(Pointer(path), (OffsetOf(utf8, JsonMarshal.GetRawUtf8Value(element)), nameOffset));
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    HashSet<string>? names = null;
                    foreach (var property in element.EnumerateObject())
                    {
                        // The raw name excludes its quotes; the reader's token (and so this map) starts at the opening quote.
                        long name = OffsetOf(utf8, JsonMarshal.GetRawUtf8PropertyName(property)) - 1;
                        string escaped = Escape(property.Name);
                        names ??= new HashSet<string>(StringComparer.Ordinal);
                        if (!names.Add(property.Name))
                        {
                            Duplicates.Add((Pointer(path) + "/" + escaped, name));
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

    private void Walk()
    {
        // A UTF-8 byte-order mark is not JSON: read past it, and count offsets from the file's start.
        int bom = utf8.Length >= 3 && utf8[0] == 0xEF && utf8[1] == 0xBB && utf8[2] == 0xBF ? 3 : 0;
        var reader = new Utf8JsonReader(utf8.AsSpan(bom), new JsonReaderOptions { MaxDepth = 256 });
        var path = new List<string>();
        var containers = new Stack<(bool IsArray, int Index, HashSet<string>? Names)>();
        long pendingName = -1;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                    {
                        string name = reader.GetString() ?? string.Empty;
                        var top = containers.Peek();
                        string ptr = Pointer(path) + "/" + Escape(name);
                        if (top.Names is not null && !top.Names.Add(name))
                        {
                            Duplicates.Add((ptr, (reader.TokenStartIndex + bom)));
                        }

                        path.Add(Escape(name));
                        pendingName = (reader.TokenStartIndex + bom);
                        break;
                    }

                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        BeginValue(path, containers, (reader.TokenStartIndex + bom), ref pendingName);
                        containers.Push((reader.TokenType == JsonTokenType.StartArray, 0, reader.TokenType == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.Ordinal) : null));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        containers.Pop();
                        EndValue(path, containers);
                        break;
                    default:
                        BeginValue(path, containers, (reader.TokenStartIndex + bom), ref pendingName);
                        EndValue(path, containers);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Only well-formed text is mapped; a syntax error is reported separately with the reader's own position.
        }
    }

    private void BeginValue(List<string> path, Stack<(bool IsArray, int Index, HashSet<string>? Names)> containers, long offset, ref long pendingName)
    {
        if (containers.Count > 0 && containers.Peek().IsArray)
        {
            path.Add(containers.Peek().Index.ToString(CultureInfo.InvariantCulture));
        }

        offsets.TryAdd(Pointer(path), (offset, pendingName));
        pendingName = -1;
    }

    private static void EndValue(List<string> path, Stack<(bool IsArray, int Index, HashSet<string>? Names)> containers)
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

    private static string Pointer(List<string> path) => path.Count == 0 ? string.Empty : "/" + string.Join('/', path);

    private sealed class Detach(byte[] utf8) : IDisposable
    {
        public void Dispose() => OpenDocuments.Remove(utf8);
    }
}
