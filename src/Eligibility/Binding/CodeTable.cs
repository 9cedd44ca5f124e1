using System;
using System.Collections.Concurrent;
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
/// the patients carry. Thread-safe: look-ups read a concurrent dictionary without locks; two threads may work out the
/// same code at once, and the first one stored wins (both computed the same matches).
/// </remarks>
internal sealed class CodeTable
{
    /// <summary>The number of codes a table keeps unless told otherwise.</summary>
    public const int DefaultCapacity = 1 << 16;

    private static readonly Hit[] NoHits = [];

    private readonly ConcurrentDictionary<CodeKey, Hit[]> known = new(KeyComparer.Instance);
    private CodeMatcher[] matchers = [];
    private int kept;

    private CodeTable(int capacity) => Capacity = capacity;

    /// <summary>How many codes the table keeps at most.</summary>
    public int Capacity { get; }

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
    public Hit[] Lookup(string normalisedSystem, string trimmedCode)
    {
        var key = new CodeKey(normalisedSystem, trimmedCode);
        if (known.TryGetValue(key, out var hits))
        {
            return hits;
        }

        hits = Match(normalisedSystem, trimmedCode);
        if (Volatile.Read(ref kept) < Capacity && known.TryAdd(key, hits))
        {
            Interlocked.Increment(ref kept);
        }

        return hits;
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

    private readonly record struct CodeKey(string System, string Code);

    /// <summary>Keys compared by ordinal; the hash is the code's (systems are few and usually the same object).</summary>
    private sealed class KeyComparer : IEqualityComparer<CodeKey>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals(CodeKey x, CodeKey y) =>
            string.Equals(x.Code, y.Code, StringComparison.Ordinal)
            && (ReferenceEquals(x.System, y.System) || string.Equals(x.System, y.System, StringComparison.Ordinal));

        public int GetHashCode(CodeKey key) => key.Code.GetHashCode(StringComparison.Ordinal);
    }
}
