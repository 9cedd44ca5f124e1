using System;

namespace Eligibility.Patients;

/// <summary>
/// A person's answer to a judgement criterion or part: <c>&lt;TrialId&gt;/&lt;CriterionId&gt;</c>
/// (e.g. <c>NCT07077486/INCL05</c>) or <c>&lt;TrialId&gt;/&lt;CriterionId&gt;.&lt;n&gt;</c>.
/// </summary>
/// <remarks>An input: a record (init-only, with value equality) because it is a value an application constructs — by
/// hand, from its own store, or with <c>with</c> — and passes in. An application that records answers builds these into <see cref="PatientRecord.Assessments"/>.</remarks>
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
    public Eligibility.SourcePosition? Position { get; init; }
}
