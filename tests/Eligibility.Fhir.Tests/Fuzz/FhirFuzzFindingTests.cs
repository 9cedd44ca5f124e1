using System.Text;
using Eligibility.Diagnostics;
using Eligibility.Fhir.Tests.Support;
using Eligibility.Fuzz;
using Eligibility.Patients;

namespace Eligibility.Fhir.Tests.Fuzz;

/// <summary>
/// Every FHIR finding of the fuzzing harness (tests/Eligibility.Fuzz/findings/fhir), replayed through
/// <see cref="FhirBundleReader.Read(byte[], string?, InputLimits?)"/> with the harness's own checks: no exception, every
/// diagnostic inside the input with a pointer that names a value of it; and the diagnostic each fix gives.
/// </summary>
public class FhirFuzzFindingTests
{
    private const string File = "fuzz-bundle.json";

    internal static string FindingsFolder(string target) => Path.Combine(TestBundles.RepositoryRoot(), "tests", "Eligibility.Fuzz", "findings", target);

    private static IEnumerable<TestCaseData> Findings() =>
        Directory.GetFiles(FindingsFolder("fhir"), "*.json").Order(StringComparer.Ordinal)
            .Select(f => new TestCaseData(Path.GetFileName(f)).SetArgDisplayNames(Path.GetFileName(f)));

    /// <summary>Reads a bundle and checks the harness's invariants; both parses (unchecked first, and validating every resource) must agree.</summary>
    internal static PatientReadResult ReadChecked(byte[] utf8)
    {
        PatientReadResult result = null!;
        var read = () => result = FhirBundleReader.Read(utf8, File);
        read.Should().NotThrow();
        using (var text = new InputText(utf8))
        {
            var check = () => text.CheckDiagnostics(result.Diagnostics, File);
            check.Should().NotThrow(string.Join(Environment.NewLine, result.Diagnostics));
        }

        result.Diagnostics.Should().NotContain(d => d.Message.Contains("could not be mapped", StringComparison.Ordinal));
        (result.Patient is null).Should().Be(result.Diagnostics.Any(d => d.IsError), "a record exactly when there is no error");
        var validated = FhirBundleReader.Read(utf8, File, validateEveryResource: true, limits: null);
        validated.Diagnostics.Select(d => d.ToString() + " " + d.Pointer).Should().Equal(result.Diagnostics.Select(d => d.ToString() + " " + d.Pointer),
            "the unchecked first parse gives what the validating parse gives");
        return result;
    }

    private static PatientReadResult Replay(string name) => ReadChecked(System.IO.File.ReadAllBytes(Path.Combine(FindingsFolder("fhir"), name)));

    private static (int Line, int Column) PositionIn(string name, string needle, string? after = null) =>
        TestBundles.PositionOf(System.IO.File.ReadAllText(Path.Combine(FindingsFolder("fhir"), name)), needle, after);

    [TestCaseSource(nameof(Findings))]
    public void EveryFinding_ReadsWithPositionedDiagnosticsOnly(string name) => Replay(name);

    [Test]
    public void QuantityComparatorOutsideItsValueSet_IsAnInvalidResourceAtTheComparator()
    {
        var result = Replay("quantity-comparator-invalid-code.json");
        var d = result.Diagnostics.Should().ContainSingle(x => x.Code == FhirDiagnosticCodes.InvalidResource).Subject;
        d.Pointer.Should().Be("/entry/0/resource/valueQuantity/comparator");
        d.Message.Should().Contain("</");
        (d.Line, d.Column).Should().Be(PositionIn("quantity-comparator-invalid-code.json", "\"</\""));
        result.Patient.Should().BeNull();
    }

    [Test]
    public void QuantityCodeGivenAsANumber_IsAnInvalidResourceAtTheCode()
    {
        var result = Replay("code-given-as-number.json");
        var d = result.Diagnostics.Should().ContainSingle(x => x.Code == FhirDiagnosticCodes.InvalidResource).Subject;
        d.Pointer.Should().Be("/entry/0/resource/valueQuantity/code");
        (d.Line, d.Column).Should().Be(PositionIn("code-given-as-number.json", "9223372036854775808"));
    }

