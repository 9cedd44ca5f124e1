using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using Eligibility.Shared;

namespace Eligibility.Fhir;

/// <summary>
/// Turns JSON pointers into 1-based line and column. System.Text.Json has no public line numbers, so positions come
/// from <see cref="Utf8JsonReader.TokenStartIndex"/> against a table of line starts (the shared
/// <see cref="JsonPointerOffsets"/> and <see cref="Utf8Lines"/>). Nothing is computed until a diagnostic needs a
/// position, and then only the one resource it is about is walked.
/// </summary>
internal sealed class SourcePositions
{
    private readonly byte[] utf8;
    private readonly int offset;
    private readonly Utf8Lines lines;
    private readonly Dictionary<int, JsonPointerOffsets> resourceMaps = new();

    /// <summary>Positions in <c>utf8[offset..offset+length]</c> (the text without its byte order mark).</summary>
    public SourcePositions(byte[] utf8, int offset, int length)
    {
        this.utf8 = utf8;
        this.offset = offset;
        lines = new Utf8Lines(utf8, offset, length);
    }

    /// <summary>The 1-based line and column (UTF-16 characters) of a byte offset into the text.</summary>
    public (int Line, int Column) LineColumn(long byteOffset) => lines.LineColumn(byteOffset);

    /// <summary>The 1-based line and column of a reader error: zero-based line and byte position in that line.</summary>
    public (int Line, int Column) ReaderPosition(long line, long bytePositionInLine)
    {
        if (line < 0 || line >= lines.Count)
        {
            return ((int)Math.Max(line, 0) + 1, (int)Math.Max(bytePositionInLine, 0) + 1);
        }

        return ((int)line + 1, lines.Column((int)line, bytePositionInLine));
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

        if (!resourceMaps.ContainsKey(entry.Index) && TopLevelValue(entry, relativePointer) is { } value)
        {
            return LineColumn(entry.Start + value);
        }

        var map = ResourceMap(entry);
        return map.TryGet(map.Nearest(relativePointer), out var at) ? LineColumn(entry.Start + at.Value) : LineColumn(entry.Start);
    }

    /// <summary>
    /// For a pointer to a member of the resource itself (<c>/code</c>, a name that needs no escaping), the offset of that
    /// member's value (the first, if it is repeated) or of the resource when it has no such member — what the resource's
    /// map gives — found by reading the resource's top level only, without building the map (an assessment's position
    /// is wanted for every assessment read). <c>null</c> for any other pointer.
    /// </summary>
    private long? TopLevelValue(EntryLayout entry, string relativePointer)
    {
        if (relativePointer.Length < 2 || relativePointer.AsSpan(1).IndexOfAny('/', '~') >= 0 || !System.Text.Ascii.IsValid(relativePointer))
        {
            return null;
        }

        var name = relativePointer.AsSpan(1);
        var reader = new Utf8JsonReader(utf8.AsSpan(offset + entry.Start, entry.Length), BundleLayout.ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool found = reader.ValueTextEquals(name);
            reader.Read();
            if (found)
            {
                return reader.TokenStartIndex;
            }

            reader.Skip();
        }

        return 0;
    }

    /// <summary>The pointer itself when it names an element of the entry's resource, else its nearest ancestor that does
    /// (<c>""</c>, the resource, at worst): a diagnostic about something missing points at where it is missing from.</summary>
    /// <param name="entry">The entry whose resource the pointer is relative to.</param>
    /// <param name="relativePointer">A pointer relative to the resource.</param>
    /// <returns>A pointer that exists in the JSON.</returns>
    public string Existing(EntryLayout entry, string relativePointer) =>
        relativePointer.Length == 0 || entry.Start < 0 ? string.Empty : ResourceMap(entry).Nearest(relativePointer);

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
            if (!map.Contains(candidate))
            {
                string? choice = FindChoice(map, candidate);
                if (choice is null)
                {
                    break;
                }

                candidate = choice;
            }

            pointer.Clear().Append(candidate);
            if (index is not null && map.Contains(candidate + "/" + index))
            {
                pointer.Append('/').Append(index);
            }
        }

        return pointer.ToString();
    }

    /// <summary>The member of a choice element: <c>/valueQuantity</c> for <c>/value</c>; failing that, any member that
    /// starts with the element's name (<c>/valueFoo</c>, a type R4 does not have, as written).</summary>
    private static string? FindChoice(JsonPointerOffsets map, string prefix)
    {
        string? any = null;
        foreach (string key in map.Pointers)
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

    private JsonPointerOffsets ResourceMap(EntryLayout entry)
    {
        if (!resourceMaps.TryGetValue(entry.Index, out var map))
        {
            // The layout pass has already checked the text (but not the UTF-8 of every name); a partial map only loses precision.
            map = JsonPointerOffsets.Walk(utf8.AsSpan(offset + entry.Start, entry.Length), 0, BundleLayout.MaxDepth);
            resourceMaps[entry.Index] = map;
        }

        return map;
    }

    /// <summary>Escapes one pointer segment (RFC 6901).</summary>
    public static string Escape(string segment) => JsonPointerOffsets.Escape(segment);
}
