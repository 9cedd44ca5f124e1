using System.Reflection;
using System.Text.RegularExpressions;
using Eligibility.Testing;

namespace Eligibility.Cli.Tests;

/// <summary>
/// The tool's own codes (ELIG40xx for example-case files, ELIG41xx for renderings and lock files), held to the same rule
/// as the core's: every constant in <see cref="CaseDiagnosticCodes"/> and <see cref="ToolDiagnosticCodes"/> has an input here that makes the built tool print
/// it, with the file and, where the problem sits in a file, the line and column.
/// </summary>
[TestFixture]
public sealed class ToolDiagnosticCodeTests
{
    private const string Patient = """{ "id": "p", "asOf": "2026-01-15", "birthDate": "1985-06-01", "sex": "female" }""";

    /// <summary>One way to make the tool report <paramref name="Code"/>: files to write, the command, what it must print.</summary>
    /// <param name="Code">The code.</param>
    /// <param name="Files">File name → content, written into a fresh folder that already holds TINY-1.json.</param>
    /// <param name="Args">The command line; <c>{dir}</c> stands for the folder.</param>
    /// <param name="Expected">A regular expression the tool's stderr must match; <c>{dir}</c> stands for the folder.</param>
    /// <param name="ExitCode">The exit code.</param>
    public sealed record Trigger(string Code, IReadOnlyDictionary<string, string> Files, string[] Args, string Expected, int ExitCode)
    {
        public override string ToString() => Code;
    }