    [Test]
    public void BirthDateWithACapital_IsAnUnknownElementAndNotTheBirthDate()
    {
        var result = Replay("member-name-case-birthdate.json");
        var d = result.Diagnostics.Should().ContainSingle(x => x.Pointer == "/entry/0/resource/BirthDate").Subject;
        d.Code.Should().Be(FhirDiagnosticCodes.NonConformingContent);
        d.Message.Should().Contain("BirthDate");
        result.Diagnostics.Should().NotContain(x => x.Code == FhirDiagnosticCodes.InvalidDate, "1980-02-30 is in an element that is not read");
        result.Patient!.BirthDate.Should().BeNull();
    }

    [Test]
    public void ObservationWithoutEffectiveDate_IsReportedAtTheObservation()
    {
        var result = Replay("absent-member-observation-without-date.json");
        var d = result.WithCode(FhirDiagnosticCodes.DateNotUsable).Should().ContainSingle().Subject;
        d.Pointer.Should().Be("/entry/1/resource");
        d.Message.Should().Contain("has no effective date");
        (d.Line, d.Column).Should().Be(PositionIn("absent-member-observation-without-date.json", "{\"resourceType\": \"Observation\""));
    }

    [Test]
    public void MedicationReferenceWithoutReference_SaysSoAtTheMedicationReference()
    {
        var result = Replay("absent-member-medication-reference.json");
        var d = result.WithCode(FhirDiagnosticCodes.UnresolvedMedication).Should().ContainSingle().Subject;
        d.Pointer.Should().Be("/entry/1/resource/medicationReference");
        d.Message.Should().Contain("has a medicationReference with no reference").And.NotContain("''");
    }

    [Test]
    public void BundleWithoutEntry_IsReportedAtTheBundle()
    {
        var result = Replay("absent-member-bundle-without-entry.json");
        var d = result.WithCode(FhirDiagnosticCodes.NoPatient).Should().ContainSingle().Subject;
        d.Pointer.Should().BeEmpty();
        (d.Line, d.Column).Should().Be((1, 1));
    }

    [Test]
    public void IngredientItemReferenceWithoutReference_SaysSoAtTheItemReference()
    {
        const string json = """
            {"resourceType": "Bundle", "type": "collection", "entry": [
              {"resource": {"resourceType": "Patient", "id": "p1", "birthDate": "1980-01-01"}},
              {"resource": {"resourceType": "Medication", "id": "combo",
                "ingredient": [{"itemReference": {"display": "something"}}]}},
              {"resource": {"resourceType": "MedicationRequest", "id": "m1", "status": "active", "intent": "order",
                "medicationReference": {"reference": "Medication/combo"}, "subject": {"reference": "Patient/p1"}, "authoredOn": "2026-01-01"}}
            ]}
            """;
        var result = ReadChecked(Encoding.UTF8.GetBytes(json));
        var d = result.WithCode(FhirDiagnosticCodes.UnresolvedIngredient).Should().ContainSingle().Subject;
        d.Pointer.Should().Be("/entry/1/resource/ingredient/0/itemReference");
        d.Message.Should().Contain("has an itemReference with no reference").And.NotContain("''");
        (d.Line, d.Column).Should().Be(TestBundles.PositionOf(json, "{\"display\": \"something\"}"));
    }

