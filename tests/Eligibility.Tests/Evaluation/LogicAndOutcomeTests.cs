using System.Collections.Concurrent;
using Eligibility.Patients;
using FsCheck;
using FsCheck.Fluent;
using static Eligibility.Tests.Support.TestTrial;

namespace Eligibility.Tests.Evaluation;

public class KleeneTests
{
    private static readonly Truth T = Truth.True, F = Truth.False, U = Truth.Unknown;

    private static IEnumerable<TestCaseData> AndTable() => new[]
    {
        new TestCaseData(T, T, T), new TestCaseData(T, F, F), new TestCaseData(T, U, U),
        new TestCaseData(F, F, F), new TestCaseData(F, U, F), new TestCaseData(U, U, U),
    };

    private static IEnumerable<TestCaseData> OrTable() => new[]
    {
        new TestCaseData(T, T, T), new TestCaseData(T, F, T), new TestCaseData(T, U, T),
        new TestCaseData(F, F, F), new TestCaseData(F, U, U), new TestCaseData(U, U, U),
    };

    [TestCaseSource(nameof(AndTable))]
    public void And_truth_table(Truth a, Truth b, Truth expected)
    {
        (a & b).Should().Be(expected);
        (b & a).Should().Be(expected);
    }

    [TestCaseSource(nameof(OrTable))]
    public void Or_truth_table(Truth a, Truth b, Truth expected)
    {
        (a | b).Should().Be(expected);
        (b | a).Should().Be(expected);
    }

    [Test]
    public void Not_truth_table()
    {
        (!T).Should().Be(F);
        (!F).Should().Be(T);
        (!U).Should().Be(U);
    }

    private static Assessment? Answer(int value, string part) =>
        value == 2 ? null : new Assessment { Criterion = "DEMO-1/" + part, Value = value == 1, Date = new DateOnly(2026, 1, 1) };

    private static PatientRecord WithAnswers(int a, int b, int c) =>
        Patient().WithAssessments(new[] { Answer(a, "EXCL01.1"), Answer(b, "EXCL01.2"), Answer(c, "EXCL01.3") }.OfType<Assessment>().ToArray());

    private static readonly string Parts = """
        { "id": "EXCL01.1", "kind": "judgement" }, { "id": "EXCL01.2", "kind": "judgement" }, { "id": "EXCL01.3", "kind": "judgement" }
        """;

    private static readonly Lazy<TrialEvaluator> NotAll = new(() => With($$"""{ "kind": "not", "rule": { "kind": "all", "rules": [ {{Parts}} ] } }"""));

    private static readonly Lazy<TrialEvaluator> AnyNot = new(() => With($$"""
        { "kind": "any", "rules": [
          { "kind": "not", "rule": { "id": "EXCL01.1", "kind": "judgement" } },
          { "kind": "not", "rule": { "id": "EXCL01.2", "kind": "judgement" } },
          { "kind": "not", "rule": { "id": "EXCL01.3", "kind": "judgement" } } ] }
        """));

    private static readonly Lazy<TrialEvaluator> NotAny = new(() => With($$"""{ "kind": "not", "rule": { "kind": "any", "rules": [ {{Parts}} ] } }"""));

    private static readonly Lazy<TrialEvaluator> AllNot = new(() => With($$"""
        { "kind": "all", "rules": [
          { "kind": "not", "rule": { "id": "EXCL01.1", "kind": "judgement" } },
          { "kind": "not", "rule": { "id": "EXCL01.2", "kind": "judgement" } },
          { "kind": "not", "rule": { "id": "EXCL01.3", "kind": "judgement" } } ] }
        """));

    /// <summary>Every one of the 27 combinations of three parts, each true, false or unanswered (unknown).</summary>
    private static IEnumerable<TestCaseData> EveryAnswerCombination() =>
        from a in Enumerable.Range(0, 3)
        from b in Enumerable.Range(0, 3)
        from c in Enumerable.Range(0, 3)
        select new TestCaseData(a, b, c);

    private static Truth TruthOf(int answer) => answer switch { 0 => F, 1 => T, _ => U };

