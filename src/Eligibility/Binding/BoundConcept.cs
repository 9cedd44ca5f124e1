using System.Collections.Generic;

namespace Eligibility.Binding;

/// <summary>A concept with its includes resolved: one matcher over all its codes, plus its measurement facts.</summary>
internal sealed class BoundConcept
{
    public BoundConcept(string name, CodeMatcher matcher)
    {
        Name = name;
        Matcher = matcher;
    }

    public string Name { get; }

    /// <summary>How explanations name the concept (the file's <c>label</c>, else the concept name).</summary>
    public string Label { get => label ?? Name; init => label = value; }

    private readonly string? label;

    public CodeMatcher Matcher { get; }

    public string? Unit { get; init; }

    public decimal? MolarMass { get; init; }

    public decimal? UlnValue { get; init; }

    public decimal? UlnFemale { get; init; }

    public decimal? UlnMale { get; init; }

    public string? UlnUnit { get; init; }

    public decimal? LlnValue { get; init; }

    public decimal? LlnFemale { get; init; }

    public decimal? LlnMale { get; init; }

    public string? LlnUnit { get; init; }

    /// <summary>The rule file's default LLN for a patient of this sex (in <see cref="LlnUnit"/>), or <c>null</c>.</summary>
    public decimal? DefaultLln(Eligibility.Patients.AdministrativeSex sex) => sex switch
    {
        Eligibility.Patients.AdministrativeSex.Female => LlnFemale ?? LlnValue,
        Eligibility.Patients.AdministrativeSex.Male => LlnMale ?? LlnValue,
        _ => LlnValue,
    };

    /// <summary>The rule file's default ULN for a patient of this sex (in <see cref="UlnUnit"/>), or <c>null</c>.</summary>
    public decimal? DefaultUln(Eligibility.Patients.AdministrativeSex sex) => sex switch
    {
        Eligibility.Patients.AdministrativeSex.Female => UlnFemale ?? UlnValue,
        Eligibility.Patients.AdministrativeSex.Male => UlnMale ?? UlnValue,
        _ => UlnValue,
    };

    /// <summary>Answer name → what means it (codes, a yes/no value, texts).</summary>
    public IReadOnlyDictionary<string, BoundAnswer> Answers { get; init; } = new Dictionary<string, BoundAnswer>();

    /// <summary>How long one dose keeps a patient on an intermittent therapy (for "currently using" and stable regimens).</summary>
    public Eligibility.IsoDuration? ExposureLasts { get; init; }

    /// <summary>Member concept name → its own <c>exposureLasts</c> (a regimen's drugs each declare theirs).</summary>
    public IReadOnlyDictionary<string, Eligibility.IsoDuration> MemberExposureLasts { get; init; } = new Dictionary<string, Eligibility.IsoDuration>();

    /// <summary>How long one dose of the member drug lasts: the member's own <c>exposureLasts</c>, else this concept's.</summary>
    public Eligibility.IsoDuration? ExposureLastsOf(string member) =>
        MemberExposureLasts.TryGetValue(member, out var lasts) ? lasts : ExposureLasts;

    /// <summary>Member concept name → mg prednisone per mg (for prednisone-equivalent doses).</summary>
    public IReadOnlyDictionary<string, decimal> PrednisoneEquivalence { get; init; } = new Dictionary<string, decimal>();
}
