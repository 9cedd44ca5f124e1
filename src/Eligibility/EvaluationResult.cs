using System;
using System.Collections.Generic;

namespace Eligibility;

/// <summary>A patient's result against one trial: the verdict and every top-level criterion, inclusion first, in file order.</summary>
public sealed record EvaluationResult
{
    /// <summary>The trial ID.</summary>
    public required string Trial { get; init; }

    /// <summary>The patient ID, if the record has one.</summary>
    public string? Patient { get; init; }

    /// <summary>The as-of (screening) date used.</summary>
    public required DateOnly AsOf { get; init; }

    /// <summary>Eligible, ineligible or undetermined.</summary>
    public required Verdict Verdict { get; init; }

    /// <summary>Every top-level criterion.</summary>
    public required IReadOnlyList<CriterionResult> Criteria { get; init; }

    /// <summary>IDs of criteria whose outcome is review (the investigator must sign them off).</summary>
    public required IReadOnlyList<string> NeedsReview { get; init; }

    /// <summary>What data is missing across the unknown criteria, deduplicated.</summary>
    public required IReadOnlyList<string> Missing { get; init; }

    /// <summary>The investigator's unanswered questions of the criteria awaiting review, in criterion order.</summary>
    public IReadOnlyList<string> Questions { get; init; } = System.Array.Empty<string>();
}
