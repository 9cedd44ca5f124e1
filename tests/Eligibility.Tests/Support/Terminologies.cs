using Eligibility.Codes;

namespace Eligibility.Tests.Support;

/// <summary>The terminology fixtures of tests/fixtures/terminology (OMOP tables and FHIR ValueSets with real codes), loaded once.</summary>
internal static class Terminologies
{
    private static readonly Lazy<Terminology> OmopFixture = new(() =>
    {
        var result = Terminology.LoadOmop(OmopFolder);
        result.Diagnostics.Should().BeEmpty();
        return result.Terminology!;
    });

    public static string Folder => Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "terminology");

    public static string OmopFolder => Path.Combine(Folder, "omop");

    /// <summary>The OMOP fixture: SNOMED malignancy, HIV, TB, hepatitis B, peptic ulcer and MI with children; RxNorm tacrolimus, prednisone, prednisolone, cyclophosphamide and rituximab with products; ATC L04AD.</summary>
    public static Terminology Omop => OmopFixture.Value;
}