    [Test]
    public void DispenseWithoutWhenHandedOver_PointsAtWhenPrepared()
    {
        const string json = """
            {"resourceType": "Bundle", "type": "collection", "entry": [
              {"resource": {"resourceType": "Patient", "id": "p1", "birthDate": "1980-01-01"}},
              {"resource": {"resourceType": "MedicationDispense", "id": "d1", "status": "completed",
                "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "10432"}]},
                "subject": {"reference": "Patient/p1"}, "whenPrepared": "2026-01-01"}}
            ]}
            """;
        var result = ReadChecked(Encoding.UTF8.GetBytes(json));
        var d = result.WithCode(FhirDiagnosticCodes.DateNotUsable).Should().ContainSingle().Subject;
        d.Pointer.Should().Be("/entry/1/resource/whenPrepared");
    }

    /// <summary>Finding (930 s runs): a member with an empty name made Firely's parser throw IndexOutOfRangeException
    /// (it reads the name's first character), reported as an internal error. It is an invalid resource, at the member.</summary>
    [Test]
    public void AnEmptyMemberName_IsAnInvalidResourceAtTheMember()
    {
        var result = Replay("empty-member-name.json");
        var d = result.Diagnostics.Should().ContainSingle(x => x.IsError).Subject;
        d.Code.Should().Be(FhirDiagnosticCodes.InvalidResource);
        d.Pointer.Should().Be("/entry/1/resource/");
        d.Message.Should().Be("MedicationStatement/ms is not valid FHIR R4: a member has an empty name (\"\"), which no element has");
        (d.Line, d.Column).Should().Be(PositionIn("empty-member-name.json", "{ \"start\""));
        result.Patient.Should().BeNull();
    }

    [TestCase("""{"resourceType": "Patient", "id": "p1", "": true}""", "/entry/0/resource/")]
    [TestCase("""{"resourceType": "Patient", "id": "p1", "name": [{"family": "A"}, {"": "B"}]}""", "/entry/0/resource/name/1/")]
    [TestCase("""{"resourceType": "Patient", "id": "p1", "maritalStatus": {"coding": [{"system": "s", "": {"": 1}}]}}""", "/entry/0/resource/maritalStatus/coding/0/")]
    [TestCase("""{"resourceType": "Patient", "id": "p1", "contained": [{"resourceType": "Medication", "id": "m", "": []}]}""", "/entry/0/resource/contained/0/")]
    [TestCase("""{"resourceType": "Patient", "id": "p1", "a/b~": {"": null}}""", "/entry/0/resource/a~1b~0/")]
    public void AnEmptyMemberName_AnywhereInAResource_IsAnInvalidResourceAtTheFirstOne(string resource, string pointer)
    {
        string json = """{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": """ + resource + "}]}";
        var result = ReadChecked(Encoding.UTF8.GetBytes(json));
        var d = result.Diagnostics.Should().ContainSingle(x => x.Code == FhirDiagnosticCodes.InvalidResource).Subject;
        d.Pointer.Should().Be(pointer);
        d.Message.Should().Contain("a member has an empty name");
    }

    [TestCase("_")]
    [TestCase(" ")]
    [TestCase("_birthDate")]
    public void ANonEmptyMemberName_IsNotAnEmptyName(string name)
    {
        string json = """{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {"resourceType": "Patient", "id": "p1", """
            + "\"" + name + "\": {\"id\": \"x\"}}}]}";
        var result = ReadChecked(Encoding.UTF8.GetBytes(json));
        result.Diagnostics.Should().NotContain(x => x.Message.Contains("empty name", StringComparison.Ordinal));
    }

    [Test]
    public void AnEmptyMemberName_InAResourceTypeNotRead_IsIgnoredWithTheResource()
    {
        const string json = """
            {"resourceType": "Bundle", "type": "collection", "entry": [
              {"resource": {"resourceType": "Patient", "id": "p1", "birthDate": "1980-01-01"}},
              {"resource": {"resourceType": "Encounter", "id": "e1", "": 1}}
            ]}
            """;
        var result = ReadChecked(Encoding.UTF8.GetBytes(json));
        result.Diagnostics.Should().NotContain(x => x.IsError);
        result.Diagnostics.Should().ContainSingle(x => x.Code == FhirDiagnosticCodes.IgnoredResourceTypes);
    }
}
