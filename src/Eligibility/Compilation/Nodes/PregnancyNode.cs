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

    public PregnancyNode(BoundConcept status, BoundConcept condition, IsoDuration lookback)
        : base("pregnancy")
    {
        this.status = status;
        this.condition = condition;
        this.lookback = lookback;
    }

    public override string Describe() =>
        $"pregnant: latest {status.Label} within {lookback.ToPhrase()} says pregnant, or an active {condition.Label} condition (never for male patients)";

    protected override NodeResult Run(EvaluationContext context, Scope scope)
    {
        if (context.Patient.Sex == AdministrativeSex.Male)
        {
            return NodeResult.Of(Truth.False, "Not pregnant: the patient is male");
        }

        foreach (var c in context.Patient.Conditions)
        {
            if (ConditionNode.Counts(c) && condition.Matcher.Match(c.Codes) is not null && ConditionNode.IsActiveAt(c, context.AsOf) == true)
            {
                string onset = c.Onset is { } d ? " since " + Phrase.Date(d) : string.Empty;
                return NodeResult.Of(Truth.True, () => $"Pregnant: active {condition.Label} condition{onset}{Phrase.Source(c.Reference)}",
                    new[] { new FactUsed { Concept = condition.Name, Date = c.Onset, Source = c.Reference, Detail = c.ClinicalStatus } });
            }
        }

        var window = DateWindow.Before(context.AsOf, lookback);
        var o = context.Latest(status, window, r => r.HasContent);
        string missing = status.Label + " within the last " + lookback.ToPhrase();
        if (o is null)
        {
            return NodeResult.Unknown(() => $"{Phrase.NoResult(status.Label, window)} and no active {condition.Label} condition", missing);
        }

        var fact = new FactUsed { Concept = status.Name, Date = o.Date, Source = o.Reference, Detail = CodedNode.ValueText(o) };
        string? answer = CodedNode.AnswerOf(status, o);
        string value = answer is null ? CodedNode.ValueText(o) : answer.Replace('-', ' ') + " (" + CodedNode.ValueText(o) + ")";
        string described = $"{status.Label} {value} on {Phrase.Date(o.Date!.Value)}{Phrase.Source(o.Reference)}";
        return answer switch
        {
            "pregnant" => NodeResult.Of(Truth.True, () => $"Pregnant: {described}", new[] { fact }),
            "not-pregnant" => NodeResult.Of(Truth.False, () => $"Not pregnant: {described}", new[] { fact }),
            _ => NodeResult.Unknown(() => $"Pregnancy status undetermined: {described}", missing, new[] { fact }),
        };
    }
}
