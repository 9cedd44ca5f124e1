namespace Eligibility.Patients;

/// <summary>A result's reference range. <see cref="High"/> is the upper limit of normal (ULN).</summary>
/// <remarks>An input: a record (init-only, with value equality) because it is a value an application constructs and passes
/// in as part of a <see cref="PatientRecord"/>.</remarks>
public sealed record ReferenceRange
{
    /// <summary>Lower limit, if given.</summary>
    public decimal? Low { get; init; }

    /// <summary>Upper limit (ULN), if given.</summary>
    public decimal? High { get; init; }

    /// <summary>The UCUM unit of the limits; <c>null</c> means the result's own unit.</summary>
    public string? Unit { get; init; }
}
