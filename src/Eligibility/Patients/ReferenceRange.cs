namespace Eligibility.Patients;

/// <summary>A result's reference range. <see cref="High"/> is the upper limit of normal (ULN).</summary>
public sealed record ReferenceRange
{
    /// <summary>Lower limit, if given.</summary>
    public decimal? Low { get; init; }

    /// <summary>Upper limit (ULN), if given.</summary>
    public decimal? High { get; init; }

    /// <summary>The UCUM unit of the limits; <c>null</c> means the result's own unit.</summary>
    public string? Unit { get; init; }
}
