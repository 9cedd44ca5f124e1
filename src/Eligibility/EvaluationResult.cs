using System;
using System.Collections.Generic;

namespace Eligibility;

/// <summary>A patient's result against one trial: the verdict and every top-level criterion, inclusion first, in file order.</summary>
/// <remarks>
/// An output: a sealed class whose properties callers can read but not set, built only by Eligibility (records would give
/// a public <c>init</c> that lets callers fabricate results, and value equality that compares lists by reference).
/// </remarks>
public sealed class EvaluationResult
{
    internal EvaluationResult()
    {
    }

    /// <summary>The trial ID (<see cref="TrialInfo.Id"/> of <see cref="TrialEvaluator.Trial"/>).</summary>
    public string TrialId { get; internal init; } = string.Empty;

    /// <summary>The patient ID (<see cref="Patients.PatientRecord.Id"/>), if the record has one.</summary>
    public string? PatientId { get; internal init; }

    /// <summary>The as-of (screening) date used.</summary>
    public DateOnly AsOf { get; internal init; }

    /// <summary>Eligible, review, undetermined or ineligible.</summary>
    public Verdict Verdict { get; internal init; }

    /// <summary>Every top-level criterion.</summary>
    public IReadOnlyList<CriterionResult> Criteria { get; internal init; } = System.Array.Empty<CriterionResult>();

    /// <summary>IDs of criteria whose outcome is review (the investigator must sign them off).</summary>
    public IReadOnlyList<string> NeedsReview { get; internal init; } = System.Array.Empty<string>();

    /// <summary>What data is missing across the unknown criteria, deduplicated.</summary>
    public IReadOnlyList<string> Missing { get; internal init; } = System.Array.Empty<string>();

    /// <summary>The investigator's unanswered questions of the criteria awaiting review, in criterion order.</summary>
    public IReadOnlyList<string> Questions { get; internal init; } = System.Array.Empty<string>();
}
