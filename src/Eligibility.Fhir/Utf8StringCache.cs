using System;
using System.Text.Json;

namespace Eligibility.Fhir;

/// <summary>
/// A small cache from a string value's UTF-8 bytes to the <see cref="string"/> they decode to, one per thread, so the
/// few distinct code systems, units, codes and statuses of a population are decoded and allocated once per thread
/// rather than once per resource (<see cref="FastResourceReader"/>). Direct-mapped and bounded: a slot holds the last
/// value whose hash picked it, so many distinct values cost a miss each (the value is decoded as without the cache) and
/// never more memory than <see cref="Slots"/> entries of at most <see cref="MaxLength"/> bytes. Only values the reader
/// itself decoded are stored, so a hit is a value that read cleanly before.
/// </summary>
internal sealed class Utf8StringCache
{
    /// <summary>The longest value (in UTF-8 bytes) kept; longer ones are decoded every time.</summary>
    public const int MaxLength = 64;

    /// <summary>The number of slots (a power of two).</summary>
    public const int Slots = 1024;

    [ThreadStatic]
    private static Utf8StringCache? current;

    private readonly byte[]?[] keys = new byte[Slots][];
    private readonly string?[] values = new string?[Slots];
    private readonly KeptPrimitive?[] primitives = new KeptPrimitive?[Slots];

    /// <summary>A primitive kept with a slot's value, and its class.</summary>
    private sealed record KeptPrimitive(Hl7.Fhir.Introspection.ClassMapping Type, Hl7.Fhir.Model.PrimitiveType Primitive);

    /// <summary>The calling thread's cache.</summary>
    public static Utf8StringCache Current => current ??= new Utf8StringCache();

    /// <summary>The string of the (unescaped) string token the reader is on: the cached instance when these bytes were met
    /// before on this thread, else <see cref="Utf8JsonReader.GetString"/>'s (which throws as it does for text that is not
    /// valid UTF-8), kept for next time. The caller checks the value either way (a hit is the same string a miss gives).</summary>
    /// <param name="reader">A reader on a string token.</param>
    /// <returns>The value.</returns>
    public string? Get(ref Utf8JsonReader reader) => Get(ref reader, out _);

    /// <summary>As <see cref="Get(ref Utf8JsonReader)"/>; <paramref name="slot"/> is the value's place in the cache (for
    /// <see cref="Primitive"/> and <see cref="Keep"/>), or -1 when it is not kept.</summary>
    /// <param name="reader">A reader on a string token.</param>
    /// <param name="slot">The value's slot, or -1.</param>
    /// <returns>The value.</returns>
    public string? Get(ref Utf8JsonReader reader, out int slot)
    {
        slot = -1;
        if (reader.ValueIsEscaped || reader.HasValueSequence || reader.ValueSpan.Length > MaxLength)
        {
            return reader.GetString();
        }

        var utf8 = reader.ValueSpan;
        int at = Slot(utf8);
        if (keys[at] is { } key && utf8.SequenceEqual(key))
        {
            slot = at;
            return values[at];
        }

        string? text = reader.GetString();
        if (text is not null)
        {
            Store(at, utf8, text);
            slot = at;
        }

        return text;
    }

    /// <summary>The primitive kept with the value of <paramref name="slot"/> (<see cref="Keep"/>) when it is of class
    /// <paramref name="type"/>, else <c>null</c>.</summary>
    /// <param name="slot">A slot <see cref="Get(ref Utf8JsonReader, out int)"/> gave.</param>
    /// <param name="type">The primitive's class.</param>
    /// <returns>The primitive, or <c>null</c>.</returns>
    public Hl7.Fhir.Model.PrimitiveType? Primitive(int slot, Hl7.Fhir.Introspection.ClassMapping type) =>
        primitives[slot] is { } kept && ReferenceEquals(kept.Type, type) ? kept.Primitive : null;

    /// <summary>Keeps a primitive of the slot's value (of class <paramref name="type"/>, built and checked by the
    /// caller) with it, until the slot is given another value.</summary>
    /// <param name="slot">A slot <see cref="Get(ref Utf8JsonReader, out int)"/> gave.</param>
    /// <param name="type">The primitive's class.</param>
    /// <param name="primitive">The primitive.</param>
    public void Keep(int slot, Hl7.Fhir.Introspection.ClassMapping type, Hl7.Fhir.Model.PrimitiveType primitive) =>
        primitives[slot] = new KeptPrimitive(type, primitive);

    /// <summary>The cached string for <paramref name="utf8"/>, or <c>null</c> on a miss (tests look in with it).</summary>
    internal string? Find(ReadOnlySpan<byte> utf8)
    {
        int slot = Slot(utf8);
        return keys[slot] is { } key && utf8.SequenceEqual(key) ? values[slot] : null;
    }

    /// <summary>Keeps <paramref name="text"/> as the string of <paramref name="utf8"/> (tests fill the cache with it).</summary>
    internal void Add(ReadOnlySpan<byte> utf8, string text)
    {
        if (utf8.Length <= MaxLength)
        {
            Store(Slot(utf8), utf8, text);
        }
    }

    private void Store(int slot, ReadOnlySpan<byte> utf8, string text)
    {
        // Value first, key last: a slot is only ever read on its own thread, but keep the pair consistent anyway.
        keys[slot] = null;
        primitives[slot] = null;
        values[slot] = text;
        keys[slot] = utf8.ToArray();
    }

    /// <summary>The slot of a value: its length and its first and last eight bytes, mixed (cheaper than hashing every
    /// byte; values that differ only in the middle share a slot and take turns, which costs misses, never a wrong value).</summary>
    private static int Slot(ReadOnlySpan<byte> utf8)
    {
        ulong head, tail;
        if (utf8.Length >= 8)
        {
            head = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(utf8);
            tail = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(utf8[^8..]);
        }
        else
        {
            head = 0;
            foreach (byte b in utf8)
            {
                head = (head << 8) | b;
            }

            tail = 0;
        }

        ulong mixed = ((head * 0x9E3779B97F4A7C15UL) ^ (tail * 0xC2B2AE3D27D4EB4FUL)) + (ulong)utf8.Length;
        mixed ^= mixed >> 29;
        return (int)((mixed * 0x9E3779B97F4A7C15UL) >> 54) & (Slots - 1);
    }
}
