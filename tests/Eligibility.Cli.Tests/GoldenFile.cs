namespace Eligibility.Cli.Tests;

/// <summary>Golden-output comparison. <c>UPDATE_GOLDEN=1 dotnet test tests/Eligibility.Cli.Tests</c> rewrites the files.</summary>
internal static class GoldenFile
{
    public static bool Updating => Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1";

    public static void Verify(string name, string actual)
    {
        string path = Path.Combine(TestPaths.Golden, name);
        string normalized = actual.ReplaceLineEndings("\n");
        if (Updating)
        {
            Directory.CreateDirectory(TestPaths.Golden);
            File.WriteAllText(path, normalized);
            return;
        }

        File.Exists(path).Should().BeTrue($"the golden file {path} should exist (create it with UPDATE_GOLDEN=1)");
        string expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        normalized.Should().Be(expected, $"the output should match {name} (if the change is intended, rerun with UPDATE_GOLDEN=1 and review the diff)");
    }
}
