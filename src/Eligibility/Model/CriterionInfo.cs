namespace Eligibility.Model;

/// <summary>A compiled criterion's identity, wording and a plain-English description of what its rule checks.</summary>
public sealed record CriterionInfo
{
    /// <summary>The criterion ID, e.g. <c>INCL01</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Inclusion or exclusion.</summary>
    public required CriterionType Type { get; init; }

    /// <summary>The source wording.</summary>
    public required string Text { get; init; }

    /// <summary>The reading chosen where the source is ambiguous, if the author wrote one.</summary>
    public string? Note { get; init; }

    /// <summary>What the rule checks, in English (for clinical review of the encoding).</summary>
    public required string Checks { get; init; }

    /// <summary>Whether the rule is only judgement (no computable part).</summary>
    public required bool IsJudgementOnly { get; init; }

    /// <summary>
    /// Whether some patient record can make this criterion's outcome <c>unknown</c>. <c>false</c> when every computable
    /// part is a closed-world search that each matching record decides (e.g. "history of X": absent means not present),
    /// so the outcome is pass, fail or, with judgement parts, review. Example-case coverage does not ask for an unknown
    /// case where none can exist. Always <c>false</c> for judgement-only criteria.
    /// </summary>
    public bool CanBeUnknown { get; init; } = true;

    /// <summary>The IDs of the nested parts that have one (<c>INCL05.1</c>, <c>INCL05.2.1</c>, …), depth first in rule order.</summary>
    public System.Collections.Generic.IReadOnlyList<string> PartIds { get; init; } = System.Array.Empty<string>();
}
