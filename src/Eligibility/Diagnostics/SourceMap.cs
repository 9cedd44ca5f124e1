using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using Eligibility.Shared;

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
/// Offsets count from the start of the bytes, a byte order mark included; lines and columns from 1 (columns in UTF-16 code
/// units; a byte order mark is not a column).
/// The walk and the line count are the shared ones (<see cref="JsonPointerOffsets"/>, <see cref="Utf8Lines"/>).
/// </summary>
internal sealed class SourceMap
{
    /// <summary>Documents open over a byte array (by reference), so that <see cref="Build"/> indexes the document instead of reading the text again.</summary>
    private static readonly ConditionalWeakTable<byte[], JsonDocument> OpenDocuments = new();

    private readonly int bom;
    private readonly Utf8Lines lines;
    private readonly JsonPointerOffsets offsets;

    private SourceMap(byte[] utf8, JsonPointerOffsets offsets, List<(string Pointer, long Offset)> duplicates)
    {
        bom = Utf8Bom.LengthOf(utf8);
        lines = new Utf8Lines(utf8, bom, utf8.Length - bom);
        this.offsets = offsets;
        Duplicates = duplicates;
    }

    /// <summary>Duplicate property names found while walking: pointer of the duplicate and its name offset.</summary>
    public List<(string Pointer, long Offset)> Duplicates { get; }

    /// <summary>
    /// The map of <paramref name="utf8"/>: from the document attached to these bytes (<see cref="Attach"/>) while it is
    /// open, else by walking well-formed JSON text. Records the offset of every value and property name, and repeated names.
    /// </summary>
    public static SourceMap Build(byte[] utf8)
    {
        var duplicates = new List<(string Pointer, long Offset)>();
        int bom = Utf8Bom.LengthOf(utf8);
        var offsets = OpenDocuments.TryGetValue(utf8, out var document)
            ? JsonPointerOffsets.Index(utf8, document, duplicates)
            : JsonPointerOffsets.Walk(utf8.AsSpan(bom), bom, maxDepth: 256, duplicates: duplicates); // offsets count from the file's start
        return new SourceMap(utf8, offsets, duplicates);
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
    public static long OffsetOf(byte[] utf8, ReadOnlySpan<byte> raw) => JsonPointerOffsets.OffsetOf(utf8, raw);

    /// <summary>The 1-based line and column of the value at <paramref name="pointer"/> (or of its property name when <paramref name="atName"/>).
    /// Falls back to the nearest ancestor that exists.</summary>
    public (int Line, int Column) Locate(string pointer, bool atName = false)
    {
        if (!offsets.TryGet(offsets.Nearest(pointer), out var o))
        {
            return (1, 1);
        }

        return LineColumn(atName && o.Name >= 0 ? o.Name : o.Value);
    }

    /// <summary>Whether a value exists at the pointer.</summary>
    public bool Contains(string pointer) => offsets.Contains(pointer);

    /// <summary>The 1-based line and column of a (0-based line, byte position in line) pair as System.Text.Json reports them;
    /// on the first line the position counts from the file's start, a byte order mark included.</summary>
    public (int Line, int Column) FromReaderPosition(long line, long bytePositionInLine)
    {
        int index = (int)Math.Min(line, lines.Count - 1);
        return LineColumn((index == 0 ? 0 : bom + lines.LineStart(index)) + bytePositionInLine);
    }

    /// <summary>The 1-based line and column of a byte offset; the column counts UTF-16 characters.</summary>
    public (int Line, int Column) LineColumn(long offset) => lines.LineColumn(offset - bom);

    /// <summary>Escapes one pointer segment (RFC 6901).</summary>
    public static string Escape(string segment) => JsonPointerOffsets.Escape(segment);

    private sealed class Detach(byte[] utf8) : IDisposable
    {
        public void Dispose() => OpenDocuments.Remove(utf8);
    }
}
