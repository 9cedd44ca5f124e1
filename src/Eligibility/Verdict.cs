namespace Eligibility;

/// <summary>The overall verdict for a patient against a trial.</summary>
public enum Verdict
{
    /// <summary>No criterion fails and none is unknown (criteria awaiting review do not change this).</summary>
    Eligible,

    /// <summary>At least one criterion fails.</summary>
    Ineligible,

    /// <summary>No criterion fails but at least one is unknown for missing data.</summary>
    Undetermined,
}
