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

    public override Decision Decide(EvaluationContext context)
    {
        var tally = default(EventTally);
        Search(context, ref tally, null);
        return Decision.Of(tally.Truth(absentUnknown));
    }

    protected override NodeResult Run(EvaluationContext context)
    {
        var w = DateWindow.Before(context.AsOf, window);
        var findings = new EventFindings();
        var tally = default(EventTally);
        Search(context, ref tally, findings);
        return findings.Result($"Found {concept.Label}", $"No {concept.Label} between {Phrase.Date(w.Start)} and {Phrase.Date(w.End)}", absentUnknown, concept.Label + " within the last " + window.ToPhrase());
    }

    /// <summary>The one search both paths run; worded into <paramref name="findings"/> only when it is given.</summary>
    private void Search(EvaluationContext context, ref EventTally tally, EventFindings? findings)
    {
        if (context.Index.ImmunizationMembers(concept.Matcher) is not { } members)
        {
            return;
        }

        var w = DateWindow.Before(context.AsOf, window);
        var immunizations = context.Patient.Immunizations;
        for (int k = 0; k < immunizations.Count; k++)
        {
            var i = immunizations[k];
            if (EventFindings.IsOneOf(i.Status, NeverCount) || members[k] is null || i.Date > context.AsOf)
            {
                continue;
            }

            if (i.Date is { } given && !w.Contains(given))
            {
                continue;
            }

            string described = string.Empty;
            FactUsed fact = null!;
            if (findings is not null)
            {
                string code = i.Codes.Count > 0 ? i.Codes[0].Code : "?";
                described = $"{concept.Label} [{code}] {(i.Date is { } d ? "given " + Phrase.Date(d) : "(date not recorded)")}{Phrase.Source(i.Reference)}";
                fact = new FactUsed { Concept = concept.Name, Date = i.Date, Source = i.Reference, Detail = code };
            }

            EventFindings.Add(ref tally, findings, hit: i.Date is not null, described, fact);
        }
    }

    /// <summary>The vaccine concept. Read by the SQL back end.</summary>
    internal BoundConcept Concept => concept;

    /// <summary>How recent a vaccination must be. Read by the SQL back end.</summary>
    internal IsoDuration Window => window;

    /// <summary>Whether no record means unknown (else false). Read by the SQL back end.</summary>
    internal bool AbsentUnknown => absentUnknown;
}
