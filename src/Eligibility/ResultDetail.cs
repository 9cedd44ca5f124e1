namespace Eligibility;

/// <summary>How much of a result <see cref="ResultJson"/> writes.</summary>
public enum ResultDetail
{
    /// <summary>The trial, the patient, the as-of date and the verdict.</summary>
    Verdict,

    /// <summary>The verdict, each top-level criterion's <c>id</c> and <c>outcome</c>, and the result's <c>missing</c>
    /// facts: what a screening list needs, without explanations, facts, parts or texts.</summary>
    Criteria,

    /// <summary>Everything: explanations, facts, parts, texts, questions (the <c>evaluate --format json</c> object).</summary>
    Full,
}
