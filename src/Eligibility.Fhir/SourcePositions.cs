using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Eligibility.Fhir;

/// <summary>
/// Turns JSON pointers into 1-based line and column. System.Text.Json has no public line numbers, so positions come
/// from <see cref="Utf8JsonReader.TokenStartIndex"/> against a table of line starts. Nothing is computed until a
/// diagnostic needs a position, and then only the one resource it is about is walked.
/// </summary>
internal sealed class SourcePositions
{
    private readonly byte[] utf8;
    private readonly int offset;
    private readonly int length;
    private readonly Dictionary<int, Dictionary<string, int>> resourceMaps = new();
    private List<int>? lineStarts;

    /// <summary>Positions in <c>utf8[offset..offset+length]</c> (the text without its byte order mark).</summary>
    public SourcePositions(byte[] utf8, int offset, int length)
    {
        this.utf8 = utf8;
        this.offset = offset;
        this.length = length;
    }

    private ReadOnlySpan<byte> Text => utf8.AsSpan(offset, length);

    /// <summary>The 1-based line and column (UTF-16 characters) of a byte offset into the text.</summary>
    public (int Line, int Column) LineColumn(long byteOffset)
    {
        var starts = lineStarts ??= BuildLineStarts(Text);
        int target = (int)Math.Clamp(byteOffset, 0, length);
        int index = starts.BinarySearch(target);
        int line = index >= 0 ? index : ~index - 1;
        int start = starts[line];
        int column = Encoding.UTF8.GetCharCount(Text.Slice(start, target - start)) + 1;
        return (line + 1, column);
    }

    /// <summary>The 1-based line and column of a reader error: zero-based line and byte position in that line.</summary>
    public (int Line, int Column) ReaderPosition(long line, long bytePositionInLine)
    {
        var starts = lineStarts ??= BuildLineStarts(Text);
        if (line < 0 || line >= starts.Count)
        {
            return ((int)Math.Max(line, 0) + 1, (int)Math.Max(bytePositionInLine, 0) + 1);
        }

        int start = starts[(int)line];
        int end = (int)Math.Clamp(start + bytePositionInLine, start, length);
        return ((int)line + 1, Encoding.UTF8.GetCharCount(Text[start..end]) + 1);
    }

    /// <summary>Locates a pointer inside an entry's resource (relative to the resource, <c>""</c> for the resource itself),
    /// falling back to the nearest ancestor that exists.</summary>
    public (int Line, int Column) Locate(EntryLayout entry, string relativePointer)
    {
        if (entry.Start < 0)
        {
            return entry.ValueOffset >= 0 ? LineColumn(entry.ValueOffset) : (1, 1);
        }

        if (relativePointer.Length == 0)
        {
            return LineColumn(entry.Start); // the resource itself: no need to walk it
        }

        var map = ResourceMap(entry);
        string p = relativePointer;
        while (true)
        {
            if (map.TryGetValue(p, out int at))
            {
                return LineColumn(entry.Start + at);
            }

            if (p.Length == 0)
            {
                return LineColumn(entry.Start);
            }

            int slash = p.LastIndexOf('/');
            p = slash <= 0 ? string.Empty : p[..slash];
        }
    }

    /// <summary>The pointer itself when it names an element of the entry's resource, else its nearest ancestor that does
    /// (<c>""</c>, the resource, at worst): a diagnostic about something missing points at where it is missing from.</summary>
    /// <param name="entry">The entry whose resource the pointer is relative to.</param>
    /// <param name="relativePointer">A pointer relative to the resource.</param>
    /// <returns>A pointer that exists in the JSON.</returns>
    public string Existing(EntryLayout entry, string relativePointer)
    {
        if (relativePointer.Length == 0 || entry.Start < 0)
        {
            return string.Empty;
        }

        var map = ResourceMap(entry);
        string p = relativePointer;
        while (p.Length > 0 && !map.ContainsKey(p))
        {
            int slash = p.LastIndexOf('/');
            p = slash <= 0 ? string.Empty : p[..slash];
        }

        return p;
    }

