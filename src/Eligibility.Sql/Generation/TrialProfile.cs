using System;
using System.Collections.Generic;
using System.Linq;
using Eligibility.Binding;
using Eligibility.Compilation;
using Eligibility.Compilation.Nodes;
using Eligibility.Evaluation;
using Eligibility.Model;
using Eligibility.Sql.Compilation;
using Eligibility.Time;

namespace Eligibility.Sql.Generation;

/// <summary>
/// What a population must exercise to test some trials: their concepts (the only source of codes — none is invented),
/// thresholds, windows, age bounds and judgement targets, read from the compiled rules.
/// </summary>
internal sealed class TrialProfile
{
    public List<decimal> Ages { get; } = new();

    /// <summary>Measured concepts with the thresholds (in <c>Unit</c>, or as multiples of ULN/LLN) and lookbacks the rules use.</summary>
    public Dictionary<BoundConcept, MeasuredConcept> Measured { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>Condition and procedure concepts, with the window lengths the rules use.</summary>
    public Dictionary<BoundConcept, List<IsoDuration>> Conditions { get; } = new(ReferenceEqualityComparer.Instance);

    public Dictionary<BoundConcept, List<IsoDuration>> Procedures { get; } = new(ReferenceEqualityComparer.Instance);

    public Dictionary<BoundConcept, List<IsoDuration>> Medications { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>Qualitative concepts (coded rules, pregnancy status) with their lookbacks.</summary>
    public Dictionary<BoundConcept, List<IsoDuration>> Qualitative { get; } = new(ReferenceEqualityComparer.Instance);

    public Dictionary<BoundConcept, List<IsoDuration>> Immunizations { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>Judgement targets <c>Trial/Id</c> with the answer validity, if any.</summary>
    public Dictionary<string, IsoDuration?> Judgements { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static TrialProfile Of(IEnumerable<TrialEvaluator> trials)
    {
        var profile = new TrialProfile();
        foreach (var trial in trials)
        {
            foreach (var c in trial.CompiledCriteria)
            {
                profile.Walk(trial.Trial.Id, c.Rule, new Scope(c.Info.Id, null));
            }
        }

        return profile;
    }

    private static void Add<T>(Dictionary<BoundConcept, List<T>> map, BoundConcept concept, T? value)
        where T : struct
    {
        if (!map.TryGetValue(concept, out var list))
        {
            list = new List<T>();
            map[concept] = list;
        }

        if (value is { } v)
        {
            list.Add(v);
        }
    }

    private void Input(BoundConcept concept, string unit, IsoDuration lookback, params decimal[] values)
    {
        if (!Measured.TryGetValue(concept, out var measured))
        {
            measured = new MeasuredConcept(concept) { Unit = unit };
            Measured[concept] = measured;
        }

        if (measured.Unit == unit)
        {
            measured.Thresholds.AddRange(values);
        }

        measured.Lookbacks.Add(lookback);
    }

    private void Walk(string trialId, RuleNode node, Scope scope)
    {
        if (node.Id is { } id)
        {
            scope = scope.Push(id);
        }

        foreach (var child in node.Children)
        {
            Walk(trialId, child, scope);
        }

        switch (node)
        {
            case AgeNode age:
                var b = age.Bounds;
                Ages.AddRange(new[] { b.Gt, b.Gte, b.Lt, b.Lte }.Where(x => x is not null).Select(x => x!.Value));
                break;
            case MeasurementNode measurement:
                var concept = measurement.Concept;
                if (!Measured.TryGetValue(concept, out var measured))
                {
                    measured = new MeasuredConcept(concept);
                    Measured[concept] = measured;
                }

                var bounds = measurement.Bounds;
                var values = new[] { bounds.Gt, bounds.Gte, bounds.Lt, bounds.Lte }.Where(x => x is not null).Select(x => x!.Value);
                if (measurement.Unit is { } unit)
                {
                    measured.Unit ??= unit;
                    if (unit == measured.Unit)
                    {
                        measured.Thresholds.AddRange(values);
                    }
                }
                else
                {
                    measured.LimitMultiples.AddRange(values);
                }

                var lookback = measurement.Lookback;
                measured.Lookbacks.Add(lookback);
                if (measurement.Compute is { } compute)
                {
                    // The inputs of the computed fallback, around the values where the formulas turn.
                    Input(compute.Creatinine, "mg/dL", lookback, 0.5m, 0.7m, 0.9m, 1.2m, 2m, 4m);
                    if (compute.Weight is { } weight)
                    {
                        Input(weight, "kg", lookback, 45m, 70m, 100m);
                    }
                }

                break;
            case ConditionNode condition:
                Add(Conditions, condition.Concept, condition.Window);
                foreach (var e in condition.Except)
                {
                    Add<IsoDuration>(Conditions, e, null);
                }

                break;
            case ProcedureNode procedure:
                Add(Procedures, procedure.Concept, procedure.Window);
                break;
            case MedicationNode medication:
                Add(Medications, medication.Concept, medication.Window);
                Add(Medications, medication.Concept, medication.LongerThan); // starts at the edge of "longer than"
                break;
            case CodedNode coded:
                Add(Qualitative, coded.Concept, coded.Lookback);
                break;
            case PregnancyNode pregnancy:
                Add(Qualitative, pregnancy.Status, pregnancy.Lookback);
                Add<IsoDuration>(Conditions, pregnancy.Condition, null);
                break;
            case ImmunizationNode immunization:
                Add(Immunizations, immunization.Concept, immunization.Window);
                break;
            case JudgementNode judgement:
                var validity = judgement.Validity;
                for (Scope? s = scope; s is not null; s = s.Parent)
                {
                    Judgements[trialId + "/" + s.Id] = validity;
                }

                break;
        }
    }
}

/// <summary>A measured concept: its unit, the thresholds the rules compare with, and their lookbacks.</summary>
internal sealed class MeasuredConcept
{
    public MeasuredConcept(BoundConcept concept) => Concept = concept;

    public BoundConcept Concept { get; }

    public string? Unit { get; set; }

    public List<decimal> Thresholds { get; } = new();

    public List<decimal> LimitMultiples { get; } = new();

    public List<IsoDuration> Lookbacks { get; } = new();
}
