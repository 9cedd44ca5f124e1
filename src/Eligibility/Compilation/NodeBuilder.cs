using System;
using System.Collections.Generic;
using System.Linq;
using Eligibility.Binding;
using Eligibility.Compilation.Nodes;
using Eligibility.Diagnostics;
using Eligibility.Expressions;
using Eligibility.Model;
using Eligibility.Patients;
using Eligibility.Time;
using Eligibility.Units;

namespace Eligibility.Compilation;

/// <summary>
/// Turns the bound rule model into compiled nodes: every concept resolved, every unit checked against the concept's
/// unit, durations parsed, IDs checked, expressions compiled and sandboxed. Reports every problem it finds.
/// </summary>
internal sealed class NodeBuilder
{
    private readonly IReadOnlyDictionary<string, BoundConcept> concepts;
    private readonly IReadOnlyDictionary<string, ConceptModel> models;
    private readonly DiagnosticSink sink;
    private readonly IsoDuration defaultLookback;
    private readonly HashSet<string> used = new(StringComparer.Ordinal);
    private readonly HashSet<string> partIds = new(StringComparer.Ordinal);

    public NodeBuilder(IReadOnlyDictionary<string, BoundConcept> concepts, IReadOnlyDictionary<string, ConceptModel> models, DiagnosticSink sink, IsoDuration defaultLookback)
    {
        this.concepts = concepts;
        this.models = models;
        this.sink = sink;
        this.defaultLookback = defaultLookback;
    }

    /// <summary>How long an answer to the judgement parts of the criterion being built stays valid; <c>null</c>: for ever.</summary>
    public IsoDuration? AnswerValidity { get; set; }

    /// <summary>Concept names some rule (or include) refers to.</summary>
    public IReadOnlySet<string> Used => used;

    public RuleNode? Build(RuleModel rule, string criterionId, TrialInfo trial)
    {
        CheckPartId(rule, criterionId);
        RuleNode? node = rule switch
        {
            CompositeRule c => Composite(c, criterionId, trial),
            NotRule n => n.Rule is { } inner && Build(inner, criterionId, trial) is { } child ? new NotNode(child) : null,
            AgeRule a => Age(a, trial),
            SexRule s => Sex(s),
            MeasurementRule m => Measurement(m),
            CodedRule c => Coded(c),
            PregnancyRule p => Pregnancy(p),
            ConditionRule c => Condition(c),
            ProcedureRule p => Concept(p.Concept, p.Pointer + "/concept") is { } pc ? new ProcedureNode(pc, OptionalDuration(p.Window, p.Pointer + "/occurredWithin"), Concepts(p.Except, p.Pointer + "/except"), p.AbsentUnknown) : null,
            MedicationRule m => Medication(m),
            ImmunizationRule i => Concept(i.Concept, i.Pointer + "/concept") is { } ic && Duration(i.Window, i.Pointer + "/within") is { } iw ? new ImmunizationNode(ic, iw, i.AbsentUnknown) : null,
            JudgementRule j => new JudgementNode(j.Question, AnswerValidity),
            ExpressionRule e => Expression(e),
            _ => null,
        };

        return node is null ? null : WithIdentity(node, rule);
    }

    private static RuleNode WithIdentity(RuleNode node, RuleModel rule)
    {
        // Nodes are created without identity; it is set once here so every kind gets it the same way.
        node.Id = rule.Id;
        node.Text = rule.Text;
        return node;
    }

    private void CheckPartId(RuleModel rule, string criterionId)
    {
        if (rule.Id is not { } id)
        {
            return;
        }

        if (!id.StartsWith(criterionId + ".", StringComparison.Ordinal))
        {
            sink.ErrorUnlessExplained(DiagnosticCodes.MisplacedPartId, rule.Pointer + "/id", $"part ID '{id}' must start with its criterion's ID '{criterionId}.'");
        }
        else if (!partIds.Add(id))
        {
            sink.ErrorUnlessExplained(DiagnosticCodes.DuplicatePartId, rule.Pointer + "/id", $"part ID '{id}' is used more than once");
        }
    }

    private RuleNode? Composite(CompositeRule c, string criterionId, TrialInfo trial)
    {
        var parts = c.Rules.Select(r => Build(r, criterionId, trial)).ToList();
        if (c.Kind == "atLeast" && c.N > c.Rules.Count)
        {
            sink.ErrorUnlessExplained(DiagnosticCodes.AtLeastTooMany, c.Pointer + "/n", $"atLeast asks for {c.N} parts but has only {c.Rules.Count}");
        }

        return parts.Count == 0 || parts.Any(p => p is null) ? null : new CompositeNode(c.Kind, parts!, c.N);
    }

