using System.Reflection;
using Eligibility.Codes;
using Eligibility.Diagnostics;
using Eligibility.Evaluation;
using Eligibility.Model;
using Eligibility.Patients;

namespace Eligibility.Tests.Api;

/// <summary>
/// Outputs are sealed classes that callers can read but not build or change (no public constructor, no public setter or
/// init, no record); inputs an application builds stay records. <see cref="Diagnostic"/> keeps a public constructor for
/// readers of other formats, and value equality (it holds no list).
/// </summary>
public class OutputTypeTests
{
    private static readonly Type[] Outputs =
    [
        typeof(EvaluationResult), typeof(CriterionResult), typeof(FactUsed), typeof(CriterionInfo), typeof(TrialInfo),
        typeof(UnrecognisedCode), typeof(CompilationResult), typeof(TerminologyLoadResult),
        typeof(Eligibility.Testing.CaseRunResult), typeof(Eligibility.Testing.CaseResult), typeof(Eligibility.Testing.CaseCheck),
        typeof(Eligibility.Testing.CaseCoverage), typeof(Eligibility.Testing.CaseFileReadResult),
    ];

    private static bool IsRecord(Type t) => t.GetMethod("<Clone>$") is not null;

    [TestCaseSource(nameof(Outputs))]
    public void An_output_is_a_sealed_class_nobody_else_builds_or_changes(Type type)
    {
        type.IsSealed.Should().BeTrue();
        IsRecord(type).Should().BeFalse("a record has a public init and a clone");
        type.GetConstructors(BindingFlags.Public | BindingFlags.Instance).Should().BeEmpty();
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true })
            .Select(p => p.Name).Should().BeEmpty();
    }

    [TestCase(typeof(PatientRecord))]
    [TestCase(typeof(ConditionRecord))]
    [TestCase(typeof(Assessment))]
    [TestCase(typeof(Quantity))]
    [TestCase(typeof(Coding))]
    [TestCase(typeof(CompileOptions))]
    [TestCase(typeof(InputLimits))]
    [TestCase(typeof(ValueSetDefinition))]
    public void An_input_an_application_builds_is_a_record(Type type) => IsRecord(type).Should().BeTrue();

    [Test]
    public void A_diagnostic_is_built_by_its_constructor_and_equal_by_value()
    {
        var a = new Diagnostic("ELIG3101", DiagnosticSeverity.Error, "bad", "b.json", 3, 7, "/entry/0");
        var b = new Diagnostic("ELIG3101", DiagnosticSeverity.Error, "bad", "b.json", 3, 7, "/entry/0");

        a.ToString().Should().Be("b.json(3,7): error ELIG3101: bad");
        a.Should().Be(b).And.NotBeSameAs(b);
        a.GetHashCode().Should().Be(b.GetHashCode());
        a.Should().NotBe(new Diagnostic("ELIG3101", DiagnosticSeverity.Error, "bad", "b.json", 3, 8, "/entry/0"));
        new Diagnostic("ELIG0002", DiagnosticSeverity.Error, "gone").ToString().Should().Be("<input>: error ELIG0002: gone");
        IsRecord(typeof(Diagnostic)).Should().BeFalse();
        typeof(Diagnostic).GetProperties().Where(p => p.SetMethod is { IsPublic: true }).Should().BeEmpty();

        FluentActions.Invoking(() => new Diagnostic("", DiagnosticSeverity.Error, "m")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new Diagnostic("ELIG0001", DiagnosticSeverity.Error, "")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new Diagnostic("ELIG0001", DiagnosticSeverity.Error, "m", line: -1)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
