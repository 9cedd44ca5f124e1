using System;
using System.Collections.Generic;
using System.Linq;
using FluentAssertions;
using NUnit.Framework;

namespace Eligibility.Sql.Tests;

/// <summary>The packed statuses and outcomes a person's row keeps (4 bits per node, 15 nodes per BIGINT) and decodes when read.</summary>
[TestFixture]
public sealed class PackedNodesTests
{
    private static readonly Truth[] Statuses = { Truth.False, Truth.Unknown, Truth.True };

    // The SQL's outcome codes: pass 0, fail 1, review 2, unknown 3.
    private static readonly Outcome[] Outcomes = { Outcome.Pass, Outcome.Fail, Outcome.Review, Outcome.Unknown };

    [Test]
    public void Every_node_decodes_to_the_status_and_outcome_packed_at_its_place()
    {
        var random = new Random(20261206);
        foreach (int count in new[] { 1, 14, 15, 16, 30, 31, 64 })
        {
            var codes = Enumerable.Range(0, count).Select(_ => (Status: random.Next(3), Outcome: random.Next(4))).ToList();
            int packs = (count + 14) / 15;
            // Two persons in one block, the second after the first's BIGINTs, as the reader stores them.
            var block = new long[2 * packs];
            for (int i = 0; i < count; i++)
            {
                block[packs + (i / 15)] |= (long)((codes[i].Status * 4) + codes[i].Outcome) << (4 * (i % 15));
            }

            Array.ForEach(block, PackedNodes.Check);
            var nodes = new PackedNodes(block, packs, count);
            IReadOnlyList<Truth> truths = nodes;
            IReadOnlyList<Outcome> outcomes = nodes;
            truths.Count.Should().Be(count);
            truths.Should().Equal(codes.Select(c => Statuses[c.Status]));
            outcomes.Should().Equal(codes.Select(c => Outcomes[c.Outcome]));
            Enumerable.Range(0, count).Select(i => outcomes[i]).Should().Equal(codes.Select(c => Outcomes[c.Outcome]));
            FluentActions.Invoking(() => outcomes[count]).Should().Throw<ArgumentOutOfRangeException>();
            FluentActions.Invoking(() => truths[-1]).Should().Throw<ArgumentOutOfRangeException>();
        }
    }

    [Test]
    public void Result_rows_kept_in_blocks_give_each_person_their_own_id_verdict_and_nodes()
    {
        // 40,000 persons: three blocks of rows (16,384 per block), so rows on both sides of each boundary are read.
        const int persons = 40_000, count = 45, packs = 3;
        var verdicts = new[] { Verdict.Eligible, Verdict.Review, Verdict.Undetermined, Verdict.Ineligible };
        var rows = new PackedRows(packs, count);
        // In pack p: node p + 2 holds the person's status (person % 3) with outcome pass, node p + 5 status false with
        // outcome (person / 3) % 4; every other node is 0 (false, pass).
        long Pack(int person, int p) => ((long)((person % 3) * 4) << (4 * (p + 2))) | ((long)((person / 3) % 4) << (4 * (p + 5)));
        for (int person = 0; person < persons; person++)
        {
            var (block, at) = rows.Add(1_000_000L + person, verdicts[person % 4]);
            for (int p = 0; p < packs; p++)
            {
                block[at + 1 + p] = Pack(person, p);
            }
        }

        rows.Count.Should().Be(persons);
        foreach (int person in new[] { 0, 1, 16_383, 16_384, 16_385, 32_767, 32_768, persons - 1 })
        {
            var row = rows[person];
            row.PersonId.Should().Be(1_000_000L + person);
            row.Verdict.Should().Be(verdicts[person % 4]);
            row.Truths.Count.Should().Be(count);
            for (int p = 0; p < packs; p++)
            {
                row.Truths[(p * 15) + p + 2].Should().Be(Statuses[person % 3]);
                row.Outcomes[(p * 15) + p + 2].Should().Be(Outcome.Pass);
                row.Truths[(p * 15) + p + 5].Should().Be(Truth.False);
                row.Outcomes[(p * 15) + p + 5].Should().Be(Outcomes[(person / 3) % 4]);
                row.Outcomes[(p * 15) + p + 3].Should().Be(Outcome.Pass);
            }
        }

        rows.Select(r => r.PersonId).Should().Equal(Enumerable.Range(0, persons).Select(i => 1_000_000L + i));
        FluentActions.Invoking(() => rows[persons]).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => rows[-1]).Should().Throw<ArgumentOutOfRangeException>();
    }

    [TestCase(0)]
    [TestCase(7)]
    [TestCase(14)]
    public void A_status_of_three_anywhere_is_refused_when_read_back(int node)
    {
        long pack = 0x1111111111111111L & ~(0xFL << (4 * node)) | (0xCL << (4 * node));
        FluentActions.Invoking(() => PackedNodes.Check(pack)).Should().Throw<InvalidOperationException>().WithMessage("*status 3*");
        FluentActions.Invoking(() => PackedNodes.Check(pack & ~(0x4L << (4 * node)))).Should().NotThrow();
    }
}
