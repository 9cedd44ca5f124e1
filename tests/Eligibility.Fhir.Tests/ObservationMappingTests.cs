using Eligibility.Diagnostics;
using Eligibility.Fhir.Tests.Support;
using Eligibility.Patients;

namespace Eligibility.Fhir.Tests;

public class ObservationMappingTests
{
    private PatientRecord patient = null!;
    private PatientReadResult result = null!;

    [OneTimeSetUp]
    public void ReadBundle()
    {
        result = TestBundles.Read("observations.json");
        result.HasErrors.Should().BeFalse(string.Join("\n", result.Diagnostics));
        patient = result.Patient!;
    }

    private ObservationRecord Obs(string id) => patient.Observations.Single(o => o.Id == id);

    [Test]
    public void Patient_IdSexAndBirthDate_AreMapped()
    {
        patient.Id.Should().Be("pt-obs");
        patient.Sex.Should().Be(AdministrativeSex.Female);
        patient.BirthDate.Should().Be(new DateOnly(1980, 2, 29));
    }

    [Test]
    public void ValueQuantity_WithUcumCode_KeepsValueUnitRangeStatusDateAndSource()
    {
        var alt = Obs("alt-1");
        alt.Codes.Should().ContainSingle().Which.Should().Be(new Coding("http://loinc.org", "1742-6", "ALT"));
        alt.Value.Should().Be(212m);
        alt.Unit.Should().Be("U/L");
        alt.ReferenceRange.Should().Be(new ReferenceRange { Low = 7, High = 40, Unit = "U/L" });
        alt.Status.Should().Be("final");
        alt.Date.Should().Be(new DateOnly(2026, 1, 10), "a date-time's day is the day as written, not converted to UTC");
        alt.Source.Should().Be("Observation/alt-1");
    }

    [TestCase("hb-gdl", 11.8, "g/dL", "amended", Description = "UCUM code preferred")]
    [TestCase("hb-gl", 118, "g/L", "final", Description = "unit string only (no system)")]
    [TestCase("plt-k", 45, "10*3/uL", "final", Description = "UCUM code wins over a human-readable unit")]
    [TestCase("plt-ul", 45000, "/uL", "corrected")]
    [TestCase("cr-umol", 106.1, "umol/L", "corrected", Description = "µmol/L written as UCUM umol/L")]
    public void ValueQuantity_UnitVariants_AreKeptFaithfully(string id, decimal value, string unit, string status)
    {
        var o = Obs(id);
        o.Value.Should().Be(value);
        o.Unit.Should().Be(unit);
        if (id != "cr-umol")
        {
            o.Status.Should().Be(status);
        }
    }

    [Test]
    public void ReferenceRange_WithOnlyHigh_KeepsItsOwnUnit() =>
        Obs("cr-umol").ReferenceRange.Should().Be(new ReferenceRange { High = 97, Unit = "umol/L" });

    [Test]
    public void EffectivePeriod_UsesItsStart() => Obs("plt-k").Date.Should().Be(new DateOnly(2026, 1, 10));

    [Test]
    public void EffectiveInstant_UsesItsDay() => Obs("plt-ul").Date.Should().Be(new DateOnly(2026, 1, 7));

    [Test]
    public void ValueCodeableConcept_BecomesValueCodes() =>
        Obs("preg-1").ValueCodes.Should().Equal(new Coding("http://loinc.org", "LA26683-5", "Not pregnant"));

    [Test]
    public void ValueBoolean_IsMapped() => Obs("ana-1").ValueBoolean.Should().BeTrue();

    [Test]
    public void ValueInteger_IsAUnitlessCount() => Obs("sledai-1").Should().Match<ObservationRecord>(o => o.Value == 8 && o.Unit == "1");

