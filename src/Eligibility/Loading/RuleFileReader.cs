using System;
using System.Collections.Generic;
using System.Linq;
using Eligibility.Model;

namespace Eligibility.Loading;

/// <summary>Reads a schema-checked rule file into the rule model. Tolerant: malformed pieces (already reported by the schema) are skipped.</summary>
internal static class RuleFileReader
{
    public static RuleFileModel Read(JsonObjectReader root)
    {
        var trialObject = root.Object("trial") ?? new JsonObjectReader(default, "/trial");
        var ageRange = trialObject.Object("ageRange");
        var trial = new TrialInfo
        {
            Id = trialObject.String("id") ?? string.Empty,
            Title = trialObject.String("title") ?? string.Empty,
            Registry = trialObject.String("registry"),
            RegistryId = trialObject.String("registryId"),
            SourceVersion = trialObject.String("sourceVersion"),
            MinimumAge = ageRange?.Int("min"),
            MaximumAge = ageRange?.Int("max"),
        };

        var defaults = root.Object("defaults");
        var concepts = new Dictionary<string, ConceptModel>(StringComparer.Ordinal);
        if (root.Object("concepts") is { } conceptsObject)
        {
            foreach (var (name, value) in conceptsObject.Properties())
            {
                if (value.IsObject)
                {
                    concepts[name] = ReadConcept(name, value);
                }
            }
        }

        var criteria = new List<CriterionModel>();
        ReadCriteria(root, "inclusion", CriterionType.Inclusion, criteria);
        ReadCriteria(root, "exclusion", CriterionType.Exclusion, criteria);
        return new RuleFileModel(trial, defaults?.String("lookback"), "/defaults/lookback", concepts, criteria)
        {
            DefaultAnswerValidity = defaults?.String("answerValidity"),
        };
    }

    private static void ReadCriteria(JsonObjectReader root, string list, CriterionType type, List<CriterionModel> criteria)
    {
        foreach (var c in root.Array(list))
        {
            if (!c.IsObject)
            {
                continue;
            }

            var ruleObject = c.Object("rule");
            criteria.Add(new CriterionModel(
                c.String("id") ?? string.Empty,
                type,
                c.String("text") ?? string.Empty,
                c.String("note"),
                c.Pointer,
                ruleObject is { } r ? ReadRule(r) : null)
            {
                AnswerValidity = c.String("answerValidity"),
            });
        }
    }