    private static IEnumerable<string> Codes() =>
        new[] { typeof(CaseDiagnosticCodes), typeof(ToolDiagnosticCodes) }.SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!);

    private static Dictionary<string, string> CaseFile(string body) => new() { ["TINY-1.cases.json"] = body };

    private static IEnumerable<Trigger> Triggers()
    {
        string[] validate = ["validate", "{dir}/TINY-1.cases.json"];
        const string At = @"TINY-1\.cases\.json\(";

        yield return new("ELIG4001", CaseFile($$"""
            {
              "rules": "TINY-1.json",
              "cases": [
                { "patient": {{Patient}}, "expect": { "verdict": "eligible" } }
              ]
            }
            """), validate, At + @"4,5\): error ELIG4001: ", 1);

        yield return new("ELIG4002", CaseFile("""
            {
              "rules": "NOPE.json",
              "cases": []
            }
            """), validate, At + @"2,12\): error ELIG4002: ", 1);

        yield return new("ELIG4003", CaseFile($$"""
            {
              "rules": "TINY-1.json",
              "cases": [
                { "name": "x", "patient": {{Patient}},
                  "expect": { "criteria": { "INCL99": "pass" } } }
              ]
            }
            """), validate, At + @"5,\d+\): error ELIG4003: ", 1);

        yield return new("ELIG4004", CaseFile("""
            {
              "rules": "TINY-1.json",
              "cases": [
                { "name": "x", "expect": { "verdict": "eligible" } }
              ]
            }
            """), validate, At + @"4,5\): error ELIG4004: ", 1);

        yield return new("ELIG4005", CaseFile("""
            {
              "rules": "TINY-1.json",
              "cases": [
                { "name": "x", "patient": { "id": "p", "birthDate": "1985-06-01" }, "expect": { "verdict": "eligible" } }
              ]
            }
            """), validate, At + @"4,\d+\): error ELIG4005: ", 1);

        yield return new("ELIG4006", CaseFile($$"""
            {
              "rules": "TINY-1.json",
              "cases": [
                { "name": "same", "patient": {{Patient}}, "expect": { "verdict": "eligible" } },
                { "name": "same", "patient": {{Patient}}, "expect": { "verdict": "eligible" } }
              ]
            }
            """), validate, At + @"5,\d+\): warning ELIG4006: ", 0);

        yield return new("ELIG4007", CaseFile($$"""
            {
              "rules": "TINY-1.json",
              "cases": [
                { "name": "x", "patient": {{Patient}}, "expect": { "verdict": "eligible" },
                  "expekt": 1 }
              ]
            }
            """), validate, At + @"5,17\): error ELIG4007: unknown property 'expekt': the example-case format has no such member", 1);

        yield return new("ELIG4008", CaseFile($$"""
            {
              "rules": "TINY-1.json",
              "cases": [
                { "name": "x", "patient": {{Patient}}, "expect": { } }
              ]
            }
            """), validate, At + @"4,\d+\): error ELIG4008: ", 1);

        var broken = CaseFile($$"""
            {
              "rules": "BROKEN-1.json",
              "cases": [
                { "name": "x", "patient": {{Patient}}, "expect": { "verdict": "eligible" } }
              ]
            }
            """);
        broken["BROKEN-1.json"] = File.ReadAllText(TestPaths.Fixture("broken", "BROKEN-1.json"));
        yield return new("ELIG4009", broken, ["test", "{dir}/TINY-1.cases.json"], At + @"2,12\): error ELIG4009: the rule file \S*BROKEN-1\.json has errors", 1);

        yield return new("ELIG4010", new Dictionary<string, string>
        {
            ["cases/TINY-1.cases.json"] = $$"""
                {
                  "rules": "../TINY-1.json",
                  "cases": [
                    { "name": "x", "patient": {{Patient}}, "expect": { "verdict": "eligible" } }
                  ]
                }
                """,
        }, ["validate", "{dir}/cases/TINY-1.cases.json"], @"cases/TINY-1\.cases\.json\(2,\d+\): error ELIG4010: ", 1);

        yield return new("ELIG4101", new Dictionary<string, string>(), ["render", "{dir}/TINY-1.json", "--out", "{dir}/docs", "--check"],
            @"docs/TINY-1\.md: error ELIG4101: the rendering is missing", 1);

        yield return new("ELIG4102", new Dictionary<string, string>(), ["lock", "{dir}/TINY-1.json", "--terminology", TerminologyFixtures.Omop, "--check"],
            @"TINY-1\.lock\.json: error ELIG4102: the lock file is missing", 1);

        yield return new("ELIG4103", new Dictionary<string, string> { ["TINY-1.lock.json"] = "{}" }, ["validate", "{dir}/TINY-1.lock.json"],
            @"TINY-1\.lock\.json: error ELIG4103: this is a lock file", 2);
    }

    private static IEnumerable<TestCaseData> TriggerCases() => Triggers().Select(t => new TestCaseData(t).SetName("Trigger " + t.Code));

    private static IEnumerable<TestCaseData> CodeCases() => Codes().Select(c => new TestCaseData(c).SetName("Code " + c));

    [Test]
    public void Codes_are_unique_and_in_the_tool_range()
    {
        var codes = Codes().ToList();
        codes.Should().HaveCountGreaterThan(10).And.OnlyHaveUniqueItems();
        codes.Should().AllSatisfy(c => c.Should().MatchRegex("^ELIG4[01][0-9]{2}$"));
    }

    [TestCaseSource(nameof(CodeCases))]
    public void Every_code_has_a_trigger(string code)
    {
        Triggers().Where(t => t.Code == code).Should().NotBeEmpty($"{code} needs an input in {nameof(Triggers)}() that makes the tool print it");
    }

    [TestCaseSource(nameof(CodeCases))]
    public void Every_code_is_documented(string code)
    {
        File.ReadAllText(Path.Combine(TestPaths.Project, "..", "..", "docs", "cli.md")).Should().MatchRegex($@"\|\s*{code}\s*\|", $"docs/cli.md lists {code}");
    }

    [TestCaseSource(nameof(TriggerCases))]
    public void The_tool_prints_the_code_with_its_place(Trigger trigger)
    {
        string dir = TestPaths.NewTempFolder();
        try
        {
            File.Copy(TestPaths.TinyRules, Path.Combine(dir, "TINY-1.json"));
            foreach (var (name, content) in trigger.Files)
            {
                string path = Path.Combine(dir, name);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, content);
            }

            var r = CliRunner.Run(trigger.Args.Select(a => a.Replace("{dir}", dir, StringComparison.Ordinal)).ToArray());

            r.ExitCode.Should().Be(trigger.ExitCode, r.ToString());

            r.Err.Should().MatchRegex(Regex.Escape(dir) + "/" + trigger.Expected, r.ToString());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
