namespace Eligibility.Cli.Tests;

/// <summary>Where the test project's sources, fixtures and golden files are, and where the built tool is.</summary>
internal static class TestPaths
{
    private static readonly Lazy<string> ProjectDirectory = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Eligibility.Cli.Tests.csproj")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("cannot find the Eligibility.Cli.Tests project folder above " + AppContext.BaseDirectory);
    });

    public static string Project => ProjectDirectory.Value;

    public static string Fixtures => Path.Combine(Project, "Fixtures");

    public static string Golden => Path.Combine(Project, "Golden");

    public static string Fixture(params string[] parts) => Path.Combine([Fixtures, .. parts]);

    public static string TinyRules => Fixture("rules", "TINY-1.json");

    public static string TinyCases => Fixture("rules", "TINY-1.cases.json");

    /// <summary>The built tool (Eligibility.Cli.dll) next to the test assembly, run as <c>dotnet Eligibility.Cli.dll</c>.</summary>
    public static string ToolDll => Path.Combine(AppContext.BaseDirectory, "Eligibility.Cli.dll");

    /// <summary>A fresh temporary folder, deleted by the caller.</summary>
    public static string NewTempFolder()
    {
        string path = Path.Combine(Path.GetTempPath(), "eligibility-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
