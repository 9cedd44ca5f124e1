using System.Collections.Generic;
using System.Linq;
using Eligibility.Binding;
using Eligibility.Evaluation;
using Eligibility.Explanation;
using Eligibility.Patients;
using Eligibility.Time;

namespace Eligibility.Compilation.Nodes;

/// <summary>
/// A coded (or yes/no) result: the latest valid one in the lookback matches one of the wanted answers ⇒ true; another
/// declared answer ⇒ false; the answer named <c>unknown</c>, or an unrecognised code ⇒ unknown.
/// </summary>
internal sealed class CodedNode : RuleNode
{
    private readonly BoundConcept concept;
    private readonly HashSet<string> wanted;
    private readonly IsoDuration lookback;

    public CodedNode(BoundConcept concept, IReadOnlyList<string> wanted, IsoDuration lookback)
        : base("coded")
    {
        this.concept = concept;
        this.wanted = wanted.ToHashSet(System.StringComparer.Ordinal);
        this.lookback = lookback;
    }

    public override string Describe() => $"{concept.Label} is {string.Join(" or ", wanted)} (most recent result within {lookback.ToPhrase()})";

    /// <summary>The declared answer a result carries, or <c>null</c> when it carries none the concept knows.</summary>
    public static string? AnswerOf(BoundConcept concept, ObservationRecord o)
    {
        foreach (var (name, answer) in concept.Answers)
        {
            if (o.ValueCode is { } code && answer.Codes.Match(code) is not null)
            {
                return name;
            }

            if (o.ValueBoolean is { } b && answer.Boolean == b)
            {
                return name;
            }
        }

        return null;
    }

    public static string ValueText(ObservationRecord o) =>
        o.ValueCode is { } c ? (c.Display is null ? c.Code : c.Display + " [" + c.Code + "]") : o.ValueBoolean is { } b ? (b ? "yes" : "no") : "no value";

    protected override NodeResult Run(EvaluationContext context, Scope scope)
    {
        var window = DateWindow.Before(context.AsOf, lookback);
        var o = context.Latest(concept, window, r => r.ValueCode is not null || r.ValueBoolean is not null);
        string missing = concept.Name + " within " + lookback;
        if (o is null)
        {
            return NodeResult.Unknown($"No {concept.Label} result between {Phrase.Date(window.Start)} and {Phrase.Date(window.End)}", missing);
        }

        string described = $"{concept.Label} {ValueText(o)} on {Phrase.Date(o.Date!.Value)}{Phrase.Source(o.Reference)}";
        var fact = new FactUsed { Concept = concept.Name, Date = o.Date, Source = o.Reference, Detail = ValueText(o) };
        string? answer = AnswerOf(concept, o);
        if (answer is null)
        {
            return NodeResult.Unknown(described + " is not an answer the rule file recognises", missing, new[] { fact });
        }

        if (answer == "unknown" && !wanted.Contains(answer))
        {
            return NodeResult.Unknown(described + " records the answer as unknown", missing, new[] { fact });
        }

        bool ok = wanted.Contains(answer);
        return NodeResult.Of(Truth.From(ok), $"{described} means {answer.Replace('-', ' ')}: {(ok ? "met" : "not met")} (wanted {string.Join(" or ", wanted)})", new[] { fact });
    }
}
