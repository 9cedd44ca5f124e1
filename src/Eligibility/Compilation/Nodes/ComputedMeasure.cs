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
/// A value computed from other results when no reported value exists: eGFR by CKD-EPI 2021, creatinine clearance by
/// Cockcroft–Gault. Computed values are rounded to one decimal, as a laboratory reports them, and that rounded value
/// is the one compared and shown.
/// </summary>
internal sealed class ComputedMeasure
{
    public const string CkdEpi2021 = "ckd-epi-2021";
    public const string CockcroftGault = "cockcroft-gault";

    private readonly string kind;
    private readonly BoundConcept creatinine;
    private readonly BoundConcept? weight;

    // The factors the computation converts with: creatinine to mg/dL, weight to kg, the result to the rule's unit.
    private readonly UnitFactors creatinineInMgPerDl;
    private readonly UnitFactors? weightInKg;
    private readonly UnitFactors resultFactors;

    public ComputedMeasure(string kind, BoundConcept creatinine, BoundConcept? weight)
    {
        this.kind = kind;
        this.creatinine = creatinine;
        this.weight = weight;
        creatinineInMgPerDl = UnitFactors.Into("mg/dL", creatinine.MolarMass);
        weightInKg = weight is null ? null : UnitFactors.Into("kg", weight.MolarMass);
        resultFactors = UnitFactors.From(ResultUnit, null);
    }

    public string Formula => kind == CkdEpi2021 ? "CKD-EPI 2021" : "Cockcroft–Gault";

    /// <summary>The unit the formula yields.</summary>
    public string ResultUnit => kind == CkdEpi2021 ? "mL/min/{1.73_m2}" : "mL/min";

    public string InputsText => kind == CkdEpi2021 ? creatinine.Label : creatinine.Label + " and " + weight!.Label;

    /// <summary>
    /// CKD-EPI 2021 creatinine equation, race-free (Inker LA et al., N Engl J Med 2021;385:1737-49):
    /// 142 × min(Scr/κ,1)^α × max(Scr/κ,1)^−1.200 × 0.9938^age × 1.012 [female]; κ 0.7 F / 0.9 M; α −0.241 F / −0.302 M.
    /// </summary>
    public static decimal CkdEpi(decimal creatinineMgPerDl, int age, bool female)
    {
        double scr = (double)creatinineMgPerDl;
        double kappa = female ? 0.7 : 0.9;
        double alpha = female ? -0.241 : -0.302;
        double ratio = scr / kappa;
        double egfr = 142 * Math.Pow(Math.Min(ratio, 1), alpha) * Math.Pow(Math.Max(ratio, 1), -1.200) * Math.Pow(0.9938, age) * (female ? 1.012 : 1.0);
        return Math.Round((decimal)egfr, 1, MidpointRounding.AwayFromZero);
    }

    /// <summary>
    /// Cockcroft–Gault (Cockcroft DW, Gault MH, Nephron 1976;16:31-41): (140 − age) × weight(kg) / (72 × Scr mg/dL), × 0.85 if female.
    /// </summary>
    public static decimal CockcroftGaultClearance(decimal creatinineMgPerDl, int age, decimal weightKg, bool female)
    {
        decimal value = (140 - age) * weightKg / (72m * creatinineMgPerDl) * (female ? 0.85m : 1m);
        return Math.Round(value, 1, MidpointRounding.AwayFromZero);
    }

    /// <summary>The verdict path: whether the computed value meets the bounds; unknown whenever <see cref="Evaluate"/> is.</summary>
    public Decision Decide(EvaluationContext context, DateWindow window, Bounds bounds, string unit) =>
        Compute(context, window, unit, out var inputs) == Step.Computed ? Decision.Of(Phrase.Satisfies(bounds, inputs.InRuleUnit)) : Decision.Unknown;

