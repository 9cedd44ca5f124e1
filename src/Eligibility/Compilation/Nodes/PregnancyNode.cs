using System.Collections.Generic;
using Eligibility.Binding;
using Eligibility.Evaluation;
using Eligibility.Explanation;
using Eligibility.Patients;
using Eligibility.Time;

namespace Eligibility.Compilation.Nodes;

/// <summary>
/// Pregnancy (docs/semantics.md): met if the latest pregnancy-status result in the lookback says pregnant or an active
/// pregnancy condition exists; not met if that latest status says not pregnant, or the patient is male; else unknown.
/// </summary>
internal sealed class PregnancyNode : RuleNode
{
    private readonly BoundConcept status;
    private readonly BoundConcept condition;
    private readonly IsoDuration lookback;
    private readonly KeyValuePair<string, BoundAnswer>[] statusAnswers;

    public PregnancyNode(BoundConcept status, BoundConcept condition, IsoDuration lookback)
        : base("pregnancy")
    {
        this.status = status;
        this.condition = condition;
        this.lookback = lookback;
        statusAnswers = CodedNode.AnswersOf(status);
    }

    public override string Describe() =>
        $"pregnant: latest {status.Label} within {lookback.ToPhrase()} says pregnant, or an active {condition.Label} condition (never for male patients)";

    public override Decision Decide(EvaluationContext context)
    {
        if (context.Patient.Sex == AdministrativeSex.Male)
        {
            return Decision.False;
        }

        if (ActiveCondition(context) is not null)
        {
            return Decision.True;
        }

        int at = context.LatestAt(status, DateWindow.Before(context.AsOf, lookback), CodedNode.HasContent);
        return at < 0 ? Decision.Unknown : Decision.Of(TruthOf(Answer(context, at)));
    }

    protected override NodeResult Run(EvaluationContext context)
    {
        if (context.Patient.Sex == AdministrativeSex.Male)
        {
            return NodeResult.Of(Truth.False, "Not pregnant: the patient is male");
        }

        if (ActiveCondition(context) is { } c)
        {
            string onset = c.Onset is { } d ? " since " + Phrase.Date(d) : string.Empty;
            return NodeResult.Of(Truth.True, () => $"Pregnant: active {condition.Label} condition{onset}{Phrase.Source(c.Reference)}",
                new[] { new FactUsed { Concept = condition.Name, Date = c.Onset, Source = c.Reference, Detail = c.ClinicalStatus } });
        }

        var window = DateWindow.Before(context.AsOf, lookback);
        int at = context.LatestAt(status, window, CodedNode.HasContent);
        string missing = status.Label + " within the last " + lookback.ToPhrase();
        if (at < 0)
        {
            return NodeResult.Unknown(() => $"{Phrase.NoResult(status.Label, window)} and no active {condition.Label} condition", missing);
        }

        var o = context.Patient.Observations[at];
        var fact = new FactUsed { Concept = status.Name, Date = o.Date, Source = o.Reference, Detail = CodedNode.ValueText(o) };
        string? answer = Answer(context, at);
        string value = answer is null ? CodedNode.ValueText(o) : answer.Replace('-', ' ') + " (" + CodedNode.ValueText(o) + ")";
        string described = $"{status.Label} {value} on {Phrase.Date(o.Date!.Value)}{Phrase.Source(o.Reference)}";
        var truth = TruthOf(answer);
        return truth.IsTrue ? NodeResult.Of(truth, () => $"Pregnant: {described}", new[] { fact })
            : truth.IsFalse ? NodeResult.Of(truth, () => $"Not pregnant: {described}", new[] { fact })
            : NodeResult.Unknown(() => $"Pregnancy status undetermined: {described}", missing, new[] { fact });
    }

    private static Truth TruthOf(string? answer) => answer switch
    {
        "pregnant" => Truth.True,
        "not-pregnant" => Truth.False,
        _ => Truth.Unknown,
    };

    /// <summary>The answer the status result at <paramref name="at"/> reads as, or <c>null</c> when unreadable or contradictory.</summary>
    private string? Answer(EvaluationContext context, int at) =>
        CodedNode.ReadAnswer(statusAnswers, context.Patient.Observations[at], context.Index.NormalisedText(at), out _, out _);

    /// <summary>The first counting pregnancy condition active at as-of, if any.</summary>
    private ConditionRecord? ActiveCondition(EvaluationContext context)
    {
        if (context.Index.ConditionMembers(condition.Matcher) is not { } members)
        {
            return null;
        }

        var conditions = context.Patient.Conditions;
        for (int i = 0; i < conditions.Count; i++)
        {
            var c = conditions[i];
            if (ConditionNode.Counts(c) && members[i] is not null && ConditionNode.IsActiveAt(c, context.AsOf) == true)
            {
                return c;
            }
        }

        return null;
    }

    /// <summary>The pregnancy status concept. Read by the SQL back end.</summary>
    internal BoundConcept Status => status;

    /// <summary>The pregnancy condition concept. Read by the SQL back end.</summary>
    internal BoundConcept Condition => condition;

    /// <summary>How far back a status counts. Read by the SQL back end.</summary>
    internal IsoDuration Lookback => lookback;
}