    [TestCaseSource(nameof(EveryAnswerCombination))]
    public void De_Morgan_holds_for_rules_under_three_valued_logic(int a, int b, int c)
    {
        var p = WithAnswers(a, b, c);
        Truth x = TruthOf(a), y = TruthOf(b), z = TruthOf(c);

        // Each side against the Kleene value computed independently, so a rule wrong on both sides cannot pass.
        NotAll.Value.Single(p).Truth.Should().Be(!(x & y & z), "not(all)");
        AnyNot.Value.Single(p).Truth.Should().Be(!x | !y | !z, "any(not)");
        NotAny.Value.Single(p).Truth.Should().Be(!(x | y | z), "not(any)");
        AllNot.Value.Single(p).Truth.Should().Be(!x & !y & !z, "all(not)");
    }

    [Test]
    public void AtLeast_counts_true_parts_and_is_unknown_while_undecided()
    {
        var trial = With($$"""{ "kind": "atLeast", "n": 2, "rules": [ {{Parts}} ] }""");
        trial.Single(WithAnswers(1, 1, 0)).Truth.Should().Be(Truth.True);
        trial.Single(WithAnswers(1, 0, 0)).Truth.Should().Be(Truth.False);
        trial.Single(WithAnswers(1, 0, 2)).Truth.Should().Be(Truth.Unknown);
    }
}

public class OutcomeTests
{
    [Test]
    public void Unanswered_judgement_is_review_and_so_is_the_verdict()
    {
        var trial = With("""{ "kind": "judgement", "question": "consent" }""", inclusion: true);
        var result = trial.Evaluate(Patient(), AsOf);
        result.Criteria.Single().Outcome.Should().Be(Outcome.Review);
        result.Verdict.Should().Be(Verdict.Review, "eligible means every criterion, judgement included, is met");
        result.NeedsReview.Should().Equal("INCL01");
        ResultJson.Name(result.Verdict).Should().Be("review");

        var answered = trial.Evaluate(Patient().WithAssessments(new Assessment { Criterion = "DEMO-1/INCL01", Value = true, Date = D("2026-01-10") }), AsOf);
        answered.Verdict.Should().Be(Verdict.Eligible);
    }

    [Test]
    public void Missing_data_outranks_review_and_a_failure_outranks_both()
    {
        var trial = With("""{ "kind": "all", "rules": [ { "kind": "judgement", "question": "consent" }, { "kind": "measurement", "concept": "hemoglobin", "gte": 90, "unit": "g/L" } ] }""", inclusion: true);
        var judgementAndHemoglobin = """{ "kind": "judgement", "question": "consent" }""";

        trial.Evaluate(Patient(), AsOf).Verdict.Should().Be(Verdict.Undetermined);
        trial.Evaluate(Patient().WithLabs(Lab("718-7", 80, "g/L")), AsOf).Verdict.Should().Be(Verdict.Ineligible);
        With(judgementAndHemoglobin, inclusion: true).Evaluate(Patient(), AsOf).Verdict.Should().Be(Verdict.Review);
    }

    [Test]
    public void An_assessment_answers_the_judgement_and_the_latest_answer_on_or_before_as_of_wins()
    {
        var trial = With("""{ "kind": "judgement", "question": "consent" }""", inclusion: true);
        var p = Patient().WithAssessments(
            new Assessment { Criterion = "DEMO-1/INCL01", Value = false, Date = D("2026-01-01") },
            new Assessment { Criterion = "DEMO-1/INCL01", Value = true, Date = D("2026-01-10") },
            new Assessment { Criterion = "DEMO-1/INCL01", Value = false, Date = D("2026-01-20") });
        trial.Single(p).Outcome.Should().Be(Outcome.Pass);
    }

    [Test]
    public void Answers_never_override_computed_parts()
    {
        var trial = With("""{ "kind": "all", "rules": [ { "kind": "age", "gte": 18 }, { "kind": "judgement" } ] }""", inclusion: true);
        var minor = Patient(birth: "2010-01-01").WithAssessments(new Assessment { Criterion = "DEMO-1/INCL01", Value = true, Date = D("2026-01-01") });
        trial.Single(minor).Outcome.Should().Be(Outcome.Fail);
    }

    [Test]
    public void Unknown_with_missing_data_beside_judgement_is_unknown_not_review()
    {
        var trial = With("""{ "kind": "all", "rules": [ { "kind": "measurement", "concept": "hemoglobin", "gte": 80, "unit": "g/L" }, { "kind": "judgement" } ] }""", inclusion: true);
        var result = trial.Evaluate(Patient(), AsOf);
        result.Criteria.Single().Outcome.Should().Be(Outcome.Unknown);
        result.Verdict.Should().Be(Verdict.Undetermined);
        result.Missing.Should().Equal("hemoglobin within the last 28 days");
    }