    [Test]
    public void QuantityWithoutUnit_IsKeptWithEmptyUnit_AndWarned()
    {
        Obs("alt-nounit").Should().Match<ObservationRecord>(o => o.Value == 30 && o.Unit == string.Empty);
        var warning = result.WithCode(FhirDiagnosticCodes.QuantityWithoutUnit).Should().ContainSingle().Subject;
        warning.Severity.Should().Be(DiagnosticSeverity.Warning);
        warning.Message.Should().Contain("Observation/alt-nounit");
        warning.Pointer.Should().Be("/entry/9/resource/valueQuantity");
        (warning.Line, warning.Column).Should().Be(TestBundles.PositionOf(TestBundles.Text("observations.json"), "{ \"value\": 30 }"));
    }

    [Test]
    public void QuantityWithComparator_IsSkipped_AndWarned()
    {
        patient.Observations.Should().NotContain(o => o.Id == "crp-lt");
        result.WithCode(FhirDiagnosticCodes.ValueNotUsable).Should().Contain(d => d.Message.Contains("Observation/crp-lt") && d.Pointer!.EndsWith("/valueQuantity/comparator"));
    }

    [Test]
    public void ValueString_BecomesValueText_WithoutAWarning()
    {
        Obs("note-1").Should().Match<ObservationRecord>(o => o.ValueText == "feels well" && o.Value == null && o.ValueCodes.Count == 0);
        result.Diagnostics.Should().NotContain(d => d.Message.Contains("Observation/note-1"));
    }

    [Test]
    public void Statuses_ArePassedThroughForTheCoreToJudge()
    {
        Obs("alt-cancelled").Status.Should().Be("cancelled");
        Obs("alt-eie").Status.Should().Be("entered-in-error");
        Obs("alt-prelim").Status.Should().Be("preliminary");
    }

    [Test]
    public void Components_EachBecomeAResultWithTheComponentCode()
    {
        var parts = patient.Observations.Where(o => o.Source == "Observation/bp-1").ToList();
        parts.Should().HaveCount(2, "the panel itself has no value and the uncoded component is skipped");
        parts[0].Codes.Single().Code.Should().Be("8480-6");
        parts[0].Should().Match<ObservationRecord>(o => o.Value == 128 && o.Unit == "mm[Hg]" && o.Status == "final" && o.Date == new DateOnly(2026, 1, 10));
        parts[1].Codes.Single().Code.Should().Be("8462-4");
        parts[1].Value.Should().Be(82);
        parts.Select(p => p.Id).Should().OnlyHaveUniqueItems();
    }

    [Test]
    public void CriterionObservation_BecomesAnAssessment_NotAResult()
    {
        patient.Observations.Should().NotContain(o => o.Id == "consent-1");
        var answer = patient.Assessments.Should().ContainSingle().Subject;
        answer.Should().BeEquivalentTo(new Assessment
        {
            Criterion = "NCT07077486/INCL05",
            Value = true,
            Date = new DateOnly(2026, 1, 10),
            By = "Dr Li",
            Source = "Observation/consent-1",
        }, o => o.Excluding(a => a.Position));

        // The answer remembers where it is, so a warning about what it names (a misspelt trial ID) can point there.
        answer.Position.Should().NotBeNull();
        answer.Position!.Value.Pointer.Should().EndWith("/resource/code");
        answer.Position.Value.Line.Should().BePositive();
    }

    [Test]
    public void UnusedResourceTypes_AreIgnored_AndCountedInOneWarning()
    {
        var warning = result.WithCode(FhirDiagnosticCodes.IgnoredResourceTypes).Should().ContainSingle().Subject;
        warning.Severity.Should().Be(DiagnosticSeverity.Warning);
        warning.Message.Should().Contain("Encounter ×2").And.Contain("Practitioner ×1").And.StartWith("3 ");
        warning.Pointer.Should().Be("/entry/18/resource");
    }

    [Test]
    public void Mapping_ReportsOnlyTheExpectedWarnings() =>
        result.Diagnostics.Select(d => d.Code).Distinct().Should().BeEquivalentTo(
            FhirDiagnosticCodes.QuantityWithoutUnit, FhirDiagnosticCodes.ValueNotUsable, FhirDiagnosticCodes.IgnoredResourceTypes);
}
