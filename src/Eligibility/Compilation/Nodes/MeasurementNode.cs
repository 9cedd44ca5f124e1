using System;
using Eligibility.Binding;
using Eligibility.Evaluation;
using Eligibility.Explanation;
using Eligibility.Model;
using Eligibility.Patients;
using Eligibility.Time;
using Eligibility.Units;

namespace Eligibility.Compilation.Nodes;

/// <summary>
/// The most recent valid result in the lookback, compared after conversion to the rule's unit, or as a multiple of
/// ULN (docs/semantics.md "Comparisons"); with a computed fallback (eGFR, creatinine clearance) when nothing is reported.
/// </summary>
internal sealed class MeasurementNode : RuleNode
{
    private readonly BoundConcept concept;
    private readonly Bounds bounds;
    private readonly string? unit;
    private readonly IsoDuration lookback;
    private readonly ComputedMeasure? compute;
    private readonly string? limit;
    private readonly bool absentFalse;

    // The factors from the units results come in to the rule's unit, and from the concept's default limit units to them.
    private readonly UnitFactors? inRuleUnit;
    private readonly UnitFactors? fromDefaultUln;
    private readonly UnitFactors? fromDefaultLln;
    private LastWindow lastWindow;

    // unit: the unit the bounds are in, null when they are multiples of limit ("ULN" or "LLN").
    public MeasurementNode(BoundConcept concept, Bounds bounds, string? unit, string? limit, IsoDuration lookback, ComputedMeasure? compute, bool absentFalse)
        : base("measurement")
    {
        this.concept = concept;
        this.bounds = bounds;
        this.unit = unit;
        this.limit = limit;
        this.lookback = lookback;
        this.compute = compute;
        this.absentFalse = absentFalse;
        inRuleUnit = unit is null ? null : UnitFactors.Into(unit, concept.MolarMass);
        fromDefaultUln = concept.UlnUnit is null ? null : UnitFactors.From(concept.UlnUnit, concept.MolarMass);
        fromDefaultLln = concept.LlnUnit is null ? null : UnitFactors.From(concept.LlnUnit, concept.MolarMass);
    }

    private bool Relative => unit is null;

    private string Threshold => Relative ? Phrase.Bounds(bounds, "× " + limit) : Phrase.Bounds(bounds, unit!);

    private string MissingText => (compute is null ? concept.Label : concept.Label + " or " + compute.InputsText) + " within the last " + lookback.ToPhrase();

    public override string Describe()
    {
        string what = concept.Label + " " + (Relative ? Phrase.Symbols(bounds, "× " + limit) : Phrase.Symbols(bounds, unit!));
        string source = compute is null ? string.Empty : $"; reported value, else {compute.Formula} from {compute.InputsText}";
        string absent = absentFalse ? "; no result means not met" : string.Empty;
        return $"{what} (most recent result within {lookback.ToPhrase()}{source}{absent})";
    }

    /// <summary>Usable as a measurement: it carries a number.</summary>
    internal static readonly Func<ObservationRecord, bool> HasValue = o => o.Value is not null;

    public override Decision Decide(EvaluationContext context)
    {
        var window = lastWindow.Before(context.AsOf, lookback);
        var observation = context.Latest(concept, window, HasValue);
        if (observation is null)
        {
            return compute is not null ? compute.Decide(context, window, bounds, unit!)
                : absentFalse ? Decision.False : Decision.Unknown;
        }

        if (Relative)
        {
            return Limit(context, observation, out decimal reference, out _) == LimitFound.Yes
                ? Decision.Of(Phrase.Satisfies(bounds, observation.Value!.Value / reference))
                : Decision.Unknown;
        }

        // Reading.TryConvert's answer, through this node's factors: no unit, or one that does not convert, is unknown.
        return inRuleUnit!.TryRead(observation, out decimal value)
            ? Decision.Of(Phrase.Satisfies(bounds, value))
            : Decision.Unknown;
    }

    protected override NodeResult Run(EvaluationContext context)
    {
        var window = DateWindow.Before(context.AsOf, lookback);
        var observation = context.Latest(concept, window, HasValue);
        if (observation is null)
        {
            if (compute is not null)
            {
                return compute.Evaluate(context, window, bounds, unit!, concept.Label, MissingText, lookback.ToPhrase());
            }

            return absentFalse
                ? NodeResult.Of(Truth.False, () => Phrase.NoResult(concept.Label, window) + " (for this criterion no result means not met)")
                : NodeResult.Unknown(() => Phrase.NoResult(concept.Label, window), MissingText);
        }

        return Relative ? CompareToLimit(context, observation) : CompareInUnit(observation);
    }

    private NodeResult CompareInUnit(ObservationRecord observation)
    {
        var reading = Reading.In(observation, concept, unit!);
        if (reading.Value is not { } value)
        {
            return NodeResult.Unknown(reading.Problem!, concept.Label + " with a unit convertible to " + Phrase.Unit(unit!));
        }

        bool ok = Phrase.Satisfies(bounds, value);
        return NodeResult.Of(
            Truth.From(ok),
            () => $"{reading.Describe(concept.Label, unit!)} is {(ok ? string.Empty : "not ")}{Threshold}",
            new[] { reading.ToFact(concept.Name, unit!) });
    }

