using System;
using System.Collections.Generic;
using System.Linq;
using Eligibility.Binding;
using Eligibility.Evaluation;
using Eligibility.Explanation;
using Eligibility.Patients;
using Eligibility.Time;

namespace Eligibility.Compilation.Nodes;

/// <summary>
/// A qualitative (coded, yes/no or text) result: the latest valid one in the lookback means one of the wanted answers ⇒
/// true; another declared answer ⇒ false; the answer named <c>unknown</c>, a result no declared answer reads, or one whose
/// parts disagree ⇒ unknown — and the explanation then says the result was there but could not be read, never "no result".
/// </summary>
internal sealed class CodedNode : RuleNode
{
    private readonly BoundConcept concept;
    private readonly HashSet<string> wanted;
    private readonly IsoDuration lookback;
    private readonly bool absentFalse;

    public CodedNode(BoundConcept concept, IReadOnlyList<string> wanted, IsoDuration lookback, bool absentFalse = false)
        : base("coded")
    {
        this.concept = concept;
        this.wanted = wanted.ToHashSet(StringComparer.Ordinal);
        this.lookback = lookback;
        this.absentFalse = absentFalse;
    }

    public override string Describe() =>
        $"{concept.Label} is {string.Join(" or ", wanted)} (most recent result within {lookback.ToPhrase()}{(absentFalse ? "; no result means not met" : string.Empty)})";

    /// <summary>The declared answer a result carries, or <c>null</c> when none (or several that disagree).</summary>
    public static string? AnswerOf(BoundConcept concept, ObservationRecord o) => Read(concept, o).Answer;

    /// <summary>
    /// Reads a result against the concept's declared answers (SEMANTICS "Qualitative results"): its coded value (any
    /// coding), yes/no value, text and interpretation each may name an answer; one answer ⇒ it; none ⇒ unreadable;
    /// different answers ⇒ contradictory (both <c>null</c> answer, <paramref name="o"/> described in Conflict).
    /// </summary>
    public static (string? Answer, string? Conflict) Read(BoundConcept concept, ObservationRecord o)
    {
        string? found = null;
        string? conflict = null;
        string? text = string.IsNullOrWhiteSpace(o.ValueText) ? null : ConceptBinder.NormaliseText(o.ValueText);
        foreach (var (name, answer) in concept.Answers)
        {
            bool means = answer.Codes.Match(o.ValueCodes) is not null
                || (o.ValueBoolean is { } b && answer.Boolean == b)
                || (text is not null && answer.Texts.Contains(text))
                || answer.Codes.Match(o.Interpretation) is not null;
            if (!means)
            {
                continue;
            }

            if (found is null)
            {
                found = name;
            }
            else if (found != name)
            {
                conflict = $"{found.Replace('-', ' ')} and {name.Replace('-', ' ')}";
            }
        }

        return conflict is null ? (found, null) : (null, conflict);
    }

    /// <summary>What the result says, for explanations: its codes, yes/no, text, number and interpretation.</summary>
    public static string ValueText(ObservationRecord o)
    {
        var parts = new List<string>();
        if (o.ValueCodes.Count > 0)
        {
            var c = o.ValueCodes[0];
            parts.Add(c.Display is null ? c.Code : c.Display + " [" + c.Code + "]");
        }

        if (o.ValueBoolean is { } b)
        {
            parts.Add(b ? "yes" : "no");
        }

        if (!string.IsNullOrWhiteSpace(o.ValueText))
        {
            parts.Add("\"" + o.ValueText.Trim() + "\"");
        }

        if (o.Value is { } v)
        {
            parts.Add(Phrase.Quantity(v, o.Unit));
        }

        if (o.Interpretation.Count > 0)
        {
            parts.Add("interpreted " + string.Join("/", o.Interpretation.Select(i => i.Display ?? i.Code)));
        }

        return parts.Count == 0 ? "no value" : string.Join(", ", parts);
    }

    protected override NodeResult Run(EvaluationContext context, Scope scope)
    {
        var window = DateWindow.Before(context.AsOf, lookback);
        var o = context.Latest(concept, window, r => r.HasContent);
        string missing = concept.Label + " within the last " + lookback.ToPhrase();
        if (o is null)
        {
            return absentFalse
                ? NodeResult.Of(Truth.False, () => Phrase.NoResult(concept.Label, window) + " (for this criterion no result means not met)")
                : NodeResult.Unknown(() => Phrase.NoResult(concept.Label, window), missing);
        }

        string described = $"{concept.Label} {ValueText(o)} on {Phrase.Date(o.Date!.Value)}{Phrase.Source(o.Reference)}";
        var fact = new FactUsed { Concept = concept.Name, Date = o.Date, Source = o.Reference, Detail = ValueText(o) };
        var (answer, conflict) = Read(concept, o);
        if (conflict is not null)
        {
            return NodeResult.Unknown(() => $"{described} is present but contradicts itself (it reads as {conflict})", concept.Label + " result that can be read", new[] { fact });
        }

        if (answer is null)
        {
            string known = string.Join(", ", concept.Answers.Keys.Select(k => k.Replace('-', ' ')));
            return NodeResult.Unknown(() => $"{described} is present but could not be read: it matches none of the answers the rule file declares ({known})", concept.Label + " result that can be read", new[] { fact });
        }

        if (answer == "unknown" && !wanted.Contains(answer))
        {
            return NodeResult.Unknown(() => described + " records the answer as unknown", missing, new[] { fact });
        }

        bool ok = wanted.Contains(answer);
        return NodeResult.Of(Truth.From(ok), () => $"{described} means {answer.Replace('-', ' ')}: {(ok ? "met" : "not met")} (wanted {string.Join(" or ", wanted)})", new[] { fact });
    }
}