    public NodeResult Evaluate(EvaluationContext context, DateWindow window, Bounds bounds, string unit, string conceptName, string missing, string lookbackPhrase)
    {
        string between = $"between {Phrase.Date(window.Start)} and {Phrase.Date(window.End)}";
        var step = Compute(context, window, unit, out var x);
        if (step == Step.NoCreatinine)
        {
            return NodeResult.Unknown(() => $"No reported {conceptName} and no {creatinine.Label} result {between} to compute it ({Formula})", missing);
        }

        var scr = Reading.In(x.Creatinine!, creatinine, "mg/dL");
        switch (step)
        {
            case Step.CreatinineNotConvertible:
                return NodeResult.Unknown(scr.Problem!, creatinine.Label + " with a unit convertible to mg/dL");
            case Step.CreatinineNotUsable:
                return NodeResult.Unknown(() => $"{scr.Describe(creatinine.Label, "mg/dL")} is not a usable creatinine value", creatinine.Label + " within range");
        }

        var facts = new System.Collections.Generic.List<FactUsed> { scr.ToFact(creatinine.Name, "mg/dL") };
        switch (step)
        {
            case Step.NoBirthDate:
                return NodeResult.Unknown(() => $"{Formula} needs the age at the creatinine date, but no birth date is recorded", "birth date", facts);
            case Step.NoSex:
                return NodeResult.Unknown(() => $"{Formula} needs administrative sex (female or male), which is not recorded as either", "sex", facts);
            case Step.NoWeight:
                return NodeResult.Unknown(() => $"{Formula} needs a {weight!.Label} result {between}; none found", $"{weight!.Label} within the last {lookbackPhrase}", facts);
        }

        string inputs = $"{scr.Describe(creatinine.Label, "mg/dL")}, age {x.Age} at that date, {(x.Female ? "female" : "male")}";
        if (kind != CkdEpi2021)
        {
            var kg = Reading.In(x.Weight!, weight!, "kg");
            if (step == Step.WeightNotConvertible)
            {
                return NodeResult.Unknown(kg.Problem!, weight!.Label + " with a unit convertible to kg", facts);
            }

            facts.Add(kg.ToFact(weight!.Name, "kg"));
            inputs += ", " + kg.Describe(weight!.Label, "kg");
        }

        decimal computed = x.Computed;
        if (step == Step.ResultNotConvertible)
        {
            string? error = x.Error;
            return NodeResult.Unknown(() => $"the {Formula} result cannot be expressed in {unit}: {error}", conceptName + " in " + unit, facts);
        }

        bool ok = Phrase.Satisfies(bounds, x.InRuleUnit);
        facts.Add(new FactUsed { Concept = conceptName, Value = computed, Unit = ResultUnit, Date = x.Creatinine!.Date, Formula = Formula });
        return NodeResult.Of(
            Truth.From(ok),
            () => $"No reported {conceptName}; computed {conceptName} {Phrase.Number(computed)} {Phrase.Unit(ResultUnit)} ({Formula} from {inputs}) is {(ok ? string.Empty : "not ")}{Phrase.Bounds(bounds, unit)}",
            facts);
    }

    /// <summary>
    /// The one computation both paths run: the latest creatinine (and weight) in the window, the age at the creatinine's
    /// date and the sex, the formula, and the result in the rule's unit — or the step at which it stopped.
    /// </summary>
    private Step Compute(EvaluationContext context, DateWindow window, string unit, out Inputs x)
    {
        x = default;
        x.Creatinine = context.Latest(creatinine, window, MeasurementNode.HasValue);
        if (x.Creatinine is null)
        {
            return Step.NoCreatinine;
        }

        if (!creatinineInMgPerDl.TryRead(x.Creatinine, out decimal scrMgDl))
        {
            return Step.CreatinineNotConvertible;
        }

        if (scrMgDl <= 0)
        {
            return Step.CreatinineNotUsable;
        }

        if (context.AgeAt(x.Creatinine.Date!.Value) is not { } age)
        {
            return Step.NoBirthDate;
        }

        x.Age = age;
        var sex = context.Patient.Sex;
        if (sex is not (AdministrativeSex.Female or AdministrativeSex.Male))
        {
            return Step.NoSex;
        }

        x.Female = sex == AdministrativeSex.Female;
        if (kind == CkdEpi2021)
        {
            x.Computed = CkdEpi(scrMgDl, age, x.Female);
        }
        else
        {
            x.Weight = context.Latest(weight!, window, MeasurementNode.HasValue);
            if (x.Weight is null)
            {
                return Step.NoWeight;
            }

            if (!weightInKg!.TryRead(x.Weight, out decimal weightKg))
            {
                return Step.WeightNotConvertible;
            }

            x.Computed = CockcroftGaultClearance(scrMgDl, age, weightKg, x.Female);
        }

        if (!resultFactors.TryConvert(x.Computed, unit, out decimal inRuleUnit))
        {
            UnitConverter.Instance.TryConvert(x.Computed, ResultUnit, unit, null, out _, out string? error); // the reason, for the explanation
            x.Error = error;
            return Step.ResultNotConvertible;
        }

        x.InRuleUnit = inRuleUnit;
        return Step.Computed;
    }

    private enum Step
    {
        NoCreatinine,
        CreatinineNotConvertible,
        CreatinineNotUsable,
        NoBirthDate,
        NoSex,
        NoWeight,
        WeightNotConvertible,
        ResultNotConvertible,
        Computed,
    }

    /// <summary>What <see cref="Compute"/> read and computed, as far as it got.</summary>
    private struct Inputs
    {
        public ObservationRecord? Creatinine;
        public ObservationRecord? Weight;
        public int Age;
        public bool Female;
        public decimal Computed;
        public decimal InRuleUnit;
        public string? Error;
    }

    /// <summary>Which formula: <see cref="CkdEpi2021"/> or <see cref="CockcroftGault"/>. Read by the SQL back end.</summary>
    internal string Kind => kind;

    /// <summary>The serum creatinine concept. Read by the SQL back end.</summary>
    internal BoundConcept Creatinine => creatinine;

    /// <summary>The body weight concept (Cockcroft–Gault only). Read by the SQL back end.</summary>
    internal BoundConcept? Weight => weight;
}
