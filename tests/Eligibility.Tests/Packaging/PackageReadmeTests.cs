using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Eligibility.Tests.Packaging;

/// <summary>
/// Each package carries its own README, shown on its NuGet page, where a relative link (<c>docs/cli.md</c>) leads nowhere:
/// package READMEs link only to absolute http(s) addresses or to anchors in themselves. And each packable project packs
/// the README beside it, never the repository's root README (whose links are relative to the repository).
/// </summary>
public partial class PackageReadmeTests
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Eligibility.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Eligibility.sln not found above the test directory");
    });

    /// <summary>The projects under src/ that make a package (<c>IsPackable</c> true).</summary>
    private static IEnumerable<TestCaseData> PackableProjects()
    {
        string src = Path.Combine(Root.Value, "src");
        var projects = Directory.EnumerateFiles(src, "*.csproj", SearchOption.AllDirectories)
            .Where(p => Property(XDocument.Load(p), "IsPackable") == "true")
            .Order(StringComparer.Ordinal)
            .ToList();
        projects.Should().NotBeEmpty("src/ holds the packable projects");
        return projects.Select(p => new TestCaseData(Path.GetRelativePath(Root.Value, p)).SetName("Packs its own README: " + Path.GetFileName(p)));
    }

    private static IEnumerable<TestCaseData> PackageReadmes() =>
        PackableProjects().Select(c => (string)c.Arguments[0]!)
            .Select(p => Path.Combine(Path.GetDirectoryName(p)!, "README.md"))
            .Select(r => new TestCaseData(r).SetName("No relative links: " + r.Replace('\\', '/')));

    [Test]
    public void The_five_packages_are_found()
    {
        PackableProjects().Select(c => Path.GetFileName((string)c.Arguments[0]!)).Should()
            .BeEquivalentTo("Eligibility.csproj", "Eligibility.Fhir.csproj", "Eligibility.Testing.csproj", "Eligibility.Sql.csproj", "Eligibility.Cli.csproj");
    }

    [TestCaseSource(nameof(PackableProjects))]
    public void Packs_the_README_beside_the_project(string relativeProject)
    {
        string project = Path.Combine(Root.Value, relativeProject);
        string directory = Path.GetDirectoryName(project)!;
        XDocument doc = XDocument.Load(project);

        Property(doc, "PackageReadmeFile").Should().Be("README.md", "the package's README is README.md at the package root");
        File.Exists(Path.Combine(directory, "README.md")).Should().BeTrue($"{relativeProject} has a README.md beside it");

        var packed = doc.Descendants()
            .Where(e => e.Attribute("Pack")?.Value.Equals("true", StringComparison.OrdinalIgnoreCase) == true)
            .Select(e => (Item: e, Path: e.Attribute("Include")?.Value ?? e.Attribute("Update")?.Value ?? ""))
            .ToList();
        var readmes = packed.Where(p => IsPackageRootReadme(p.Item, p.Path)).ToList();

        readmes.Should().ContainSingle($"{relativeProject} packs exactly one README.md at the package root");
        string source = Path.GetFullPath(Path.Combine(directory, readmes[0].Path.Replace('\\', Path.DirectorySeparatorChar)));
        source.Should().Be(Path.Combine(directory, "README.md"), "the package's own README, not the repository's (../../README.md)");
        packed.Select(p => p.Path.Replace('\\', '/')).Should().NotContain(p => p.EndsWith("../README.md", StringComparison.Ordinal),
            "the root README's links are relative to the repository and break on a package page");
    }

    [TestCaseSource(nameof(PackageReadmes))]
    public void Package_README_has_no_relative_links(string relativeReadme)
    {
        string text = File.ReadAllText(Path.Combine(Root.Value, relativeReadme));
        string.Join(", ", RelativeLinks(text)).Should().BeEmpty($"{relativeReadme} is shown on a NuGet page: link with https:// addresses");
        text.Should().Contain("https://github.com/eligibility-rules/eligibility", "the README points to the repository for more");
    }

    [TestCase("[docs](docs/cli.md)", "docs/cli.md")]
    [TestCase("![logo](images/logo.png)", "images/logo.png")]
    [TestCase("see [the format](../docs/rule-format.md#concepts).", "../docs/rule-format.md#concepts")]
    [TestCase("[cli]: docs/cli.md", "docs/cli.md")]
    [TestCase("<a href=\"LICENSE\">licence</a>", "LICENSE")]
    [TestCase("<img src='logo.png'>", "logo.png")]
    [TestCase("[x](<docs/a b.md>)", "docs/a b.md")]
    [TestCase("[mail](mailto:someone@example.org)", "mailto:someone@example.org")]
    public void Relative_links_are_found(string markdown, string target)
    {
        RelativeLinks(markdown).Should().Equal(target);
    }

    [TestCase("[docs](https://github.com/eligibility-rules/eligibility/blob/main/docs/cli.md)")]
    [TestCase("[site](http://example.org) and [below](#use)")]
    [TestCase("![badge](https://img.shields.io/badge/x-y-green \"title\")")]
    [TestCase("`[not a link](docs/cli.md)` in code")]
    [TestCase("```csharp\nvar x = a[i](y);\n[x](docs/in-a-fence.md)\n```")]
    [TestCase("AnswerCheck.Check(patient, [trial]) and an array [1, 2]")]
    public void Absolute_links_anchors_and_code_are_not_relative_links(string markdown)
    {
        RelativeLinks(markdown).Should().BeEmpty();
    }

    /// <summary>
    /// Link and image targets in <paramref name="markdown"/> (inline, reference definitions, HTML href/src) that are not
    /// an http(s) address or an anchor in the same page. Code (fenced blocks and inline spans) is not looked at.
    /// </summary>
    internal static List<string> RelativeLinks(string markdown)
    {
        string text = FencedCode().Replace(markdown.Replace("\r\n", "\n", StringComparison.Ordinal), "");
        text = InlineCode().Replace(text, "");
        var targets = new List<string>();
        targets.AddRange(InlineLink().Matches(text).Select(m => m.Groups["angle"].Success ? m.Groups["angle"].Value : m.Groups["target"].Value));
        targets.AddRange(ReferenceDefinition().Matches(text).Select(m => m.Groups["target"].Value));
        targets.AddRange(HtmlLink().Matches(text).Select(m => m.Groups["target"].Value));
        return targets.Where(t => !IsAbsoluteOrAnchor(t)).ToList();
    }

    private static bool IsAbsoluteOrAnchor(string target) =>
        target.StartsWith('#')
        || target.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
        || target.StartsWith("http://", StringComparison.OrdinalIgnoreCase);

    private static bool IsPackageRootReadme(XElement item, string path)
    {
        string packagePath = (item.Attribute("PackagePath")?.Value ?? "").Trim('\\', '/');
        string link = item.Attribute("Link")?.Value ?? "";
        string fileName = Path.GetFileName(path.Replace('\\', '/'));
        bool isReadme = fileName.Equals("README.md", StringComparison.OrdinalIgnoreCase)
            || Path.GetFileName(link.Replace('\\', '/')).Equals("README.md", StringComparison.OrdinalIgnoreCase);
        return isReadme && (packagePath.Length == 0 || packagePath.Equals("README.md", StringComparison.OrdinalIgnoreCase));
    }

    private static string? Property(XDocument doc, string name) =>
        doc.Descendants().Where(e => e.Name.LocalName == "PropertyGroup").Elements()
            .LastOrDefault(e => e.Name.LocalName == name)?.Value.Trim();

    [GeneratedRegex(@"^ {0,3}(```|~~~).*?^ {0,3}\1[^\n]*$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedCode();

    [GeneratedRegex(@"(`+)[^`].*?\1", RegexOptions.Singleline)]
    private static partial Regex InlineCode();

    // [text](target "title") and ![alt](target); <target> allows spaces.
    [GeneratedRegex(@"!?\[[^\]]*\]\(\s*(?:<(?<angle>[^>]*)>|(?<target>[^)\s]+))(?:\s+(?:""[^""]*""|'[^']*'))?\s*\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"^ {0,3}\[[^\]]+\]:\s*<?(?<target>[^>\s]+)>?", RegexOptions.Multiline)]
    private static partial Regex ReferenceDefinition();

    [GeneratedRegex(@"<(?:a|img)\b[^>]*?\b(?:href|src)\s*=\s*[""'](?<target>[^""']*)[""']", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlLink();
}
