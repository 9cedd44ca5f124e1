namespace Eligibility.Expressions;

/// <summary>
/// The facts an <c>expression</c> rule can read, supplied by the evaluator for one patient at one as-of date.
/// Every member returns <see langword="null"/> when the record does not establish the fact.
/// </summary>
internal interface IFactSource
{
    /// <summary>Completed years at as-of; null when the record has no birth date.</summary>
    int? Age { get; }

    /// <summary><c>"female"</c>, <c>"male"</c> or <c>"other"</c>; null when unknown.</summary>
    string? Sex { get; }

    /// <summary>Latest valid result in the concept's unit; null if none.</summary>
    decimal? Value(string concept);

    /// <summary>Upper limit of normal applying to the latest result; null if no ULN applies.</summary>
    decimal? Uln(string concept);

    /// <summary>Any non-refuted condition with onset on or before as-of; null = unknown.</summary>
    bool? HasCondition(string concept);

    /// <summary>A condition active at as-of; null = unknown.</summary>
    bool? HasActiveCondition(string concept);

    /// <summary>An exposure that contains as-of; null = unknown.</summary>
    bool? OnMedication(string concept);
}
