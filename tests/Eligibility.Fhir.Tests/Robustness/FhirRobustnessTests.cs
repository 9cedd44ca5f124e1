using System.Diagnostics;
using System.Text;
using Eligibility.Diagnostics;
using Eligibility.Fhir.Tests.Support;
using Eligibility.Patients;

namespace Eligibility.Fhir.Tests.Robustness;

/// <summary>
/// Bad bundles are bad input (issue 12): text that is not valid UTF-8 anywhere in a bundle, a lone surrogate escape,
/// inputs over their limits and files that are not regular files come back as positioned diagnostics; a defect in the
/// mapper is not reported as bad input but thrown as <see cref="EligibilityBugException"/>.
/// </summary>
[TestFixture]
[NonParallelizable] // one test sets the mapper's static fault hook
public sealed class FhirRobustnessTests
{
    /// <summary>A clean bundle of a Patient and an Observation (also read by <see cref="OnePassLimitTests"/>).</summary>
    internal const string Bundle = """
        {
          "resourceType": "Bundle",
          "type": "collection",
          "entry": [
            {
              "fullUrl": "urn:uuid:6a1f0c3e-0000-4000-8000-000000000001",
              "resource": { "resourceType": "Patient", "id": "pt-1", "gender": "female", "birthDate": "1980-02-29" }
            },
            {
              "resource": {
                "resourceType": "Observation",
                "id": "alt-1",
                "status": "final",
                "code": { "coding": [ { "system": "http://loinc.org", "code": "1742-6" } ], "text": "ALT" },
                "subject": { "reference": "Patient/pt-1" },
                "effectiveDateTime": "2026-01-10",
                "valueQuantity": { "value": 212, "unit": "U/L", "system": "http://unitsofmeasure.org", "code": "U/L" }
              }
            }
          ]
        }
        """;

    [TearDown]
    public void TearDown() => BundleMapper.FaultForTests = null;

    [Test]
    public void The_bundle_maps()
    {
        var result = FhirBundleReader.Read(Encoding.UTF8.GetBytes(Bundle), "b.json");
        result.Diagnostics.Where(d => d.IsError).Should().BeEmpty();
        result.Patient!.Observations.Should().ContainSingle();
    }

    [TestCase("\"Bundle\"", "/resourceType", TestName = "Invalid UTF-8 in the bundle's resourceType")]
    [TestCase("\"urn:uuid:", "/entry/0/fullUrl", TestName = "Invalid UTF-8 in a fullUrl")]
    [TestCase("\"pt-1\"", "/entry/0/resource/id", TestName = "Invalid UTF-8 in a resource id")]
    [TestCase("\"Observation\"", "/entry/1/resource/resourceType", TestName = "Invalid UTF-8 in a resource's resourceType")]
    [TestCase("\"ALT\"", "/entry/1/resource/code/text", TestName = "Invalid UTF-8 in any other string")]
    public void Invalid_utf8_anywhere_in_a_bundle_is_a_positioned_syntax_error(string needle, string pointer)
    {
        int at = Bundle.IndexOf(needle, StringComparison.Ordinal) + 2; // after the quote and one character
        byte[] bytes = [.. Encoding.UTF8.GetBytes(Bundle[..at]), 0xFF, .. Encoding.UTF8.GetBytes(Bundle[at..])];

        var d = FhirBundleReader.Read(bytes, "b.json").Diagnostics.Should().ContainSingle().Subject;

        d.Code.Should().Be(DiagnosticCodes.JsonSyntax);
        d.Message.Should().Contain("not valid UTF-8");
        (d.Line, d.Column).Should().Be(TestBundles.PositionOf(Bundle, needle[1..]) with { Column = TestBundles.PositionOf(Bundle, needle[1..]).Column + 1 });
        d.Pointer.Should().Be(pointer);
    }

    [TestCase("\"Bundle\"", "/resourceType", TestName = "A lone surrogate escape in the bundle's resourceType")]
    [TestCase("\"urn:uuid:", "/entry/0/fullUrl", TestName = "A lone surrogate escape in a fullUrl")]
    [TestCase("\"pt-1\"", "/entry/0/resource/id", TestName = "A lone surrogate escape in a resource id")]
    [TestCase("\"ALT\"", "/entry/1/resource/code/text", TestName = "A lone surrogate escape in any other string")]
    public void A_lone_surrogate_escape_anywhere_in_a_bundle_is_a_positioned_syntax_error(string needle, string pointer)
    {
        int at = Bundle.IndexOf(needle, StringComparison.Ordinal) + 1;
        string text = Bundle[..at] + "\\ud800" + Bundle[at..];

        var d = FhirBundleReader.Read(Encoding.UTF8.GetBytes(text), "b.json").Diagnostics.Should().ContainSingle().Subject;

        d.Code.Should().Be(DiagnosticCodes.JsonSyntax);
        d.Message.Should().Contain("lone UTF-16 surrogate");
        (d.Line, d.Column).Should().Be(TestBundles.PositionOf(text, "\\ud800"));
        d.Pointer.Should().Be(pointer);
    }