    private RuleNode? Age(AgeRule a, TrialInfo trial)
    {
        if (!CheckBounds(a.Bounds, a.Pointer))
        {
            return null;
        }

        // The registry's structured range applies too; when the text disagrees the text governs (docs/semantics.md), with a warning.
        decimal? min = a.Bounds.Gte ?? (a.Bounds.Gt is { } gt ? gt + 1 : null);
        decimal? max = a.Bounds.Lte ?? (a.Bounds.Lt is { } lt ? lt - 1 : null);
        if ((trial.MinimumAge is { } rmin && min is { } m1 && m1 != rmin) || (trial.MaximumAge is { } rmax && max is { } m2 && m2 != rmax))
        {
            sink.Warning(DiagnosticCodes.AgeRangeDisagrees, a.Pointer,
                $"the age rule ({Explanation.Phrase.Symbols(a.Bounds, "years")}) disagrees with the registry age range {trial.MinimumAge}–{trial.MaximumAge}; the criterion text governs");
        }

        return new AgeNode(a.Bounds);
    }

    private RuleNode? Sex(SexRule s)
    {
        var list = new List<AdministrativeSex>();
        foreach (var value in s.Sexes)
        {
            // The non-generic parse: the same parsing, without a generic instantiation to JIT-compile in a fresh process.
            if (Enum.TryParse(typeof(AdministrativeSex), value, true, out var parsed) && parsed is AdministrativeSex sex && sex != AdministrativeSex.Unknown)
            {
                list.Add(sex);
            }
        }

        return list.Count == 0 ? null : new SexNode(list, string.Join(" or ", s.Sexes));
    }

    private RuleNode? Measurement(MeasurementRule m)
    {
        var concept = Concept(m.Concept, m.Pointer + "/concept");
        var lookback = m.Lookback is null ? defaultLookback : Duration(m.Lookback, m.Pointer + "/lookback");
        bool boundsOk = CheckBounds(m.Bounds, m.Pointer);
        if (concept is null || lookback is null || !boundsOk)
        {
            return null;
        }

        if (concept.Unit is null)
        {
            sink.ErrorUnlessExplained(DiagnosticCodes.ConceptWithoutUnit, m.Pointer + "/concept", $"measurement concept '{concept.Name}' declares no 'unit'");
            return null;
        }

        if (m.RelativeTo is { } relative)
        {
            string limit = relative == "lln" ? "LLN" : "ULN";
            if (m.Compute is not null)
            {
                sink.ErrorUnlessExplained(DiagnosticCodes.InvalidCombination, m.Pointer + "/compute", $"a computed value cannot be compared relative to the {limit}");
                return null;
            }

            return new MeasurementNode(concept, m.Bounds, null, limit, lookback.Value, null, m.AbsentFalse);
        }

        // Without a 'unit' of its own the rule compares in the concept's unit: a problem with that unit is reported at the
        // concept's 'unit' (where the concept binder has already reported an invalid one), never at the rule's absent 'unit'.
        string unit = m.Unit ?? concept.Unit;
        string unitPointer = m.Unit is not null ? m.Pointer + "/unit"
            : models.TryGetValue(concept.Name, out var conceptModel) ? conceptModel.Pointer + "/unit" : m.Pointer + "/concept";
        if (!CheckUnit(unit, concept.Unit, concept.MolarMass, unitPointer))
        {
            return null;
        }

        ComputedMeasure? compute = null;
        if (m.Compute is { } formula)
        {
            compute = Compute(formula, unit, m.Pointer + "/compute");
            if (compute is null)
            {
                return null;
            }
        }

        return new MeasurementNode(concept, m.Bounds, unit, null, lookback.Value, compute, m.AbsentFalse);
    }

