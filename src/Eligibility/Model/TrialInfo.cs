using Eligibility.Model;
namespace Eligibility;

/// <summary>A trial's metadata, as declared in its rule file.</summary>
/// <remarks>
/// An output: a sealed class whose properties callers can read but not set, built only by Eligibility (records would give
/// a public <c>init</c> that lets callers fabricate results, and value equality that compares lists by reference).
/// </remarks>
public sealed class TrialInfo
{
    internal TrialInfo()
    {
    }

    /// <summary>The trial ID (e.g. <c>NCT07077486</c>); also the rule file's name.</summary>
    public string Id { get; internal init; } = string.Empty;

    /// <summary>The trial's title.</summary>
    public string Title { get; internal init; } = string.Empty;

    /// <summary>The registry, e.g. <c>ClinicalTrials.gov</c>.</summary>
    public string? Registry { get; internal init; }

    /// <summary>The registry's identifier, when it differs from <see cref="Id"/>.</summary>
    public string? RegistryId { get; internal init; }

    /// <summary>Which version of the source criteria was encoded.</summary>
    public string? SourceVersion { get; internal init; }

    /// <summary>The registry's structured minimum age in years (inclusive), if any.</summary>
    public int? MinimumAge { get; internal init; }

    /// <summary>The registry's structured maximum age in years (inclusive), if any.</summary>
    public int? MaximumAge { get; internal init; }
}
