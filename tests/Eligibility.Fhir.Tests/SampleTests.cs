using System.Text.Json;
using Eligibility.Fhir.Tests.Support;

namespace Eligibility.Fhir.Tests;

/// <summary>The bundles in samples/fhir map cleanly and screen like the native example case they were written from.</summary>
public class SampleTests
{
    private static readonly DateOnly AsOf = new(2026, 1, 15);

    private static readonly (string Trial, string Case, Verdict Verdict)[] Samples =
    {
        ("NCT07077486", "Whole patient: eligible", Verdict.Eligible),
        ("NCT06394063", "Whole patient: ineligible", Verdict.Ineligible),
        ("TELI-BELI-SLE", "Whole patient: eligible", Verdict.Eligible),
        ("NCT06546540", "Whole patient: ineligible", Verdict.Ineligible),
        ("NCT07008196", "Whole patient: undetermined", Verdict.Undetermined),
    };

    private static IEnumerable<TestCaseData> Cases() =>
        Samples.Select(s => new TestCaseData(s.Trial, s.Case, s.Verdict).SetArgDisplayNames(s.Trial));

    [TestCaseSource(nameof(Cases))]
    public void Sample_MapsWithoutErrors(string trial, string caseName, Verdict verdict)
    {
        string path = Path.Combine(TestBundles.RepositoryRoot(), "samples", "fhir", trial + "-bundle.json");
        var result = FhirBundleReader.ReadFile(path);
        result.Diagnostics.Where(d => d.IsError).Should().BeEmpty();
        result.Diagnostics.Select(d => d.Code).Should().BeEquivalentTo(new[] { FhirDiagnosticCodes.IgnoredResourceTypes }, "only the Encounter and Practitioner are ignored");
        result.Patient!.Observations.Should().NotBeEmpty();
        result.Patient.Observations.Should().AllSatisfy(o => o.Source.Should().StartWith("Observation/"));
        _ = caseName;
        _ = verdict;
    }

    [TestCaseSource(nameof(Cases))]
    public void Sample_ScreensLikeTheNativeCaseItWasWrittenFrom(string trial, string caseName, Verdict verdict)
    {
        string root = TestBundles.RepositoryRoot();
        string rules = Path.Combine(root, "rules", trial + ".json");
        string cases = Path.Combine(root, "rules", trial + ".cases.json");
        if (!File.Exists(rules) || !File.Exists(cases))
        {
            Assert.Fail("rules/ is not next to the samples");
        }

        var compiled = RuleCompiler.CompileFile(rules);
        if (compiled.HasErrors)
        {
            Assert.Fail("the rule file does not compile: " + compiled.Diagnostics.First(d => d.IsError));
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(cases));
        var example = doc.RootElement.GetProperty("cases").EnumerateArray()
            .FirstOrDefault(c => c.GetProperty("name").GetString()!.StartsWith(caseName, StringComparison.Ordinal));
        if (example.ValueKind != JsonValueKind.Object)
        {
            Assert.Fail($"no case named '{caseName}…' in {trial}.cases.json");
        }

        var native = Patients.PatientReader.Read(example.GetProperty("patient").GetRawText(), null).Patient!;
        var bundle = FhirBundleReader.ReadFile(Path.Combine(root, "samples", "fhir", trial + "-bundle.json")).Patient!;
        var expected = compiled.Evaluator!.Evaluate(native, AsOf);
        var actual = compiled.Evaluator.Evaluate(bundle, AsOf);

        actual.Verdict.Should().Be(expected.Verdict);
        actual.Verdict.Should().Be(verdict, "samples/fhir/README.md says so");
        actual.Criteria.Select(c => (c.Id, c.Outcome)).Should().Equal(expected.Criteria.Select(c => (c.Id, c.Outcome)));
    }
}
