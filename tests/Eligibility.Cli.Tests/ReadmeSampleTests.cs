using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Eligibility.Cli.Tests;

/// <summary>
/// The README's C# example is what samples/Eligibility.Sample/Program.cs compiles: every line of the README's first C#
/// block is a line of the sample, in the same order (the sample may add lines), so an API change that breaks the
/// example breaks the build. The core package's README carries the same block. The built sample also runs, from the
/// repository root, as the README says.
/// </summary>
[TestFixture]
public sealed partial class ReadmeSampleTests
{
    private static string Root => Path.GetFullPath(Path.Combine(TestPaths.Project, "..", ".."));

    private static string SampleSource => Path.Combine(Root, "samples", "Eligibility.Sample", "Program.cs");

    [Test]
    public void Every_line_of_the_READMEs_first_csharp_block_is_a_line_of_the_sample_in_order()
    {
        var block = FirstCSharpBlock(File.ReadAllText(Path.Combine(Root, "README.md")));
        block.Should().Contain(l => l.Contains("RuleCompiler.CompileFile", StringComparison.Ordinal), "the first C# block is the API example");

        MissingLines(block, File.ReadAllLines(SampleSource)).Should().BeEmpty("README.md's example must compile as samples/Eligibility.Sample/Program.cs");
    }

    [Test]
    public void The_README_example_needs_no_null_forgiving_operator()
    {
        var block = FirstCSharpBlock(File.ReadAllText(Path.Combine(Root, "README.md")));
        block.Should().NotContain(l => HasNullForgiving(l));
        HasNullForgiving("TrialEvaluator trial = compiled.Evaluator!; // x").Should().BeTrue("the check can fail");
        HasNullForgiving("var p = PatientReader.ReadFile(\"a/b.json\").Patient!;").Should().BeTrue();
        HasNullForgiving("if (!compiled.Succeeded && a != b) // not this!").Should().BeFalse();
    }

    [Test]
    public void The_core_package_README_carries_the_same_example()
    {
        var root = FirstCSharpBlock(File.ReadAllText(Path.Combine(Root, "README.md")));
        var package = FirstCSharpBlock(File.ReadAllText(Path.Combine(Root, "src", "Eligibility", "README.md")));
        package.Should().Equal(root);
    }

    [Test]
    public void The_line_check_finds_a_missing_changed_or_reordered_line()
    {
        string[] sample = ["using System;", "// extra", "int a = 1;", "int b = 2;", "return a + b;"];
        MissingLines(["using System;", "int a = 1;", "return a + b;"], sample).Should().BeEmpty();
        MissingLines(["int a = 1;", "int c = 3;"], sample).Should().Equal("int c = 3;");
        MissingLines(["int b = 2;", "int a = 1;"], sample).Should().Equal(["int a = 1;"], "out of order");
        MissingLines(["int a = 1; "], sample).Should().BeEmpty("trailing blanks do not count");
        MissingLines(["  int a = 1;"], sample).Should().Equal(["  int a = 1;"], "indentation counts");
        FirstCSharpBlock("text\n```sh\nls\n```\n```csharp\nint a;\n\nint b;\n```\n```csharp\nint c;\n```\n").Should().Equal("int a;", "int b;");
    }

    [Test]
    public void The_built_sample_runs_from_the_repository_root()
    {
        // The test project builds the sample (a ProjectReference without its assembly); it sits beside this project's output.
        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        string dll = Path.Combine(Root, "samples", "Eligibility.Sample", "bin", configuration, "net10.0", "Eligibility.Sample.dll");
        File.Exists(dll).Should().BeTrue($"the sample should be built at {dll}");

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Root };
        info.ArgumentList.Add(dll);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(true);
            Assert.Fail("the sample did not finish within 2 minutes");
        }

        process.ExitCode.Should().Be(0, stderr.Result);
        stdout.Result.Should().StartWith("NCT07077486 / sample-sle-ild-03: review\n");
        stdout.Result.Should().Contain("EXCL13 review: ");
        stderr.Result.Should().Contain("rules/NCT07077486.json(").And.Contain("info ELIG2026");
    }

    /// <summary>The lines of the first <c>```csharp</c> block, without blank lines and trailing blanks.</summary>
    private static List<string> FirstCSharpBlock(string markdown)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        int start = Array.FindIndex(lines, l => l.TrimEnd() == "```csharp");
        start.Should().BeGreaterThanOrEqualTo(0, "the text has a C# block");
        return lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("```", StringComparison.Ordinal))
            .Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToList();
    }

    /// <summary>The lines of <paramref name="block"/> not found in <paramref name="source"/> after the previous line's match.</summary>
    private static List<string> MissingLines(IEnumerable<string> block, IReadOnlyList<string> source)
    {
        var missing = new List<string>();
        int at = 0;
        foreach (string line in block)
        {
            string wanted = line.TrimEnd();
            int found = -1;
            for (int i = at; i < source.Count; i++)
            {
                if (source[i].TrimEnd() == wanted)
                {
                    found = i;
                    break;
                }
            }

            if (found < 0)
            {
                missing.Add(line);
            }
            else
            {
                at = found + 1;
            }
        }

        return missing;
    }

    /// <summary>Whether the line has a null-forgiving <c>!</c> (after an identifier or closing bracket, not <c>!=</c>)
    /// outside string literals and comments.</summary>
    private static bool HasNullForgiving(string line)
    {
        string code = StringLiteral().Replace(line, "\"\"");
        int comment = code.IndexOf("//", StringComparison.Ordinal);
        return NullForgiving().IsMatch(comment < 0 ? code : code[..comment]);
    }

    [GeneratedRegex(@"[\w)\]]!(?!=)")]
    private static partial Regex NullForgiving();

    [GeneratedRegex(@"\$?""[^""]*""")]
    private static partial Regex StringLiteral();
}
