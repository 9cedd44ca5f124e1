using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Eligibility.Cli.Tests;

/// <summary>
/// The documentation holds: every relative link in README.md, docs/*.md, docs/trials/*.md and samples/**/*.md resolves
/// to a file in the repository (and a <c>#anchor</c> to a heading of it), and every <c>eligibility</c> example in
/// README.md and in the tool's <c>--help</c> runs as written from the repository root.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.Children)]
public sealed partial class DocumentationTests
{
    /// <summary>Examples that need something the repository cannot ship: the site's OMOP vocabulary and value sets (licensed).</summary>
    private static readonly string[] Placeholders = ["vocab/", "valuesets/"];

    private static string Root => Path.GetFullPath(Path.Combine(TestPaths.Project, "..", ".."));

    public static IEnumerable<TestCaseData> MarkdownFiles()
    {
        var files = new List<string> { Path.Combine(Root, "README.md") };
        files.AddRange(Directory.GetFiles(Path.Combine(Root, "docs"), "*.md"));
        files.AddRange(Directory.GetFiles(Path.Combine(Root, "docs", "trials"), "*.md"));
        files.AddRange(Directory.GetFiles(Path.Combine(Root, "samples"), "*.md", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj")));
        return files.Order(StringComparer.Ordinal).Select(f => new TestCaseData(Path.GetRelativePath(Root, f).Replace('\\', '/')).SetArgDisplayNames(Path.GetRelativePath(Root, f)));
    }

    [TestCaseSource(nameof(MarkdownFiles))]
    public void Every_relative_link_resolves(string file)
    {
        string path = Path.Combine(Root, file);
        var broken = new List<string>();
        foreach (var (line, target) in Links(File.ReadAllText(path)))
        {
            if (Regex.IsMatch(target, "^[a-zA-Z][a-zA-Z0-9+.-]*:") || target.StartsWith("//", StringComparison.Ordinal))
            {
                continue; // https:, mailto: — not a file of the repository
            }

            int hash = target.IndexOf('#', StringComparison.Ordinal);
            string relative = Uri.UnescapeDataString(hash < 0 ? target : target[..hash]);
            string? anchor = hash < 0 ? null : target[(hash + 1)..];
            string resolved = relative.Length == 0 ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, relative));
            if (!resolved.StartsWith(Root, StringComparison.Ordinal))
            {
                broken.Add($"{file}:{line}: {target} points outside the repository");
                continue;
            }

            if (!File.Exists(resolved) && !Directory.Exists(resolved))
            {
                broken.Add($"{file}:{line}: {target} does not exist");
                continue;
            }

            if (anchor is { Length: > 0 } && resolved.EndsWith(".md", StringComparison.OrdinalIgnoreCase) && File.Exists(resolved)
                && !Anchors(File.ReadAllText(resolved)).Contains(anchor))
            {
                broken.Add($"{file}:{line}: {target}: no heading '#{anchor}' in {Path.GetRelativePath(Root, resolved)}");
            }
        }

        broken.Should().BeEmpty();
    }

    [Test]
    public void The_link_checker_finds_links_and_anchors()
    {
        const string text = "# The tool's codes\n\nSee [cli](docs/cli.md#the-json-summary), ![x](a.png \"t\") and `[not](a link)`.\n\n```\n[nor](this)\n```\n## `evaluate` — one patient\n";
        Links(text).Select(l => l.Target).Should().Equal("docs/cli.md#the-json-summary", "a.png");
        Anchors(text).Should().Contain(["the-tools-codes", "evaluate--one-patient"]);
    }

    /// <summary>The examples that can run here: all but those naming a placeholder for the site's own terminology.</summary>
    public static IEnumerable<TestCaseData> RunnableExamples() =>
        Examples().Where(t => !Placeholders.Any(p => ((string)t.Arguments[1]!).Contains(p, StringComparison.Ordinal)));

    public static IEnumerable<TestCaseData> Examples()
    {
        var examples = new List<(string Source, string CommandLine)>();
        foreach (string command in new[] { string.Empty, "evaluate", "validate", "test", "screen", "render", "lock" })
        {
            var help = CliRunner.Run(command.Length == 0 ? ["--help"] : [command, "--help"]);
            bool inExamples = false;
            foreach (string line in help.OutLines)
            {
                inExamples |= line.StartsWith("Examples:", StringComparison.Ordinal);
                string trimmed = line.Trim();
                if (inExamples && (trimmed.StartsWith("eligibility ", StringComparison.Ordinal) || trimmed.StartsWith("cat ", StringComparison.Ordinal)))
                {
                    examples.Add(($"eligibility {command} --help".Replace("  ", " ", StringComparison.Ordinal), trimmed));
                }
            }
        }

        bool inShell = false;
        foreach (string line in File.ReadAllLines(Path.Combine(Root, "README.md")))
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inShell = !inShell && line.Trim() is "```sh" or "```bash" or "```shell";
                continue;
            }

