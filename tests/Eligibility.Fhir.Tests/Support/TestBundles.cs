using Eligibility.Diagnostics;
using Eligibility.Patients;

namespace Eligibility.Fhir.Tests.Support;

/// <summary>Loads the hand-written bundles under Bundles/ and finds positions in them.</summary>
internal static class TestBundles
{
    public static string PathOf(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "Bundles", name);

    public static string Text(string name) => File.ReadAllText(PathOf(name));

    public static PatientReadResult Read(string name) => FhirBundleReader.ReadFile(PathOf(name));

    /// <summary>Reads a bundle that must map without errors.</summary>
    public static PatientRecord Patient(string name)
    {
        var result = Read(name);
        result.Diagnostics.Where(d => d.IsError).Should().BeEmpty();
        result.Patient.Should().NotBeNull();
        return result.Patient!;
    }

    /// <summary>The 1-based line and column of the first occurrence of <paramref name="needle"/> after <paramref name="after"/>.</summary>
    public static (int Line, int Column) PositionOf(string text, string needle, string? after = null)
    {
        int start = after is null ? 0 : text.IndexOf(after, StringComparison.Ordinal);
        start.Should().BeGreaterThanOrEqualTo(0, $"'{after}' is in the text");
        int at = text.IndexOf(needle, start, StringComparison.Ordinal);
        at.Should().BeGreaterThanOrEqualTo(0, $"'{needle}' is in the text");
        int line = 1 + text.AsSpan(0, at).Count('\n');
        int lineStart = text.LastIndexOf('\n', Math.Max(at - 1, 0)) + 1;
        if (at == 0)
        {
            lineStart = 0;
        }

        return (line, at - lineStart + 1);
    }

    public static IEnumerable<Diagnostic> WithCode(this PatientReadResult result, string code) => result.Diagnostics.Where(d => d.Code == code);

    /// <summary>The repository root (the folder holding Directory.Build.props), for samples/ and rules/.</summary>
    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Directory.Build.props")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
