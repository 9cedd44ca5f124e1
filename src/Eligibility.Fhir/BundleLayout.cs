using System;
using System.Collections.Generic;
using System.Text.Json;
using Eligibility.Shared;

namespace Eligibility.Fhir;

/// <summary>One <c>Bundle.entry</c> as found in the raw JSON: where its resource starts and ends, and what it says it is.</summary>
/// <param name="Index">The entry's index in <c>Bundle.entry</c>.</param>
/// <param name="DecodedFullUrl">The entry's <c>fullUrl</c> when the scan decoded it (an escaped or empty string); a plain
/// one is kept as its place in the text (<see cref="FullUrlStart"/>) and decoded only when asked for (<see cref="FullUrlIn"/>).</param>
/// <param name="Start">Byte offset of the resource object's <c>{</c>, or -1 when the entry has no resource object.</param>
/// <param name="Length">Byte length of the resource object.</param>
/// <param name="ResourceType">The resource's <c>resourceType</c>, if it is a string.</param>
/// <param name="Id">The resource's <c>id</c>, if it is a string.</param>
/// <param name="HasResource">Whether the entry has a <c>resource</c> property at all.</param>
internal sealed record EntryLayout(int Index, string? DecodedFullUrl, int Start, int Length, string? ResourceType, string? Id, bool HasResource)
{
    /// <summary>Byte offset of the entry's <c>resource</c> value when it is not an object (for positioning the error).</summary>
    public int ValueOffset { get; init; } = -1;

    /// <summary>The resource as <see cref="FastResourceReader"/> built it during the scan, when the scan was asked to and
    /// the reader took it.</summary>
    public Hl7.Fhir.Model.Resource? Parsed { get; init; }

    /// <summary>Byte offset (after the opening quote) of the entry's <c>fullUrl</c> value when the scan left it undecoded: a
    /// string with no escape, not empty, valid UTF-8 (most bundles have one per entry, and the reader needs few of them); -1
    /// otherwise.</summary>
    public int FullUrlStart { get; init; } = -1;

    /// <summary>The byte length of the undecoded <c>fullUrl</c> value at <see cref="FullUrlStart"/>.</summary>
    public int FullUrlLength { get; init; }

    /// <summary>The entry's <c>fullUrl</c>, if any: the string <see cref="Utf8JsonReader.GetString"/> gives for it.</summary>
    /// <param name="text">The scanned text (without its byte order mark).</param>
    /// <returns>The fullUrl, or <c>null</c>.</returns>
    public string? FullUrlIn(ReadOnlySpan<byte> text) =>
        FullUrlStart >= 0 ? System.Text.Encoding.UTF8.GetString(text.Slice(FullUrlStart, FullUrlLength)) : DecodedFullUrl;

    /// <summary>Whether the scan tried <see cref="FastResourceReader"/> on the resource (taken or not: no need to try again).</summary>
    public bool FastTried { get; init; }

    /// <summary>The entry resource's JSON pointer, e.g. <c>/entry/3/resource</c>; <c>""</c> for the whole document
    /// (<see cref="Index"/> -1: a lone resource, or the bundle itself).</summary>
    public string Pointer => Index < 0 ? string.Empty : "/entry/" + Index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/resource";

    /// <summary>The whole document as one "entry" (index -1), from its top-level value to the end of the text, for
    /// positions relative to the top-level object (and for parsing a lone resource).</summary>
    /// <param name="layout">The scanned document.</param>
    /// <param name="length">The byte length of the text without its byte order mark.</param>
    /// <returns>The layout of the whole text.</returns>
    public static EntryLayout Whole(BundleLayout layout, int length) => new(-1, null, layout.Start, length - layout.Start, layout.ResourceType, null, true);
}

/// <summary>
/// The shape of a bundle read in one forward pass with <see cref="Utf8JsonReader"/>: the top-level <c>resourceType</c>
/// and the byte range of every entry's resource, so each resource can be handed to the Firely parser on its own (one bad
/// resource gives one positioned error; the rest still map) and positions can be computed without a DOM.
/// The pass reads every token, so it also checks that the whole text is well-formed JSON.
/// </summary>
internal sealed class BundleLayout
{
    /// <summary>Nesting limit for the raw JSON; deeper input is reported as malformed rather than risking the stack.</summary>
    public const int MaxDepth = 128;

    private BundleLayout(int start, string? resourceType, bool isObject, List<EntryLayout> entries)
    {
        Start = start;
        ResourceType = resourceType;
        IsObject = isObject;
        Entries = entries;
    }

    /// <summary>Byte offset of the top-level value (after any leading white space).</summary>
    public int Start { get; }

