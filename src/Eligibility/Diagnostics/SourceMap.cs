using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Eligibility.Diagnostics;

/// <summary>
/// Maps JSON pointers to line and column in the source text. System.Text.Json has no public line numbers,
/// so positions come from <see cref="Utf8JsonReader.TokenStartIndex"/> against a table of line starts.
/// Built only when a diagnostic needs a position.
/// </summary>
internal sealed class SourceMap
{
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

    /// <summary>Walks well-formed JSON and records the offset of every value and property name.</summary>
    public static SourceMap Build(byte[] utf8)
    {
        var map = new SourceMap(utf8);
        map.Walk();
        return map;
    }

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
}
