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

    protected override NodeResult Run(EvaluationContext context, Scope scope)
    {
        var asOf = context.AsOf;
        DateWindow? w = window is { } d ? DateWindow.Before(asOf, d) : null;
        var findings = new EventFindings();
        foreach (var p in context.Patient.Procedures)
        {
            if (p.Status is { } s && NeverCount.Contains(s, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            if (concept.Matcher.Match(p.Codes) is null || except.Any(e => e.Matcher.Match(p.Codes) is not null) || p.Performed > asOf)
            {
                continue;
            }

            string described = $"{concept.Label} {(p.Performed is { } pd ? "performed " + Phrase.Date(pd) : "(date not recorded)")}{Phrase.Source(p.Reference)}";
            var fact = new FactUsed { Concept = concept.Name, Date = p.Performed, Source = p.Reference, Detail = p.Status };
            if (w is null)
            {
                findings.Hit(described, fact);
            }
            else if (p.Performed is not { } performed)
            {
                findings.Undecided(described, fact);
            }
            else if (w.Value.Contains(performed))
            {
                findings.Hit(described, fact);
            }
        }

        string range = w is { } ww ? $" between {Phrase.Date(ww.Start)} and {Phrase.Date(ww.End)}" : " on or before " + Phrase.Date(asOf);
        return findings.Result($"Found {concept.Label}", $"No {concept.Label} procedure{range}", absentUnknown, concept.Label + (window is null ? " history" : " within the last " + window.Value.ToPhrase()));
    }
}
