using System;
using System.Linq;
using Eligibility.Binding;
using Eligibility.Evaluation;
using Eligibility.Explanation;
using Eligibility.Time;

namespace Eligibility.Compilation.Nodes;

/// <summary>An immunization dated inside <c>[asOf − D, asOf]</c>; not-done and entered-in-error never count.</summary>
internal sealed class ImmunizationNode : RuleNode
{
    private static readonly string[] NeverCount = { "entered-in-error", "not-done" };

    private readonly BoundConcept concept;
    private readonly IsoDuration window;
    private readonly bool absentUnknown;

    public ImmunizationNode(BoundConcept concept, IsoDuration window, bool absentUnknown)
        : base("immunization")
    {
        this.concept = concept;
        this.window = window;
        this.absentUnknown = absentUnknown;
    }

    public override string Describe() => $"{concept.Label} given within the last {window.ToPhrase()}" + (absentUnknown ? "; no record means unknown" : string.Empty);

    protected override NodeResult Run(EvaluationContext context, Scope scope)
    {
        var w = DateWindow.Before(context.AsOf, window);
        var findings = new EventFindings();
        foreach (var i in context.Patient.Immunizations)
        {
            if ((i.Status is { } s && NeverCount.Contains(s, StringComparer.OrdinalIgnoreCase)) || concept.Matcher.Match(i.Codes) is null || i.Date > context.AsOf)
            {
                continue;
            }

            string code = i.Codes.Count > 0 ? i.Codes[0].Code : "?";
            string described = $"{concept.Label} [{code}] {(i.Date is { } d ? "given " + Phrase.Date(d) : "(date not recorded)")}{Phrase.Source(i.Reference)}";
            var fact = new FactUsed { Concept = concept.Name, Date = i.Date, Source = i.Reference, Detail = code };
            if (i.Date is not { } date)
            {
                findings.Undecided(described, fact);
            }
            else if (w.Contains(date))
            {
                findings.Hit(described, fact);
            }
        }

        return findings.Result($"Found {concept.Label}", $"No {concept.Label} between {Phrase.Date(w.Start)} and {Phrase.Date(w.End)}", absentUnknown, concept.Label + " within the last " + window.ToPhrase());
    }
}
