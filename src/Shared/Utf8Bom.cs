// One source file, linked into each assembly that reads UTF-8 text (Eligibility, Eligibility.Fhir, Eligibility.Cli): the
// one place that knows what a UTF-8 byte order mark is.
using System;

namespace Eligibility.Shared;

/// <summary>The UTF-8 byte order mark (EF BB BF): not JSON, not part of a line, so every reader skips it.</summary>
internal static class Utf8Bom
{
    /// <summary>3 when <paramref name="utf8"/> starts with a byte order mark, else 0.</summary>
    public static int LengthOf(ReadOnlySpan<byte> utf8) => utf8.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;

    /// <summary>The text after a byte order mark (all of it when there is none).</summary>
    public static ReadOnlySpan<byte> Strip(ReadOnlySpan<byte> utf8) => utf8[LengthOf(utf8)..];

    /// <summary>The text after a byte order mark (all of it when there is none).</summary>
    public static ReadOnlyMemory<byte> Strip(byte[] utf8) => utf8.AsMemory(LengthOf(utf8));
}
