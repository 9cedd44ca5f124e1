using Eligibility.Fhir.Tests.Support;
using Eligibility.Patients;

namespace Eligibility.Fhir.Tests;

public class MedicationMappingTests
{
    private PatientReadResult result = null!;
    private PatientRecord patient = null!;

    [OneTimeSetUp]
    public void ReadBundle()
    {
        result = TestBundles.Read("medications.json");
        result.HasErrors.Should().BeFalse(string.Join("\n", result.Diagnostics));
        patient = result.Patient!;
    }

    private MedicationRecord Med(string id) => patient.Medications.Single(m => m.Id == id);

    [Test]
    public void MedicationResources_AreNotRecordsThemselves() => patient.Medications.Should().HaveCount(9);

    [Test]
    public void Statement_ReferencingABundleMedicationById_GetsItsCodeAndIngredients()
    {
        var pred = Med("ms-pred");
        pred.Codes.Select(c => c.Code).Should().Equal("312617", "8640");
        pred.Status.Should().Be("active");
        pred.Start.Should().Be(new DateOnly(2025, 6, 1));
        pred.End.Should().BeNull();
        pred.Source.Should().Be("MedicationStatement/ms-pred");
    }

    [Test]
    public void Dose_FiveMgTwiceDaily_IsTenMgPerDay() => Med("ms-pred").DailyDose.Should().Be(new Quantity(10, "mg/d"));

    [Test]
    public void Request_ReferencingABundleMedicationByFullUrl_UsesTheValidityPeriod()
    {
        var cyc = Med("mr-cyc");
        cyc.Codes.Single().Code.Should().Be("3002");
        cyc.Start.Should().Be(new DateOnly(2025, 12, 1));
        cyc.End.Should().Be(new DateOnly(2026, 2, 28));
        cyc.DailyDose.Should().BeNull("a monthly dose has no meaningful daily dose");
    }

    [Test]
    public void Request_WithoutValidityPeriod_StartsWhenAuthored_AndLastsItsExpectedSupply()
    {
        var mtx = Med("mr-mtx");
        mtx.Start.Should().Be(new DateOnly(2025, 10, 1));
        mtx.End.Should().Be(new DateOnly(2025, 10, 1).AddDays((28 * 3) - 1), "28 days × (1 + 2 repeats)");
        mtx.DailyDose.Should().Be(new Quantity(2.142857m, "mg/d"), "15 mg once a week");
    }

    [Test]
    public void Dispense_WithContainedMedication_LastsItsDaysSupply_AndTimingCodeBid()
    {
        var hcq = Med("md-hcq");
        hcq.Codes.Select(c => c.Code).Should().Equal("P01BA02", "5521");
        hcq.Start.Should().Be(new DateOnly(2025, 12, 20));
        hcq.End.Should().Be(new DateOnly(2026, 1, 18));
        hcq.DailyDose.Should().Be(new Quantity(400, "mg/d"));
        hcq.Status.Should().Be("completed");
    }

    [Test]
    public void Administration_OnOneDay_GivesThatDaysDose()
    {
        var mp = Med("ma-mp");
        mp.Start.Should().Be(new DateOnly(2026, 1, 5));
        mp.End.Should().Be(new DateOnly(2026, 1, 5));
        mp.DailyDose.Should().Be(new Quantity(500, "mg/d"));
    }

    [Test]
    public void Administration_OverAPeriod_GivesNoDailyDose()
    {
        var rtx = Med("ma-rtx");
        rtx.Start.Should().Be(new DateOnly(2025, 3, 1));
        rtx.End.Should().Be(new DateOnly(2025, 3, 1));
        rtx.DailyDose.Should().BeNull();
    }

    [Test]
    public void EnteredInError_IsKeptWithItsStatus() => Med("ms-aza-eie").Status.Should().Be("entered-in-error");

    [Test]
    public void EveryEightHours_IsThreeTimesADay_AndAPartialEndIsTheLastDayOfItsMonth()
    {
        var tac = Med("ms-tac-q8h");
        tac.DailyDose.Should().Be(new Quantity(3, "mg/d"));
        tac.End.Should().Be(new DateOnly(2024, 6, 30));
        result.WithCode(FhirDiagnosticCodes.DateNotUsable).Should().Contain(d => d.Message.Contains("MedicationStatement/ms-tac-q8h"));
    }

    [Test]
    public void CompletedStatement_WithOneDate_IsThatDay_AndAsNeeded_HasNoDailyDose()
    {
        var lef = Med("ms-lef-day");
        lef.Start.Should().Be(new DateOnly(2025, 9, 9));
        lef.End.Should().Be(new DateOnly(2025, 9, 9));
        lef.DailyDose.Should().BeNull();
    }

    [Test]
    public void MappedMedications_EvaluateThroughTheCore()
    {
        var trial = Rules.Compile(
            """
            { "id": "INCL01", "text": "prednisone ≤ 15 mg/day, stable for 4 weeks", "rule": { "kind": "medication", "concept": "prednisone", "stableFor": "P4W", "dose": { "lte": 15, "unit": "mg/d" } } },
            { "id": "INCL02", "text": "currently on hydroxychloroquine", "rule": { "kind": "medication", "concept": "hydroxychloroquine", "current": true } }
            """,
            """
            { "id": "EXCL01", "text": "cyclophosphamide within 3 months", "rule": { "kind": "medication", "concept": "cyclophosphamide", "within": "P3M" } },
            { "id": "EXCL02", "text": "rituximab within 6 months", "rule": { "kind": "medication", "concept": "rituximab", "within": "P6M" } }
            """);
        var evaluation = trial.Evaluate(patient, Rules.AsOf);
        evaluation.Criteria.Select(c => c.Outcome).Should().Equal(Outcome.Pass, Outcome.Pass, Outcome.Fail, Outcome.Pass);
        evaluation.Criteria[2].Explanation.Should().Contain("MedicationRequest/mr-cyc");
    }
}
