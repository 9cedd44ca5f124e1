using Eligibility.Codes;
using Eligibility.Diagnostics;
using Eligibility.Patients;
using Eligibility.Tests.Support;

namespace Eligibility.Tests.Api;

/// <summary>
/// The happy path without <c>!</c>: every result has <c>Succeeded</c> (with [MemberNotNullWhen], so the value needs no
/// <c>!</c> after the check; this file compiles with nullable warnings as errors) and <c>EnsureSuccess()</c>, which
/// returns the value or throws <see cref="InvalidInputException"/> listing the first errors.
/// </summary>
public class ResultSuccessTests
{
    private static string Observations(int count) =>
        "{ \"observations\": [" + string.Join(", ", Enumerable.Range(1, count).Select(i =>
            $"{{ \"code\": [{{ \"system\": \"http://loinc.org\", \"code\": \"1742-6\" }}], \"value\": 1, \"unit\": \"U/L\", \"date\": \"2026-13-{i:00}\" }}")) + "] }";

    [Test]
    public void A_compiled_file_succeeds_and_EnsureSuccess_returns_its_evaluator()
    {
        var compiled = RuleCompiler.CompileFile(TestTrial.DemoPath);

        compiled.Succeeded.Should().BeTrue();
        compiled.HasErrors.Should().BeFalse();
        if (compiled.Succeeded)
        {
            compiled.Evaluator.Trial.Id.Should().Be("DEMO-1"); // no `!`: Succeeded says Evaluator is not null
        }

        compiled.EnsureSuccess().Should().BeSameAs(compiled.Evaluator);
    }

    [Test]
    public void A_file_with_one_error_throws_with_that_error_in_the_message()
    {
        var compiled = RuleCompiler.CompileText("{ \"formatVersion\": 1,\n  \"trial\": ", "DEMO-1.json");

        compiled.Succeeded.Should().BeFalse();
        compiled.Evaluator.Should().BeNull();
        var error = compiled.Diagnostics.Single(d => d.IsError);
        var thrown = FluentActions.Invoking(() => compiled.EnsureSuccess()).Should().Throw<InvalidInputException>().Which;
        thrown.Message.Should().Be("the rule file could not be compiled (1 error):\n" + error);
        thrown.Message.Should().MatchRegex(@"\nDEMO-1\.json\(2,\d+\): error ELIG0001: ");
        thrown.Diagnostics.Should().Equal(compiled.Diagnostics);
    }

    [Test]
    public void A_record_with_many_errors_lists_the_first_five_then_and_N_more()
    {
        var read = PatientReader.Read(Observations(8), "many.json");

        read.Succeeded.Should().BeFalse();
        read.Patient.Should().BeNull();
        var errors = read.Diagnostics.Where(d => d.IsError).ToList();
        errors.Should().HaveCount(8);
        var thrown = FluentActions.Invoking(() => read.EnsureSuccess()).Should().Throw<InvalidInputException>().Which;
        var lines = thrown.Message.Split('\n');
        lines.Should().Equal(
            ["the patient record could not be read (8 errors):", .. errors.Take(5).Select(e => e.ToString()), "and 3 more"]);
        lines[1].Should().StartWith("many.json(1,").And.Contain(": error ELIG3002: ");
        thrown.Diagnostics.Should().HaveCount(read.Diagnostics.Count);
    }

    [Test]
    public void Exactly_five_errors_are_all_listed_with_no_and_more()
    {
        var read = PatientReader.Read(Observations(5), "five.json");

        var thrown = FluentActions.Invoking(() => read.EnsureSuccess()).Should().Throw<InvalidInputException>().Which;
        thrown.Message.Split('\n').Should().HaveCount(6).And.NotContain(l => l.StartsWith("and ", StringComparison.Ordinal));
        InvalidInputException.ListedErrors.Should().Be(5);
    }

    [Test]
    public void A_record_read_succeeds_and_EnsureSuccess_returns_it()
    {
        var read = PatientReader.Read("""{ "id": "p-1", "sex": "female", "colour": "blue" }""", "p.json");

        read.Diagnostics.Should().ContainSingle(d => !d.IsError, "an unknown field is a warning");
        read.Succeeded.Should().BeTrue();
        if (read.Succeeded)
        {
            read.Patient.Id.Should().Be("p-1");
        }

        read.EnsureSuccess().Should().BeSameAs(read.Patient);
    }

    [Test]
    public void An_unreadable_file_throws_with_its_code_and_path()
    {
        var read = PatientReader.ReadFile("no/such/patient.json");

        read.Succeeded.Should().BeFalse();
        FluentActions.Invoking(() => read.EnsureSuccess()).Should().Throw<InvalidInputException>()
            .WithMessage("the patient record could not be read (1 error):\nno/such/patient.json: error ELIG0002: *");
    }

    [Test]
    public void A_read_result_is_consistent_whoever_builds_it()
    {
        var patient = new PatientRecord { Id = "p" };
        var error = new Diagnostic { Code = DiagnosticCodes.PatientInvalidValue, Severity = DiagnosticSeverity.Error, Message = "bad" };
        var warning = new Diagnostic { Code = DiagnosticCodes.PatientUnknownField, Severity = DiagnosticSeverity.Warning, Message = "odd" };

        new PatientReadResult(patient, [warning]).Succeeded.Should().BeTrue();
        new PatientReadResult(null, [warning, error]).Succeeded.Should().BeFalse();
        FluentActions.Invoking(() => new PatientReadResult(null, [warning])).Should().Throw<ArgumentException>("no record needs an error saying why");
        FluentActions.Invoking(() => new PatientReadResult(patient, [error])).Should().Throw<ArgumentException>("a result with errors has no record");
    }

    [Test]
    public void A_terminology_loads_or_throws_with_its_errors()
    {
        var loaded = Terminology.LoadOmop(Terminologies.OmopFolder);
        loaded.Succeeded.Should().BeTrue();
        if (loaded.Succeeded)
        {
            loaded.Terminology.HasHierarchy.Should().BeTrue();
        }

        loaded.EnsureSuccess().Should().BeSameAs(loaded.Terminology);

        var missing = Terminology.LoadOmop(Path.Combine(Terminologies.Folder, "nowhere"));
        missing.Succeeded.Should().BeFalse();
        FluentActions.Invoking(() => missing.EnsureSuccess()).Should().Throw<InvalidInputException>()
            .Which.Message.Should().StartWith("the terminology could not be loaded (1 error):\n").And.Contain(": error ELIG5001: no such folder");
    }

    [Test]
    public void The_exception_has_the_usual_constructors()
    {
        new InvalidInputException().Diagnostics.Should().BeEmpty();
        new InvalidInputException("m").Message.Should().Be("m");
        var inner = new InvalidOperationException("x");
        new InvalidInputException("m", inner).InnerException.Should().BeSameAs(inner);
        new InvalidInputException("nothing", Array.Empty<Diagnostic>()).Message.Should().Be("nothing (0 errors)");
    }
}
