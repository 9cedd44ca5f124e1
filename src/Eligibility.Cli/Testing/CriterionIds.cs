using System;
using System.Collections.Generic;
using Eligibility.Patients;

namespace Eligibility.Cli.Testing;

/// <summary>
/// Every criterion and nested part ID of a compiled trial. The public API lists top-level criteria only
/// (<see cref="TrialEvaluator.Criteria"/>), so the part IDs are read from one evaluation of an empty record: composite
/// rules report every part, so the result tree has the rule tree's shape.
/// </summary>
internal static class CriterionIds
{
    public static IReadOnlySet<string> Of(TrialEvaluator evaluator)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in evaluator.Criteria)
        {
            ids.Add(c.Id);
        }

        var probe = evaluator.Evaluate(new PatientRecord(), new DateOnly(2000, 1, 1));
        foreach (var c in probe.Criteria)
        {
            Collect(c, ids);
        }

        return ids;
    }

    /// <summary>Finds a criterion or part by ID, depth first.</summary>
    public static CriterionResult? Find(IReadOnlyList<CriterionResult> results, string id)
    {
        foreach (var r in results)
        {
            if (string.Equals(r.Id, id, StringComparison.Ordinal))
            {
                return r;
            }

            if (Find(r.Parts, id) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private static void Collect(CriterionResult result, HashSet<string> ids)
    {
        if (result.Id is { } id)
        {
            ids.Add(id);
        }

        foreach (var p in result.Parts)
        {
            Collect(p, ids);
        }
    }
}
