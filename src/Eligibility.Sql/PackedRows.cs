using System;
using System.Collections;
using System.Collections.Generic;

namespace Eligibility.Sql;

/// <summary>
/// The person rows of a result as read back from <c>elig_state</c>, kept in columns: per person the ID, the packed BIGINTs
/// (<see cref="PackedNodes"/>) and the verdict, in blocks of <see cref="BlockRows"/> persons. A row object is made when a
/// row is read (and dies young), instead of two long-lived objects per person made while reading: a million persons are a
/// few dozen arrays for the garbage collector to keep, not two million objects it copies from generation to generation.
/// </summary>
internal sealed class PackedRows : IReadOnlyList<OmopPatientRow>
{
    /// <summary>Persons per block.</summary>
    private const int BlockRows = 1 << 14;

    // Per block: each person's ID followed by their packed BIGINTs (Stride longs a person), and their verdicts.
    private readonly List<long[]> blocks = new();
    private readonly List<Verdict[]> verdicts = new();
    private readonly int packs;
    private readonly int nodes;

    /// <param name="packs">Packed BIGINTs per person.</param>
    /// <param name="nodes">Nodes per person.</param>
    public PackedRows(int packs, int nodes)
    {
        this.packs = packs;
        this.nodes = nodes;
    }

    private int Stride => packs + 1;

    /// <inheritdoc/>
    public int Count { get; private set; }

    /// <summary>The next person's place: the block and the offset of their ID in it, their packed BIGINTs following.</summary>
    public (long[] Block, int Offset) Add(long personId, Verdict verdict)
    {
        int inBlock = Count % BlockRows;
        if (inBlock == 0)
        {
            blocks.Add(new long[BlockRows * Stride]);
            verdicts.Add(new Verdict[BlockRows]);
        }

        var block = blocks[^1];
        block[inBlock * Stride] = personId;
        verdicts[^1][inBlock] = verdict;
        Count++;
        return (block, inBlock * Stride);
    }

    /// <inheritdoc/>
    public OmopPatientRow this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            var block = blocks[index / BlockRows];
            int at = (index % BlockRows) * Stride;
            var packed = new PackedNodes(block, at + 1, nodes);
            return new OmopPatientRow(block[at], verdicts[index / BlockRows][index % BlockRows], packed, packed);
        }
    }

    /// <inheritdoc/>
    public IEnumerator<OmopPatientRow> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