    [Test]
    public void Verdict_is_ineligible_when_any_criterion_fails()
    {
        var result = Demo1().Evaluate(Patient().WithLabs(Lab("1742-6", 212, "U/L", uln: 40)), AsOf);
        result.Verdict.Should().Be(Verdict.Ineligible);
        result.Criteria.Select(c => c.Id).Should().StartWith(new[] { "INCL01", "INCL02", "INCL03", "INCL04", "EXCL01" });
    }
}

public class DeterminismTests
{
    private static PatientRecord Generated(int seed)
    {
        var random = new Random(seed);
        return Patient(random.Next(2) == 0 ? "female" : "male", $"{1950 + random.Next(50)}-0{1 + random.Next(9)}-1{random.Next(9)}")
            .WithLabs(
                Lab("1742-6", random.Next(10, 300), "U/L", date: $"2026-01-{10 + random.Next(5)}", uln: random.Next(2) == 0 ? 40 : null),
                Lab("718-7", random.Next(60, 160), random.Next(2) == 0 ? "g/L" : "g/dL"),
                Lab("2160-0", random.Next(5, 30) / 10m, "mg/dL"),
                Lab("29463-7", random.Next(45, 110), "kg"))
            .WithConditions(Icd(random.Next(3) == 0 ? "C50.1" : "M32.1", "2023-03-01"))
            .WithMedications(Rx(random.Next(2) == 0 ? "8640" : "3002", "2025-10-01", dose: random.Next(2, 20)));
    }

    [FsCheck.NUnit.Property(MaxTest = 25)]
    public Property Evaluation_is_deterministic(int seed)
    {
        var trial = Demo1();
        var p = Generated(seed);
        return (ResultJson.ToJson(trial.Evaluate(p, AsOf)) == ResultJson.ToJson(trial.Evaluate(p, AsOf))).ToProperty();
    }

    [Test]
    public void Parallel_evaluation_gives_the_same_results_as_sequential()
    {
        var trial = Demo1();
        var patients = Enumerable.Range(0, 400).Select(Generated).ToList();
        var sequential = patients.Select(p => ResultJson.ToJson(trial.Evaluate(p, AsOf), indented: false)).ToList();
        var parallel = new ConcurrentDictionary<int, string>();
        Parallel.For(0, patients.Count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => parallel[i] = ResultJson.ToJson(trial.Evaluate(patients[i], AsOf), indented: false));
        Enumerable.Range(0, patients.Count).Select(i => parallel[i]).Should().Equal(sequential);
        sequential.Distinct().Count().Should().BeGreaterThan(10, "the generated patients differ");
    }
}

public class ResultJsonTests
{
    [Test]
    public void The_JSON_has_the_contract_shape()
    {
        var result = Demo1().Evaluate(Patient().WithLabs(Lab("1742-6", 212, "U/L", uln: 40)), AsOf);
        using var doc = System.Text.Json.JsonDocument.Parse(ResultJson.ToJson(result));
        var root = doc.RootElement;
        root.GetProperty("trial").GetString().Should().Be("DEMO-1");
        root.GetProperty("patient").GetString().Should().Be("p");
        root.GetProperty("asOf").GetString().Should().Be("2026-01-15");
        root.GetProperty("verdict").GetString().Should().Be("ineligible");
        var first = root.GetProperty("criteria")[0];
        first.GetProperty("id").GetString().Should().Be("INCL01");
        first.GetProperty("type").GetString().Should().Be("inclusion");
        first.GetProperty("outcome").GetString().Should().BeOneOf("pass", "fail", "unknown", "review");
        first.GetProperty("explanation").GetString().Should().NotBeNullOrEmpty();
        root.GetProperty("needsReview").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Array);
        root.GetProperty("missing").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Array);
        var excl08 = root.GetProperty("criteria").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "EXCL08");
        excl08.GetProperty("parts").GetArrayLength().Should().Be(2);
        excl08.GetProperty("parts")[0].GetProperty("id").GetString().Should().Be("EXCL08.1");
    }
}

