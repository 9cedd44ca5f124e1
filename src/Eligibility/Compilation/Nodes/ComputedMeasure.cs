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

    public ComputedMeasure(string kind, BoundConcept creatinine, BoundConcept? weight)
    {
        this.kind = kind;
        this.creatinine = creatinine;
        this.weight = weight;
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

    public NodeResult Evaluate(EvaluationContext context, DateWindow window, Bounds bounds, string unit, string conceptName, string missing, string lookbackPhrase)
    {
        string between = $"between {Phrase.Date(window.Start)} and {Phrase.Date(window.End)}";
        var scrObservation = context.Latest(creatinine, window, o => o.Value is not null);
        if (scrObservation is null)
        {
            return NodeResult.Unknown(() => $"No reported {conceptName} and no {creatinine.Label} result {between} to compute it ({Formula})", missing);
        }

        var scr = Reading.In(scrObservation, creatinine, "mg/dL");
        if (scr.Value is not { } scrMgDl)
        {
            return NodeResult.Unknown(scr.Problem!, creatinine.Label + " with a unit convertible to mg/dL");
        }

        if (scrMgDl <= 0)
        {
            return NodeResult.Unknown(() => $"{scr.Describe(creatinine.Label, "mg/dL")} is not a usable creatinine value", creatinine.Label + " within range");
        }

        var facts = new System.Collections.Generic.List<FactUsed> { scr.ToFact(creatinine.Name, "mg/dL") };
        DateOnly specimenDate = scrObservation.Date!.Value;
        if (context.AgeAt(specimenDate) is not { } age)
        {
            return NodeResult.Unknown(() => $"{Formula} needs the age at the creatinine date, but no birth date is recorded", "birth date", facts);
        }

        var sex = context.Patient.Sex;
        if (sex is not (AdministrativeSex.Female or AdministrativeSex.Male))
        {
            return NodeResult.Unknown(() => $"{Formula} needs administrative sex (female or male), which is not recorded as either", "sex", facts);
        }

        bool female = sex == AdministrativeSex.Female;
        decimal computed;
        string inputs = $"{scr.Describe(creatinine.Label, "mg/dL")}, age {age} at that date, {(female ? "female" : "male")}";
        if (kind == CkdEpi2021)
        {
            computed = CkdEpi(scrMgDl, age, female);
        }
        else
        {
            var weightObservation = context.Latest(weight!, window, o => o.Value is not null);
            if (weightObservation is null)
            {
                return NodeResult.Unknown(() => $"{Formula} needs a {weight!.Label} result {between}; none found", $"{weight!.Label} within the last {lookbackPhrase}", facts);
            }

            var kg = Reading.In(weightObservation, weight!, "kg");
            if (kg.Value is not { } weightKg)
            {
                return NodeResult.Unknown(kg.Problem!, weight!.Label + " with a unit convertible to kg", facts);
            }

            facts.Add(kg.ToFact(weight!.Name, "kg"));
            inputs += ", " + kg.Describe(weight!.Label, "kg");
            computed = CockcroftGaultClearance(scrMgDl, age, weightKg, female);
        }

        if (!UnitConverter.Instance.TryConvert(computed, ResultUnit, unit, null, out decimal inRuleUnit, out string? error))
        {
            return NodeResult.Unknown(() => $"the {Formula} result cannot be expressed in {unit}: {error}", conceptName + " in " + unit, facts);
        }

        bool ok = Phrase.Satisfies(bounds, inRuleUnit);
        facts.Add(new FactUsed { Concept = conceptName, Value = computed, Unit = ResultUnit, Date = specimenDate, Formula = Formula });
        return NodeResult.Of(
            Truth.From(ok),
            () => $"No reported {conceptName}; computed {conceptName} {Phrase.Number(computed)} {Phrase.Unit(ResultUnit)} ({Formula} from {inputs}) is {(ok ? string.Empty : "not ")}{Phrase.Bounds(bounds, unit)}",
            facts);
    }
}
