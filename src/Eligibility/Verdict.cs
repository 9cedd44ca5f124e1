namespace Eligibility;

/// <summary>The overall verdict for a patient against a trial (docs/semantics.md, "Three-valued logic, outcomes and the verdict").</summary>
public enum Verdict
{
    /// <summary>Every criterion is met, judgement included: nothing fails, no data is missing, nothing awaits the investigator.</summary>
    Eligible,

    /// <summary>At least one criterion fails.</summary>
    Ineligible,

    /// <summary>No criterion fails but at least one is unknown for missing data.</summary>
    Undetermined,

    /// <summary>Nothing fails and no data is missing, but criteria await the investigator's answer (consent included).</summary>
    Review,
}
