namespace Eligibility.Cli.Tests;

[TestFixture]
public sealed class RenderCommandTests
{
    private string dir = string.Empty;

    [SetUp]
    public void CreateFolder() => dir = TestPaths.NewTempFolder();

    [TearDown]
    public void DeleteFolder() => Directory.Delete(dir, true);

    [Test]
    public void Writes_one_markdown_file_per_rule_file_matching_the_golden_file()
    {
        var r = CliRunner.Run("render", TestPaths.Fixture("rules"), "--out", dir);

        r.ExitCode.Should().Be(0, r.ToString());
        string target = Path.Combine(dir, "TINY-1.md");
        r.Out.Should().Be($"{target}: written\n", "the case file in the folder is not a rule file");
        string text = File.ReadAllText(target);
        text.Should().Contain("| EXCL02 | Hemoglobin \\< 80 g/L, or pregnant | any of: (hemoglobin \\< 80 g/L");
        text.Should().Contain("| EXCL01 | ALT \\> 3 × ULN | alt \\> 3 × ULN (most recent result within 28 days) | ULN from the result's reference range, else 40 U/L |");
        GoldenFile.Verify("TINY-1.md", text);
    }

    [Test]
    public void Rendering_is_deterministic()
    {
        CliRunner.Run("render", TestPaths.TinyRules, "--out", dir).ExitCode.Should().Be(0);
        byte[] first = File.ReadAllBytes(Path.Combine(dir, "TINY-1.md"));
        var again = CliRunner.Run("render", TestPaths.TinyRules, "--out", dir);

        again.Out.Should().EndWith("TINY-1.md: unchanged\n");
        File.ReadAllBytes(Path.Combine(dir, "TINY-1.md")).Should().Equal(first);
        first.Should().NotContain((byte)'\r');
    }

    [Test]
    public void Check_exits_1_when_a_rendering_is_missing_or_stale_and_0_when_current()
    {
        string target = Path.Combine(dir, "TINY-1.md");
        var missing = CliRunner.Run("render", TestPaths.TinyRules, "--out", dir, "--check");
        missing.ExitCode.Should().Be(1, missing.ToString());
        missing.Err.Should().Contain($"{target}: error ELIG4101: the rendering is missing");
        File.Exists(target).Should().BeFalse("--check writes nothing");

        CliRunner.Run("render", TestPaths.TinyRules, "--out", dir).ExitCode.Should().Be(0);
        var current = CliRunner.Run("render", TestPaths.TinyRules, "--out", dir, "--check");
        current.ExitCode.Should().Be(0, current.ToString());
        current.Out.Should().Contain("up to date");

        File.AppendAllText(target, "hand edit\n");
        var stale = CliRunner.Run("render", TestPaths.TinyRules, "--out", dir, "--check");
        stale.ExitCode.Should().Be(1);
        stale.Err.Should().Contain($"{target}: error ELIG4101: the rendering is out of date");
    }

    [Test]
    public void A_rule_file_with_errors_renders_nothing_and_exits_2()
    {
        var r = CliRunner.Run("render", TestPaths.TinyRules, TestPaths.Fixture("broken", "BROKEN-1.json"), "--out", dir);

        r.ExitCode.Should().Be(2);
        r.Err.Should().Contain("error ELIG2001");
        Directory.GetFiles(dir).Should().BeEmpty();
    }

    [Test]
    public void No_rule_files_exits_2()
    {
        CliRunner.Run("render", TestPaths.Fixture("patients"), "--out", dir).ExitCode.Should().Be(2);
    }

    [Test]
    public void Two_rule_files_for_one_trial_exit_2()
    {
        string copy = Path.Combine(dir, "copy");
        Directory.CreateDirectory(copy);
        File.Copy(TestPaths.TinyRules, Path.Combine(copy, "TINY-1.json"));

        var r = CliRunner.Run("render", TestPaths.TinyRules, Path.Combine(copy, "TINY-1.json"), "--out", dir);

        r.ExitCode.Should().Be(2);
        r.Err.Should().Contain("the same trial ID");
    }
}