    private ComputedMeasure? Compute(string formula, string unit, string pointer)
    {
        bool ckd = formula == ComputedMeasure.CkdEpi2021;
        var creatinine = Required("creatinine", pointer, formula);
        var weight = ckd ? null : Required("body-weight", pointer, formula);
        if (creatinine is null || (!ckd && weight is null))
        {
            return null;
        }

        string resultUnit = ckd ? "mL/min/{1.73_m2}" : "mL/min";
        if (!UnitConverter.Instance.TryGetFactor(resultUnit, unit, null, out _, out string? error))
        {
            sink.ErrorUnlessExplained(DiagnosticCodes.IncompatibleUnit, pointer, $"{formula} yields {resultUnit}, which cannot be converted to the rule's unit '{unit}': {error}");
            return null;
        }

        return new ComputedMeasure(formula, creatinine, weight);
    }

    private BoundConcept? Required(string name, string pointer, string formula)
    {
        used.Add(name);
        if (concepts.TryGetValue(name, out var c))
        {
            if (c.Unit is null)
            {
                sink.ErrorUnlessExplained(DiagnosticCodes.ConceptWithoutUnit, pointer, $"{formula} needs concept '{name}' to declare a 'unit'");
                return null;
            }

            return c;
        }

        sink.ErrorUnlessExplained(DiagnosticCodes.ComputeInputMissing, pointer, $"{formula} needs the concept '{name}', which 'concepts' does not define");
        return null;
    }

    private RuleNode? Coded(CodedRule c)
    {
        var concept = Concept(c.Concept, c.Pointer + "/concept");
        var lookback = c.Lookback is null ? defaultLookback : Duration(c.Lookback, c.Pointer + "/lookback");
        if (concept is null || lookback is null)
        {
            return null;
        }

        bool ok = c.Answers.Count > 0;
        foreach (var answer in c.Answers)
        {
            if (!concept.Answers.ContainsKey(answer))
            {
                sink.ErrorUnlessExplained(DiagnosticCodes.UnknownAnswer, c.Pointer + "/answer", $"concept '{concept.Name}' declares no answer '{answer}' (it declares: {string.Join(", ", concept.Answers.Keys)})");
                ok = false;
            }
        }

        return ok ? new CodedNode(concept, c.Answers, lookback.Value, c.AbsentFalse) : null;
    }

    private RuleNode? Pregnancy(PregnancyRule p)
    {
        // Both defaults may be missing: each is its own error at the kind (unless an earlier stage reported the kind).
        bool kindExplained = sink.IsExplained(p.Pointer + "/kind");
        var status = PregnancyConcept(p, p.StatusConcept, "statusConcept", kindExplained);
        var condition = PregnancyConcept(p, p.ConditionConcept, "conditionConcept", kindExplained);
        var lookback = p.Lookback is null ? defaultLookback : Duration(p.Lookback, p.Pointer + "/lookback");
        if (status is null || condition is null || lookback is null)
        {
            return null;
        }

        foreach (var answer in new[] { "pregnant", "not-pregnant" })
        {
            if (!status.Answers.ContainsKey(answer))
            {
                sink.ErrorUnlessExplained(DiagnosticCodes.UnknownAnswer, models[status.Name].Pointer, $"pregnancy rules need concept '{status.Name}' to declare the answer '{answer}'", atName: true);
                return null;
            }
        }

        return new PregnancyNode(status, condition, lookback.Value);
    }

    /// <summary>
    /// One of a pregnancy rule's two concepts: the one its <paramref name="member"/> names, else the default. A default
    /// that 'concepts' does not define is reported at the rule's <c>kind</c> (which implies it), never at the member the
    /// rule does not have, even when the rule names its other concept.
    /// </summary>
    private BoundConcept? PregnancyConcept(PregnancyRule p, string name, string member, bool kindExplained)
    {
        string pointer = p.Pointer + "/" + member;
        bool named = sink.Map is { } map ? map.Contains(pointer) : p.ConceptsExplicit;
        if (named)
        {
            return Concept(name, pointer);
        }

        used.Add(name);
        if (concepts.TryGetValue(name, out var c))
        {
            return c;
        }

        if (!kindExplained)
        {
            sink.Error(DiagnosticCodes.UnknownConcept, p.Pointer + "/kind",
                $"concept '{name}' is not defined in 'concepts' (a pregnancy rule without '{member}' uses '{name}')");
        }

        return null;
    }

