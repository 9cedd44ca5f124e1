using Eligibility.Testing;

namespace Eligibility.Cli.Tests;

/// <summary>The example-case file reader: structure, positions and the checks <c>validate</c> relies on.</summary>
[TestFixture]
public sealed class CaseFileTests
{
    private const string Patient = """{ "id": "p", "asOf": "2026-01-15", "birthDate": "1985-06-01", "sex": "female" }""";

    private string dir = string.Empty;

    [SetUp]
    public void CreateFolder()
    {
        dir = TestPaths.NewTempFolder();
        File.Copy(TestPaths.TinyRules, Path.Combine(dir, "TINY-1.json"));
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(dir, true);

    [Test]
    public void The_fixture_reads_cleanly()
    {
        var file = CaseFileReader.Read(TestPaths.TinyCases);

        file.IsUnusable.Should().BeFalse();
        file.AllDiagnostics.Should().BeEmpty();
        file.Cases.Should().HaveCount(12);
        file.Cases.Should().OnlyContain(c => c.CanRun);
        file.Cases[0].ExpectedVerdict.Should().Be(Verdict.Eligible);
        file.Cases[9].ExpectedCriteria.Select(e => (e.Id, e.Outcome)).Should().Equal(("EXCL02.1", Outcome.Pass), ("EXCL02", Outcome.Pass));
        file.Cases[11].Patient!.Id.Should().Be("tiny-17", "patientFile is read relative to the case file");
        file.Cases[11].AsOf.Should().Be(new DateOnly(2026, 1, 15), "the patient record's asOf applies when the case has none");
    }

    [Test]
    public void Notes_and_descriptions_are_allowed_and_unknown_properties_are_errors()
    {
        var file = Read($$"""
            { "rules": "TINY-1.json", "note": "n", "description": "d", "extra": 1,
              "cases": [ { "name": "a", "note": "n", "description": "d", "patient": {{Patient}}, "expect": { "verdict": "eligible" }, "typo": true } ] }
            """);

        file.IsUnusable.Should().BeTrue("an unknown top-level member is an error of the file");
        file.Cases.Single().CanRun.Should().BeFalse("an unknown member of a case is an error of the case");
        file.AllDiagnostics.Select(d => (d.Code, d.IsError, d.Pointer)).Should().BeEquivalentTo(new[]
        {
            ("ELIG4007", true, "/extra"),
            ("ELIG4007", true, "/cases/0/typo"),
        });
    }

    [TestCase("""{ "rules": "TINY-1.json", "cases": [] }""", "ELIG4001", "/cases")]
    [TestCase("""{ "cases": [] }""", "ELIG4001", "")]
    [TestCase("""{ "rules": "NOPE.json", "cases": [] }""", "ELIG4002", "/rules")]
    [TestCase("""[ 1, 2 ]""", "ELIG4001", "")]
    public void Unusable_files(string json, string code, string pointer)
    {
        var file = Read(json);

        file.IsUnusable.Should().BeTrue();
        file.Diagnostics.Should().Contain(d => d.Code == code && d.Pointer == pointer && d.IsError);
    }

    [Test]
    public void Json_syntax_errors_are_positioned()
    {
        var file = Read("{\n  \"rules\": \"TINY-1.json\",\n  \"cases\": [ }\n}");

        file.IsUnusable.Should().BeTrue();
        var d = file.Diagnostics.Single();
        d.Code.Should().Be("ELIG0001");
        d.Line.Should().Be(3);
        d.Column.Should().Be(14);
    }

    [TestCase("""{ "name": "x", "expect": { "verdict": "eligible" } }""", "ELIG4004")]
    [TestCase("""{ "name": "x", "patient": {P}, "patientFile": "p.json", "expect": { "verdict": "eligible" } }""", "ELIG4004")]
    [TestCase("""{ "name": "x", "patientFile": "missing.json", "expect": { "verdict": "eligible" } }""", "ELIG4004")]
    [TestCase("""{ "name": "x", "patient": {P}, "expect": { } }""", "ELIG4008")]
    [TestCase("""{ "name": "x", "patient": {P}, "expect": { "verdict": "maybe" } }""", "ELIG4001")]
    [TestCase("""{ "name": "x", "patient": {P}, "expect": { "criteria": { "INCL01": "passed" } } }""", "ELIG4001")]
    [TestCase("""{ "name": "x", "asOf": "2026-02-30", "patient": {P}, "expect": { "verdict": "eligible" } }""", "ELIG4001")]
    [TestCase("""{ "patient": {P}, "expect": { "verdict": "eligible" } }""", "ELIG4001")]
    [TestCase("""{ "name": "x", "patient": { "id": "p", "birthDate": "1985-06-01" }, "expect": { "verdict": "eligible" } }""", "ELIG4005")]
    [TestCase("""{ "name": "x", "patient": { "id": "p", "asOf": "2026-01-15", "sex": "robot" }, "expect": { "verdict": "eligible" } }""", "ELIG3002")]
    [TestCase("""{ "name": "x", "patient": { "resourceType": "Patient" }, "asOf": "2026-01-15", "expect": { "verdict": "eligible" } }""", "ELIG3001")]
    public void A_broken_case_cannot_run_and_says_why(string caseJson, string code)
    {
        var file = Read($$"""{ "rules": "TINY-1.json", "cases": [ {{caseJson.Replace("{P}", Patient, StringComparison.Ordinal)}} ] }""");

        file.IsUnusable.Should().BeFalse();
        var c = file.Cases.Single();
        c.CanRun.Should().BeFalse();
        c.Diagnostics.Should().Contain(d => d.Code == code && d.IsError, string.Join("\n", c.Diagnostics));
    }

    [Test]
    public void Duplicate_case_names_are_a_warning()
    {
        var file = Read($$"""
            { "rules": "TINY-1.json", "cases": [
              { "name": "same", "patient": {{Patient}}, "expect": { "verdict": "eligible" } },
              { "name": "same", "patient": {{Patient}}, "expect": { "verdict": "eligible" } } ] }
            """);

        file.Cases[1].Diagnostics.Should().ContainSingle(d => d.Code == "ELIG4006" && !d.IsError);
        file.Cases[1].CanRun.Should().BeTrue();
    }

    [Test]
    public void Inline_patient_diagnostics_are_positioned_in_the_case_file()
    {
        string json = "{ \"rules\": \"TINY-1.json\",\n  \"cases\": [\n    { \"name\": \"x\", \"asOf\": \"2026-01-15\",\n      \"patient\": {\n        \"id\": \"p\",\n        \"sex\": \"robot\" },\n      \"expect\": { \"verdict\": \"eligible\" } } ] }";
        var file = Read(json);

        var d = file.Cases.Single().Diagnostics.Single(x => x.Code == "ELIG3002");
        d.File.Should().EndWith("x.cases.json");
        d.Line.Should().Be(6);
        d.Column.Should().Be(16);
        d.Pointer.Should().Be("/cases/0/patient/sex");
    }

    [Test]
    public void A_fhir_bundle_can_be_a_patient_file()
    {
        File.Copy(TestPaths.Fixture("patients", "bundle.json"), Path.Combine(dir, "bundle.json"));
        var file = Read("""{ "rules": "TINY-1.json", "cases": [ { "name": "b", "asOf": "2026-01-15", "patientFile": "bundle.json", "expect": { "verdict": "ineligible" } } ] }""");

        var direct = Eligibility.Fhir.FhirBundleReader.ReadFile(Path.Combine(dir, "bundle.json"));
        var c = file.Cases.Single();
        (c.Patient is not null).Should().Be(direct.Patient is not null, "the bundle goes through the FHIR reader");
        c.Diagnostics.Should().NotContain(d => d.Message.Contains("lone FHIR", StringComparison.Ordinal));
    }

    private CaseFile Read(string json)
    {
        string path = Path.Combine(dir, "x.cases.json");
        File.WriteAllText(path, json);
        return CaseFileReader.Read(path);
    }
}
