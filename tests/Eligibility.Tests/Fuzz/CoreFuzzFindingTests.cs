using System.Text;
using Eligibility.Diagnostics;
using Eligibility.Fuzz;
using Eligibility.Patients;

namespace Eligibility.Tests.Fuzz;

/// <summary>
/// Every rule-file and native-patient finding of the fuzzing harness (tests/Eligibility.Fuzz/findings/rules and
/// /patient), replayed through the library with the harness's own checks: no exception, every diagnostic inside the
/// input with a pointer that names a value of it, an evaluator (or record) exactly when there is no error; and the
/// diagnostic each fix gives.
/// </summary>
public class CoreFuzzFindingTests
{
    private const string RuleFile = "FUZZ-1.json";
    private const string PatientFile = "fuzz-patient.json";

    private static string Findings(string target)
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Directory.Build.props")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("repository root not found"), "tests", "Eligibility.Fuzz", "findings", target);
    }

    private static IEnumerable<TestCaseData> Files(string target) =>
        Directory.GetFiles(Findings(target), "*.json").Order(StringComparer.Ordinal)
            .Select(f => new TestCaseData(Path.GetFileName(f)).SetArgDisplayNames(Path.GetFileName(f)));

    private static IEnumerable<TestCaseData> RuleFindings() => Files("rules");

    private static IEnumerable<TestCaseData> PatientFindings() => Files("patient");

    private static CompilationResult Compile(byte[] utf8)
    {
        CompilationResult result = null!;
        var compile = () =>
        {
            using var stream = new MemoryStream(utf8, writable: false);
            result = RuleCompiler.Compile(stream, RuleFile);
        };
        compile.Should().NotThrow();
        using (var text = new InputText(utf8))
        {
            var check = () => text.CheckDiagnostics(result.Diagnostics, RuleFile);
            check.Should().NotThrow(string.Join(Environment.NewLine, result.Diagnostics));
        }

        (result.Evaluator is null).Should().Be(result.HasErrors);
        return result;
    }

    private static PatientReadResult ReadPatient(byte[] utf8)
    {
        PatientReadResult result = null!;
        var read = () => result = PatientReader.Read(utf8, PatientFile);
        read.Should().NotThrow();
        using (var text = new InputText(utf8))
        {
            var check = () => text.CheckDiagnostics(result.Diagnostics, PatientFile);
            check.Should().NotThrow(string.Join(Environment.NewLine, result.Diagnostics));
        }

        (result.Patient is null).Should().Be(result.Diagnostics.Any(d => d.IsError));
        return result;
    }

    [TestCaseSource(nameof(RuleFindings))]
    public void EveryRuleFinding_CompilesToPositionedDiagnosticsOnly(string name) =>
        Compile(File.ReadAllBytes(Path.Combine(Findings("rules"), name)));

    [TestCaseSource(nameof(PatientFindings))]
    public void EveryPatientFinding_ReadsToPositionedDiagnosticsOnly(string name) =>
        ReadPatient(File.ReadAllBytes(Path.Combine(Findings("patient"), name)));

    [Test]
    public void InvalidUtf8_InARuleFile_IsAnInputError()
    {
        var result = Compile(File.ReadAllBytes(Path.Combine(Findings("rules"), "invalid-utf8-name-in-broken-json.json")));
        result.Diagnostics.Should().Contain(d => d.IsError && d.Code.StartsWith("ELIG0", StringComparison.Ordinal));
    }

    [Test]
    public void InvalidUtf8_InAPatient_IsAnInputError()
    {
        var result = ReadPatient(File.ReadAllBytes(Path.Combine(Findings("patient"), "invalid-utf8-string.json")));
        result.Diagnostics.Should().Contain(d => d.IsError && d.Code.StartsWith("ELIG0", StringComparison.Ordinal));
    }

    /// <summary>Finding 5: a misspelt <c>expression</c> member is reported by the schema (at the rule and the unknown
    /// member); the compile step adds no "the expression is empty" at a member that does not exist.</summary>
    [Test]
    public void AMissingExpressionMember_IsNotReportedAsAnEmptyExpression()
    {
        var result = Compile(File.ReadAllBytes(Path.Combine(Findings("rules"), "expression-member-misspelt.json")));
        result.Diagnostics.Should().NotContain(d => d.Message.Contains("the expression is empty", StringComparison.Ordinal));
        result.Diagnostics.Should().NotContain(d => d.Pointer == "/inclusion/0/rule/expression");
        result.Diagnostics.Should().Contain(d => d.IsError && d.Pointer != null && d.Pointer.StartsWith("/inclusion/0/rule", StringComparison.Ordinal),
            "the schema reports the rule without 'expression'");
    }

    [Test]
    public void ABlankExpression_IsStillReportedAsEmpty()
    {
        string json = File.ReadAllText(Path.Combine(Findings("rules"), "expression-member-misspelt.json"))
            .Replace("\"expressinn\": \"Age >= 18\"", "\"expression\": \"   \"", StringComparison.Ordinal);
        var result = Compile(Encoding.UTF8.GetBytes(json));
        result.Diagnostics.Should().Contain(d => d.Code == DiagnosticCodes.ExpressionSyntax && d.Pointer == "/inclusion/0/rule/expression"
            && d.Message.Contains("the expression is empty", StringComparison.Ordinal));
    }
}