    private RuleNode? Condition(ConditionRule c)
    {
        var concept = Concept(c.Concept, c.Pointer + "/concept");
        string field = c.Mode switch { EventMode.OccurredWithin => "/occurredWithin", EventMode.OnsetBefore => "/onsetBefore", _ => "/activeWithin" };
        bool windowed = c.Mode is EventMode.OccurredWithin or EventMode.ActiveWithin or EventMode.OnsetBefore;
        IsoDuration? window = windowed ? Duration(c.Window, c.Pointer + field) : null;
        var except = Concepts(c.Except, c.Pointer + "/except");
        if (concept is null || (window is null && windowed))
        {
            return null;
        }

        return new ConditionNode(concept, c.Mode, window, except, c.AbsentUnknown);
    }

    private RuleNode? Medication(MedicationRule m)
    {
        var concept = Concept(m.Concept, m.Pointer + "/concept");
        IsoDuration? window = m.Mode is MedicationMode.Current or MedicationMode.Ever ? null : Duration(m.Window, m.Pointer + (m.Mode == MedicationMode.Stable ? "/stableFor" : "/within"));
        IsoDuration? longer = m.LongerThan is null ? null : Duration(m.LongerThan, m.Pointer + "/longerThan");
        bool ok = concept is not null && (window is not null || m.Mode is MedicationMode.Current or MedicationMode.Ever) && (m.LongerThan is null || longer is not null);
        if (m.Dose is { } dose)
        {
            ok &= CheckBounds(dose, m.Pointer + "/dose");
            if (m.DoseUnit is null)
            {
                sink.ErrorUnlessExplained(DiagnosticCodes.MissingProperty, m.Pointer + "/dose", "a dose needs a 'unit' (e.g. mg/d)");
                ok = false;
            }
            else if (!UnitConverter.Instance.IsValid(m.DoseUnit, out string? error))
            {
                sink.ErrorUnlessExplained(DiagnosticCodes.InvalidUnit, m.Pointer + "/dose/unit", $"'{m.DoseUnit}' is not a valid UCUM unit: {error}");
                ok = false;
            }
            else if (!IsDailyDoseUnit(m.DoseUnit))
            {
                string hint = m.DoseUnit.Contains("/kg", StringComparison.Ordinal)
                    ? "weight-based doses cannot be compared: records carry a daily dose, not one per kilogram"
                    : "records carry a daily dose (an amount per day, e.g. mg/d)";
                sink.ErrorUnlessExplained(DiagnosticCodes.DoseUnitNotDaily, m.Pointer + "/dose/unit", $"'{m.DoseUnit}' is not a daily dose unit: {hint}");
                ok = false;
            }
        }

        if (m.PrednisoneEquivalent && concept is not null)
        {
            var missing = MembersWithCodes(concept.Name).Where(n => !concept.PrednisoneEquivalence.ContainsKey(n)).ToList();
            if (missing.Count > 0)
            {
                sink.ErrorUnlessExplained(DiagnosticCodes.MissingPrednisoneEquivalence, m.Pointer + "/prednisoneEquivalent",
                    $"prednisone-equivalent doses need 'prednisoneEquivalence' on {string.Join(", ", missing)}");
                ok = false;
            }
        }

        return ok ? new MedicationNode(concept!, m.Mode, window, m.Dose, m.DoseUnit, m.PrednisoneEquivalent, longer, m.OnlyIfCurrent, m.AbsentUnknown) : null;
    }

    /// <summary>Daily doses are an amount per time: mass, substance, international units, enzyme units or volume per day.</summary>
    private static readonly string[] DailyDoseUnits = { "mg/d", "mmol/d", "[iU]/d", "U/d", "mL/d" };

    private static bool IsDailyDoseUnit(string unit) =>
        DailyDoseUnits.Any(daily => UnitConverter.Instance.TryGetFactor(unit, daily, null, out _, out _));

    private IEnumerable<string> MembersWithCodes(string name, HashSet<string>? seen = null)
    {
        seen ??= new HashSet<string>(StringComparer.Ordinal);
        if (!seen.Add(name) || !models.TryGetValue(name, out var model))
        {
            yield break;
        }

        if (model.Codes.Count > 0)
        {
            yield return name;
        }

        foreach (var (included, _) in model.Include)
        {
            foreach (var member in MembersWithCodes(included, seen))
            {
                yield return member;
            }
        }
    }

