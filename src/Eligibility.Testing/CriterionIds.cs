using System;
using System.Collections.Generic;

namespace Eligibility.Testing;

/// <summary>Criterion and nested part IDs of a compiled trial, and lookup of a result by ID.</summary>
internal static class CriterionIds
{
    public static IReadOnlySet<string> Of(TrialEvaluator evaluator)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in evaluator.Criteria)
        {
            ids.Add(c.Id);
            ids.UnionWith(c.PartIds);
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
}
