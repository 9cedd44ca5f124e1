using System;
using System.Collections.Generic;
using Eligibility.Binding;
using Eligibility.Evaluation;
using Eligibility.Explanation;
using Eligibility.Expressions;
using Eligibility.Patients;
using Eligibility.Time;
using Eligibility.Units;

namespace Eligibility.Compilation.Nodes;

/// <summary>
/// A free-form boolean expression over the read-only fact model, compiled once at load to three-valued code: a missing
/// fact makes the parts that read it unknown (Kleene logic), and an unknown result names every missing fact that
/// mattered. Each fact is computed with the same record selection as the typed rule of its kind.
/// </summary>
internal sealed class ExpressionNode : RuleNode
{
    private readonly CompiledExpression expression;
    private readonly IReadOnlyDictionary<string, BoundConcept> concepts;
    private readonly IsoDuration lookback;

    public ExpressionNode(CompiledExpression expression, IReadOnlyDictionary<string, BoundConcept> concepts, IsoDuration lookback)
        : base("expression")
    {
        this.expression = expression;
        this.concepts = concepts;
        this.lookback = lookback;
    }

    public override string Describe() => "expression: " + expression.Source;

    /// <summary>
    /// The expression's truth, computed as <see cref="Run"/> computes it (the same compiled code over the same facts),
    /// without the explaining parts: no fact is worded, no missing list is kept. It still allocates its fact model per
    /// evaluation, so this node is the one kind whose verdict path allocates (no reference trial uses it).
    /// </summary>
    public override Decision Decide(EvaluationContext context) =>
        expression.Decide(new FactSource(context, concepts, lookback, explain: false)) is { } value ? Decision.Of(value) : Decision.Unknown;

    protected override NodeResult Run(EvaluationContext context)
    {
        var facts = new FactSource(context, concepts, lookback, explain: true);
        bool? value = expression.Evaluate(facts, out var missing);
        if (value is null)
        {
            return new NodeResult(Truth.Unknown, () => $"Expression `{expression.Source}` cannot be decided: {string.Join("; ", missing)}")
            {
                Missing = missing,
            };
        }

        return NodeResult.Of(Truth.From(value.Value), () => $"Expression `{expression.Source}` is {(value.Value ? "true" : "false")}" + (facts.Used!.Count > 0 ? " (" + string.Join("; ", facts.Used) + ")" : string.Empty));
    }

    /// <summary>
    /// The facts an expression may read, each computed with the same rules as the typed kinds. Explaining, it also words
    /// each fact used (<see cref="Used"/>); on the verdict path it computes the same values and words nothing.
    /// </summary>
    private sealed class FactSource : IFactSource
    {
        private readonly EvaluationContext context;
        private readonly IReadOnlyDictionary<string, BoundConcept> concepts;
        private readonly DateWindow window;

        public FactSource(EvaluationContext context, IReadOnlyDictionary<string, BoundConcept> concepts, IsoDuration lookback, bool explain)
        {
            this.context = context;
            this.concepts = concepts;
            window = DateWindow.Before(context.AsOf, lookback);
            Used = explain ? new() : null;
        }

        /// <summary>The facts used, worded for the explanation; null on the verdict path.</summary>
        public List<string>? Used { get; }

        public int? Age => context.AgeAt(context.AsOf);

        public string? Sex => context.Patient.Sex switch
        {
            AdministrativeSex.Female => "female",
            AdministrativeSex.Male => "male",
            AdministrativeSex.Other => "other",
            _ => null,
        };

        public decimal? Value(string concept)
        {
            var c = concepts[concept];
            var o = context.Latest(c, window, MeasurementNode.HasValue);
            if (o is null || c.Unit is null)
            {
                return null;
            }

            if (Used is null)
            {
                // Reading.In's value, without wording why there is none.
                return Reading.TryConvert(o, c, c.Unit, out decimal converted, out _) ? converted : null;
            }

            var reading = Reading.In(o, c, c.Unit);
            if (reading.Value is not null)
            {
                Used.Add(reading.Describe(c.Label, c.Unit));
            }

            return reading.Value;
        }

        /// <summary>
        /// The ULN for the latest result, as the <c>measurement</c> rule's ULN multiple reads it: the result's reference
        /// range (in its own unit, else the result's), else the rule file's default; converted to the concept's unit.
        /// Null when none applies, it cannot be converted, or it is not positive.
        /// </summary>
        public decimal? Uln(string concept)
        {
            var c = concepts[concept];
            if (c.Unit is null)
            {
                return null;
            }

            var o = context.Latest(c, window, MeasurementNode.HasValue);
            decimal? uln;
            if (o?.ReferenceRange?.High is { } high)
            {
                string? unit = string.IsNullOrWhiteSpace(o.ReferenceRange.Unit) ? o.Unit : o.ReferenceRange.Unit;
                uln = !string.IsNullOrWhiteSpace(unit) && UnitConverter.Instance.TryConvert(high, unit, c.Unit, c.MolarMass, out decimal h, out _) ? h : null;
            }
            else
            {
                decimal? declared = c.DefaultUln(context.Patient.Sex);
                uln = declared is { } d && UnitConverter.Instance.TryConvert(d, c.UlnUnit ?? c.Unit, c.Unit, c.MolarMass, out decimal u, out _) ? u : null;
            }

            return uln > 0 ? uln : null;
        }

        public bool? HasCondition(string concept) => AnyCondition(concept, c => !(c.Onset > context.AsOf));

        public bool? HasActiveCondition(string concept) => AnyCondition(concept, c => Compilation.Nodes.ConditionNode.IsActiveAt(c, context.AsOf) == true);

        public bool? OnMedication(string concept)
        {
            // The same record selection and exposure as the medication rule's "current" (Evaluation.Exposure).
            var c = concepts[concept];
            bool unknown = false;
            foreach (var (m, member) in Exposure.Select(c, context))
            {
                switch (Exposure.IsCurrent(m, c, member, context.AsOf))
                {
                    case null:
                        unknown = true;
                        break;
                    case true:
                        Used?.Add($"on {member} since {Phrase.Date(m.Start!.Value)}{Phrase.Source(m.Reference)}");
                        return true;
                }
            }

            return unknown ? null : false;
        }

        private bool? AnyCondition(string concept, Func<ConditionRecord, bool> test)
        {
            var c = concepts[concept];
            foreach (var r in context.Patient.Conditions)
            {
                if (ConditionNode.Counts(r) && c.Matcher.Match(r.Codes) is not null && test(r))
                {
                    Used?.Add($"{concept} condition{Phrase.Source(r.Reference)}");
                    return true;
                }
            }

            return false;
        }
    }
}
