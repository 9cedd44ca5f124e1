using System;
using System.Collections.Frozen;
using System.Collections.Generic;
using System.Linq;
using Eligibility.Codes;
using Eligibility.Diagnostics;
using Eligibility.Model;
using Eligibility.Time;
using Eligibility.Units;

namespace Eligibility.Binding;

/// <summary>
/// Resolves concept definitions: codes expanded (descendants, value sets, lock file), includes (with cycle detection),
/// units, default ULNs, answers (with the default positive/negative synonyms), exposure durations and prednisone
/// equivalences. Every code set is frozen here, at compile time.
/// </summary>
internal sealed class ConceptBinder
{
    /// <summary>Codes every answer named <c>positive</c> matches besides its own (SNOMED CT, LOINC answers, v3 interpretation).</summary>
    private static readonly (string System, string Code)[] DefaultPositive =
    {
        (CodeSystems.Snomed, "10828004"),  // Positive (qualifier value)
        (CodeSystems.Snomed, "11214006"),  // Reactive (qualifier value)
        (CodeSystems.Snomed, "260373001"), // Detected (qualifier value)
        (CodeSystems.Loinc, "LA6576-8"),   // Positive
        (CodeSystems.ObservationInterpretation, "POS"),
        (CodeSystems.ObservationInterpretation, "DET"), // Detected
        ("http://hl7.org/fhir/v3/ObservationInterpretation", "POS"), // the DSTU2/STU3 spelling of the same system
        ("http://hl7.org/fhir/v3/ObservationInterpretation", "DET"),
    };

    /// <summary>Codes every answer named <c>negative</c> matches besides its own.</summary>
    private static readonly (string System, string Code)[] DefaultNegative =
    {
        (CodeSystems.Snomed, "260385009"), // Negative (qualifier value)
        (CodeSystems.Snomed, "131194007"), // Non-reactive (qualifier value)
        (CodeSystems.Snomed, "260415000"), // Not detected (qualifier value)
        (CodeSystems.Loinc, "LA6577-6"),   // Negative
        (CodeSystems.ObservationInterpretation, "NEG"),
        (CodeSystems.ObservationInterpretation, "ND"), // Not detected
        ("http://hl7.org/fhir/v3/ObservationInterpretation", "NEG"),
        ("http://hl7.org/fhir/v3/ObservationInterpretation", "ND"),
    };

    private static readonly string[] PositiveTexts = { "positive", "reactive", "detected", "pos" };
    private static readonly string[] NegativeTexts = { "negative", "non reactive", "nonreactive", "not detected", "neg" };

    private readonly IReadOnlyDictionary<string, ConceptModel> models;
    private readonly DiagnosticSink sink;
    private readonly ConceptExpander expander;
    private readonly Dictionary<string, BoundConcept> bound = new(StringComparer.Ordinal);
    private readonly HashSet<string> reportedCycles = new(StringComparer.Ordinal);

    public ConceptBinder(IReadOnlyDictionary<string, ConceptModel> models, DiagnosticSink sink, ConceptExpander expander)
    {
        this.models = models;
        this.sink = sink;
        this.expander = expander;
    }

    /// <summary>Normalises a result text for comparison with answer texts: lower case, hyphens as spaces, single spaces, no final full stop.</summary>
    public static string NormaliseText(string text)
    {
        var words = text.Trim().TrimEnd('.').ToLowerInvariant().Replace('-', ' ').Replace('_', ' ')
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', words);
    }

    public IReadOnlyDictionary<string, BoundConcept> BindAll()
    {
        foreach (var model in models.Values)
        {
            CheckUnits(model);
        }

        expander.ExpandAll();

        foreach (var name in models.Keys)
        {
            Get(name);
        }

        return bound;
    }

    public BoundConcept? Get(string name) => bound.TryGetValue(name, out var c) ? c : models.TryGetValue(name, out var m) ? Bind(m) : null;