    /// <summary>
    /// The limit (ULN or LLN) a result is compared with, in the result's unit: from its reference range (in the range's
    /// unit, else the result's), else the rule file's default for the patient's sex. <see cref="LimitFound.Yes"/> with a
    /// positive <paramref name="reference"/>, or why there is none.
    /// </summary>
    private LimitFound Limit(EvaluationContext context, ObservationRecord o, out decimal reference, out bool fromRange)
    {
        reference = 0m;
        fromRange = false;
        if (string.IsNullOrWhiteSpace(o.Unit))
        {
            return LimitFound.NoUnit;
        }

        decimal? uln;
        var units = UnitConverter.Instance;
        bool upper = limit == "ULN";
        if ((upper ? o.ReferenceRange?.High : o.ReferenceRange?.Low) is { } high)
        {
            fromRange = true;
            string rangeUnit = string.IsNullOrWhiteSpace(o.ReferenceRange!.Unit) ? o.Unit : o.ReferenceRange.Unit;

            // The range in the result's own unit (the usual case) converts by the factor 1: the converter's answer, high × 1.
            uln = string.Equals(rangeUnit, o.Unit, StringComparison.Ordinal) ? high
                : units.TryConvert(high, rangeUnit, o.Unit, concept.MolarMass, out decimal h, out _) ? h : null;
        }
        else
        {
            decimal? declared = upper ? concept.DefaultUln(context.Patient.Sex) : concept.DefaultLln(context.Patient.Sex);
            if (declared is null)
            {
                return LimitFound.NoDefault;
            }

            var fromDefault = upper ? fromDefaultUln : fromDefaultLln;
            uln = fromDefault is not null ? (fromDefault.TryConvert(declared.Value, o.Unit, out decimal d) ? d : null)
                : units.TryConvert(declared.Value, (upper ? concept.UlnUnit : concept.LlnUnit)!, o.Unit, concept.MolarMass, out d, out _) ? d : null;
        }

        if (uln is not { } found || found <= 0)
        {
            return LimitFound.NotConvertible;
        }

        reference = found;
        return LimitFound.Yes;
    }

    private NodeResult CompareToLimit(EvaluationContext context, ObservationRecord o)
    {
        decimal value = o.Value!.Value;
        string described = $"{concept.Label} {Phrase.Quantity(value, o.Unit)} on {Phrase.Date(o.Date!.Value)}{Phrase.Source(o.Reference)}";
        bool upper = limit == "ULN";
        switch (Limit(context, o, out decimal reference, out bool fromRange))
        {
            case LimitFound.NoUnit:
                return NodeResult.Unknown(() => described + $" has no unit, so it cannot be compared with its {limit}", concept.Label + " with a unit");
            case LimitFound.NoDefault:
                bool sexSpecific = upper ? concept.UlnFemale is not null || concept.UlnMale is not null : concept.LlnFemale is not null || concept.LlnMale is not null;
                string why = sexSpecific ? $"the rule file's default {limit} depends on sex, which is not recorded" : $"the rule file declares no default {limit}";
                return NodeResult.Unknown(() => $"{described} has no reference range and {why}", $"{concept.Label} {limit} (reference range)");
            case LimitFound.NotConvertible:
                return NodeResult.Unknown(() => $"{described}: its {limit} cannot be expressed in {o.Unit}", $"{concept.Label} {limit} in a convertible unit");
        }

        string ulnSource = fromRange ? "from the result's reference range"
            : "from the rule file's default" + ((upper ? concept.UlnFemale ?? concept.UlnMale : concept.LlnFemale ?? concept.LlnMale) is not null
                ? " for " + (context.Patient.Sex == AdministrativeSex.Female ? "females" : context.Patient.Sex == AdministrativeSex.Male ? "males" : "either sex")
                : string.Empty);
        decimal ratio = value / reference;
        bool ok = Phrase.Satisfies(bounds, ratio);
        string ulnText = $"{limit} {Phrase.Number(reference)} {o.Unit} {ulnSource}";
        return NodeResult.Of(
            Truth.From(ok),
            () => $"{described} is {Phrase.Number(ratio)} × {limit} ({ulnText}), {(ok ? string.Empty : "not ")}{Threshold}",
            new[] { new FactUsed { Concept = concept.Name, Value = value, Unit = o.Unit, Date = o.Date, Source = o.Reference, Uln = ulnText, Detail = Phrase.Number(ratio) + " × " + limit } });
    }

    private enum LimitFound
    {
        Yes,
        NoUnit,
        NoDefault,
        NotConvertible,
    }

    /// <summary>The measured concept. Read by the SQL back end.</summary>
    internal BoundConcept Concept => concept;

    /// <summary>The bounds on the value (or on value / limit). Read by the SQL back end.</summary>
    internal Bounds Bounds => bounds;

    /// <summary>The unit of the bounds; null when they are relative to a limit of normal. Read by the SQL back end.</summary>
    internal string? Unit => unit;

    /// <summary>"ULN" or "LLN" for relative bounds, else null. Read by the SQL back end.</summary>
    internal string? LimitName => limit;

    /// <summary>How far back results count. Read by the SQL back end.</summary>
    internal IsoDuration Lookback => lookback;

    /// <summary>How the value is computed when none is reported, if it can be. Read by the SQL back end.</summary>
    internal ComputedMeasure? Compute => compute;

    /// <summary>Whether no result means false (else unknown). Read by the SQL back end.</summary>
    internal bool AbsentFalse => absentFalse;
}
