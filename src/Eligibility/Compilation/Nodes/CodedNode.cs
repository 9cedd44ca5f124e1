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
    private readonly KeyValuePair<string, BoundAnswer>[] answers;

    public CodedNode(BoundConcept concept, IReadOnlyList<string> wanted, IsoDuration lookback, bool absentFalse = false)
        : base("coded")
    {
        this.concept = concept;
        answers = AnswersOf(concept);
        this.wanted = wanted.ToHashSet(StringComparer.Ordinal);
        this.lookback = lookback;
        this.absentFalse = absentFalse;
    }

    public override string Describe() =>
        $"{concept.Label} is {string.Join(" or ", wanted)} (most recent result within {lookback.ToPhrase()}{(absentFalse ? "; no result means not met" : string.Empty)})";

    /// <summary>A concept's declared answers in the order they are read (kept in an array, so reading allocates nothing).</summary>
    public static KeyValuePair<string, BoundAnswer>[] AnswersOf(BoundConcept concept) => concept.Answers.ToArray();

    /// <summary>Usable as a qualitative result: it carries something.</summary>
    public static readonly Func<ObservationRecord, bool> HasContent = r => r.HasContent;

    /// <summary>
    /// Reads a result against the concept's declared answers (SEMANTICS "Qualitative results"): its coded value (any
    /// coding), yes/no value, text (<paramref name="text"/>, normalised as the declared texts are) and interpretation
    /// each may name an answer; one answer ⇒ it; none ⇒ unreadable (<c>null</c>); different answers ⇒ contradictory
    /// (<c>null</c>, with the last answer that disagrees with the first in <paramref name="conflicting"/>). Allocates nothing.
    /// </summary>
    public static string? ReadAnswer(KeyValuePair<string, BoundAnswer>[] answers, ObservationRecord o, string? text, out string? firstRead, out string? conflicting)
    {
        string? found = null;
        conflicting = null;
        foreach (var (name, answer) in answers)
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
                conflicting = name;
            }
        }

        firstRead = found;
        return conflicting is null ? found : null;
    }

    /// <summary>The truth a read answer gives: contradictory, unreadable or "unknown" (unless wanted) ⇒ unknown; else whether it is wanted.</summary>
    private Truth Judge(string? answer, string? conflicting) =>
        conflicting is not null || answer is null || (answer == "unknown" && !wanted.Contains(answer)) ? Truth.Unknown : Truth.From(wanted.Contains(answer));

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

    public override Decision Decide(EvaluationContext context)
    {
        int at = context.LatestAt(concept, DateWindow.Before(context.AsOf, lookback), HasContent);
        if (at < 0)
        {
            return absentFalse ? Decision.False : Decision.Unknown;
        }

        var answer = ReadAnswer(answers, context.Patient.Observations[at], context.Index.NormalisedText(at), out _, out string? conflicting);
        return Decision.Of(Judge(answer, conflicting));
    }

    protected override NodeResult Run(EvaluationContext context)
    {
        var window = DateWindow.Before(context.AsOf, lookback);
        int at = context.LatestAt(concept, window, HasContent);
        var o = at < 0 ? null : context.Patient.Observations[at];
        string missing = concept.Label + " within the last " + lookback.ToPhrase();
        if (o is null)
        {
            return absentFalse
                ? NodeResult.Of(Truth.False, () => Phrase.NoResult(concept.Label, window) + " (for this criterion no result means not met)")
                : NodeResult.Unknown(() => Phrase.NoResult(concept.Label, window), missing);
        }

        string described = $"{concept.Label} {ValueText(o)} on {Phrase.Date(o.Date!.Value)}{Phrase.Source(o.Reference)}";
        var fact = new FactUsed { Concept = concept.Name, Date = o.Date, Source = o.Reference, Detail = ValueText(o) };
        var answer = ReadAnswer(answers, o, context.Index.NormalisedText(at), out string? first, out string? conflicting);
        var truth = Judge(answer, conflicting);
        if (conflicting is not null)
        {
            string conflict = $"{first!.Replace('-', ' ')} and {conflicting.Replace('-', ' ')}";
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

        bool ok = truth.IsTrue;
        return NodeResult.Of(truth, () => $"{described} means {answer.Replace('-', ' ')}: {(ok ? "met" : "not met")} (wanted {string.Join(" or ", wanted)})", new[] { fact });
    }

    /// <summary>The concept read. Read by the SQL back end.</summary>
    internal BoundConcept Concept => concept;

    /// <summary>The wanted answers. Read by the SQL back end.</summary>
    internal IReadOnlySet<string> Wanted => wanted;

    /// <summary>How far back results count. Read by the SQL back end.</summary>
    internal IsoDuration Lookback => lookback;

    /// <summary>Whether no result means false (else unknown). Read by the SQL back end.</summary>
    internal bool AbsentFalse => absentFalse;
}