            string command = Regex.Replace(line, @"\s{2,}#.*$", string.Empty).Trim();
            if (inShell && (command.StartsWith("eligibility ", StringComparison.Ordinal) || command.StartsWith("cat ", StringComparison.Ordinal)))
            {
                examples.Add(("README.md", command));
            }
        }

        return examples.Select(e => new TestCaseData(e.Source, e.CommandLine).SetArgDisplayNames(e.Source, e.CommandLine));
    }

    [Test]
    public void Examples_are_found_in_the_help_and_the_readme()
    {
        var all = Examples().Select(t => ((string)t.Arguments[0]!, (string)t.Arguments[1]!)).ToList();
        all.Count(e => e.Item1 == "README.md").Should().BeGreaterThanOrEqualTo(5);
        all.Select(e => e.Item1).Distinct().Should().HaveCount(8, "the root help, six commands' help and the README");
        all.Should().Contain(e => e.Item2.Contains("samples/patients.ndjson", StringComparison.Ordinal), "the screen example uses the shipped NDJSON");
        all.Should().NotContain(e => e.Item2.Contains("pt-17", StringComparison.Ordinal) || e.Item2.Contains("exports/", StringComparison.Ordinal));
    }

    [Test]
    public void Examples_that_need_the_sites_terminology_say_that_it_is_not_shipped()
    {
        // vocab/ (an OMOP vocabulary from Athena) and valuesets/ (e.g. VSAC exports) are licensed per site: no example
        // can run with them here, so each one says what it stands for.
        var commands = EligibilityCli.BuildRoot(new CliConsole(TextWriter.Null, TextWriter.Null, CliRunner.Today)).Subcommands.OfType<Commands.CliCommand>();
        var placeholders = commands.SelectMany(c => c.Examples).Where(e => Placeholders.Any(p => e.CommandLine.Contains(p, StringComparison.Ordinal))).ToList();
        placeholders.Should().NotBeEmpty();
        placeholders.Should().OnlyContain(e => e.Comment.Contains("your", StringComparison.Ordinal) && (e.Comment.Contains("not shipped", StringComparison.Ordinal) || e.Comment.Contains("VSAC", StringComparison.Ordinal)));
        CliRunner.Run("--help").Out.Should().Contain("vocab/: your OMOP vocabulary (Athena download), not shipped");

        string readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        readme.Should().Contain("`vocab/` stands for your site's OMOP vocabulary");
        RunnableExamples().Count().Should().BeGreaterThan(Examples().Count() / 2);
    }

    /// <summary>Runs an example with bash, as written, in its own copy of the repository's rules/, samples/ and docs/trials/.</summary>
    [TestCaseSource(nameof(RunnableExamples))]
    public void Every_example_runs_as_written(string source, string commandLine)
    {
        string? bash = new[] { "/bin/bash", "/usr/bin/bash" }.FirstOrDefault(File.Exists);
        if (bash is null)
        {
            Assert.Ignore("Not run: no bash to run the example with.");
        }

        string work = NewWorkspace();
        try
        {
            Run(bash!, work, source, commandLine);
        }
        finally
        {
            Directory.Delete(work, true);
        }
    }

    private static void Run(string bash, string work, string source, string commandLine)
    {
        var info = new ProcessStartInfo(bash)
        {
            WorkingDirectory = work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("set -o pipefail; " + commandLine);
        info.Environment["PATH"] = Path.Combine(work, ".bin") + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        info.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(true);
            Assert.Fail($"{source}: '{commandLine}' did not finish within 2 minutes");
        }

        process.ExitCode.Should().Be(0, $"{source}: '{commandLine}' should run as written\n--- stdout\n{Tail(stdout.Result)}\n--- stderr\n{Tail(stderr.Result)}");
        stderr.Result.Should().NotContain("eligibility: error:").And.NotMatchRegex(": error ELIG[0-9]+");
    }

    private static string NewWorkspace()
    {
        string work = TestPaths.NewTempFolder();
        foreach (string folder in new[] { "rules", "samples", Path.Combine("docs", "trials") })
        {
            Copy(Path.Combine(Root, folder), Path.Combine(work, folder));
        }

        // "eligibility" is the tool built next to the tests.
        Directory.CreateDirectory(Path.Combine(work, ".bin"));
        string shim = Path.Combine(work, ".bin", "eligibility");
        File.WriteAllText(shim, $"#!/bin/sh\nexec dotnet \"{TestPaths.ToolDll}\" \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return work;
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (string dir in Directory.GetDirectories(from).Where(d => Path.GetFileName(d) is not ("bin" or "obj")))
        {
            Copy(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : "…" + text[^4000..];

    /// <summary>Inline links and images outside code: <c>[text](target "title")</c>, with the line they are on.</summary>
    private static IEnumerable<(int Line, string Target)> Links(string markdown)
    {
        bool fenced = false;
        string[] lines = markdown.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                fenced = !fenced;
                continue;
            }

            if (fenced)
            {
                continue;
            }

            string text = InlineCode().Replace(lines[i], string.Empty);
            foreach (Match m in LinkPattern().Matches(text))
            {
                yield return (i + 1, m.Groups["target"].Value);
            }
        }
    }

    /// <summary>GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens, repeats numbered.</summary>
    private static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        bool fenced = false;
        foreach (string line in markdown.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                fenced = !fenced;
                continue;
            }

            var m = Heading().Match(line);
            if (fenced || !m.Success)
            {
                continue;
            }

            var slug = new StringBuilder();
            foreach (char c in m.Groups["text"].Value.Trim().ToLowerInvariant())
            {
                if (char.IsLetterOrDigit(c) || c is '-' or '_')
                {
                    slug.Append(c);
                }
                else if (c == ' ')
                {
                    slug.Append('-');
                }
            }

            string anchor = slug.ToString();
            int n = seen.GetValueOrDefault(anchor);
            seen[anchor] = n + 1;
            anchors.Add(n == 0 ? anchor : $"{anchor}-{n}");
        }

        return anchors;
    }

    [GeneratedRegex(@"!?\[[^\]]*\]\((?<target>[^)\s]+)(\s+""[^""]*"")?\)")]
    private static partial Regex LinkPattern();

    [GeneratedRegex("`[^`]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.+?)\s*#*\s*$")]
    private static partial Regex Heading();
}
