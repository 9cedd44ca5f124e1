using Eligibility.Fhir.Tests.Support;
using Eligibility.Patients;

namespace Eligibility.Fhir.Tests;

public class ConditionMappingTests
{
    private PatientReadResult result = null!;
    private PatientRecord patient = null!;

    [OneTimeSetUp]
    public void ReadBundle()
    {
        result = TestBundles.Read("conditions.json");
        result.HasErrors.Should().BeFalse(string.Join("\n", result.Diagnostics));
        patient = result.Patient!;
    }

    private ConditionRecord Condition(string id) => patient.Conditions.Single(c => c.Id == id);

    [Test]
    public void SearchsetBundle_WithAbsolutePatientUrl_IsOnePatient()
    {
        patient.Id.Should().Be("pt-cond");
        patient.Sex.Should().Be(AdministrativeSex.Male);
        patient.Conditions.Should().HaveCount(8);
    }

    [Test]
    public void CodesAndStatuses_AreMapped()
    {
        var sle = Condition("sle");
        sle.Codes.Select(c => c.Code).Should().Equal("55464009", "M32.14");
        sle.ClinicalStatus.Should().Be("active");
        sle.VerificationStatus.Should().Be("confirmed");
        sle.Onset.Should().Be(new DateOnly(2017, 4, 1));
        sle.Abatement.Should().BeNull();
        sle.Source.Should().Be("Condition/sle");
    }

    [Test]
    public void OnsetPeriod_UsesItsStart() => Condition("ild").Onset.Should().Be(new DateOnly(2020, 2, 1));

    [Test]
    public void OnsetAge_IsBirthDatePlusAge()
    {
        var mi = Condition("mi");
        mi.Onset.Should().Be(new DateOnly(2020, 5, 15));
        mi.Abatement.Should().Be(new DateOnly(2020, 6, 1));
        mi.ClinicalStatus.Should().Be("resolved");
    }

    [Test]
    public void OnsetString_ThatIsADate_IsUsed_AndAbatementPeriod_UsesItsEnd()
    {
        var zoster = Condition("zoster");
        zoster.Onset.Should().Be(new DateOnly(2025, 11, 3));
        zoster.Abatement.Should().Be(new DateOnly(2025, 12, 1));
    }

    [Test]
    public void OnsetString_ThatIsNotADate_IsUnknown_WithAWarning()
    {
        var tb = Condition("tb");
        tb.Onset.Should().BeNull();
        tb.Abatement.Should().Be(new DateOnly(1982, 5, 15), "abatementAge 12 yr from a 1970-05-15 birth date");
        result.WithCode(FhirDiagnosticCodes.DateNotUsable).Should().Contain(d => d.Message.Contains("Condition/tb") && d.Pointer!.EndsWith("/onsetString"));
    }

    [Test]
    public void VerificationStatusRefuted_IsKept_ForTheCoreToIgnore() => Condition("hiv-refuted").VerificationStatus.Should().Be("refuted");

    [Test]
    public void PartialDates_OnsetIsUnknown_AbatementIsTheLastDayItCanMean()
    {
        var c = Condition("partial");
        c.Onset.Should().BeNull();
        c.Abatement.Should().Be(new DateOnly(2016, 3, 31));
        result.WithCode(FhirDiagnosticCodes.DateNotUsable).Where(d => d.Message.Contains("Condition/partial")).Should().HaveCount(2);
    }

    [Test]
    public void OnsetRange_UsesItsLowAge_AndAbatementBoolean_GivesNoDate()
    {
        var c = Condition("range");
        c.Onset.Should().Be(new DateOnly(2010, 5, 15));
        c.Abatement.Should().BeNull();
    }

    [Test]
    public void MappedConditions_EvaluateThroughTheCore()
    {
        var history = Rules.Compile("""{ "id": "INCL01", "text": "SLE", "rule": { "kind": "condition", "concept": "sle", "active": true } }""",
            """
            { "id": "EXCL01", "text": "malignancy within 5 years", "rule": { "kind": "condition", "concept": "malignancy", "activeWithin": "P5Y" } },
            { "id": "EXCL02", "text": "zoster within 3 months", "rule": { "kind": "condition", "concept": "herpes-zoster", "activeWithin": "P3M" } }
            """);
        var evaluation = history.Evaluate(patient, Rules.AsOf);
        evaluation.Criteria[0].Outcome.Should().Be(Outcome.Pass);
        evaluation.Criteria[1].Outcome.Should().Be(Outcome.Unknown, "the cancer's onset '2015' names no day, so the core cannot place the episode");
        evaluation.Criteria[2].Outcome.Should().Be(Outcome.Fail, "zoster from 2025-11-03 to 2025-12-01 is inside the 3-month window");
        evaluation.Criteria[2].Explanation.Should().Contain("Condition/zoster");
    }
}
