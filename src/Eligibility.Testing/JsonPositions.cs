using System;
using Eligibility.Shared;

namespace Eligibility.Testing;

/// <summary>Where each value of a JSON document starts (by RFC 6901 pointer), for positioned diagnostics: a view over the
/// shared <see cref="JsonPointerOffsets"/> and <see cref="Utf8Lines"/>, over the text after any byte order mark.</summary>
internal sealed class JsonPositions
{
    private readonly JsonPointerOffsets offsets;
    private readonly Utf8Lines lines;

    private JsonPositions(JsonPointerOffsets offsets, Utf8Lines lines)
    {
        this.offsets = offsets;
        this.lines = lines;
    }

    /// <summary>The text without a UTF-8 byte-order mark.</summary>
    public static ReadOnlyMemory<byte> WithoutBom(byte[] utf8) => Utf8Bom.Strip(utf8);

    /// <summary>Maps every value of well-formed JSON; <c>null</c> if the text is not JSON.</summary>
    public static JsonPositions? TryBuild(byte[] utf8)
    {
        int bom = Utf8Bom.LengthOf(utf8);

        // A repeated name is mapped at its last occurrence: the one JsonElement.GetProperty reads.
        var offsets = JsonPointerOffsets.Walk(utf8.AsSpan(bom), 0, maxDepth: 256, lastWins: true);
        return offsets.Complete ? new JsonPositions(offsets, new Utf8Lines(utf8, bom, utf8.Length - bom)) : null;
    }

    /// <summary>The 1-based line and UTF-16 column where the value at <paramref name="pointer"/> starts, if it exists.</summary>
    public (int Line, int Column)? Find(string pointer) =>
        offsets.TryGet(pointer, out var at) ? lines.LineColumn(at.Value) : null;

    /// <summary>The position of <paramref name="pointer"/>, or of its nearest existing ancestor.</summary>
    public (int Line, int Column) FindNearest(string pointer) => Find(offsets.Nearest(pointer)) ?? (1, 1);

    /// <summary>The 1-based UTF-16 column of a reader error (0-based line, byte position in that line) in the text after any
    /// byte order mark.</summary>
    public static int ReaderColumn(byte[] utf8, long line, long bytePositionInLine)
    {
        int bom = Utf8Bom.LengthOf(utf8);
        return new Utf8Lines(utf8, bom, utf8.Length - bom).Column(line, bytePositionInLine);
    }

    /// <summary>The pointer of member <paramref name="segment"/> of the value at <paramref name="parent"/>.</summary>
    public static string Pointer(string parent, string segment) => parent + "/" + JsonPointerOffsets.Escape(segment);
}