    /// <summary>The top-level <c>resourceType</c>, if it is a string.</summary>
    public string? ResourceType { get; }

    /// <summary>Whether the top-level value is an object.</summary>
    public bool IsObject { get; }

    /// <summary>Every entry of <c>Bundle.entry</c>, in order.</summary>
    public IReadOnlyList<EntryLayout> Entries { get; }

    /// <summary>Reader options shared by every pass: RFC 8259 JSON (no comments, no trailing commas), bounded depth.</summary>
    public static JsonReaderOptions ReaderOptions => new() { MaxDepth = MaxDepth };

    /// <summary>The top-level <c>resourceType</c> of a JSON object, reading only the top level; <c>null</c> when there is
    /// none or the text is not a JSON object. Never throws.</summary>
    public static string? PeekResourceType(ReadOnlySpan<byte> utf8)
    {
        // No member can be named resourceType in a text that spells it nowhere and has no \u escape (the only escape that
        // can stand for a letter): a native record, say, is known to have none without tokenising its top level.
        if (utf8.IndexOf("resourceType"u8) < 0 && utf8.IndexOf("\\u"u8) < 0)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(WithoutBom(utf8), ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isType = reader.ValueTextEquals("resourceType"u8);
                if (!reader.Read())
                {
                    return null;
                }

                if (isType)
                {
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }

                reader.Skip();
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The text without a UTF-8 byte order mark.</summary>
    public static ReadOnlySpan<byte> WithoutBom(ReadOnlySpan<byte> utf8) => Utf8Bom.Strip(utf8);

    /// <summary>Scans the whole text. Throws <see cref="JsonException"/> (with the reader's line and byte position) when it is
    /// not well-formed JSON; the caller turns that into ELIG0001. With <paramref name="parseResources"/>, an entry's
    /// resource of a type eligibility uses whose first member is its <c>resourceType</c> is read by
    /// <see cref="FastResourceReader"/> in the same pass (<see cref="EntryLayout.Parsed"/>); when the reader does not take
    /// it, the scan reads the resource again as it does without, so the layout and any error are the same either way.</summary>
    /// <param name="utf8">The text, without a byte order mark.</param>
    /// <param name="parseResources">Whether to read the used resources with <see cref="FastResourceReader"/> in the pass.</param>
    /// <param name="maxDepth">The reader's nesting limit (at most <see cref="MaxDepth"/>): <see cref="FhirBundleReader"/>
    /// passes the input limits' depth, so the one pass also checks it (deeper text throws, as it does at <see cref="MaxDepth"/>).</param>
    /// <param name="forMapping">With <paramref name="parseResources"/>: the POCOs are for <see cref="BundleMapper"/> only, so
    /// the members it never reads are checked but not built (<see cref="FastResourceReader.TryRead(ref Utf8JsonReader, string, bool)"/>).</param>
    public static BundleLayout Scan(ReadOnlySpan<byte> utf8, bool parseResources = false, int maxDepth = MaxDepth, bool forMapping = false)
    {
        try
        {
            return ScanText(utf8, parseResources, forMapping, new JsonReaderOptions { MaxDepth = Math.Clamp(maxDepth, 1, MaxDepth) });
        }
        catch (InvalidOperationException)
        {
            // A string the scan reads (resourceType, id, fullUrl) is not valid UTF-8: the reader throws this, not a JsonException.
            throw NotUtf8(utf8);
        }
    }

    /// <summary>A <see cref="JsonException"/> at the first byte that is not valid UTF-8.</summary>
    private static JsonException NotUtf8(ReadOnlySpan<byte> utf8)
    {
        int at = 0;
        while (at < utf8.Length && System.Text.Rune.DecodeFromUtf8(utf8[at..], out _, out int consumed) == System.Buffers.OperationStatus.Done)
        {
            at += consumed;
        }

        int lineStart = utf8[..at].LastIndexOf((byte)'\n') + 1;
        int line = System.MemoryExtensions.Count(utf8[..at], (byte)'\n');
        return new JsonException("the text is not valid UTF-8", null, line, at - lineStart);
    }

    private static BundleLayout ScanText(ReadOnlySpan<byte> utf8, bool parseResources, bool forMapping, JsonReaderOptions options)
    {
        var reader = new Utf8JsonReader(utf8, options);
        var entries = new List<EntryLayout>(32); // a patient's bundle has a few dozen entries: one array, not five as it grows
        if (!reader.Read())
        {
            throw new JsonException("the input is empty", null, 0, 0);
        }

        int start = checked((int)reader.TokenStartIndex);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            ReadToEnd(ref reader);
            return new BundleLayout(start, null, false, entries);
        }

        string? resourceType = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("resourceType"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    resourceType ??= reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("entry"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray && entries.Count == 0)
                {
                    ReadEntries(ref reader, entries, parseResources, forMapping);
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        ReadToEnd(ref reader);
        return new BundleLayout(start, resourceType, true, entries);
    }

    private static void ReadToEnd(ref Utf8JsonReader reader)
    {
        // Anything after the top-level value makes the reader throw, so trailing garbage is reported too.
        while (reader.Read())
        {
        }
    }

    private static void ReadEntries(ref Utf8JsonReader reader, List<EntryLayout> entries, bool parseResources, bool forMapping)
    {
        int index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                entries.Add(new EntryLayout(index++, null, -1, 0, null, null, false));
                continue;
            }

            string? fullUrl = null;
            int fullUrlStart = -1, fullUrlLength = 0;
            int start = -1, length = 0;
            string? type = null, id = null;
            bool hasResource = false;
            int valueOffset = -1;
            Hl7.Fhir.Model.Resource? parsed = null;
            bool tried = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("fullUrl"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && !reader.HasValueSequence
                        && reader.ValueSpan.Length > 0 && System.Text.Unicode.Utf8.IsValid(reader.ValueSpan))
                    {
                        // Decoded when asked for (FullUrlIn), to the same string: no escape, and valid UTF-8, where GetString throws.
                        (fullUrl, fullUrlStart, fullUrlLength) = (null, checked((int)reader.TokenStartIndex) + 1, reader.ValueSpan.Length);
                    }
                    else if (reader.TokenType == JsonTokenType.String)
                    {
                        (fullUrl, fullUrlStart, fullUrlLength) = (reader.GetString(), -1, 0);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("resource"u8) && !hasResource)
                {
                    hasResource = true;
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        start = checked((int)reader.TokenStartIndex);
                        if (parseResources && UsedType(reader) is { } used)
                        {
                            tried = true;
                            var before = reader;
                            parsed = FastResourceReader.TryRead(ref reader, used, forMapping);
                            if (parsed is null)
                            {
                                reader = before;
                            }
                        }

                        if (parsed is not null)
                        {
                            (type, id) = (parsed.TypeName, parsed.Id);
                        }
                        else
                        {
                            ReadResourceHead(ref reader, out type, out id);
                        }

                        length = checked((int)reader.BytesConsumed) - start;
                    }
                    else
                    {
                        valueOffset = checked((int)reader.TokenStartIndex);
                        reader.Skip();
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            entries.Add(new EntryLayout(index++, fullUrl, start, length, type, id, hasResource) { ValueOffset = valueOffset, Parsed = parsed, FastTried = tried, FullUrlStart = fullUrlStart, FullUrlLength = fullUrlLength });
        }
    }

    /// <summary>The resource's type when its first member is its <c>resourceType</c> and the type is one eligibility uses
    /// (the reader is on the resource's <c>{</c> and does not move), else <c>null</c>.</summary>
    private static string? UsedType(Utf8JsonReader ahead)
    {
        if (!ahead.Read() || ahead.TokenType != JsonTokenType.PropertyName || !ahead.ValueTextEquals("resourceType"u8)
            || !ahead.Read() || ahead.TokenType != JsonTokenType.String)
        {
            return null;
        }

        foreach (var (utf8, type) in UsedTypeNames)
        {
            if (ahead.ValueTextEquals(utf8))
            {
                return type;
            }
        }

        return null;
    }

    /// <summary>The types of <see cref="BundleMapper.UsedTypes"/> with their UTF-8 spelling, compared as bytes (comparing a
    /// <see cref="string"/> makes the reader transcode it on every call).</summary>
    private static readonly (byte[] Utf8, string Name)[] UsedTypeNames =
        [.. System.Linq.Enumerable.Select(BundleMapper.UsedTypes, t => (System.Text.Encoding.UTF8.GetBytes(t), t))];

    /// <summary>Reads a resource object to its end, picking up its top-level <c>resourceType</c> and <c>id</c>.</summary>
    private static void ReadResourceHead(ref Utf8JsonReader reader, out string? type, out string? id)
    {
        type = null;
        id = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isType = reader.ValueTextEquals("resourceType"u8);
            bool isId = reader.ValueTextEquals("id"u8);
            reader.Read();
            if (reader.TokenType == JsonTokenType.String && (isType || isId))
            {
                if (isType)
                {
                    type ??= reader.GetString();
                }
                else
                {
                    id ??= reader.GetString();
                }
            }
            else
            {
                reader.Skip();
            }
        }
    }
}
