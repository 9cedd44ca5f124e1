using Eligibility.Codes;
using Eligibility.Patients;
using static Eligibility.Tests.Support.TestTrial;

namespace Eligibility.Tests.Evaluation;

/// <summary>
/// Qualitative results (HBsAg): read from a coded value, a text or an interpretation against the concept's answers,
/// answers named positive/negative knowing the usual codes and words; a result that is present but unreadable is
/// unknown and says so — never "no result".
/// </summary>
public class QualitativeTests
{
    // LOINC 5196-1: HBsAg [Presence] in Serum or Plasma by Immunoassay. The concept lists no answer codes: the defaults apply.
    private const string Hbsag = """{ "hbsag": { "label": "HBsAg", "codes": { "http://loinc.org": ["5196-1"] }, "answers": { "positive": {}, "negative": {} } } }""";

    private const string Rule = """{ "kind": "coded", "concept": "hbsag", "answer": "positive" }""";

    private static ObservationRecord Result(string? text = null, Coding[]? codes = null, Coding[]? interpretation = null, decimal? value = null) => new()
    {
        Id = "hbsag-1",
        Source = "Observation/hbsag-1",
        Codes = new[] { Loinc("5196-1") },
        ValueText = text,
        ValueCodes = codes ?? Array.Empty<Coding>(),
        Interpretation = interpretation ?? Array.Empty<Coding>(),
        Value = value,
        Unit = value is null ? null : "{index_val}",
        Status = "final",
        Date = D("2026-01-10"),
    };

    private static CriterionResult Evaluate(ObservationRecord o) => With(Rule, extraConcepts: Hbsag).Single(Patient().WithLabs(o));

    [TestCase("Non-reactive")]
    [TestCase("NON REACTIVE")]
    [TestCase(" non-reactive. ")]
    [TestCase("Nonreactive")]
    [TestCase("Negative")]
    [TestCase("not detected")]
    [TestCase("NEG")]
    public void A_negative_text_is_read_as_negative(string text)
    {
        var result = Evaluate(Result(text));

        result.Outcome.Should().Be(Outcome.Pass);
        result.Truth.Should().Be(Truth.False);
        result.Explanation.Should().Contain("means negative");
    }

    [TestCase("Reactive")]
    [TestCase("POSITIVE")]
    [TestCase("Detected")]
    public void A_positive_text_is_read_as_positive(string text) =>
        Evaluate(Result(text)).Outcome.Should().Be(Outcome.Fail);

