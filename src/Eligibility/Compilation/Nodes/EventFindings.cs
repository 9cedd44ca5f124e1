using System;
using System.Collections.Generic;
using Eligibility.Evaluation;

namespace Eligibility.Compilation.Nodes;

/// <summary>
/// Accumulates what a search of event records (conditions, procedures, medications, immunizations) found:
/// any qualifying record ⇒ true; else a record that might qualify but lacks a date ⇒ unknown; else absent
/// (false, or unknown under <c>absentMeans: unknown</c>) — and the explanation always says which.
/// </summary>
internal sealed class EventFindings
{
    private readonly List<string> hits = new();
    private readonly List<string> undecided = new();
    private readonly List<FactUsed> facts = new();

    public void Hit(string description, FactUsed fact)
    {
        hits.Add(description);
        facts.Add(fact);
    }

    public void Undecided(string description, FactUsed fact)
    {
        undecided.Add(description);
        facts.Add(fact);
    }

    /// <summary>Records a finding; the tally always, the wording only when <paramref name="findings"/> is given (not on the verdict path).</summary>
    public static void Add(ref EventTally tally, EventFindings? findings, bool hit, string description, FactUsed fact)
    {
        if (hit)
        {
            tally.Hit = true;
            findings?.Hit(description, fact);
        }
        else
        {
            tally.Undecided = true;
            findings?.Undecided(description, fact);
        }
    }

    /// <summary>Whether any of the concepts matches one of the codes (an <c>except</c> list).</summary>
    public static bool AnyMatches(IReadOnlyList<Binding.BoundConcept> concepts, IReadOnlyList<Eligibility.Coding> codes)
    {
        for (int i = 0; i < concepts.Count; i++)
        {
            if (concepts[i].Matcher.Match(codes) is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="value"/> is one of <paramref name="values"/>, ignoring case.</summary>
    public static bool IsOneOf(string? value, string[] values)
    {
        if (value is null)
        {
            return false;
        }

        foreach (var v in values)
        {
            if (string.Equals(value, v, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public NodeResult Result(string found, string absent, bool absentUnknown, string missing)
    {
        var truth = new EventTally { Hit = hits.Count > 0, Undecided = undecided.Count > 0 }.Truth(absentUnknown);
        if (truth.IsTrue)
        {
            return NodeResult.Of(Truth.True, () => found + ": " + string.Join("; ", hits), facts);
        }

        if (undecided.Count > 0)
        {
            return NodeResult.Unknown(() => found.Replace("Found ", "Cannot tell whether there is ", StringComparison.Ordinal) + ": " + string.Join("; ", undecided), missing, facts);
        }

        return absentUnknown
            ? NodeResult.Unknown(() => absent + " (absence is unknown for this criterion)", missing)
            : NodeResult.Of(Truth.False, () => absent + " (the record is taken as complete)");
    }
}

/// <summary>What a search of event records found, as the verdict path needs it: whether any record qualified, and whether any might.</summary>
internal struct EventTally
{
    public bool Hit;

    public bool Undecided;

    /// <summary>Any hit ⇒ true; else an undecided record ⇒ unknown; else absent: false, or unknown under <c>absentMeans: unknown</c>.</summary>
    public readonly Truth Truth(bool absentUnknown) =>
        Hit ? Eligibility.Truth.True : Undecided || absentUnknown ? Eligibility.Truth.Unknown : Eligibility.Truth.False;
}
