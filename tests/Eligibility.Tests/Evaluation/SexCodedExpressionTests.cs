using Eligibility.Patients;
using static Eligibility.Tests.Support.TestTrial;

namespace Eligibility.Tests.Evaluation;

public class SexCodedExpressionTests
{
    [TestCase("female", "pass")]
    [TestCase("male", "fail")]
    [TestCase("unknown", "unknown")]
    public void Sex_rule(string sex, string outcome) =>
        ResultJson.Name(With("""{ "kind": "sex", "is": "female" }""", inclusion: true).Single(Patient(sex)).Outcome).Should().Be(outcome);

    private const string Ana = """
        { "ana": { "codes": { "urn:eligibility:concept": ["ana"] },
                   "answers": { "positive": { "http://snomed.info/sct": ["10828004"], "boolean": true },
                                "negative": { "http://snomed.info/sct": ["260385009"], "boolean": false } } } }
        """;

    private static ObservationRecord AnaResult(Coding? code = null, bool? value = null, string date = "2026-01-10") => new()
    {
        Codes = new[] { new Coding("urn:eligibility:concept", "ana") },
        ValueCodes = code is null ? Array.Empty<Coding>() : new[] { code },
        ValueBoolean = value,
        Status = "final",
        Date = D(date),
    };

    [Test]
    public void Coded_rule_matches_declared_answers_codes_and_booleans()
    {
        var trial = With("""{ "kind": "coded", "concept": "ana", "answer": "positive", "lookback": "P1Y" }""", inclusion: true, extraConcepts: Ana);
        trial.Single(Patient().WithLabs(AnaResult(new Coding("http://snomed.info/sct", "10828004")))).Outcome.Should().Be(Outcome.Pass);
        trial.Single(Patient().WithLabs(AnaResult(new Coding("http://snomed.info/sct", "260385009")))).Outcome.Should().Be(Outcome.Fail);
        trial.Single(Patient().WithLabs(AnaResult(value: true))).Outcome.Should().Be(Outcome.Pass);
        trial.Single(Patient().WithLabs(AnaResult(value: false))).Outcome.Should().Be(Outcome.Fail);
        trial.Single(Patient().WithLabs(AnaResult(new Coding("http://snomed.info/sct", "999")))).Outcome.Should().Be(Outcome.Unknown, "an unrecognised answer is unknown");
        trial.Single(Patient()).Outcome.Should().Be(Outcome.Unknown);
        trial.Single(Patient().WithLabs(AnaResult(value: true, date: "2024-12-01"))).Outcome.Should().Be(Outcome.Unknown, "outside the lookback");
    }

    [Test]
    public void Expression_rule_reads_the_fact_model()
    {
        var trial = With("""{ "kind": "expression", "expression": "Value(\"alt\") / Uln(\"alt\") > 3 && Age >= 40" }""");
        trial.Single(Patient().WithLabs(Lab("1742-6", 130, "U/L", uln: 40))).Outcome.Should().Be(Outcome.Fail);
        trial.Single(Patient().WithLabs(Lab("1742-6", 110, "U/L", uln: 40))).Outcome.Should().Be(Outcome.Pass);
        var unknown = trial.Single(Patient());
        unknown.Outcome.Should().Be(Outcome.Unknown);
        unknown.Missing.Should().ContainSingle();
    }

    [TestCase("\"\".GetType() != null")]
    [TestCase("System.IO.File.Exists(\"/etc/passwd\")")]
    [TestCase("System.Environment.GetEnvironmentVariable(\"PATH\") != null")]
    [TestCase("Value(\"nonexistent\") > 1")]
    public void Hostile_or_unbound_expressions_are_rejected_at_compile_time(string expression)
    {
        var json = System.Text.Json.JsonSerializer.Serialize(new { kind = "expression", expression });
        var result = Compile(json);
        result.HasErrors.Should().BeTrue();
        result.Evaluator.Should().BeNull();
        result.Diagnostics.Should().Contain(d => d.Pointer == "/exclusion/0/rule/expression" && d.Line > 0 && d.Column > 0);
    }
}
