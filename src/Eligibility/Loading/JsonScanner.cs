using System;
using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Eligibility.Diagnostics;
using Eligibility.Shared;

namespace Eligibility.Loading;

/// <summary>
/// One forward pass over JSON bytes with <see cref="Utf8JsonReader"/>, before any document or object is built: checks
/// nesting depth, the length of every string, property name and number, the number of items in every array, and that
/// every string and property name is valid Unicode (well-formed UTF-8, no lone surrogate escape such as <c>\ud800</c>,
/// which System.Text.Json accepts while parsing and only refuses later, when the string is read). Time and memory are
/// linear in the input and independent of what the JSON holds. Syntax errors are not reported here: the parser that
/// follows reports them at its own position.
/// </summary>
internal static class JsonScanner
{
    /// <summary>What the first problem is, and where (a byte offset into the bytes given, byte order mark included).</summary>
    internal readonly record struct Problem(string Code, string Message, long Offset, string Pointer);

    /// <summary>The first problem in <paramref name="utf8"/> (a byte order mark is allowed), or null.</summary>
    /// <param name="utf8">The JSON bytes.</param>
    /// <param name="maxDepth">The deepest nesting allowed (the top-level value's container is depth 1).</param>
    /// <param name="maxStringBytes">The longest string, property name or number, in bytes as written.</param>
    /// <param name="maxArrayItems">The most items in one array.</param>
    /// <param name="what">What the input is called in messages, plural (<c>"patient records"</c>).</param>
    public static Problem? Scan(ReadOnlySpan<byte> utf8, int maxDepth, int maxStringBytes, int maxArrayItems, string what)
    {
        int bom = Utf8Bom.LengthOf(utf8);
        var options = new JsonReaderOptions { MaxDepth = (int)Math.Min((long)maxDepth + 2, 100_000) };
        var reader = new Utf8JsonReader(utf8[bom..], options);

        // Per open container (by depth): items so far for an array, -1 for an object; for an object, where the name of
        // the member being read lies (so the pointer of a problem can be told without building strings as we go).
        int size = Math.Min(maxDepth, 1024) + 2;
        var counts = new int[size];
        var names = new (int Start, int Length)[size];
        var body = utf8[bom..];
        byte[]? scratch = null;
        try
        {
            while (reader.Read())
            {
                int depth = reader.CurrentDepth;
                var token = reader.TokenType;
                long at = reader.TokenStartIndex + bom;

                // A value directly inside an array counts as one of its items.
                if (token is not (JsonTokenType.EndArray or JsonTokenType.EndObject or JsonTokenType.PropertyName) && depth > 0 && depth - 1 < counts.Length && counts[depth - 1] >= 0)
                {
                    if (++counts[depth - 1] > maxArrayItems)
                    {
                        return new Problem(DiagnosticCodes.InputLimitExceeded, $"an array has more than {N(maxArrayItems)} items; {what} are limited to {N(maxArrayItems)} items per array", at, Pointer(body, counts, names, depth));
                    }
                }

                switch (token)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        if (depth + 1 > maxDepth)
                        {
                            return new Problem(DiagnosticCodes.InputLimitExceeded, $"objects and arrays are nested more than {N(maxDepth)} deep; {what} are limited to {N(maxDepth)} levels", at, Pointer(body, counts, names, depth));
                        }

                        if (depth >= counts.Length)
                        {
                            Array.Resize(ref counts, counts.Length * 2);
                            Array.Resize(ref names, names.Length * 2);
                        }

                        counts[depth] = token == JsonTokenType.StartArray ? 0 : -1;
                        break;

                    case JsonTokenType.String:
                    case JsonTokenType.PropertyName:
                    {
                        var value = reader.ValueSpan;
                        bool name = token == JsonTokenType.PropertyName;
                        string kind = name ? "a property name" : "a string";

                        // A name's problem is the enclosing object's; a value's is its own.
                        int pointerDepth = name ? depth - 1 : depth;
                        if (value.Length > maxStringBytes)
                        {
                            return new Problem(DiagnosticCodes.InputLimitExceeded, $"{kind} is {N(value.Length)} bytes long; {what} are limited to {N(maxStringBytes)} bytes per string", at, Pointer(body, counts, names, pointerDepth));
                        }

                        if (Invalid(ref reader, value, ref scratch) is { } invalid)
                        {
                            // At the offending byte or escape: the opening quote, then the index in the text as written.
                            return new Problem(DiagnosticCodes.JsonSyntax, $"invalid JSON: {kind} {invalid.Why}", at + 1 + invalid.Index, Pointer(body, counts, names, pointerDepth));
                        }

                        if (name && depth > 0)
                        {
                            names[depth - 1] = ((int)reader.TokenStartIndex + 1, value.Length);
                        }

                        break;
                    }

                    case JsonTokenType.Number:
                        if (reader.ValueSpan.Length > maxStringBytes)
                        {
                            return new Problem(DiagnosticCodes.InputLimitExceeded, $"a number is {N(reader.ValueSpan.Length)} characters long; {what} are limited to {N(maxStringBytes)} bytes per value", at, Pointer(body, counts, names, depth));
                        }

                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Not well-formed: the parser reports it at its own position.
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }

        return null;
    }

    /// <summary>Why a string token is not valid Unicode and where (the index in its text as written), or null when it is.</summary>
    private static (string Why, int Index)? Invalid(ref Utf8JsonReader reader, ReadOnlySpan<byte> raw, ref byte[]? scratch)
    {
        if (FirstInvalidUtf8(raw) is { } at)
        {
            return (NotUtf8, at);
        }

        if (!reader.ValueIsEscaped)
        {
            return null;
        }

        // Unescaping never makes the text longer; it throws for a lone or reversed surrogate escape (\ud800, \udc00).
        if (scratch is null || scratch.Length < raw.Length)
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }

            scratch = ArrayPool<byte>.Shared.Rent(Math.Max(raw.Length, 256));
        }

