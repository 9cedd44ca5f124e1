using System;
using System.Collections.Generic;
using System.Linq;
using Eligibility.Binding;
using Eligibility.Evaluation;
using Eligibility.Explanation;
using Eligibility.Time;

namespace Eligibility.Compilation.Nodes;

/// <summary>A procedure performed on or before as-of (inside the window when one is given); not-done and entered-in-error never count.</summary>
internal sealed class ProcedureNode : RuleNode
{
    private static readonly string[] NeverCount = { "entered-in-error", "not-done", "cancelled", "preparation" };

    private readonly BoundConcept concept;
    private readonly IsoDuration? window;
    private readonly IReadOnlyList<BoundConcept> except;
    private readonly bool absentUnknown;

    public ProcedureNode(BoundConcept concept, IsoDuration? window, IReadOnlyList<BoundConcept> except, bool absentUnknown)
        : base("procedure")
    {
        this.concept = concept;
        this.window = window;
        this.except = except;
        this.absentUnknown = absentUnknown;
    }

    /// <summary>A history search counts every matching record, dated or not; a windowed one leaves undated records undecided.</summary>
    public override bool CanBeUnknown => absentUnknown || window is not null;

    public override string Describe() =>
        (window is { } w ? $"{concept.Label} procedure within the last {w.ToPhrase()}" : $"{concept.Label} procedure ever")
        + (except.Count == 0 ? string.Empty : " (except " + string.Join(", ", except.Select(e => e.Name)) + ")")
        + (absentUnknown ? "; no record means unknown" : string.Empty);

    public override Decision Decide(EvaluationContext context)
    {
        var tally = default(EventTally);
        Search(context, ref tally, null);
        return Decision.Of(tally.Truth(absentUnknown));
    }

    protected override NodeResult Run(EvaluationContext context)
    {
        var asOf = context.AsOf;
        DateWindow? w = window is { } d ? DateWindow.Before(asOf, d) : null;
        var findings = new EventFindings();
        var tally = default(EventTally);
        Search(context, ref tally, findings);
        string range = w is { } ww ? $" between {Phrase.Date(ww.Start)} and {Phrase.Date(ww.End)}" : " on or before " + Phrase.Date(asOf);
        return findings.Result($"Found {concept.Label}", $"No {concept.Label} procedure{range}", absentUnknown, concept.Label + (window is null ? " history" : " within the last " + window.Value.ToPhrase()));
    }

    /// <summary>The one search both paths run; worded into <paramref name="findings"/> only when it is given.</summary>
    private void Search(EvaluationContext context, ref EventTally tally, EventFindings? findings)
    {
        if (context.Index.ProcedureMembers(concept.Matcher) is not { } members)
        {
            return;
        }

        var asOf = context.AsOf;
        DateWindow? w = window is { } d ? DateWindow.Before(asOf, d) : null;
        var procedures = context.Patient.Procedures;
        for (int i = 0; i < procedures.Count; i++)
        {
            var p = procedures[i];
            if (EventFindings.IsOneOf(p.Status, NeverCount))
            {
                continue;
            }

            if (members[i] is null || EventFindings.AnyMatches(except, p.Codes) || p.Performed > asOf)
            {
                continue;
            }

            // History: every record counts, dated or not; a window leaves undated records undecided.
            bool hit = w is null || p.Performed is { } performed && w.Value.Contains(performed);
            if (!hit && p.Performed is not null)
            {
                continue;
            }

            string described = string.Empty;
            FactUsed fact = null!;
            if (findings is not null)
            {
                described = $"{concept.Label} {(p.Performed is { } pd ? "performed " + Phrase.Date(pd) : "(date not recorded)")}{Phrase.Source(p.Reference)}";
                fact = new FactUsed { Concept = concept.Name, Date = p.Performed, Source = p.Reference, Detail = p.Status };
            }

            EventFindings.Add(ref tally, findings, hit, described, fact);
        }
    }

    /// <summary>The procedure concept. Read by the SQL back end.</summary>
    internal BoundConcept Concept => concept;

    /// <summary>How recent a procedure must be, when limited. Read by the SQL back end.</summary>
    internal IsoDuration? Window => window;

    /// <summary>Concepts whose records never count. Read by the SQL back end.</summary>
    internal IReadOnlyList<BoundConcept> Except => except;

    /// <summary>Whether no record means unknown (else false). Read by the SQL back end.</summary>
    internal bool AbsentUnknown => absentUnknown;
}
