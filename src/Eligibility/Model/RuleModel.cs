using System.Collections.Generic;

namespace Eligibility.Model;

// The rule file as read: a canonical model independent of JSON and of the runtime (NRules' RuleModel idea).
// Every node keeps the JSON pointer it came from, so later stages can position their diagnostics.

internal sealed record RuleFileModel(
    TrialInfo Trial,
    string? DefaultLookback,
    string DefaultLookbackPointer,
    IReadOnlyDictionary<string, ConceptModel> Concepts,
    IReadOnlyList<CriterionModel> Criteria)
{
    /// <summary>How long an investigator's answer stays valid (ISO-8601), by default; <c>null</c>: for ever.</summary>
    public string? DefaultAnswerValidity { get; init; }
}

internal sealed record ConceptModel(
    string Name,
    string Pointer,
    IReadOnlyList<(string System, string Code)> Codes,
    IReadOnlyList<(string Name, string Pointer)> Include,
    string? Unit,
    decimal? MolarMass,
    UlnModel? Uln,
    IReadOnlyList<AnswerModel> Answers,
    decimal? PrednisoneEquivalence,
    string? Description,
    string? Label,
    UlnModel? Lln)
{
    /// <summary>Value sets the concept names (<c>url</c> or <c>url|version</c>), with their pointers.</summary>
    public IReadOnlyList<(string Canonical, string Pointer)> ValueSets { get; init; } = System.Array.Empty<(string, string)>();

    /// <summary>How long one dose keeps a patient on an intermittent therapy (ISO-8601), with its pointer.</summary>
    public (string Text, string Pointer)? ExposureLasts { get; init; }
}

internal sealed record UlnModel(string Pointer, decimal? Value, decimal? Female, decimal? Male, string? Unit);

internal sealed record AnswerModel(string Name, string Pointer, IReadOnlyList<(string System, string Code)> Codes, bool? Boolean)
{
    /// <summary>Texts that mean this answer (compared case-insensitively, ignoring surrounding spaces).</summary>
    public IReadOnlyList<string> Texts { get; init; } = System.Array.Empty<string>();
}

internal sealed record CriterionModel(string Id, CriterionType Type, string Text, string? Note, string Pointer, RuleModel? Rule)
{
    /// <summary>This criterion's own answer validity (ISO-8601), overriding the file's default.</summary>
    public string? AnswerValidity { get; init; }
}

internal sealed record Bounds(decimal? Gt, decimal? Gte, decimal? Lt, decimal? Lte)
{
    public bool IsEmpty => Gt is null && Gte is null && Lt is null && Lte is null;
}

internal abstract record RuleModel(string Kind, string Pointer)
{
    public string? Id { get; init; }

    public string? Text { get; init; }

    public string? Note { get; init; }
}

internal sealed record CompositeRule(string Kind, string Pointer, IReadOnlyList<RuleModel> Rules, int N) : RuleModel(Kind, Pointer);

internal sealed record NotRule(string Pointer, RuleModel? Rule) : RuleModel("not", Pointer);

internal sealed record AgeRule(string Pointer, Bounds Bounds) : RuleModel("age", Pointer);

internal sealed record SexRule(string Pointer, IReadOnlyList<string> Sexes) : RuleModel("sex", Pointer);

internal sealed record MeasurementRule(string Pointer, string Concept, Bounds Bounds, string? Unit, string? RelativeTo, string? Lookback, string? Compute, bool AbsentFalse) : RuleModel("measurement", Pointer);

internal sealed record CodedRule(string Pointer, string Concept, IReadOnlyList<string> Answers, string? Lookback, bool AbsentFalse = false) : RuleModel("coded", Pointer);

internal sealed record PregnancyRule(string Pointer, string StatusConcept, string ConditionConcept, string? Lookback, bool ConceptsExplicit) : RuleModel("pregnancy", Pointer);

internal enum EventMode
{
    History,
    Active,
    OccurredWithin,
    ActiveWithin,
    OnsetBefore,
}

internal sealed record ConditionRule(string Pointer, string Concept, EventMode Mode, string? Window, IReadOnlyList<string> Except, bool AbsentUnknown) : RuleModel("condition", Pointer);

internal sealed record ProcedureRule(string Pointer, string Concept, string? Window, IReadOnlyList<string> Except, bool AbsentUnknown) : RuleModel("procedure", Pointer);

internal enum MedicationMode
{
    Within,
    Current,
    Stable,
    Ever,
}

internal sealed record MedicationRule(
    string Pointer,
    string Concept,
    MedicationMode Mode,
    string? Window,
    Bounds? Dose,
    string? DoseUnit,
    bool PrednisoneEquivalent,
    string? LongerThan,
    bool OnlyIfCurrent,
    bool AbsentUnknown) : RuleModel("medication", Pointer);

internal sealed record ImmunizationRule(string Pointer, string Concept, string? Window, bool AbsentUnknown) : RuleModel("immunization", Pointer);

internal sealed record JudgementRule(string Pointer, string? Question) : RuleModel("judgement", Pointer);

internal sealed record ExpressionRule(string Pointer, string Expression) : RuleModel("expression", Pointer);
