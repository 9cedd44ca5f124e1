using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;

namespace Eligibility.Cli.Input;

/// <summary>Where each value of a JSON document starts (by RFC 6901 pointer), for positioned diagnostics.</summary>
internal sealed class JsonPositions
{
    private readonly byte[] utf8;
    private readonly Dictionary<string, int> offsets;
    private readonly List<int> lineStarts;

    private JsonPositions(byte[] utf8, Dictionary<string, int> offsets)
    {
        this.utf8 = utf8;
        this.offsets = offsets;
        lineStarts = [0];
        for (int i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'\n')
            {
                lineStarts.Add(i + 1);
            }
        }
    }

    /// <summary>The text without a UTF-8 byte-order mark.</summary>
    public static ReadOnlyMemory<byte> WithoutBom(byte[] utf8) =>
        utf8.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? utf8.AsMemory(3) : utf8;

    /// <summary>Maps every value of well-formed JSON; <c>null</c> if the text is not JSON.</summary>
    public static JsonPositions? TryBuild(byte[] utf8)
    {
        int bom = utf8.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(utf8.AsSpan(bom), new JsonReaderOptions { MaxDepth = 256 });
        var path = new List<string>();
        var counters = new List<int>(); // -1 inside an object, the next index inside an array
        string? pendingName = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        pendingName = reader.GetString();
                        continue;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        counters.RemoveAt(counters.Count - 1);
                        if (path.Count > 0 && path.Count > counters.Count - 1)
                        {
                            path.RemoveAt(path.Count - 1);
                        }

                        continue;
                }

                // A value starts here: name it.
                string? segment = null;
                if (counters.Count > 0)
                {
                    int c = counters[^1];
                    if (c < 0)
                    {
                        segment = pendingName ?? string.Empty;
                    }
                    else
                    {
                        segment = c.ToString(System.Globalization.CultureInfo.InvariantCulture);
                        counters[^1] = c + 1;
                    }
                }

                string pointer = segment is null ? string.Empty : Pointer(path, segment);
                map[pointer] = (int)reader.TokenStartIndex + bom;
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    if (segment is not null)
                    {
                        path.Add(segment);
                    }

                    counters.Add(reader.TokenType == JsonTokenType.StartObject ? -1 : 0);
                }

                pendingName = null;
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return new JsonPositions(utf8, map);
    }

    /// <summary>The 1-based line and UTF-16 column where the value at <paramref name="pointer"/> starts, if it exists.</summary>
    public (int Line, int Column)? Find(string pointer)
    {
        if (!offsets.TryGetValue(pointer, out int offset))
        {
            return null;
        }

        int line = lineStarts.BinarySearch(offset);
        if (line < 0)
        {
            line = ~line - 1;
        }

        int start = lineStarts[line];
        int column = Encoding.UTF8.GetCharCount(utf8, start, offset - start) + 1;
        if (line == 0 && utf8.Length >= 3 && utf8[0] == 0xEF && utf8[1] == 0xBB && utf8[2] == 0xBF)
        {
            column -= 1; // the byte-order mark is not a column
        }

        return (line + 1, column);
    }

    /// <summary>The position of <paramref name="pointer"/>, or of its nearest existing ancestor.</summary>
    public (int Line, int Column) FindNearest(string pointer)
    {
        string p = pointer;
        while (true)
        {
            if (Find(p) is { } at)
            {
                return at;
            }

            if (p.Length == 0)
            {
                return (1, 1);
            }

            int slash = p.LastIndexOf('/');
            p = slash <= 0 ? string.Empty : p[..slash];
        }
    }

    public static string Pointer(string parent, string segment) => parent + "/" + segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static string Pointer(List<string> path, string segment)
    {
        var sb = new StringBuilder();
        foreach (var p in path)
        {
            sb.Append('/').Append(p.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));
        }

        sb.Append('/').Append(segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));
        return sb.ToString();
    }
}