public class PartOutcomeTests
{
    [Test]
    public void A_part_under_not_reports_what_it_does_for_the_criterion()
    {
        var trial = With("""{ "kind": "all", "rules": [ { "kind": "age", "gte": 18 }, { "kind": "not", "rule": { "kind": "pregnancy" } } ] }""", inclusion: true);
        var result = trial.Single(Patient("male"));
        result.Outcome.Should().Be(Outcome.Pass);
        var not = result.Parts[1];
        not.Outcome.Should().Be(Outcome.Pass);
        not.Parts.Single().Truth.Should().Be(Truth.False, "the patient is not pregnant");
        not.Parts.Single().Outcome.Should().Be(Outcome.Pass, "not being pregnant is what this inclusion wants");
        not.Parts.Single().Type.Should().Be(CriterionType.Inclusion);
    }
}

public class CriterionInfoTests
{
    [Test]
    public void Part_ids_are_listed_depth_first()
    {
        var trial = Demo1();
        trial.Criteria.Single(c => c.Id == "EXCL08").PartIds.Should().Equal("EXCL08.1", "EXCL08.2");
        trial.Criteria.Single(c => c.Id == "INCL01").PartIds.Should().BeEmpty();
        trial.Criteria.Single(c => c.Id == "INCL04").IsJudgementOnly.Should().BeTrue();
        trial.Criteria.Single(c => c.Id == "EXCL01").Checks.Should().Be("ALT > 3 × ULN (most recent result within 28 days)");
    }

    // CanBeUnknown must be false only where no record can make the outcome unknown; each "true" row is backed by
    // Reachable_unknowns below, each "false" row by the closed-world rules of SEMANTICS.md.
    [TestCase("""{ "kind": "condition", "concept": "sle" }""", false)]
    [TestCase("""{ "kind": "condition", "concept": "sle", "active": true }""", false)]
    [TestCase("""{ "kind": "condition", "concept": "sle", "absentMeans": "unknown" }""", true)]
    [TestCase("""{ "kind": "condition", "concept": "sle", "occurredWithin": "P1Y" }""", true)]
    [TestCase("""{ "kind": "condition", "concept": "sle", "onsetBefore": "P3M" }""", true)]
    [TestCase("""{ "kind": "procedure", "concept": "dialysis" }""", false)]
    [TestCase("""{ "kind": "procedure", "concept": "dialysis", "occurredWithin": "P1M" }""", true)]
    [TestCase("""{ "kind": "immunization", "concept": "live-vaccine", "within": "P1M" }""", true)]
    [TestCase("""{ "kind": "judgement", "question": "q?" }""", false)]
    [TestCase("""{ "kind": "all", "rules": [ { "kind": "condition", "concept": "sle", "active": true }, { "kind": "judgement", "question": "q?" } ] }""", false)]
    [TestCase("""{ "kind": "not", "rule": { "kind": "condition", "concept": "sle" } }""", false)]
    [TestCase("""{ "kind": "any", "rules": [ { "kind": "condition", "concept": "sle" }, { "kind": "age", "gte": 18 } ] }""", true)]
    public void Whether_a_criterion_can_be_unknown_is_known_at_compile_time(string rule, bool canBeUnknown) =>
        With(rule).Criteria.Single().CanBeUnknown.Should().Be(canBeUnknown);

    [Test]
    public void Reachable_unknowns_are_reached()
    {
        var undatedSle = new Eligibility.Patients.ConditionRecord { Codes = new[] { new Coding("http://snomed.info/sct", "55464009") } };
        With("""{ "kind": "condition", "concept": "sle", "occurredWithin": "P1Y" }""").Single(Patient().WithConditions(undatedSle)).Outcome.Should().Be(Outcome.Unknown);
        With("""{ "kind": "condition", "concept": "sle", "onsetBefore": "P3M" }""").Single(Patient().WithConditions(undatedSle)).Outcome.Should().Be(Outcome.Unknown);
        With("""{ "kind": "condition", "concept": "sle", "absentMeans": "unknown" }""").Single(Patient()).Outcome.Should().Be(Outcome.Unknown);
        With("""{ "kind": "condition", "concept": "sle" }""").Single(Patient().WithConditions(undatedSle)).Outcome.Should().Be(Outcome.Fail, "an undated record is still history");
        With("""{ "kind": "condition", "concept": "sle", "active": true }""").Single(Patient().WithConditions(undatedSle)).Outcome.Should().Be(Outcome.Fail, "no status and no abatement reads as active");
    }
}