    private BoundConcept Bind(ConceptModel model)
    {
        var matcher = new CodeMatcher();
        var equivalence = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var memberLasts = new Dictionary<string, IsoDuration>(StringComparer.Ordinal);
        Collect(model, matcher, equivalence, memberLasts, new List<string>());

        var answers = new Dictionary<string, BoundAnswer>(StringComparer.Ordinal);
        foreach (var a in model.Answers)
        {
            var m = new CodeMatcher();
            var texts = a.Texts.Select(NormaliseText).ToList();
            foreach (var (system, code) in a.Codes)
            {
                m.Add(system, code, a.Name);
            }

            // SEMANTICS "Qualitative results": positive and negative answers read the usual codes and words without listing them.
            var defaults = a.Name switch { "positive" => (DefaultPositive, PositiveTexts), "negative" => (DefaultNegative, NegativeTexts), _ => default };
            if (defaults.Item1 is { } codes)
            {
                foreach (var (system, code) in codes)
                {
                    m.Add(system, code, a.Name);
                }

                texts.AddRange(defaults.Item2);
            }
            else if (a.Codes.Count == 0 && a.Boolean is null && a.Texts.Count == 0)
            {
                sink.ErrorUnlessExplained(DiagnosticCodes.UnknownAnswer, a.Pointer,
                    $"answer '{a.Name}' of concept '{model.Name}' lists no codes, texts or boolean, so no result can mean it (only 'positive' and 'negative' have default codes)", atName: true);
            }

            answers[a.Name] = new BoundAnswer(m.Freeze(), a.Boolean, texts.ToFrozenSet(StringComparer.Ordinal));
        }

        IsoDuration? lasts = null;
        if (model.ExposureLasts is { } exposure)
        {
            if (IsoDuration.TryParse(exposure.Text, out var d))
            {
                lasts = d;
            }
            else
            {
                sink.ErrorUnlessExplained(DiagnosticCodes.InvalidDuration, exposure.Pointer, $"'{exposure.Text}' is not an ISO-8601 duration of years, months, weeks and days (e.g. P4W)");
            }
        }

        var concept = new BoundConcept(model.Name, matcher)
        {
            Label = model.Label ?? model.Name,
            Unit = model.Unit,
            MolarMass = model.MolarMass,
            UlnValue = model.Uln?.Value,
            UlnFemale = model.Uln?.Female,
            UlnMale = model.Uln?.Male,
            UlnUnit = model.Uln?.Unit ?? model.Unit,
            LlnValue = model.Lln?.Value,
            LlnFemale = model.Lln?.Female,
            LlnMale = model.Lln?.Male,
            LlnUnit = model.Lln?.Unit ?? model.Unit,
            Answers = answers,
            PrednisoneEquivalence = equivalence,
            ExposureLasts = lasts,
            MemberExposureLasts = memberLasts,
        };
        matcher.Freeze();
        bound[model.Name] = concept;
        return concept;
    }

    private void Collect(ConceptModel model, CodeMatcher matcher, Dictionary<string, decimal> equivalence, Dictionary<string, IsoDuration> memberLasts, List<string> stack)
    {
        if (stack.Contains(model.Name))
        {
            string cycle = string.Join(" → ", stack) + " → " + model.Name;
            if (reportedCycles.Add(stack[0]))
            {
                sink.ErrorUnlessExplained(DiagnosticCodes.ConceptCycle, models[stack[0]].Pointer, $"concepts include each other in a cycle: {cycle}", atName: true);
            }

            return;
        }

        stack.Add(model.Name);
        foreach (var (system, code) in model.Codes)
        {
            matcher.Add(system, code, model.Name);
        }

        // A code reached only through an ATC class yields to the same code reached from a named drug, so per-drug
        // groupings and dose factors go to the drug.
        bool classOnly = model.Codes.All(c => !CodeSystems.IsHierarchical(c.System)) && model.ValueSets.Count == 0;
        foreach (var code in expander.Expansion(model))
        {
            matcher.Add(code.System, code.Code, model.Name, classOnly ? CodeMatcher.ViaClass : CodeMatcher.Descendant);
        }

        if (model.PrednisoneEquivalence is { } factor)
        {
            equivalence[model.Name] = factor;
        }

        if (model.ExposureLasts is { } lasts && IsoDuration.TryParse(lasts.Text, out var duration))
        {
            memberLasts[model.Name] = duration;
        }

        foreach (var (name, pointer) in model.Include)
        {
            if (models.TryGetValue(name, out var included))
            {
                Collect(included, matcher, equivalence, memberLasts, stack);
            }
            else if (stack.Count == 1)
            {
                sink.ErrorUnlessExplained(DiagnosticCodes.UnknownConcept, pointer, $"concept '{model.Name}' includes '{name}', which is not defined in 'concepts'");
            }
        }

        stack.RemoveAt(stack.Count - 1);
    }

    private void CheckUnits(ConceptModel model)
    {
        var units = UnitConverter.Instance;
        if (model.Unit is { } unit && !units.IsValid(unit, out string? error))
        {
            sink.ErrorUnlessExplained(DiagnosticCodes.InvalidUnit, model.Pointer + "/unit", $"'{unit}' is not a valid UCUM unit: {error}");
        }

        foreach (var (uln, limit) in new[] { (model.Uln, "ULN"), (model.Lln, "LLN") })
        {
            if (uln is null)
            {
                continue;
            }

            string? ulnUnit = uln.Unit ?? model.Unit;
            if (ulnUnit is null)
            {
                sink.ErrorUnlessExplained(DiagnosticCodes.InvalidUln, uln.Pointer, $"the default {limit} of '{model.Name}' needs a unit (on the ULN or the concept)");
            }
            else if (uln.Unit is { } u && !units.IsValid(u, out string? ulnError))
            {
                sink.ErrorUnlessExplained(DiagnosticCodes.InvalidUnit, uln.Pointer + "/unit", $"'{u}' is not a valid UCUM unit: {ulnError}");
            }
            else if (uln.Unit is { } u2 && model.Unit is { } cu && units.IsValid(cu, out _) && !units.TryGetFactor(u2, cu, model.MolarMass, out _, out string? convError))
            {
                sink.ErrorUnlessExplained(DiagnosticCodes.IncompatibleUnit, uln.Pointer + "/unit", $"the {limit} unit '{u2}' cannot be converted to the concept's unit '{cu}': {convError}");
            }

            foreach (var (value, field) in new[] { (uln.Value, "value"), (uln.Female, "female"), (uln.Male, "male") })
            {
                if (value is <= 0)
                {
                    sink.ErrorUnlessExplained(DiagnosticCodes.InvalidUln, uln.Pointer + "/" + field, $"a {limit} must be positive, not {value}");
                }
            }
        }
    }
}
