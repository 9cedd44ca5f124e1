using System;
using System.Collections;
using System.Collections.Generic;

namespace Eligibility.Sql;

/// <summary>
/// One person's statuses and outcomes as read back from <c>elig_state</c>: the packed BIGINTs themselves (4 bits per node:
/// status × 4 + outcome; 15 nodes per BIGINT), decoded when a node is read. A million persons keep a few BIGINTs each
/// instead of a status byte and a four-byte outcome per node (300 MB for a trial of 60 nodes), and reading them back
/// writes no per-node arrays. The codes are checked when read back (<see cref="Check"/>), so decoding never fails.
/// </summary>
internal sealed class PackedNodes : IReadOnlyList<Truth>, IReadOnlyList<Outcome>
{
    /// <summary>Nodes per BIGINT (see <see cref="Compilation.OmopSqlWriter.NodesPerPack"/>).</summary>
    private const int PerPack = Compilation.OmopSqlWriter.NodesPerPack;

    /// <summary>Bit 2 of every 4-bit code: with bit 3 it marks status 3, which no node has.</summary>
    private const long StatusThree = 0x4444444444444444L;

    private readonly long[] block;
    private readonly int offset;

    /// <param name="block">BIGINTs shared by several persons.</param>
    /// <param name="offset">Where this person's BIGINTs start in <paramref name="block"/>.</param>
    /// <param name="count">The number of nodes.</param>
    public PackedNodes(long[] block, int offset, int count)
    {
        this.block = block;
        this.offset = offset;
        Count = count;
    }

    /// <inheritdoc/>
    public int Count { get; }

    /// <summary>Throws when a BIGINT read back holds a status other than 0, 1 or 2 (the packing is not the expected one).</summary>
    public static void Check(long pack)
    {
        if (((pack >> 1) & pack & StatusThree) != 0)
        {
            throw new InvalidOperationException("unexpected status 3 in the result");
        }
    }

    // The truth of each status (3 never passes Check) and the outcome of each outcome code, looked up rather than switched on.
    private static readonly Truth[] Truths = { Truth.False, Truth.Unknown, Truth.True, Truth.True };
    private static readonly Outcome[] Outcomes = { Outcome.Pass, Outcome.Fail, Outcome.Review, Outcome.Unknown };

    Truth IReadOnlyList<Truth>.this[int index] => Truths[Code(index) >> 2];

    Outcome IReadOnlyList<Outcome>.this[int index] => Outcomes[Code(index) & 3];

    IEnumerator<Truth> IEnumerable<Truth>.GetEnumerator()
    {
        var truths = (IReadOnlyList<Truth>)this;
        for (int i = 0; i < Count; i++)
        {
            yield return truths[i];
        }
    }

    IEnumerator<Outcome> IEnumerable<Outcome>.GetEnumerator()
    {
        var outcomes = (IReadOnlyList<Outcome>)this;
        for (int i = 0; i < Count; i++)
        {
            yield return outcomes[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<Outcome>)this).GetEnumerator();

    private int Code(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"a person has {Count} nodes");
        }

        int word = index / PerPack;
        return (int)(block[offset + word] >> (4 * (index - (word * PerPack)))) & 0xF;
    }
}
