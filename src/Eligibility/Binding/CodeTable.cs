using System;
using System.Collections.Generic;
using System.Threading;

namespace Eligibility.Binding;

/// <summary>
/// One compiled trial's concepts seen from the codes: for a (normalised system, trimmed code), which of the trial's
/// concept matchers match it and with which member concept. Each matcher that joins the table gets a slot (0, 1, …), so a
/// patient index can resolve a trial's concepts in one pass over the patient's codes (one look-up per code) and then find
/// a concept's matches by its slot, instead of matching every concept against the patient's codes.
/// </summary>
/// <remarks>
/// What a code matches is worked out the first time any patient has the code, by asking every matcher of the table
/// (<see cref="CodeMatcher.Match(string, string)"/>, the very test the matchers make one by one), then kept per code —
/// never per patient — so the answers are the matchers' own. The table keeps at most <see cref="Capacity"/> codes; past
/// that a code's matches are worked out each time it is looked up and not kept, so memory stays bounded whatever codes
/// the patients carry. Thread-safe: look-ups read an open-addressing table without locks (a code not kept is matched
/// outside any lock, then kept under one); two threads may work out the same code at once, and the first one kept wins
/// (both computed the same matches).
/// </remarks>
internal sealed class CodeTable
{
    /// <summary>The number of codes a table keeps unless told otherwise.</summary>
    public const int DefaultCapacity = 1 << 16;

    private static readonly Hit[] NoHits = [];

    private readonly object writing = new();
    private CodeMatcher[] matchers = [];
    private Entry?[] entries = new Entry?[64];
    private int kept;

    private CodeTable(int capacity) => Capacity = capacity;

    /// <summary>How many codes the table keeps at most.</summary>
    public int Capacity { get; }

    /// <summary>The matchers that joined the table, by slot.</summary>
    public IReadOnlyList<CodeMatcher> Matchers => matchers;

    /// <summary>The number of slots (matchers that joined the table).</summary>
    public int SlotCount => matchers.Length;

    /// <summary>The number of codes kept so far (never above <see cref="Capacity"/> but for a few racing threads).</summary>
    public int Kept => Volatile.Read(ref kept);

    /// <summary>
    /// A table over the given matchers. A matcher already in another table (or listed twice) stays there and is left
    /// out: asked about on a patient index, it is matched on its own as before. <c>null</c> when no matcher joins.
    /// </summary>
    public static CodeTable? Over(IEnumerable<CodeMatcher> candidates, int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        var table = new CodeTable(capacity);
        var joined = new List<CodeMatcher>();
        foreach (var matcher in candidates)
        {
            if (matcher.TryClaim(joined.Count))
            {
                joined.Add(matcher);
            }
        }

        if (joined.Count == 0)
        {
            return null;
        }

        // Each matcher points at its table only once the table holds every matcher: until then it is matched on its own.
        table.matchers = joined.ToArray();
        foreach (var matcher in joined)
        {
            matcher.Join(table);
        }

        return table;
    }

    /// <summary>
    /// The slots whose matcher matches the code, each with the member concept it matches, in slot order (empty for
    /// none). <paramref name="normalisedSystem"/> as <see cref="CodeMatcher.NormaliseSystem"/> gives it,
    /// <paramref name="trimmedCode"/> trimmed.
    /// </summary>
    public Hit[] Lookup(string normalisedSystem, string trimmedCode) => Lookup(normalisedSystem, trimmedCode, Hash(trimmedCode));

    /// <summary><see cref="Lookup(string, string)"/> with the code's <see cref="Hash"/> already worked out.</summary>
    public Hit[] Lookup(string normalisedSystem, string trimmedCode, int hash)
    {
        var table = Volatile.Read(ref entries);
        int mask = table.Length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask)
        {
            var entry = Volatile.Read(ref table[i]);
            if (entry is null)
            {
                break;
            }

            if (entry.Hash == hash && string.Equals(entry.Code, trimmedCode, StringComparison.Ordinal)
                && (ReferenceEquals(entry.System, normalisedSystem) || string.Equals(entry.System, normalisedSystem, StringComparison.Ordinal)))
            {
                return entry.Hits;
            }
        }

        var hits = Match(normalisedSystem, trimmedCode);
        if (Volatile.Read(ref kept) < Capacity)
        {
            Keep(new Entry(normalisedSystem, trimmedCode, hash, hits));
        }

        return hits;
    }

    /// <summary>
    /// A cheap hash of a trimmed code (FNV-1a over its characters, folded): what <see cref="Lookup(string, string, int)"/>
    /// takes, so a caller that hashed the code already does not hash it again.
    /// </summary>
    public static int Hash(string code)
    {
        uint hash = 2166136261;
        foreach (char ch in code)
        {
            hash = (hash ^ ch) * 16777619;
        }

        return (int)(hash ^ (hash >> 15));
    }

    /// <summary>
    /// Stores an entry unless its code is kept already. Writers take a lock; readers never do: an entry is published
    /// whole into an empty place, and a grown table is filled before it replaces the old one.
    /// </summary>
    private void Keep(Entry entry)
    {
        lock (writing)
        {
            if (kept >= Capacity)
            {
                return;
            }

            var table = entries;
            if ((kept + 1) * 2 > table.Length)
            {
                var grown = new Entry?[table.Length * 2];
                foreach (var old in table)
                {
                    if (old is not null)
                    {
                        grown[FreePlace(grown, old)] = old;
                    }
                }

                Volatile.Write(ref entries, grown);
                table = grown;
            }

            int mask = table.Length - 1;
            for (int i = entry.Hash & mask; table[i] is { } other; i = (i + 1) & mask)
            {
                if (other.Hash == entry.Hash && other.Code == entry.Code && other.System == entry.System)
                {
                    return; // another thread kept it first
                }
            }

            Volatile.Write(ref table[FreePlace(table, entry)], entry);
            Volatile.Write(ref kept, kept + 1);
        }
    }

    private static int FreePlace(Entry?[] table, Entry entry)
    {
        int mask = table.Length - 1;
        int i = entry.Hash & mask;
        while (table[i] is not null)
        {
            i = (i + 1) & mask;
        }

        return i;
    }

    private Hit[] Match(string normalisedSystem, string trimmedCode)
    {
        List<Hit>? hits = null;
        for (int slot = 0; slot < matchers.Length; slot++)
        {
            if (matchers[slot].Match(normalisedSystem, trimmedCode) is { } member)
            {
                (hits ??= new List<Hit>(2)).Add(new Hit(slot, member));
            }
        }

        return hits is null ? NoHits : hits.ToArray();
    }

    /// <summary>A slot whose matcher matches a code, and the member concept it matches.</summary>
    internal readonly record struct Hit(int Slot, string Member);

    /// <summary>One kept code: its normalised system, trimmed code and hash, and what it matches.</summary>
    private sealed record Entry(string System, string Code, int Hash, Hit[] Hits);
}
