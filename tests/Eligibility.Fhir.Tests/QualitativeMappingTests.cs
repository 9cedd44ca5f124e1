using Eligibility.Diagnostics;
using Eligibility.Fhir.Tests.Support;
using Eligibility.Patients;

namespace Eligibility.Fhir.Tests;

/// <summary>Qualitative results (HBsAg): read from a coded value, a text value or an interpretation, never dropped while
/// they carry one of them.</summary>
public class QualitativeMappingTests
{
    private const string Snomed = "http://snomed.info/sct";
    private const string V3 = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

    private PatientRecord patient = null!;
    private PatientReadResult result = null!;

    [OneTimeSetUp]
    public void ReadBundle()
    {
        result = TestBundles.Read("qualitative.json");
        result.HasErrors.Should().BeFalse(string.Join("\n", result.Diagnostics));
        patient = result.Patient!;
    }

    private ObservationRecord Obs(string id) => patient.Observations.Single(o => o.Id == id);

    [Test]
    public void CodedValue_KeepsEveryCodingWithSystemAndCode_AndNotTheText()
    {
        var o = Obs("hbsag-coded");
        o.ValueCodes.Should().Equal(new Coding(Snomed, "131194007", "Non-reactive"), new Coding(V3, "NEG", "Negative"));
        o.ValueText.Should().BeNull("the codings say it; the text is only their label");
        o.Interpretation.Should().BeEmpty();
    }

    [Test]
    public void CodedValue_WithOnlyText_BecomesValueText() =>
        Obs("hbsag-text").Should().Match<ObservationRecord>(o => o.ValueText == "Non-reactive" && o.ValueCodes.Count == 0 && o.HasContent);

    [Test]
    public void ValueString_BecomesValueText() => Obs("hbsag-string").ValueText.Should().Be("Non-reactive");

    [Test]
    public void NoValue_ButAnInterpretation_IsKept_AsAResultReadFromItsInterpretation()
    {
        var o = Obs("hbsag-interpreted");
        o.Value.Should().BeNull();
        o.ValueCodes.Should().BeEmpty();
        o.ValueText.Should().BeNull();
        o.Interpretation.Should().Equal(new Coding(V3, "NEG", "Negative"));
        o.HasContent.Should().BeTrue();
        o.Date.Should().Be(new DateOnly(2026, 1, 8));
    }

    [Test]
    public void Interpretation_TakesEveryCodingOfEveryConcept_BesideTheValue()
    {
        var o = Obs("hbsag-both");
        o.ValueText.Should().Be("Reactive");
        o.Interpretation.Should().Equal(new Coding(V3, "POS", "Positive"), new Coding(Snomed, "10828004", "Positive"));
    }

    [Test]
    public void NeitherValueNorInterpretation_IsStillNoResult()
    {
        patient.Observations.Should().NotContain(o => o.Id == "hbsag-absent");
        result.Diagnostics.Should().NotContain(d => d.Message.Contains("Observation/hbsag-absent"), "an absent value (dataAbsentReason) is no result, as before");
    }

    [Test]
    public void CodedValue_WithNeitherCodingNorText_IsSkipped_AndWarned()
    {
        patient.Observations.Should().NotContain(o => o.Id == "hbsag-uncoded");
        var warning = result.WithCode(FhirDiagnosticCodes.ValueNotUsable).Single(d => d.Message.Contains("Observation/hbsag-uncoded"));
        warning.Pointer.Should().Be("/entry/7/resource/valueCodeableConcept");
        warning.Message.Should().Contain("neither a coding with a system and a code nor a text");
    }

    [Test]
    public void InterpretationWithoutCodings_AndNoValue_IsSkipped_AndWarned()
    {
        patient.Observations.Should().NotContain(o => o.Id == "hbsag-interpretation-text");
        var warning = result.WithCode(FhirDiagnosticCodes.ValueNotUsable).Single(d => d.Message.Contains("Observation/hbsag-interpretation-text"));
        warning.Severity.Should().Be(DiagnosticSeverity.Warning);
        warning.Pointer.Should().Be("/entry/8/resource/interpretation");
        (warning.Line, warning.Column).Should().Be(TestBundles.PositionOf(TestBundles.Text("qualitative.json"), "[ { \"text\": \"positive\" } ]"));
    }

    [Test]
    public void Components_WithAnInterpretation_AreKept_AndAComponentWithNeither_IsNot()
    {
        var parts = patient.Observations.Where(o => o.Source == "Observation/hep-panel").ToList();
        parts.Select(p => p.Id).Should().Equal("hep-panel/component/0", "hep-panel/component/1");
        parts[0].Codes.Single().Code.Should().Be("5196-1");
        parts[0].Interpretation.Should().Equal(new Coding(V3, "POS"));
        parts[0].HasContent.Should().BeTrue();
        parts[1].Should().Match<ObservationRecord>(o => o.ValueText == "Reactive" && o.Interpretation.Count == 1);
        patient.Observations.Should().NotContain(o => o.Codes.Any(c => c.Code == "7905-3"));
        patient.Observations.Should().NotContain(o => o.Id == "hep-panel", "the panel itself has neither value nor interpretation");
    }

    [Test]
    public void UnusableValue_WithAnInterpretation_KeepsTheInterpretation_AndWarnsAboutTheValue()
    {
        var o = Obs("hbsag-ratio");
        o.Value.Should().BeNull();
        o.Interpretation.Should().Equal(new Coding(V3, "NEG"));
        result.WithCode(FhirDiagnosticCodes.ValueNotUsable).Should().ContainSingle(d => d.Pointer == "/entry/10/resource/valueRatio");
    }

    [Test]
    public void Mapping_ReportsOnlyTheUnusableValues() =>
        result.Diagnostics.Select(d => d.Code).Should().AllBe(FhirDiagnosticCodes.ValueNotUsable).And.HaveCount(3);

    [TestCase("hbsag-coded", Outcome.Fail, Description = "SNOMED Non-reactive: negative")]
    [TestCase("hbsag-text", Outcome.Fail, Description = "text 'Non-reactive': negative")]
    [TestCase("hbsag-string", Outcome.Fail)]
    [TestCase("hbsag-interpreted", Outcome.Fail, Description = "interpretation NEG: negative")]
    [TestCase("hbsag-both", Outcome.Pass, Description = "'Reactive' and POS: positive")]
    [TestCase("hbsag-ratio", Outcome.Fail, Description = "read from the interpretation alone")]
    public void MappedQualitativeResults_ReadThroughTheCore(string id, Outcome outcome)
    {
        var trial = Rules.Compile("""{ "id": "INCL01", "text": "HBsAg positive", "rule": { "kind": "coded", "concept": "hbsag", "answer": "positive" } }""",
            extraConcepts: """ "hbsag": { "codes": { "http://loinc.org": ["5196-1"] }, "answers": { "positive": { "boolean": true }, "negative": { "boolean": false } } } """);
        var one = patient with { Observations = new[] { Obs(id) } };
        trial.Only(one).Outcome.Should().Be(outcome, trial.Only(one).Explanation);
    }
}