    /// <summary>
    /// Converts a Firely instance path (<c>Observation.component[0].value.value</c>) into a pointer relative to the resource
    /// (<c>/component/0/valueQuantity/value</c>), resolving choice elements (<c>value</c> → <c>valueQuantity</c>) against the
    /// JSON actually present. Parts that cannot be resolved are dropped, so the pointer names the deepest known ancestor.
    /// </summary>
    public string PointerFromInstancePath(EntryLayout entry, string? instancePath)
    {
        if (string.IsNullOrEmpty(instancePath) || entry.Start < 0)
        {
            return string.Empty;
        }

        var map = ResourceMap(entry);
        string[] parts = instancePath.Split('.');
        var pointer = new StringBuilder();
        for (int i = 1; i < parts.Length; i++)
        {
            string part = parts[i];
            string? index = null;
            int bracket = part.IndexOf('[', StringComparison.Ordinal);
            if (bracket > 0 && part.EndsWith(']'))
            {
                index = part[(bracket + 1)..^1];
                part = part[..bracket];
            }

            string candidate = pointer + "/" + part;
            if (!map.ContainsKey(candidate))
            {
                string? choice = FindChoice(map, candidate);
                if (choice is null)
                {
                    break;
                }

                candidate = choice;
            }

            pointer.Clear().Append(candidate);
            if (index is not null && map.ContainsKey(candidate + "/" + index))
            {
                pointer.Append('/').Append(index);
            }
        }

        return pointer.ToString();
    }

    /// <summary>The member of a choice element: <c>/valueQuantity</c> for <c>/value</c>; failing that, any member that
    /// starts with the element's name (<c>/valueFoo</c>, a type R4 does not have, as written).</summary>
    private static string? FindChoice(Dictionary<string, int> map, string prefix)
    {
        string? any = null;
        foreach (string key in map.Keys)
        {
            if (key.Length > prefix.Length && key.StartsWith(prefix, StringComparison.Ordinal) && key.IndexOf('/', prefix.Length) < 0)
            {
                if (char.IsUpper(key[prefix.Length]))
                {
                    return key;
                }

                any ??= key;
            }
        }

        return any;
    }

    private Dictionary<string, int> ResourceMap(EntryLayout entry)
    {
        if (!resourceMaps.TryGetValue(entry.Index, out var map))
        {
            map = Walk(Text.Slice(entry.Start, entry.Length));
            resourceMaps[entry.Index] = map;
        }

        return map;
    }

    private static List<int> BuildLineStarts(ReadOnlySpan<byte> text)
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

    /// <summary>Records the offset of every value in one (well-formed) JSON value, keyed by its relative pointer.</summary>
    private static Dictionary<string, int> Walk(ReadOnlySpan<byte> json)
    {
        var offsets = new Dictionary<string, int>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(json, BundleLayout.ReaderOptions);
        var path = new List<string>();
        var arrays = new Stack<(bool IsArray, int Index)>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        path.Add(Escape(reader.GetString() ?? string.Empty));
                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        Begin(path, arrays, offsets, (int)reader.TokenStartIndex);
                        arrays.Push((reader.TokenType == JsonTokenType.StartArray, 0));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        arrays.Pop();
                        End(path, arrays);
                        break;
                    default:
                        Begin(path, arrays, offsets, (int)reader.TokenStartIndex);
                        End(path, arrays);
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // The layout pass has already checked the text (but not the UTF-8 of every name); a partial map only loses precision.
        }

        return offsets;
    }

    private static void Begin(List<string> path, Stack<(bool IsArray, int Index)> containers, Dictionary<string, int> offsets, int at)
    {
        if (containers.Count > 0 && containers.Peek().IsArray)
        {
            path.Add(containers.Peek().Index.ToString(CultureInfo.InvariantCulture));
        }

        offsets.TryAdd(path.Count == 0 ? string.Empty : "/" + string.Join('/', path), at);
    }

    private static void End(List<string> path, Stack<(bool IsArray, int Index)> containers)
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

    /// <summary>Escapes one pointer segment (RFC 6901).</summary>
    public static string Escape(string segment) =>
        segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
