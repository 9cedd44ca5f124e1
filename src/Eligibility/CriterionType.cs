namespace Eligibility;

/// <summary>Whether a criterion includes or excludes.</summary>
public enum CriterionType
{
    /// <summary>An inclusion criterion: it must hold.</summary>
    Inclusion,

    /// <summary>An exclusion criterion: it must not hold.</summary>
    Exclusion,
}