    [Test]
    public void A_bundle_with_a_20_MB_string_is_refused_before_it_is_parsed()
    {
        string text = Bundle.Replace("\"ALT\"", "\"" + new string('a', 20_000_000) + "\"", StringComparison.Ordinal);
        var watch = Stopwatch.StartNew();

        var d = FhirBundleReader.Read(Encoding.UTF8.GetBytes(text), "b.json").Diagnostics.Should().ContainSingle().Subject;

        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), "the scan is linear (hang guard)");
        d.Code.Should().Be(DiagnosticCodes.InputLimitExceeded);
        d.Pointer.Should().Be("/entry/1/resource/code/text");
        (d.Line, d.Column).Should().Be(TestBundles.PositionOf(Bundle, "\"ALT\""));
    }

    [Test]
    public void Entries_over_the_array_limit_are_refused_at_the_first_entry_over()
    {
        var d = FhirBundleReader.Read(Encoding.UTF8.GetBytes(Bundle), "b.json", new InputLimits { MaxArrayItems = 1 }).Diagnostics.Should().ContainSingle().Subject;

        d.Code.Should().Be(DiagnosticCodes.InputLimitExceeded);
        d.Pointer.Should().Be("/entry/1");
    }

    [Test]
    public void A_bundle_over_the_record_limit_is_too_large()
    {
        var d = FhirBundleReader.Read(Encoding.UTF8.GetBytes(Bundle), "b.json", new InputLimits { MaxRecordBytes = 100 }).Diagnostics.Should().ContainSingle().Subject;

        d.Code.Should().Be(DiagnosticCodes.InputTooLarge);
    }

    [Test]
    [Platform("Linux")]
    public void Devices_pipes_and_folders_are_unreadable_bundle_and_value_set_files()
    {
        string folder = Path.Combine(Path.GetTempPath(), "eligibility-fhir-robustness", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string fifo = Path.Combine(folder, "pipe.json");
            using (var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", fifo) { UseShellExecute = false })!)
            {
                mkfifo.WaitForExit();
            }

            foreach (string path in new[] { "/dev/zero", fifo, folder })
            {
                FhirBundleReader.ReadFile(path).Diagnostics.Should().ContainSingle().Which.Code.Should().Be(DiagnosticCodes.FileUnreadable, path);
                ValueSetReader.ReadFile(path).Diagnostics.Should().ContainSingle().Which.Code.Should().Be(DiagnosticCodes.FileUnreadable, path);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void A_defect_in_the_mapper_is_thrown_as_a_bug_not_reported_as_bad_input()
    {
        var injected = new InvalidOperationException("injected defect");
        BundleMapper.FaultForTests = () => throw injected;

        var act = () => FhirBundleReader.Read(Encoding.UTF8.GetBytes(Bundle), "b.json");

        var thrown = act.Should().Throw<EligibilityBugException>().Which;
        thrown.InnerException.Should().BeSameAs(injected);
        thrown.Message.Should().Contain("b.json").And.Contain("InvalidOperationException: injected defect");
    }

    [Test]
    public void A_null_among_the_components_is_skipped_and_the_rest_maps()
    {
        string component = "\"component\": [ { \"code\": { \"coding\": [ { \"system\": \"http://loinc.org\", \"code\": \"1742-6\" } ] }, \"valueQuantity\": { \"value\": 30, \"unit\": \"U/L\", \"system\": \"http://unitsofmeasure.org\", \"code\": \"U/L\" } }, null ], \"valueQuantity\"";
        var result = FhirBundleReader.Read(Encoding.UTF8.GetBytes(Bundle.Replace("\"valueQuantity\"", component, StringComparison.Ordinal)), "b.json");

        result.Diagnostics.Where(d => d.IsError).Should().BeEmpty(string.Join("\n", result.Diagnostics));
        result.Patient!.Observations.Should().HaveCount(2);
    }

    [Test]
    public void A_null_dosage_instruction_maps()
    {
        string statement = """
            ,{ "resource": { "resourceType": "MedicationStatement", "id": "ms-1", "status": "active",
               "medicationCodeableConcept": { "coding": [ { "system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "8640" } ] },
               "subject": { "reference": "Patient/pt-1" }, "effectivePeriod": { "start": "2025-01-01" }, "dosage": [ { "text": "as directed" }, null ] } }
            """;
        int end = Bundle.LastIndexOf(']');
        var result = FhirBundleReader.Read(Encoding.UTF8.GetBytes(Bundle[..end].TrimEnd() + statement + "\n  ]\n}"), "b.json");

        result.Diagnostics.Where(d => d.IsError).Should().BeEmpty(string.Join("\n", result.Diagnostics));
        result.Patient!.Medications.Should().ContainSingle();
    }
}
