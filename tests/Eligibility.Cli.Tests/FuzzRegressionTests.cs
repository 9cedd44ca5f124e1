using System.Globalization;
using System.Text.RegularExpressions;
using Eligibility.Testing;
using Eligibility.Fuzz;

namespace Eligibility.Cli.Tests;

/// <summary>
/// Every example-case finding of the fuzzing harness (tests/Eligibility.Fuzz/findings/cases), replayed through the
/// tool (<c>eligibility test FILE</c>) and its reader, with the harness's own checks: no exception, exit 1 (an unusable
/// case file is a failed case), every
/// diagnostic inside the input (column in UTF-16 characters) with a pointer that names a value of it; and the
/// diagnostic each fix gives.
/// </summary>
[TestFixture]
public sealed partial class FuzzRegressionTests
{
    private string dir = string.Empty;

    [SetUp]
    public void CreateFolder() => dir = TestPaths.NewTempFolder();

    [TearDown]
    public void DeleteFolder() => Directory.Delete(dir, true);

    private static string Findings()
    {
        var folder = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Directory.Build.props")))
        {
            folder = folder.Parent;
        }

        return Path.Combine(folder?.FullName ?? throw new InvalidOperationException("repository root not found"), "tests", "Eligibility.Fuzz", "findings", "cases");
    }

    private static IEnumerable<TestCaseData> CaseFindings() =>
        Directory.GetFiles(Findings(), "*.json").Order(StringComparer.Ordinal)
            .Select(f => new TestCaseData(Path.GetFileName(f)).SetArgDisplayNames(Path.GetFileName(f)));

    [GeneratedRegex(@"^(?<file>.+)\((?<line>\d+),(?<column>\d+)\): error (?<code>ELIG\d{4}): (?<message>.*)$", RegexOptions.Multiline)]
    private static partial Regex ErrorLine();

    /// <summary>Runs the finding through the tool and the reader; returns the tool's error lines about the file.</summary>
    private List<(int Line, int Column, string Code, string Message)> Replay(string name)
    {
        byte[] input = File.ReadAllBytes(Path.Combine(Findings(), name));
        string path = Path.Combine(dir, "FUZZ.cases.json");
        File.WriteAllBytes(path, input);
        using var text = new InputText(input);

        CaseFile file = null!;
        var read = () => file = CaseFileReader.Read(path);
        read.Should().NotThrow();
        var check = () => text.CheckDiagnostics(file.AllDiagnostics, path);
        check.Should().NotThrow(string.Join(Environment.NewLine, file.AllDiagnostics));

        var r = CliRunner.Run("test", path);
        r.ExitCode.Should().Be(1, "a case file that cannot be used counts as a failed case (docs/cli.md): " + r.Out + r.Err);
        (r.Out + r.Err).Should().NotContain("   at ", "no stack trace for bad input");
        var errors = ErrorLine().Matches(r.Err + r.Out)
            .Where(m => m.Groups["file"].Value.EndsWith("FUZZ.cases.json", StringComparison.Ordinal))
            .Select(m => (int.Parse(m.Groups["line"].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups["column"].Value, CultureInfo.InvariantCulture),
                m.Groups["code"].Value, m.Groups["message"].Value))
            .ToList();
        errors.Should().NotBeEmpty(r.Err);
        foreach (var (line, column, code, message) in errors)
        {
            var position = () => text.CheckPosition(line, column, $"{code}: {message}");
            position.Should().NotThrow();
        }

        return errors;
    }

    [TestCaseSource(nameof(CaseFindings))]
    public void EveryCaseFinding_IsAPositionedErrorWithoutAStackTrace(string name) => Replay(name);

    [Test]
    public void ASyntaxErrorAfterNonAsciiText_IsAtItsColumnInCharacters_WithoutTheReadersSuffix()
    {
        // {"rules": "éééé<newline>"}: the line has 15 characters (19 bytes); the error is the newline inside the string.
        var error = Replay("syntax-error-column-counts-bytes.json").Should().ContainSingle().Subject;
        error.Code.Should().Be("ELIG0001");
        (error.Line, error.Column).Should().Be((1, 16));
        error.Message.Should().NotContain("LineNumber").And.NotContain("BytePositionInLine").And.NotContain("Path:");
        error.Message.Should().EndWith("The string should be correctly escaped.");
    }

    [Test]
    public void ASyntaxErrorAfterAByteOrderMark_CountsNoColumnForIt()
    {
        string path = Path.Combine(dir, "bom.cases.json");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. "{\"rules\": \"é\" x}"u8]);
        var d = CaseFileReader.Read(path).AllDiagnostics.Should().ContainSingle().Subject;
        (d.Code, d.Line, d.Column).Should().Be(("ELIG0001", 1, 15));
    }

    [Test]
    public void InvalidUtf8_IsAnInputError()
    {
        var errors = Replay("invalid-utf8-string.json");
        errors.Should().Contain(e => e.Code.StartsWith("ELIG0", StringComparison.Ordinal));
    }
}