    [TestCase("http://snomed.info/sct", "131194007", "pass", Description = "SNOMED Non-reactive")]
    [TestCase("http://snomed.info/sct", "260385009", "pass", Description = "SNOMED Negative")]
    [TestCase("http://loinc.org", "LA6577-6", "pass", Description = "LOINC answer Negative")]
    [TestCase("http://snomed.info/sct", "260415000", "pass", Description = "SNOMED Not detected")]
    [TestCase("http://snomed.info/sct", "260373001", "fail", Description = "SNOMED Detected")]
    [TestCase("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "ND", "pass", Description = "interpretation Not detected")]
    [TestCase("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "DET", "fail", Description = "interpretation Detected")]
    [TestCase("http://snomed.info/sct", "11214006", "fail", Description = "SNOMED Reactive")]
    [TestCase("http://snomed.info/sct", "10828004", "fail", Description = "SNOMED Positive")]
    [TestCase("http://loinc.org", "LA6576-8", "fail", Description = "LOINC answer Positive")]
    public void Default_answer_codes_are_read_without_being_listed(string system, string code, string outcome) =>
        Evaluate(Result(codes: new[] { new Coding(system, code) })).Outcome.ToString().ToLowerInvariant().Should().Be(outcome);

    [Test]
    public void Any_coding_of_a_coded_value_may_carry_the_answer()
    {
        var result = Evaluate(Result(codes: new[] { new Coding("urn:lab:local", "NR"), new Coding(CodeSystems.Snomed, "131194007", "Non-reactive") }));

        result.Outcome.Should().Be(Outcome.Pass);
    }

    [Test]
    public void An_interpretation_alone_is_read()
    {
        var negative = new Coding(CodeSystems.ObservationInterpretation, "NEG", "Negative");

        Evaluate(Result(value: 0.31m, interpretation: new[] { negative })).Outcome.Should().Be(Outcome.Pass);
        Evaluate(Result(interpretation: new[] { new Coding(CodeSystems.ObservationInterpretation, "POS") })).Outcome.Should().Be(Outcome.Fail);
    }

    [Test]
    public void A_result_present_but_unreadable_is_unknown_and_says_it_was_there()
    {
        var result = Evaluate(Result("Weakly positive"));

        result.Outcome.Should().Be(Outcome.Unknown);
        result.Explanation.Should().Contain("HBsAg \"Weakly positive\" on 2026-01-10 (Observation/hbsag-1) is present but could not be read");
        result.Explanation.Should().NotContain("No HBsAg result");
        result.Missing.Should().Equal("HBsAg result that can be read");
    }

    [Test]
    public void A_numeric_result_without_an_interpretation_is_unreadable_not_absent()
    {
        var result = Evaluate(Result(value: 0.31m));

        result.Outcome.Should().Be(Outcome.Unknown);
        result.Explanation.Should().Contain("present but could not be read");
    }

    [Test]
    public void A_result_whose_parts_disagree_is_unknown()
    {
        var result = Evaluate(Result("Reactive", interpretation: new[] { new Coding(CodeSystems.ObservationInterpretation, "NEG") }));

        result.Outcome.Should().Be(Outcome.Unknown);
        result.Explanation.Should().Contain("contradicts itself");
    }

    [Test]
    public void No_result_at_all_is_still_reported_as_no_result()
    {
        var result = With(Rule, extraConcepts: Hbsag).Single(Patient());

        result.Outcome.Should().Be(Outcome.Unknown);
        result.Explanation.Should().StartWith("No HBsAg result between");
    }

    [Test]
    public void With_absentMeans_false_no_result_is_not_met_but_an_unreadable_one_is_still_unknown()
    {
        var trial = With("""{ "kind": "coded", "concept": "hbsag", "answer": "positive", "absentMeans": "false" }""", extraConcepts: Hbsag);

        var none = trial.Single(Patient());
        none.Outcome.Should().Be(Outcome.Pass);
        none.Explanation.Should().Contain("no result means not met");
        trial.Single(Patient().WithLabs(Result("Weakly positive"))).Outcome.Should().Be(Outcome.Unknown);
        trial.Single(Patient().WithLabs(Result("Reactive"))).Outcome.Should().Be(Outcome.Fail);
    }

    [Test]
    public void An_answer_may_declare_its_own_texts()
    {
        const string concept = """{ "ana": { "codes": { "urn:eligibility:concept": ["ana"] }, "answers": { "present": { "text": ["speckled pattern", "homogeneous pattern"] }, "absent": { "boolean": false } } } }""";
        var trial = With("""{ "kind": "coded", "concept": "ana", "answer": "present" }""", inclusion: true, extraConcepts: concept);
        var result = new ObservationRecord { Codes = new[] { new Coding("urn:eligibility:concept", "ana") }, ValueText = "Speckled Pattern", Status = "final", Date = D("2026-01-10") };

        trial.Single(Patient().WithLabs(result)).Outcome.Should().Be(Outcome.Pass);
    }

    [Test]
    public void An_answer_other_than_positive_or_negative_that_lists_nothing_is_an_error()
    {
        const string concept = """{ "ana": { "codes": { "urn:eligibility:concept": ["ana"] }, "answers": { "present": {} } } }""";

        Compile("""{ "kind": "coded", "concept": "ana", "answer": "present" }""", extraConcepts: concept)
            .Diagnostics.Should().ContainSingle(d => d.IsError).Which.Pointer.Should().Be("/concepts/ana/answers/present");
    }
}
