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

    public NodeResult Result(string found, string absent, bool absentUnknown, string missing)
    {
        if (hits.Count > 0)
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
