using Eligibility.Fhir.Tests.Support;
using Eligibility.Patients;
using Eligibility.Time;

namespace Eligibility.Fhir.Tests;

/// <summary>MedicationRequest.intent and the dosing interval of intermittent schedules.</summary>
public class MedicationScheduleTests
{
    private PatientReadResult result = null!;
    private PatientRecord patient = null!;

    [OneTimeSetUp]
    public void ReadBundle()
    {
        result = TestBundles.Read("medication-schedules.json");
        result.HasErrors.Should().BeFalse(string.Join("\n", result.Diagnostics));
        patient = result.Patient!;
    }

    private MedicationRecord Med(string id) => patient.Medications.Single(m => m.Id == id);

    [TestCase("rtx-q4w", "order", true)]
    [TestCase("agreeing", "original-order", true)]
    [TestCase("cyc-plan", "plan", false)]
    [TestCase("cyc-proposal", "proposal", false)]
    public void RequestIntent_IsPassedThroughRaw_ForTheCoreToJudge(string id, string intent, bool exposure)
    {
        Med(id).Intent.Should().Be(intent);
        Med(id).IsExposure.Should().Be(exposure);
    }

    [Test]
    public void Statements_HaveNoIntent() => Med("rtx-q6mo").Intent.Should().BeNull();

    [TestCase("rtx-q4w", 0, 0, 4, 0, Description = "every 4 weeks")]
    [TestCase("cyc-plan", 0, 1, 0, 0, Description = "monthly, frequency absent")]
    [TestCase("rtx-q6mo", 0, 6, 0, 0, Description = "every 6 months; periodMax ignored")]
    [TestCase("yearly", 1, 0, 0, 0)]
    [TestCase("every-other-day", 0, 0, 0, 2)]
    [TestCase("agreeing", 0, 0, 4, 0, Description = "two instructions with the same interval")]
    public void OneDosePerPeriodLongerThanADay_IsTheDosingInterval(string id, int years, int months, int weeks, int days) =>
        Med(id).DosingInterval.Should().Be(new IsoDuration(years, months, weeks, days));

    [TestCase("daily", Description = "once a day is not intermittent")]
    [TestCase("twice-weekly", Description = "two doses per period")]
    [TestCase("fractional", Description = "every 1.5 weeks is not a whole period")]
    [TestCase("hourly", Description = "hours are not read, even 72 of them")]
    [TestCase("disagreeing", Description = "instructions with different intervals")]
    [TestCase("no-timing")]
    [TestCase("cyc-proposal", Description = "no dosage at all")]
    public void OtherSchedules_HaveNoDosingInterval(string id) => Med(id).DosingInterval.Should().BeNull();

    [Test]
    public void TheDailyDose_IsUnchanged()
    {
        Med("every-other-day").DailyDose.Should().Be(new Quantity(5, "mg/d"));
        Med("daily").DailyDose.Should().Be(new Quantity(200, "mg/d"));
        Med("rtx-q4w").DailyDose.Should().Be(new Quantity(35.714286m, "mg/d"), "1000 mg every 4 weeks, as before");
    }

    [Test]
    public void TheExistingBundle_MonthlyAndWeeklyOrders_GetTheirIntervals()
    {
        var medications = TestBundles.Patient("medications.json").Medications;
        medications.Single(m => m.Id == "mr-cyc").Should().Match<MedicationRecord>(m => m.DosingInterval == new IsoDuration(0, 1, 0, 0) && m.Intent == "order");
        medications.Single(m => m.Id == "mr-mtx").DosingInterval.Should().Be(new IsoDuration(0, 0, 1, 0));
        medications.Single(m => m.Id == "ms-pred").DosingInterval.Should().BeNull("twice a day");
        medications.Single(m => m.Id == "md-hcq").DosingInterval.Should().BeNull("dispenses are not read for a schedule");
    }
}

/// <summary>Medication codes: the Medication's code plus its ingredients' codes, from a concept or a referenced Medication.</summary>
public class MedicationIngredientTests
{
    private const string RxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";

    private PatientReadResult result = null!;
    private PatientRecord patient = null!;

    [OneTimeSetUp]
    public void ReadBundle()
    {
        result = TestBundles.Read("ingredients.json");
        result.HasErrors.Should().BeFalse(string.Join("\n", result.Diagnostics));
        patient = result.Patient!;
    }

    private MedicationRecord Med(string id) => patient.Medications.Single(m => m.Id == id);

    [Test]
    public void BundledMedication_IngredientReference_ToABundledMedication_AddsItsCode_OneLevelOnly() =>
        Med("bundled").Codes.Should().Equal(new Coding(RxNorm, "312615", "prednisone 20 MG Oral Tablet"), new Coding(RxNorm, "8640", "prednisone"));

    [Test]
    public void ContainedMedication_IngredientReference_ToAContainedMedication_AddsItsCode() =>
        Med("contained").Codes.Select(c => c.Code).Should().Equal("1734919", "3002");

    [Test]
    public void ContainedMedication_IngredientConcept_AddsItsCodes() =>
        Med("contained-concept").Codes.Select(c => c.Code).Should().Equal("1657862", "121191");

    [Test]
    public void UnresolvedIngredientReference_IsWarnedOnce_AtTheReference_AndTheMedicationKeepsItsOwnCode()
    {
        Med("ingredient-unresolved").Codes.Select(c => c.Code).Should().Equal("1256");
        Med("ingredient-unresolved-again").Codes.Select(c => c.Code).Should().Equal("1256");
        var warning = result.WithCode(FhirDiagnosticCodes.UnresolvedIngredient).Should().ContainSingle().Subject;
        warning.Severity.Should().Be(DiagnosticSeverity.Warning);
        warning.Pointer.Should().Be("/entry/6/resource/ingredient/0/itemReference/reference");
        warning.Message.Should().Contain("Substance/azathioprine").And.Contain("Medication/aza");
        (warning.Line, warning.Column).Should().Be(TestBundles.PositionOf(TestBundles.Text("ingredients.json"), "\"Substance/azathioprine\""));
    }

    [Test]
    public void UnresolvedIngredientReference_InAContainedMedication_IsPositionedInsideTheContainer()
    {
        string json = """
        {"resourceType":"Bundle","type":"collection","entry":[
          {"resource":{"resourceType":"MedicationStatement","id":"s","status":"active","subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-01-02",
            "contained":[{"resourceType":"Medication","id":"m","code":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"1256"}]},
              "ingredient":[{"itemReference":{"reference":"#gone"}}]}],
            "medicationReference":{"reference":"#m"}}}]}
        """;
        var read = FhirBundleReader.Read(System.Text.Encoding.UTF8.GetBytes(json), "x.json");
        var warning = read.WithCode(FhirDiagnosticCodes.UnresolvedIngredient).Should().ContainSingle().Subject;
        warning.Pointer.Should().Be("/entry/0/resource/contained/0/ingredient/0/itemReference/reference");
        (warning.Line, warning.Column).Should().Be(TestBundles.PositionOf(json, "\"#gone\""));
        read.Patient!.Medications.Single().Codes.Select(c => c.Code).Should().Equal("1256");
    }

    [Test]
    public void IngredientCodes_MatchAnIngredientBindingThroughTheCore()
    {
        var trial = Rules.Compile("""{ "id": "INCL01", "text": "on cyclophosphamide", "rule": { "kind": "medication", "concept": "cyclophosphamide", "within": "P3M" } }""");
        trial.Only(patient).Outcome.Should().Be(Outcome.Pass, "the contained product names cyclophosphamide as a referenced ingredient");
    }
}
