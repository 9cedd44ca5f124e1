using System;

namespace Eligibility.Patients;

/// <summary>
/// A person's answer to a judgement criterion or part: <c>&lt;TrialId&gt;/&lt;CriterionId&gt;</c>
/// (e.g. <c>NCT07077486/INCL05</c>) or <c>&lt;TrialId&gt;/&lt;CriterionId&gt;.&lt;n&gt;</c>.
/// </summary>
public sealed record Assessment
{
    /// <summary>What it answers: <c>&lt;TrialId&gt;/&lt;CriterionId&gt;[.n]</c>.</summary>
    public required string Criterion { get; init; }

    /// <summary>Whether the criterion (part) is met.</summary>
    public required bool Value { get; init; }

    /// <summary>When it was answered; answers dated after as-of are ignored.</summary>
    public DateOnly? Date { get; init; }

    /// <summary>Who answered, if recorded.</summary>
    public string? By { get; init; }

    /// <summary>Where the answer came from (e.g. <c>Observation/xyz</c>).</summary>
    public string? Source { get; init; }

    /// <summary>Where the answer is in the file it was read from, so a warning about it can point there.</summary>
    public Eligibility.Diagnostics.SourcePosition? Position { get; init; }
}
