using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Eligibility.Benchmarks.Comparison;

/// <summary>
/// The 14 NCT07077486 criteria of the side-by-side comparison (library, Microsoft RulesEngine, hand-written C#): ALT and
/// AST × ULN, eGFR (reported, else CKD-EPI 2021), haemoglobin, WBC, platelets, FEV1/FVC, DLCO, age, SLE and ILD
/// diagnoses, myocardial infarction within 6 months, and current rituximab and belimumab. Each is a rule node of
/// <c>rules/NCT07077486.json</c> copied as it is (thresholds, units, lookbacks, computation), except the two drugs: the
/// file asks for current use of a class that includes them (EXCL11.1), so they are that same rule with the concept
/// narrowed to <c>rituximab</c> (a dose counts for <c>P6M</c>, the "within 180 days" of the issue) and <c>belimumab</c>
/// (<c>P4W</c>). <see cref="RuleFileText"/> writes them as a rule file of 14 top-level criteria with the original file's
/// concepts and defaults, so each comparison point's answer is one top-level criterion of the library's result.
/// </summary>
public static class Nct14
{
    /// <summary>The number of criteria.</summary>
    public const int Count = 14;

    /// <summary>The trial the criteria come from.</summary>
    public const string Trial = "NCT07077486";

    /// <summary>
    /// The criteria in result order: short name, the criterion id in the 14-criterion file, the source criterion in
    /// <c>rules/NCT07077486.json</c> and the path to its rule node below the source criterion's <c>rule</c>.
    /// </summary>
    public static IReadOnlyList<(string Name, string Id, string Source, string Path)> Criteria { get; } =
    [
        ("age", "INCL01", "INCL02", "rules/0"),
        ("sle", "INCL02", "INCL01", "rules/0"),
        ("ild", "INCL03", "INCL03", "rules/0"),
        ("fev1-fvc", "INCL04", "INCL04", "rules/0"),
        ("dlco", "INCL05", "INCL04", "rules/1"),
        ("alt", "EXCL01", "EXCL01", "rules/0"),
        ("ast", "EXCL02", "EXCL01", "rules/1"),
        ("egfr", "EXCL03", "EXCL02", "rules/3"),
        ("hemoglobin", "EXCL04", "EXCL03", string.Empty),
        ("wbc", "EXCL05", "EXCL04", string.Empty),
        ("platelets", "EXCL06", "EXCL05", string.Empty),
        ("mi-6-months", "EXCL07", "EXCL14", "rules/0"),
        ("rituximab", "EXCL08", "EXCL11", "rules/0"),
        ("belimumab", "EXCL09", "EXCL11", "rules/0"),
    ];

    /// <summary>The criteria's short names, in result order.</summary>
    public static IReadOnlyList<string> Names { get; } = Criteria.Select(c => c.Name).ToArray();

    /// <summary>
    /// The 14-criterion rule file: <c>rules/NCT07077486.json</c> with its inclusion and exclusion lists replaced by the 14
    /// rule nodes (the drug criteria narrowed to one drug, see the class summary).
    /// </summary>
    /// <returns>The rule file's JSON text.</returns>
    public static string RuleFileText()
    {
        var source = JsonNode.Parse(SampleData.RuleText(Trial))!.AsObject();
        var inclusion = new JsonArray();
        var exclusion = new JsonArray();
        foreach (var (name, id, sourceId, path) in Criteria)
        {
            var criterion = source["inclusion"]!.AsArray().Concat(source["exclusion"]!.AsArray())
                .Single(c => (string?)c!["id"] == sourceId)!;
            JsonNode rule = criterion["rule"]!;
            foreach (string step in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                rule = int.TryParse(step, out int index) ? rule.AsArray()[index]! : rule[step]!;
            }

            var copy = rule.DeepClone().AsObject();
            copy.Remove("id");
            if (name is "rituximab" or "belimumab")
            {
                copy["concept"] = name; // EXCL11.1's current use, narrowed to one member of its class
            }

            var entry = new JsonObject
            {
                ["id"] = id,
                ["text"] = $"{name} ({sourceId} of {Trial})",
                ["rule"] = copy,
            };
            (id.StartsWith("INCL", StringComparison.Ordinal) ? inclusion : exclusion).Add(entry);
        }

        source["inclusion"] = inclusion;
        source["exclusion"] = exclusion;
        source["trial"]!["title"] = (string?)source["trial"]!["title"] + " (the 14 criteria of the side-by-side benchmark)";
        return source.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Compiles <see cref="RuleFileText"/>; throws when it has errors.</summary>
    /// <returns>The evaluator.</returns>
    public static TrialEvaluator Compile()
    {
        var evaluator = SampleData.Evaluator(RuleCompiler.CompileText(RuleFileText(), Trial + "-14.json"), Trial + "-14.json");
        string[] ids = evaluator.Criteria.Select(c => c.Id).ToArray();
        if (!ids.SequenceEqual(Criteria.Select(c => c.Id)))
        {
            throw new InvalidOperationException("the 14-criterion file's criteria are out of order: " + string.Join(", ", ids));
        }

        return evaluator;
    }
}
