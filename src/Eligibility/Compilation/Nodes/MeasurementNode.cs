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
/// ULN (SEMANTICS.md "Comparisons"); with a computed fallback (eGFR, creatinine clearance) when nothing is reported.
/// </summary>
internal sealed class MeasurementNode : RuleNode
{
    private readonly BoundConcept concept;
    private readonly Bounds bounds;
    private readonly string? unit;
    private readonly IsoDuration lookback;
    private readonly ComputedMeasure? compute;

    public MeasurementNode(BoundConcept concept, Bounds bounds, string? unit, IsoDuration lookback, ComputedMeasure? compute)
        : base("measurement")
    {
        this.concept = concept;
        this.bounds = bounds;
        this.unit = unit;
        this.lookback = lookback;
        this.compute = compute;
    }

    private bool RelativeToUln => unit is null;

    private string Threshold => RelativeToUln ? Phrase.Bounds(bounds, "× ULN") : Phrase.Bounds(bounds, unit!);

    private string MissingText => (compute is null ? concept.Name : concept.Name + " or " + compute.InputsText) + " within " + lookback;

    public override string Describe()
    {
        string what = concept.Name + " " + (RelativeToUln ? Phrase.Symbols(bounds, "× ULN") : Phrase.Symbols(bounds, unit!));
        string source = compute is null ? string.Empty : $"; reported value, else {compute.Formula} from {compute.InputsText}";
        return $"{what} (most recent result within {lookback.ToPhrase()}{source})";
    }

    protected override NodeResult Run(EvaluationContext context, Scope scope)
    {
        var window = DateWindow.Before(context.AsOf, lookback);
        var observation = context.Latest(concept, window, o => o.Value is not null);
        if (observation is null)
        {
            if (compute is not null)
            {
                return compute.Evaluate(context, window, bounds, unit!, concept.Label, MissingText);
            }

            return NodeResult.Unknown(
                $"No {concept.Label} result between {Phrase.Date(window.Start)} and {Phrase.Date(window.End)}",
                MissingText);
        }

        return RelativeToUln ? CompareToUln(context, observation) : CompareInUnit(observation);
    }

    private NodeResult CompareInUnit(ObservationRecord observation)
    {
        var reading = Reading.In(observation, concept, unit!);
        if (reading.Value is not { } value)
        {
            return NodeResult.Unknown(reading.Problem!, concept.Name + " with a unit convertible to " + unit);
        }

        bool ok = Phrase.Satisfies(bounds, value);
        return NodeResult.Of(
            Truth.From(ok),
            $"{reading.Describe(concept.Label, unit!)} is {(ok ? string.Empty : "not ")}{Threshold}",
            new[] { reading.ToFact(concept.Name, unit!) });
    }

    private NodeResult CompareToUln(EvaluationContext context, ObservationRecord o)
    {
        decimal value = o.Value!.Value;
        string described = $"{concept.Label} {Phrase.Quantity(value, o.Unit)} on {Phrase.Date(o.Date!.Value)}{Phrase.Source(o.Reference)}";
        if (string.IsNullOrWhiteSpace(o.Unit))
        {
            return NodeResult.Unknown(described + " has no unit, so it cannot be compared with its ULN", concept.Name + " with a unit");
        }

        decimal? uln;
        string ulnSource;
        var units = UnitConverter.Instance;
        if (o.ReferenceRange?.High is { } high)
        {
            string rangeUnit = string.IsNullOrWhiteSpace(o.ReferenceRange.Unit) ? o.Unit : o.ReferenceRange.Unit;
            uln = units.TryConvert(high, rangeUnit, o.Unit, concept.MolarMass, out decimal h, out _) ? h : null;
            ulnSource = "from the result's reference range";
        }
        else
        {
            decimal? declared = concept.DefaultUln(context.Patient.Sex);

            if (declared is null)
            {
                bool sexSpecific = concept.UlnFemale is not null || concept.UlnMale is not null;
                string why = sexSpecific ? "the rule file's default ULN depends on sex, which is not recorded" : "the rule file declares no default ULN";
                return NodeResult.Unknown($"{described} has no reference range and {why}", concept.Name + " ULN (reference range)");
            }

            uln = units.TryConvert(declared.Value, concept.UlnUnit!, o.Unit, concept.MolarMass, out decimal d, out _) ? d : null;
            string sex = concept.UlnFemale is not null || concept.UlnMale is not null
                ? " for " + (context.Patient.Sex == AdministrativeSex.Female ? "females" : context.Patient.Sex == AdministrativeSex.Male ? "males" : "either sex")
                : string.Empty;
            ulnSource = "the rule file's default" + sex;
        }

        if (uln is not { } limit || limit <= 0)
        {
            return NodeResult.Unknown($"{described}: its ULN cannot be expressed in {o.Unit}", concept.Name + " ULN in a convertible unit");
        }

        decimal ratio = value / limit;
        bool ok = Phrase.Satisfies(bounds, ratio);
        string ulnText = $"ULN {Phrase.Number(limit)} {o.Unit} {ulnSource}";
        return NodeResult.Of(
            Truth.From(ok),
            $"{described} is {Phrase.Number(ratio)} × ULN ({ulnText}), {(ok ? string.Empty : "not ")}{Threshold}",
            new[] { new FactUsed { Concept = concept.Name, Value = value, Unit = o.Unit, Date = o.Date, Source = o.Reference, Uln = ulnText, Detail = Phrase.Number(ratio) + " × ULN" } });
    }
}
