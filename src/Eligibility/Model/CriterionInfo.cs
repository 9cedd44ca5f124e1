using Eligibility.Model;
namespace Eligibility;

/// <summary>A compiled criterion's identity, wording and a plain-English description of what its rule checks.</summary>
/// <remarks>
/// An output: a sealed class whose properties callers can read but not set, built only by Eligibility (records would give
/// a public <c>init</c> that lets callers fabricate results, and value equality that compares lists by reference).
/// </remarks>
public sealed class CriterionInfo
{
    internal CriterionInfo()
    {
    }

    /// <summary>The criterion ID, e.g. <c>INCL01</c>.</summary>
    public string Id { get; internal init; } = string.Empty;

    /// <summary>Inclusion or exclusion.</summary>
    public CriterionType Type { get; internal init; }

    /// <summary>The source wording.</summary>
    public string Text { get; internal init; } = string.Empty;

    /// <summary>The reading chosen where the source is ambiguous, if the author wrote one.</summary>
    public string? Note { get; internal init; }

    /// <summary>What the rule checks, in English (for clinical review of the encoding).</summary>
    public string Checks { get; internal init; } = string.Empty;

    /// <summary>Whether the rule is only judgement (no computable part).</summary>
    public bool IsJudgementOnly { get; internal init; }

    /// <summary>
    /// Whether some patient record can make this criterion's outcome <c>unknown</c>. <c>false</c> when every computable
    /// part is a closed-world search that each matching record decides (e.g. "history of X": absent means not present),
    /// so the outcome is pass, fail or, with judgement parts, review. Example-case coverage does not ask for an unknown
    /// case where none can exist. Always <c>false</c> for judgement-only criteria.
    /// </summary>
    public bool CanBeUnknown { get; internal init; } = true;

    /// <summary>The IDs of the nested parts that have one (<c>INCL05.1</c>, <c>INCL05.2.1</c>, …), depth first in rule order.</summary>
    public System.Collections.Generic.IReadOnlyList<string> PartIds { get; internal init; } = System.Array.Empty<string>();
}