    private RuleNode? Expression(ExpressionRule e)
    {
        string pointer = e.Pointer + "/expression";
        if (e.Expression.Length == 0 && sink.Map is { } map && !map.Contains(pointer))
        {
            // No 'expression' member at all (misspelt, say): the schema has said so at the rule; "the expression is
            // empty", at a member that does not exist, would be a second, misleading error.
            sink.ErrorUnlessExplained(DiagnosticCodes.ExpressionSyntax, e.Pointer, "the expression rule has no 'expression'");
            return null;
        }

        var compiled = ExpressionCompiler.Compile(e.Expression, out var errors);
        foreach (var error in errors)
        {
            string code = error.Kind switch
            {
                ExpressionErrorKind.Forbidden => DiagnosticCodes.ExpressionForbidden,
                ExpressionErrorKind.NotBoolean => DiagnosticCodes.ExpressionNotBoolean,
                ExpressionErrorKind.NonConstantConcept => DiagnosticCodes.ExpressionConceptNotLiteral,
                _ => DiagnosticCodes.ExpressionSyntax,
            };
            sink.ErrorUnlessExplained(code, pointer, $"expression error at character {error.Offset + 1}: {error.Message}");
        }

        if (compiled is null)
        {
            return null;
        }

        bool ok = true;
        foreach (var name in compiled.ReferencedConcepts)
        {
            ok &= Concept(name, pointer) is not null;
        }

        return ok ? new ExpressionNode(compiled, concepts, defaultLookback) : null;
    }

    private BoundConcept? Concept(string name, string pointer)
    {
        used.Add(name);
        if (concepts.TryGetValue(name, out var c))
        {
            return c;
        }

        if (name.Length == 0)
        {
            return null; // no concept given: the schema has reported the missing property
        }

        sink.ErrorUnlessExplained(DiagnosticCodes.UnknownConcept, pointer, $"concept '{name}' is not defined in 'concepts'");
        return null;
    }

    private List<BoundConcept> Concepts(IReadOnlyList<string> names, string pointer)
    {
        var list = new List<BoundConcept>();
        for (int i = 0; i < names.Count; i++)
        {
            if (Concept(names[i], pointer + "/" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)) is { } c)
            {
                list.Add(c);
            }
        }

        return list;
    }

    private IsoDuration? Duration(string? text, string pointer)
    {
        if (IsoDuration.TryParse(text, out var d))
        {
            return d;
        }

        if (text is null)
        {
            return null; // absent or not a string: the schema has reported it
        }

        sink.ErrorUnlessExplained(DiagnosticCodes.InvalidDuration, pointer, $"'{text}' is not an ISO-8601 duration of years, months, weeks and days (e.g. P28D, P6M)");
        return null;
    }

    private IsoDuration? OptionalDuration(string? text, string pointer) => text is null ? null : Duration(text, pointer);

    private bool CheckUnit(string unit, string conceptUnit, decimal? molarMass, string pointer)
    {
        var units = UnitConverter.Instance;
        if (!units.IsValid(unit, out string? error))
        {
            sink.ErrorUnlessExplained(DiagnosticCodes.InvalidUnit, pointer, $"'{unit}' is not a valid UCUM unit: {error}");
            return false;
        }

        if (units.IsValid(conceptUnit, out _) && !units.TryGetFactor(unit, conceptUnit, molarMass, out _, out string? convError))
        {
            sink.ErrorUnlessExplained(DiagnosticCodes.IncompatibleUnit, pointer, $"'{unit}' cannot be converted to the concept's unit '{conceptUnit}': {convError}");
            return false;
        }

        return true;
    }

    private bool CheckBounds(Bounds b, string pointer)
    {
        if (b.IsEmpty)
        {
            // A bound of the wrong type was already reported by the schema at the bound itself.
            if (!new[] { "/gt", "/gte", "/lt", "/lte" }.Any(k => sink.IsExplained(pointer + k)))
            {
                sink.ErrorUnlessExplained(DiagnosticCodes.InvalidBounds, pointer, "no bound given: use gt, gte, lt or lte");
            }

            return false;
        }

        decimal? low = b.Gt ?? b.Gte;
        decimal? high = b.Lt ?? b.Lte;
        bool empty = low is { } l && high is { } h && (l > h || (l == h && (b.Gt is not null || b.Lt is not null)));
        if (empty || (b.Gt is not null && b.Gte is not null) || (b.Lt is not null && b.Lte is not null))
        {
            sink.ErrorUnlessExplained(DiagnosticCodes.InvalidBounds, pointer, $"the bounds {Explanation.Phrase.Symbols(b, string.Empty)} can never be satisfied or repeat a side");
            return false;
        }

        return true;
    }
}
