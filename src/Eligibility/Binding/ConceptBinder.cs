using System;
using System.Collections.Generic;
using Eligibility.Diagnostics;
using Eligibility.Model;
using Eligibility.Units;

namespace Eligibility.Binding;

/// <summary>Resolves concept definitions: includes (with cycle detection), units, default ULNs, answers and prednisone equivalences.</summary>
internal sealed class ConceptBinder
{
    private readonly IReadOnlyDictionary<string, ConceptModel> models;
    private readonly DiagnosticSink sink;
    private readonly Dictionary<string, BoundConcept> bound = new(StringComparer.Ordinal);
    private readonly HashSet<string> reportedCycles = new(StringComparer.Ordinal);

    public ConceptBinder(IReadOnlyDictionary<string, ConceptModel> models, DiagnosticSink sink)
    {
        this.models = models;
        this.sink = sink;
    }

    public IReadOnlyDictionary<string, BoundConcept> BindAll()
    {
        foreach (var model in models.Values)
        {
            CheckUnits(model);
        }

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
        Collect(model, matcher, equivalence, new List<string>());

        var answers = new Dictionary<string, (CodeMatcher, bool?)>(StringComparer.Ordinal);
        foreach (var a in model.Answers)
        {
            var m = new CodeMatcher();
            foreach (var (system, code) in a.Codes)
            {
                m.Add(system, code, a.Name);
            }

            answers[a.Name] = (m, a.Boolean);
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
        };
        bound[model.Name] = concept;
        return concept;
    }

    private void Collect(ConceptModel model, CodeMatcher matcher, Dictionary<string, decimal> equivalence, List<string> stack)
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

        if (model.PrednisoneEquivalence is { } factor)
        {
            equivalence[model.Name] = factor;
        }

        foreach (var (name, pointer) in model.Include)
        {
            if (models.TryGetValue(name, out var included))
            {
                Collect(included, matcher, equivalence, stack);
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
