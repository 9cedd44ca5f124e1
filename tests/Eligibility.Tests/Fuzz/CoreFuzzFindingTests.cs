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

    /// <summary>Finding 6 (930 s runs): a measurement rule without a 'unit' compares in its concept's unit; when that unit
    /// is not UCUM the error belongs to the concept's 'unit', reported there once, not at the rule's absent 'unit'.</summary>
    [Test]
    public void AnInvalidConceptUnit_UsedByARuleWithoutUnit_IsReportedOnceAtTheConceptUnit()
    {
        var result = Compile(File.ReadAllBytes(Path.Combine(Findings("rules"), "measurement-unit-from-concept.json")));
        var d = result.Diagnostics.Should().ContainSingle(x => x.Code == DiagnosticCodes.InvalidUnit).Subject;
        d.Pointer.Should().Be("/concepts/alt/unit");
        d.Message.Should().Contain("'U/L%%%' is not a valid UCUM unit");
        (d.Line, d.Column).Should().Be((5, 67));
        result.Diagnostics.Should().NotContain(x => x.Pointer != null && x.Pointer.StartsWith("/exclusion/0/rule/unit", StringComparison.Ordinal));
    }

    [Test]
    public void AnInvalidUnitOnTheRuleItself_IsStillReportedAtTheRuleUnit()
    {
        string json = File.ReadAllText(Path.Combine(Findings("rules"), "measurement-unit-from-concept.json"))
            .Replace("\"U/L%%%\"", "\"U/L\"", StringComparison.Ordinal)
            .Replace("\"gt\": 100 }", "\"gt\": 100, \"unit\": \"U/L%%%\" }", StringComparison.Ordinal);
        var result = Compile(Encoding.UTF8.GetBytes(json));
        var d = result.Diagnostics.Should().ContainSingle(x => x.Code == DiagnosticCodes.InvalidUnit).Subject;
        d.Pointer.Should().Be("/exclusion/0/rule/unit");
    }

    /// <summary>Finding 7 (930 s runs): a pregnancy rule naming only its 'statusConcept' uses the default condition
    /// concept 'pregnancy'; when 'concepts' lacks it, the error is at the rule's 'kind' (which implies the default), not
    /// at the absent 'conditionConcept'.</summary>
    [Test]
    public void AnUndefinedDefaultPregnancyConcept_IsReportedAtTheKind_EvenWhenTheOtherConceptIsNamed()
    {
        var result = Compile(File.ReadAllBytes(Path.Combine(Findings("rules"), "pregnancy-default-condition-concept.json")));
        var d = result.Diagnostics.Should().ContainSingle(x => x.Code == DiagnosticCodes.UnknownConcept).Subject;
        d.Pointer.Should().Be("/exclusion/0/rule/kind");
        d.Message.Should().Be("concept 'pregnancy' is not defined in 'concepts' (a pregnancy rule without 'conditionConcept' uses 'pregnancy')");
        (d.Line, d.Column).Should().Be((15, 61));
    }

    [Test]
    public void AnUndefinedPregnancyConcept_NamedByTheRule_IsReportedAtItsMember()
    {
        string json = File.ReadAllText(Path.Combine(Findings("rules"), "pregnancy-default-condition-concept.json"))
            .Replace("\"statusConcept\": \"pregnancy-status\" }", "\"statusConcept\": \"pregnancy-status\", \"conditionConcept\": \"gravid\" }", StringComparison.Ordinal);
        var result = Compile(Encoding.UTF8.GetBytes(json));
        var d = result.Diagnostics.Should().ContainSingle(x => x.Code == DiagnosticCodes.UnknownConcept).Subject;
        d.Pointer.Should().Be("/exclusion/0/rule/conditionConcept");
        d.Message.Should().Be("concept 'gravid' is not defined in 'concepts'");
    }

    [Test]
    public void APregnancyRuleWithNeitherConceptDefined_ReportsBothDefaultsAtTheKind()
    {
        string json = File.ReadAllText(Path.Combine(Findings("rules"), "pregnancy-default-condition-concept.json"))
            .Replace("\"pregnancy-status\": {", "\"status-of-pregnancy\": {", StringComparison.Ordinal)
            .Replace(", \"statusConcept\": \"pregnancy-status\" }", " }", StringComparison.Ordinal);
        var result = Compile(Encoding.UTF8.GetBytes(json));
        result.Diagnostics.Where(x => x.Code == DiagnosticCodes.UnknownConcept).Select(x => (x.Pointer, x.Message)).Should().Equal(
            ("/exclusion/0/rule/kind", "concept 'pregnancy-status' is not defined in 'concepts' (a pregnancy rule without 'statusConcept' uses 'pregnancy-status')"),
            ("/exclusion/0/rule/kind", "concept 'pregnancy' is not defined in 'concepts' (a pregnancy rule without 'conditionConcept' uses 'pregnancy')"));
    }

    /// <summary>The general guard: a diagnostic asked for at a pointer the input has no value at gets the nearest
    /// ancestor that exists (positioned there), and the pointer as asked still counts as explained.</summary>
    [Test]
    public void ADiagnosticAtAnAbsentMember_GetsItsNearestExistingAncestor()
    {
        byte[] utf8 = Encoding.UTF8.GetBytes("{\n  \"a\": {\n    \"b\": [1, 2]\n  }\n}\n");
        var sink = new DiagnosticSink("f.json", utf8);
        sink.Error(DiagnosticCodes.SchemaViolation, "/a/b/5/c", "about something absent");
        sink.Warning(DiagnosticCodes.SchemaViolation, "/a/b/1", "about something present");
        sink.Error(DiagnosticCodes.SchemaViolation, "/x", "absent at the top");
        sink.Items.Select(d => (d.Pointer, d.Line, d.Column)).Should().Equal(("/a/b", 3, 10), ("/a/b/1", 3, 14), ("", 1, 1));
        sink.IsExplained("/a/b/5/c").Should().BeTrue();
        sink.IsExplained("/a/b").Should().BeFalse("only the pointer asked for is explained");
    }
}
