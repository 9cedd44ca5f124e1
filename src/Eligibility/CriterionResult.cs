using System.Collections.Generic;
using Eligibility.Evaluation;

namespace Eligibility;

/// <summary>
/// One criterion's (or nested part's) result: outcome, three-valued truth, an explanation a coordinator can read,
/// the facts used, what is missing, and the nested parts' results in the same shape.
/// </summary>
/// <remarks>
/// An output: a sealed class whose properties callers can read but not set, built only by Eligibility (records would give
/// a public <c>init</c> that lets callers fabricate results, and value equality that compares lists by reference).
/// </remarks>
public sealed class CriterionResult
{
    internal CriterionResult()
    {
    }

    /// <summary>The criterion ID (<c>INCL01</c>) or the part's ID (<c>INCL05.2</c>); <c>null</c> for a part without one.</summary>
    public string? Id { get; internal init; }

    /// <summary>Inclusion or exclusion (for parts: that of their criterion).</summary>
    public CriterionType Type { get; internal init; }

    /// <summary>The rule kind (<c>measurement</c>, <c>all</c>, …).</summary>
    public string Kind { get; internal init; } = string.Empty;

    /// <summary>The source wording, when the rule file gives one.</summary>
    public string? Text { get; internal init; }

    /// <summary>
    /// Pass, fail, unknown or review (docs/semantics.md). For a nested part: what it does for its criterion — under a
    /// <c>not</c> the reading flips, so the false "pregnant" part of "not pregnant" passes.
    /// </summary>
    public Outcome Outcome { get; internal init; }

    /// <summary>The rule's three-valued truth.</summary>
    public Truth Truth { get; internal init; }

    /// <summary>What was found and how it compares, in one or more sentences.</summary>
    /// <remarks>Worded when first read, not during evaluation: a caller that wants only outcomes (screening, a verdict)
    /// does not pay for the sentences. Reading it from several threads is safe.</remarks>
    public string Explanation => Node?.Explanation ?? string.Empty;

    /// <summary>The evaluated node this result reports; it words the explanation on demand.</summary>
    internal NodeResult? Node { get; init; }

    /// <summary>Facts from the record (or computed from it) that the rule used.</summary>
    public IReadOnlyList<FactUsed> Facts { get; internal init; } = System.Array.Empty<FactUsed>();

    /// <summary>What data would decide an unknown result, in words (e.g. <c>ALT within the last 28 days</c>).</summary>
    public IReadOnlyList<string> Missing { get; internal init; } = System.Array.Empty<string>();

    /// <summary>
    /// The investigator's questions that are still unanswered beneath this result (its judgement parts without a valid
    /// answer), when it is unknown; empty otherwise.
    /// </summary>
    public IReadOnlyList<string> Questions { get; internal init; } = System.Array.Empty<string>();

    /// <summary>Nested parts, in rule order.</summary>
    public IReadOnlyList<CriterionResult> Parts { get; internal init; } = System.Array.Empty<CriterionResult>();
}