        try
        {
            reader.CopyString(scratch);
            return null;
        }
        catch (InvalidOperationException)
        {
            return (LoneSurrogate, LoneSurrogateEscape(raw));
        }
    }

    /// <summary>Why a string holding bytes that are not UTF-8 is refused (after "a string " or "a property name ").</summary>
    internal const string NotUtf8 = "holds bytes that are not valid UTF-8 (JSON text must be UTF-8)";

    /// <summary>Why a string holding a lone surrogate escape is refused (after "a string " or "a property name ").</summary>
    internal const string LoneSurrogate = "holds an escape of a lone UTF-16 surrogate (such as \\ud800), which is no character";

    /// <summary>The index of the first byte of <paramref name="raw"/> that does not start a valid UTF-8 sequence, or null when all is valid.</summary>
    internal static int? FirstInvalidUtf8(ReadOnlySpan<byte> raw)
    {
        if (Utf8.IsValid(raw))
        {
            return null;
        }

        int at = 0;
        while (at < raw.Length && Rune.DecodeFromUtf8(raw[at..], out _, out int consumed) == OperationStatus.Done)
        {
            at += consumed;
        }

        return at;
    }

    /// <summary>The index of the first <c>\uD800</c>–<c>\uDFFF</c> escape not part of a high-low pair (0 when not found).</summary>
    internal static int LoneSurrogateEscape(ReadOnlySpan<byte> raw)
    {
        int i = 0;
        while (i < raw.Length)
        {
            if (raw[i] != (byte)'\\' || i + 1 >= raw.Length)
            {
                i++;
                continue;
            }

            if (raw[i + 1] != (byte)'u' || !TryHex(raw, i + 2, out int unit))
            {
                i += 2;
                continue;
            }

            if (unit is >= 0xD800 and <= 0xDBFF && i + 12 <= raw.Length && raw[i + 6] == (byte)'\\' && raw[i + 7] == (byte)'u'
                && TryHex(raw, i + 8, out int low) && low is >= 0xDC00 and <= 0xDFFF)
            {
                i += 12;
                continue;
            }

            if (unit is >= 0xD800 and <= 0xDFFF)
            {
                return i;
            }

            i += 6;
        }

        return 0;
    }

    private static bool TryHex(ReadOnlySpan<byte> raw, int start, out int value)
    {
        value = 0;
        if (start + 4 > raw.Length)
        {
            return false;
        }

        return int.TryParse(Encoding.ASCII.GetString(raw.Slice(start, 4)), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>The JSON pointer of the value being read at <paramref name="depth"/> (its containers' members or items).</summary>
    private static string Pointer(ReadOnlySpan<byte> body, int[] counts, (int Start, int Length)[] names, int depth)
    {
        var sb = new StringBuilder();
        for (int k = 0; k < depth && k < counts.Length; k++)
        {
            sb.Append('/');
            if (counts[k] >= 0)
            {
                sb.Append(Math.Max(0, counts[k] - 1).ToString(CultureInfo.InvariantCulture));
                continue;
            }

            var (start, length) = names[k];
            string segment;
            try
            {
                // The name as written (between its quotes, escapes included) was valid when it was read.
                var nameReader = new Utf8JsonReader(body.Slice(start - 1, length + 2));
                nameReader.Read();
                segment = nameReader.GetString() ?? string.Empty;
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentOutOfRangeException)
            {
                segment = string.Empty;
            }

            sb.Append(SourceMap.Escape(segment));
        }

        return sb.ToString();
    }

    /// <summary>The 1-based line and column (UTF-16 code units) of a byte offset, counted once, only for a problem.</summary>
    public static (int Line, int Column) LineColumn(ReadOnlySpan<byte> utf8, long offset)
    {
        int end = (int)Math.Clamp(offset, 0, utf8.Length);
        int bom = Utf8Bom.LengthOf(utf8);
        var before = utf8[..end];
        int line = before.Count((byte)'\n') + 1;
        int start = before.LastIndexOf((byte)'\n') + 1;
        if (start < bom)
        {
            start = bom;
        }

        int column = start >= end ? 1 : Encoding.UTF8.GetCharCount(utf8[start..end]) + 1;
        return (line, column);
    }

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
