using System.Text;
using Eligibility.Diagnostics;
using Eligibility.Fhir.Tests.Support;

namespace Eligibility.Fhir.Tests;

public class DiagnosticTests
{
    [Test]
    public void Codes_AreUniqueAndInTheFhirBlocks()
    {
        var codes = typeof(FhirDiagnosticCodes).GetFields().Select(f => (string)f.GetValue(null)!).ToList();
        codes.Should().OnlyHaveUniqueItems();
        codes.Should().AllSatisfy(c => c.Should().MatchRegex("^ELIG(31|51)[0-9]{2}$", "bundle mapping is ELIG31xx, value set reading ELIG51xx"));
        codes.Should().NotIntersectWith(typeof(DiagnosticCodes).GetFields().Select(f => (string)f.GetValue(null)!));
    }

    [TestCase("""{"resourceType":"Bundle","type":"collection"}""", true, true)]
    [TestCase("""{"type":"collection","entry":[{"resource":{"resourceType":"Patient"}}],"resourceType":"Bundle"}""", true, true)]
    [TestCase("""{"resourceType":"Patient","id":"p1"}""", false, true)]
    [TestCase("""{"id":"pt-17","birthDate":"1980-02-29"}""", false, false, Description = "a native record")]
    [TestCase("""{"nested":{"resourceType":"Bundle"}}""", false, false, Description = "only the top level counts")]
    [TestCase("""{"resourceType":42}""", false, false)]
    [TestCase("""[{"resourceType":"Bundle"}]""", false, false)]
    [TestCase("""{"resourceType":"Bundle" """, true, true, Description = "cheap: the top-level type decides even if the rest is cut off")]
    [TestCase("{", false, false)]
    [TestCase("", false, false)]
    [TestCase("\uFEFF{\"resourceType\":\"Bundle\"}", true, true, Description = "byte order mark")]
    [TestCase("""{"resource\u0054ype":"Bundle"}""", true, true, Description = "an escaped name: the text never spells resourceType")]
    [TestCase("""{"resourc\u0065Type":"Observation","id":"o"}""", false, true, Description = "an escaped name of a lone resource")]
    [TestCase("""{"note":"caf\u00e9","id":"p"}""", false, false, Description = "a \\u escape elsewhere: read, and no type")]
    [TestCase("""{"resourceTypes":"Bundle"}""", false, false, Description = "spelt inside another name")]
    [TestCase("""{"id":"p","note":"resourceType"}""", false, false, Description = "spelt in a value")]
    public void IsBundle_And_IsFhirResource_ReadOnlyTheTopLevel_AndNeverThrow(string json, bool bundle, bool resource)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        FhirBundleReader.IsBundle(bytes).Should().Be(bundle);
        FhirBundleReader.IsFhirResource(bytes).Should().Be(resource);
    }

    [Test]
    public void MalformedJson_GivesOnePositionedJsonSyntaxError()
    {
        var result = TestBundles.Read("malformed.json");
        result.Patient.Should().BeNull();
        var error = result.Diagnostics.Should().ContainSingle().Subject;
        error.Code.Should().Be(DiagnosticCodes.JsonSyntax);
        error.File.Should().EndWith("malformed.json");
        (error.Line, error.Column).Should().Be((6, 5), "the second entry follows the first without a comma");
        error.ToString().Should().MatchRegex(@"malformed\.json\(6,5\): error ELIG0001: invalid JSON: ");
    }

    [Test]
    public void InvalidUtf8_InAStringTheScanReads_IsAPositionedJsonSyntaxError_NotAnException()
    {
        byte[] bytes = [.. "{\"resourceType\":\"Bun"u8, 0xFF, .. "dle\"}"u8];
        var error = FhirBundleReader.Read(bytes, "x.json").Diagnostics.Should().ContainSingle().Subject;
        error.Code.Should().Be(DiagnosticCodes.JsonSyntax);
        error.Message.Should().Contain("not valid UTF-8");
        (error.Line, error.Column).Should().Be((1, 21));
    }

    [Test]
    public void LoneResource_IsNotABundle()
    {
        // One code for a lone resource in every reader (issue 13): ELIG3001, as PatientReader and PatientInput give it.
        var result = TestBundles.Read("lone-resource.json");
        result.Patient.Should().BeNull();
        var error = result.Diagnostics.Should().ContainSingle().Subject;
        error.Code.Should().Be(DiagnosticCodes.PatientNotRecord);
        error.Message.Should().Be("a lone FHIR Patient is not supported; give a Bundle (or a native patient record)");
        error.Pointer.Should().Be("/resourceType");
        (error.Line, error.Column).Should().Be((2, 19));
        error.Message.Should().Contain("Patient");
    }

    [TestCase("[]")]
    [TestCase("{}")]
    [TestCase("\"Bundle\"")]
    public void NonBundleJson_IsNotABundle(string json)
    {
        var result = FhirBundleReader.Read(Encoding.UTF8.GetBytes(json), "x.json");
        result.Diagnostics.Should().ContainSingle().Which.Code.Should().Be(FhirDiagnosticCodes.NotBundle);
    }

    [Test]
    public void BadResources_EachGetAPositionedError_AndTheRestStillMap()
    {
        var result = TestBundles.Read("bad-resources.json");
        string text = TestBundles.Text("bad-resources.json");
        result.Patient.Should().BeNull("errors void the record");

        var notNumber = result.Diagnostics.Single(d => d.Message.Contains("Observation/not-a-number"));
        notNumber.Code.Should().Be(FhirDiagnosticCodes.InvalidResource);
        notNumber.Pointer.Should().Be("/entry/1/resource/valueQuantity/value");
        (notNumber.Line, notNumber.Column).Should().Be(TestBundles.PositionOf(text, "\"abc\""));

        var notArray = result.Diagnostics.Single(d => d.Message.Contains("Condition/coding-not-array") && d.IsError);
        notArray.Code.Should().Be(FhirDiagnosticCodes.InvalidResource);
        notArray.Pointer.Should().StartWith("/entry/2/resource/code/coding");
        notArray.Line.Should().Be(TestBundles.PositionOf(text, "\"coding\": {").Line);

        var badDate = result.Diagnostics.Single(d => d.Message.Contains("Observation/bad-date"));
        badDate.Code.Should().Be(FhirDiagnosticCodes.InvalidDate);
        badDate.Pointer.Should().Be("/entry/3/resource/effectiveDateTime");
        (badDate.Line, badDate.Column).Should().Be(TestBundles.PositionOf(text, "\"2026-13-45\""));

        var unknown = result.Diagnostics.Single(d => d.Message.Contains("Observation/unknown-element"));
        unknown.Code.Should().Be(FhirDiagnosticCodes.NonConformingContent);
        unknown.Severity.Should().Be(DiagnosticSeverity.Warning);
        unknown.Pointer.Should().Be("/entry/4/resource/flavour");
        (unknown.Line, unknown.Column).Should().Be(TestBundles.PositionOf(text, "\"strawberry\""));

        var notObject = result.Diagnostics.Single(d => d.Code == FhirDiagnosticCodes.InvalidResource && d.Pointer == "/entry/5/resource");
        (notObject.Line, notObject.Column).Should().Be(TestBundles.PositionOf(text, "\"not an object\""));
        result.Diagnostics.Should().Contain(d => d.Code == FhirDiagnosticCodes.InvalidResource && d.Pointer == "/entry/6/resource" && d.Message.Contains("resourceType"));

        var badBirth = result.Diagnostics.Single(d => d.Pointer == "/entry/0/resource/birthDate");
        badBirth.Code.Should().Be(FhirDiagnosticCodes.InvalidDate, "1980-02-30 matches the FHIR pattern but is no calendar day");

        result.Diagnostics.Should().NotContain(d => d.Message.Contains("Observation/fine"));
        result.Diagnostics.Should().AllSatisfy(d => d.Line.Should().BeGreaterThan(0));
    }

    // The reader checks the literals it reads through typed values and the element names and shapes; it does not run
    // profile conformance (cardinality, mandatory elements), which costs a third of a read and changes nothing read here.
    [TestCase("\"valueQuantity\": {\"value\": true, \"unit\": \"U/L\"}", "final", FhirDiagnosticCodes.InvalidResource, Description = "a boolean where a decimal belongs")]
    [TestCase("\"valueBoolean\": \"yes\"", "final", FhirDiagnosticCodes.InvalidResource, Description = "a string where a boolean belongs")]
    [TestCase("\"valueInteger\": 2.5", "final", FhirDiagnosticCodes.InvalidResource, Description = "a fraction where an integer belongs")]
    [TestCase("\"valueBoolean\": true", "finished", FhirDiagnosticCodes.NonConformingContent, Description = "a status outside its value set")]
    [TestCase("\"valueBoolean\": true, \"note\": {\"text\": \"one\"}", "final", FhirDiagnosticCodes.InvalidResource, Description = "one element where a list belongs")]
    [TestCase("\"valueBoolean\": true, \"colour\": \"red\"", "final", FhirDiagnosticCodes.NonConformingContent, Description = "an element R4 does not have")]
    [TestCase("\"valueBoolean\": true", "final", null, Description = "no subject (cardinality 1..1 in R4) is not checked")]
    public void ObservationContent_IsCheckedWhereEligibilityReadsIt(string members, string status, string? code)
    {
        string json = "{\"resourceType\": \"Bundle\", \"type\": \"collection\", \"entry\": [\n"
            + "  {\"resource\": {\"resourceType\": \"Patient\", \"id\": \"p1\", \"birthDate\": \"1980-01-01\"}},\n"
            + "  {\"resource\": {\"resourceType\": \"Observation\", \"id\": \"o1\", \"status\": \"" + status + "\",\n"
            + "    \"code\": {\"coding\": [{\"system\": \"http://loinc.org\", \"code\": \"1742-6\"}]}, \"effectiveDateTime\": \"2026-01-10\", " + members + "}}\n"
            + "]}";
        var result = FhirBundleReader.Read(Encoding.UTF8.GetBytes(json), "x.json");
        var about = result.Diagnostics.Where(d => d.Message.Contains("Observation/o1", StringComparison.Ordinal)).ToList();
        if (code is null)
        {
            about.Should().BeEmpty();
            result.Patient.Should().NotBeNull();
        }
        else
        {
            about.Should().ContainSingle().Which.Code.Should().Be(code, string.Join("; ", about));
            about[0].Line.Should().BeGreaterThan(0);
        }
    }

    [Test]
    public void OtherPatientsResources_AreRejected_NamingThem()
    {
        var result = TestBundles.Read("other-patient.json");
        result.Patient.Should().BeNull();
        var errors = result.WithCode(FhirDiagnosticCodes.OtherPatient).ToList();
        errors.Should().HaveCount(2);
        errors[0].Message.Should().Contain("Observation/theirs").And.Contain("Patient/p2").And.Contain("Patient/p1");
        errors[0].Pointer.Should().Be("/entry/2/resource/subject/reference");
        (errors[0].Line, errors[0].Column).Should().Be(TestBundles.PositionOf(TestBundles.Text("other-patient.json"), "\"Patient/p2\""));
        errors[1].Message.Should().Contain("Immunization/their-vaccine");
        errors[1].Pointer.Should().Be("/entry/3/resource/patient/reference");
        result.Diagnostics.Should().NotContain(d => d.Message.Contains("Observation/mine"));
    }

    [Test]
    public void WithoutAPatientResource_TheFirstSubjectDefinesThePatient()
    {
        var result = TestBundles.Read("no-patient.json");
        result.WithCode(FhirDiagnosticCodes.NoPatient).Should().ContainSingle().Which.Severity.Should().Be(DiagnosticSeverity.Warning);
        result.WithCode(FhirDiagnosticCodes.OtherPatient).Should().ContainSingle().Which.Message.Should().Contain("Observation/b").And.Contain("Patient/p8");
    }

    [Test]
    public void WithoutAPatientResource_TheRecordStillMaps_WithTheSubjectsId()
    {
        string json = """
        {"resourceType":"Bundle","type":"searchset","entry":[
          {"resource":{"resourceType":"Observation","id":"a","status":"final","subject":{"reference":"Patient/p9"},
            "code":{"coding":[{"system":"http://loinc.org","code":"718-7"}]},"effectiveDateTime":"2026-01-10",
            "valueQuantity":{"value":120,"system":"http://unitsofmeasure.org","code":"g/L"}}}]}
        """;
        var result = FhirBundleReader.Read(Encoding.UTF8.GetBytes(json));
        result.HasErrors.Should().BeFalse();
        result.Patient!.Id.Should().Be("p9");
        result.Patient.BirthDate.Should().BeNull();
        result.Patient.Observations.Should().ContainSingle();
    }

    [Test]
    public void TwoDifferentPatients_AreAnError_ButARepeatedPatientIsNot()
    {
        var result = TestBundles.Read("two-patients.json");
        var error = result.WithCode(FhirDiagnosticCodes.MultiplePatients).Should().ContainSingle().Subject;
        error.Message.Should().Contain("Patient/p2");
        error.Pointer.Should().Be("/entry/2/resource");
    }

    [Test]
    public void UnresolvableMedications_AreErrors()
    {
        var result = TestBundles.Read("unresolved-medication.json");
        var errors = result.WithCode(FhirDiagnosticCodes.UnresolvedMedication).ToList();
        errors.Select(e => e.Pointer).Should().Equal(
            "/entry/1/resource/medicationReference/reference",
            "/entry/2/resource/medicationReference/reference",
            "/entry/3/resource/medicationCodeableConcept");
        errors[0].Message.Should().Contain("MedicationRequest/missing-in-bundle").And.Contain("Medication/not-included");
        errors[1].Message.Should().Contain("#absent");
    }

    [Test]
    public void AssessmentWithoutBoolean_IsAnError()
    {
        string json = """
        {"resourceType":"Bundle","type":"collection","entry":[
          {"resource":{"resourceType":"Observation","id":"q","status":"final",
            "code":{"coding":[{"system":"urn:eligibility:criterion","code":"T/INCL01"}]},"valueString":"yes"}}]}
        """;
        var result = FhirBundleReader.Read(Encoding.UTF8.GetBytes(json));
        result.WithCode(FhirDiagnosticCodes.InvalidAssessment).Should().ContainSingle().Which.Pointer.Should().Be("/entry/0/resource/valueString");
    }

    [Test]
    public void MissingFile_IsUnreadable()
    {
        var result = FhirBundleReader.ReadFile(Path.Combine(TestContext.CurrentContext.WorkDirectory, "no-such-bundle.json"));
        result.Diagnostics.Should().ContainSingle().Which.Code.Should().Be(DiagnosticCodes.FileUnreadable);
    }

    [Test]
    public void AnyPrefixOfABundle_NeverThrows()
    {
        var bytes = File.ReadAllBytes(TestBundles.PathOf("medications.json"));
        for (int length = 0; length < bytes.Length; length += 7)
        {
            var cut = bytes[..length];
            var act = () => FhirBundleReader.Read(cut, "cut.json");
            act.Should().NotThrow();
            FhirBundleReader.Read(cut).HasErrors.Should().BeTrue();
        }
    }

    [Test]
    public void RandomlyCorruptedBundles_NeverThrow()
    {
        var random = new Random(20260115);
        var original = File.ReadAllBytes(TestBundles.PathOf("observations.json"));
        byte[] alphabet = Encoding.UTF8.GetBytes("{}[]\":,0123456789-.eE tfn\\/xµ");
        for (int i = 0; i < 300; i++)
        {
            var copy = (byte[])original.Clone();
            for (int k = 0; k < 1 + random.Next(4); k++)
            {
                copy[random.Next(copy.Length)] = alphabet[random.Next(alphabet.Length)];
            }

            var act = () => FhirBundleReader.Read(copy, "fuzz.json");
            act.Should().NotThrow();
        }
    }
}
