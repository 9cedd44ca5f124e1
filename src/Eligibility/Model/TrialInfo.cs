namespace Eligibility.Model;

/// <summary>A trial's metadata, as declared in its rule file.</summary>
public sealed record TrialInfo
{
    /// <summary>The trial ID (e.g. <c>NCT07077486</c>); also the rule file's name.</summary>
    public required string Id { get; init; }

    /// <summary>The trial's title.</summary>
    public required string Title { get; init; }

    /// <summary>The registry, e.g. <c>ClinicalTrials.gov</c>.</summary>
    public string? Registry { get; init; }

    /// <summary>The registry's identifier, when it differs from <see cref="Id"/>.</summary>
    public string? RegistryId { get; init; }

    /// <summary>Which version of the source criteria was encoded.</summary>
    public string? SourceVersion { get; init; }

    /// <summary>The registry's structured minimum age in years (inclusive), if any.</summary>
    public int? MinimumAge { get; init; }

    /// <summary>The registry's structured maximum age in years (inclusive), if any.</summary>
    public int? MaximumAge { get; init; }
}