    private static ConceptModel ReadConcept(string name, JsonObjectReader c)
    {
        var uln = c.Object("uln");
        var answers = new List<AnswerModel>();
        if (c.Object("answers") is { } answersObject)
        {
            foreach (var (answerName, a) in answersObject.Properties())
            {
                answers.Add(new AnswerModel(answerName, a.Pointer, ReadCodes(a, skip: "text"), a.Bool("boolean")) { Texts = a.Strings("text") });
            }
        }

        // Loops rather than LINQ over value tuples and the reader struct: a fresh process JIT-compiles those for this alone.
        var include = new List<(string, string)>();
        foreach (var n in c.Strings("include"))
        {
            include.Add((n, c.Child("include") + "/" + include.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var valueSets = new List<(string, string)>();
        foreach (var v in c.Strings("valueSet"))
        {
            valueSets.Add((v, c.Element.TryGetProperty("valueSet", out var vs) && vs.ValueKind == System.Text.Json.JsonValueKind.Array
                ? c.Child("valueSet") + "/" + valueSets.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : c.Child("valueSet")));
        }

        return new ConceptModel(
            name,
            c.Pointer,
            c.Object("codes") is { } codes ? ReadCodes(codes) : Array.Empty<(string, string)>(),
            include,
            c.String("unit"),
            c.Decimal("molarMass"),
            uln is { } u ? new UlnModel(u.Pointer, u.Decimal("value"), u.Decimal("female"), u.Decimal("male"), u.String("unit")) : null,
            answers,
            c.Decimal("prednisoneEquivalence"),
            c.String("description"),
            c.String("label"),
            c.Object("lln") is { } l ? new UlnModel(l.Pointer, l.Decimal("value"), l.Decimal("female"), l.Decimal("male"), l.String("unit")) : null)
        {
            ValueSets = valueSets,
            ExposureLasts = c.String("exposureLasts") is { } lasts ? (lasts, c.Child("exposureLasts")) : null,
        };
    }

    /// <summary>Reads <c>{ "system": ["code", …] }</c>; other members (such as <c>boolean</c>, and <paramref name="skip"/>) are skipped.</summary>
    private static IReadOnlyList<(string System, string Code)> ReadCodes(JsonObjectReader codes, string? skip = null)
    {
        var list = new List<(string, string)>();
        foreach (var (system, value) in codes.Properties())
        {
            if (value.Element.ValueKind != System.Text.Json.JsonValueKind.Array || system == skip)
            {
                continue;
            }

            foreach (var code in value.Element.EnumerateArray())
            {
                if (code.ValueKind == System.Text.Json.JsonValueKind.String)
                {
                    list.Add((system, code.GetString()!));
                }
            }
        }

        return list;
    }

    private static Bounds ReadBounds(JsonObjectReader r) => new(r.Decimal("gt"), r.Decimal("gte"), r.Decimal("lt"), r.Decimal("lte"));

    private static bool AbsentUnknown(JsonObjectReader r) => string.Equals(r.String("absentMeans"), "unknown", StringComparison.Ordinal);

    /// <summary>The rules of a composite that read as rules (objects only; those that do not read are left out).</summary>
    private static List<RuleModel> ReadRules(JsonObjectReader r)
    {
        var rules = new List<RuleModel>();
        foreach (var item in r.Array("rules"))
        {
            if (item.IsObject && ReadRule(item) is { } rule)
            {
                rules.Add(rule);
            }
        }

        return rules;
    }

    internal static RuleModel? ReadRule(JsonObjectReader r)
    {
        string? kind = r.String("kind");
        string p = r.Pointer;
        RuleModel? rule = kind switch
        {
            "all" or "any" or "atLeast" => new CompositeRule(kind, p, ReadRules(r), r.Int("n") ?? 0),
            "not" => new NotRule(p, r.Object("rule") is { } inner ? ReadRule(inner) : null),
            "age" => new AgeRule(p, ReadBounds(r)),
            "sex" => new SexRule(p, r.Strings("is")),
            "measurement" => new MeasurementRule(
                p, r.String("concept") ?? string.Empty, ReadBounds(r), r.String("unit"),
                r.String("relativeTo"), r.String("lookback"), r.String("compute"), string.Equals(r.String("absentMeans"), "false", StringComparison.Ordinal)),
            "coded" => new CodedRule(p, r.String("concept") ?? string.Empty, r.Strings("answer"), r.String("lookback"), string.Equals(r.String("absentMeans"), "false", StringComparison.Ordinal)),
            "pregnancy" => new PregnancyRule(
                p, r.String("statusConcept") ?? "pregnancy-status", r.String("conditionConcept") ?? "pregnancy", r.String("lookback"),
                r.Has("statusConcept") || r.Has("conditionConcept")),
            "condition" => new ConditionRule(
                p, r.String("concept") ?? string.Empty,
                r.Bool("active") == true ? EventMode.Active : r.Has("occurredWithin") ? EventMode.OccurredWithin : r.Has("activeWithin") ? EventMode.ActiveWithin : r.Has("onsetBefore") ? EventMode.OnsetBefore : EventMode.History,
                r.String("occurredWithin") ?? r.String("activeWithin") ?? r.String("onsetBefore"), r.Strings("except"), AbsentUnknown(r)),
            "procedure" => new ProcedureRule(p, r.String("concept") ?? string.Empty, r.String("occurredWithin"), r.Strings("except"), AbsentUnknown(r)),
            "medication" => ReadMedication(r),
            "immunization" => new ImmunizationRule(p, r.String("concept") ?? string.Empty, r.String("within"), AbsentUnknown(r)),
            "judgement" => new JudgementRule(p, r.String("question")),
            "expression" => new ExpressionRule(p, r.String("expression") ?? string.Empty),
            _ => null,
        };

        return rule is null ? null : rule with { Id = r.String("id"), Text = r.String("text"), Note = r.String("note") };
    }

    private static MedicationRule ReadMedication(JsonObjectReader r)
    {
        var mode = r.Has("stableFor") ? MedicationMode.Stable : r.Bool("current") == true ? MedicationMode.Current : r.Bool("ever") == true ? MedicationMode.Ever : MedicationMode.Within;
        var dose = r.Object("dose");
        return new MedicationRule(
            r.Pointer,
            r.String("concept") ?? string.Empty,
            mode,
            mode == MedicationMode.Stable ? r.String("stableFor") : r.String("within"),
            dose is { } d ? ReadBounds(d) : null,
            dose?.String("unit"),
            r.Bool("prednisoneEquivalent") == true,
            r.String("longerThan"),
            r.Bool("onlyIfCurrent") == true,
            AbsentUnknown(r));
    }
}
