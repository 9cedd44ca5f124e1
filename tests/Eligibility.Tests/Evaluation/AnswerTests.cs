using Eligibility.Diagnostics;
using Eligibility.Patients;
using static Eligibility.Tests.Support.TestTrial;

namespace Eligibility.Tests.Evaluation;

/// <summary>Investigator answers: validity, which answer decided, and answers no criterion can use.</summary>
public class AnswerTests
{
    private static string Rules(string defaults = "", string criterion = "") => $$"""
        { "formatVersion": 1, "trial": { "id": "ANS-1", "title": "answers" }, "defaults": { "lookback": "P28D"{{defaults}} }, "concepts": {},
          "inclusion": [
            { "id": "INCL01", "text": "consent", {{criterion}} "rule": { "kind": "judgement", "question": "Has the patient signed the consent?" } },
            { "id": "INCL02", "text": "adult and investigator agrees", "rule": { "kind": "all", "rules": [
              { "id": "INCL02.1", "kind": "age", "gte": 18 },
              { "id": "INCL02.2", "kind": "judgement", "question": "Is the patient suitable?" } ] } } ],
          "exclusion": [] }
        """;

    private static TrialEvaluator Compile(string rules)
    {
        var compiled = RuleCompiler.CompileText(rules, "ANS-1.json");
        compiled.HasErrors.Should().BeFalse(string.Join("\n", compiled.Diagnostics));
        return compiled.Evaluator!;
    }

    private static Assessment Answer(string criterion, bool value, string date, string? by = "Dr Li", string? source = "Observation/ans-1") =>
        new() { Criterion = criterion, Value = value, Date = D(date), By = by, Source = source };

    [Test]
    public void An_answer_older_than_the_validity_counts_as_unanswered_and_says_it_expired()
    {
        var trial = Compile(Rules(defaults: """, "answerValidity": "P3M" """));
        var old = Patient().WithAssessments(Answer("ANS-1/INCL01", true, "2025-02-10"));

        var result = trial.Evaluate(old, AsOf).Criteria.Single(c => c.Id == "INCL01");

        result.Outcome.Should().Be(Outcome.Review);
        result.Explanation.Should().Contain("the answer 'met' by Dr Li on 2025-02-10 (Observation/ans-1) no longer counts: answers are valid for 3 months, so it expired on 2025-05-10");
    }

    [TestCase("2025-10-15", "pass", Description = "exactly 3 months before as-of: still valid")]
    [TestCase("2025-10-14", "review", Description = "a day older: expired")]
    public void Validity_is_calendar_months_back_from_as_of(string date, string outcome)
    {
        var trial = Compile(Rules(defaults: """, "answerValidity": "P3M" """));

        var result = trial.Evaluate(Patient().WithAssessments(Answer("ANS-1/INCL01", true, date)), AsOf).Criteria.Single(c => c.Id == "INCL01");

        ResultJson.Name(result.Outcome).Should().Be(outcome);
    }

    [Test]
    public void A_criterion_may_override_the_default_validity()
    {
        var trial = Compile(Rules(defaults: """, "answerValidity": "P3M" """, criterion: """ "answerValidity": "P1Y", """));
        var patient = Patient().WithAssessments(Answer("ANS-1/INCL01", true, "2025-06-01"), Answer("ANS-1/INCL02.2", true, "2025-06-01"));

        var result = trial.Evaluate(patient, AsOf);

        result.Criteria.Single(c => c.Id == "INCL01").Outcome.Should().Be(Outcome.Pass, "the criterion's own 1 year applies");
        result.Criteria.Single(c => c.Id == "INCL02").Outcome.Should().Be(Outcome.Review, "the default 3 months applies");
    }

    [Test]
    public void An_undated_answer_cannot_be_checked_against_a_validity()
    {
        var trial = Compile(Rules(defaults: """, "answerValidity": "P3M" """));
        var patient = Patient().WithAssessments(new Assessment { Criterion = "ANS-1/INCL01", Value = true });

        trial.Evaluate(patient, AsOf).Criteria.Single(c => c.Id == "INCL01").Explanation.Should().Contain("it is undated");
    }

    [Test]
    public void Without_a_validity_answers_never_expire()
    {
        var trial = Compile(Rules());

        trial.Evaluate(Patient().WithAssessments(Answer("ANS-1/INCL01", true, "2015-01-01")), AsOf).Criteria.Single(c => c.Id == "INCL01").Outcome.Should().Be(Outcome.Pass);
    }

    [Test]
    public void The_result_shows_which_answer_decided_a_judgement_part()
    {
        var trial = Compile(Rules());
        var result = trial.Evaluate(Patient().WithAssessments(Answer("ANS-1/INCL02.2", false, "2026-01-10")), AsOf);

        var part = result.Criteria.Single(c => c.Id == "INCL02").Parts.Single(p => p.Id == "INCL02.2");
        part.Facts.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Concept = "assessment", Date = D("2026-01-10"), Source = "Observation/ans-1", Detail = "not met by Dr Li on 2026-01-10" });
    }

    [Test]
    public void Answers_no_criterion_can_use_are_warnings_at_the_answer_and_correct_ones_are_not()
    {
        var trial = Compile(Rules());
        var read = PatientReader.Read("""
            { "assessments": [
              { "criterion": "ANS-1/INCL01", "value": true, "date": "2026-01-10" },
              { "criterion": "ANS-1/INCL02.2", "value": true, "date": "2026-01-10" },
              { "criterion": "ANS-l/INCL01", "value": true, "date": "2026-01-10" },
              { "criterion": "ANS-1/INCL03", "value": true, "date": "2026-01-10" },
              { "criterion": "ANS-1/INCL02.1", "value": true, "date": "2026-01-10" }
            ] }
            """, "p.json");

        var warnings = AnswerCheck.Check(read.Patient!, new[] { trial });

        warnings.Select(w => (w.Code, w.Line, w.Pointer)).Should().Equal(
            (DiagnosticCodes.AnswerUnknownTrial, 4, "/assessments/2"),
            (DiagnosticCodes.AnswerUnknownCriterion, 5, "/assessments/3"),
            (DiagnosticCodes.AnswerNotJudgement, 6, "/assessments/4"));
        warnings.Should().OnlyContain(w => w.Severity == DiagnosticSeverity.Warning && w.File == "p.json");
    }

    [TestCase("ANS-1/incl02.2")]
    [TestCase("INCL02")]
    [TestCase("ANS-1/INCL2")]
    [TestCase("ANS-1/INCL02.")]
    public void A_malformed_criterion_reference_is_an_error_where_it_is_written(string reference)
    {
        var read = PatientReader.Read($$"""
            { "assessments": [ { "criterion": "{{reference}}", "value": true } ] }
            """, "p.json");

        read.Succeeded.Should().BeFalse();
        read.Diagnostics.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Code = DiagnosticCodes.PatientInvalidValue, Pointer = "/assessments/0/criterion", Line = 1 });
    }
}
