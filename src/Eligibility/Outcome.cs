namespace Eligibility;

/// <summary>A criterion's outcome for one patient (docs/semantics.md, "Three-valued logic and outcomes").</summary>
public enum Outcome
{
    /// <summary>The patient meets the criterion (inclusion true, or exclusion false).</summary>
    Pass,

    /// <summary>The patient fails the criterion (inclusion false, or exclusion true).</summary>
    Fail,

    /// <summary>Data is missing: the criterion cannot be decided from the record.</summary>
    Unknown,

    /// <summary>Only unanswered judgement items stand in the way: the investigator must sign it off.</summary>
    Review,
}
