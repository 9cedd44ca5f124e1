using System.Text;
using System.Text.Json;
using Eligibility.Fhir.Tests.RoundTrip;
using Eligibility.Fhir.Tests.Support;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Eligibility.Fhir.Tests;

/// <summary>
/// The reader builds the common resource's Firely POCO straight from the JSON (<c>FastResourceReader</c>) and leaves
/// everything else to Firely's parse (docs/fhir.md). These tests read the same bytes both ways — the fast reader with its
/// fallback, and Firely for every resource — and require the same diagnostics (code, severity, message, line, column,
/// pointer) and the same patient record: for every bundle file in the repository's tests and samples, for generated
/// patients and for 2,000 bundles with one element changed (a fixed seed). Every resource the fast reader takes must also
/// be one Firely's unvalidated parse takes without a word, and the same POCO. And the fast reader must take the common
/// bundles, so one that always falls back fails.
/// </summary>
public class FastReadTests
{
    private static IEnumerable<TestCaseData> Files()
    {
        string root = TestBundles.RepositoryRoot();
        return new[] { Path.Combine(root, "samples"), Path.Combine(root, "tests") }
            .SelectMany(dir => Directory.GetFiles(dir, "*.json", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && FhirBundleReader.IsFhirResource(File.ReadAllBytes(f)))
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => new TestCaseData(f).SetArgDisplayNames(Path.GetRelativePath(root, f)));
    }

    [Test]
    public void TheRepository_HasFhirFilesToCompare() => Files().Count().Should().BeGreaterThanOrEqualTo(25);

    [TestCaseSource(nameof(Files))]
    public void EveryFhirFileInTheRepository_ReadsTheSameBothWays(string file) =>
        AssertSameBothWays(File.ReadAllBytes(file), Path.GetFileName(file));

    [Test]
    public void GeneratedPatients_ReadTheSameBothWays()
    {
        foreach (var native in PatientGenerator.Generate(40, seed: 14))
        {
            AssertSameBothWays(Encoding.UTF8.GetBytes(NativeToFhir.ToJson(native)), native.Id ?? "generated");
        }
    }

    /// <summary>Entries whose resource the scan's fast read must leave alone or give up on cleanly (an empty
    /// object, no members but its type, a type that is not a string or comes later, a contained resource that is not an
    /// object), next to a clean one.</summary>
    [TestCase("""{}""")]
    [TestCase("""{"resourceType":"Observation"}""")]
    [TestCase("""{"resourceType":5,"status":"final"}""")]
    [TestCase("""{"resourceType":"Observation","resourceType":5,"status":"final","code":{"text":"x"}}""")]
    [TestCase("""{"id":"o","resourceType":"Observation","status":"final","code":{"text":"x"}}""")]
    [TestCase("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"contained":[{}]}""")]
    [TestCase("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"contained":[5]}""")]
    [TestCase("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"contained":[{"resourceType":"Nonsense"}]}""")]
    public void OddResources_ReadTheSameBothWays(string resource) =>
        AssertSameBothWays(Encoding.UTF8.GetBytes(
            """{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","id":"p"}},{"resource":""" + resource
            + """},{"resource":{"resourceType":"Condition","subject":{"reference":"Patient/p"},"code":{"text":"c"}}}]}"""),
            resource);

    /// <summary>One element of a test or sample bundle changed (the mutations of <see cref="UncheckedParseTests"/>: unknown
    /// elements, list/single swaps, wrong or out-of-range literals, removed or null values, primitive extensions), 2,000
    /// times with a fixed seed.</summary>
    [Test]
    public void OneChangedElement_ReadsTheSameBothWays()
    {
        var random = new Random(14);
        int sources = UncheckedParseTests.Sources.Value.Length;
        int taken = 0, left = 0;
        for (int i = 0; i < 2000; i++)
        {
            var (utf8, name) = UncheckedParseTests.Mutate(random.Next(sources), random.Next(), random.Next(1000), random.Next(8));
            var (fast, fallback) = AssertSameBothWays(utf8, name);
            taken += fast;
            left += fallback;
        }

        TestContext.Out.WriteLine($"resources the fast reader took: {taken}, left to Firely: {left}");
        // Both kinds of resource are compared: changed ones the fast reader leaves to Firely, and untouched ones it takes.
        taken.Should().BeGreaterThan(1000);
        left.Should().BeGreaterThan(500);
    }

    [Test]
    public void TheFastReader_TakesTheSampleAndGeneratedBundles()
    {
        var counts = new ParseCounts();
        foreach (var file in Directory.GetFiles(Path.Combine(TestBundles.RepositoryRoot(), "samples", "fhir"), "*.json"))
        {
            FhirBundleReader.Read(File.ReadAllBytes(file), file, ResourceParsing.Fast, counts).Patient.Should().NotBeNull();
        }

        foreach (var native in PatientGenerator.Generate(40, seed: 14))
        {
            FhirBundleReader.Read(Encoding.UTF8.GetBytes(NativeToFhir.ToJson(native)), native.Id, ResourceParsing.Fast, counts);
        }

        TestContext.Out.WriteLine($"resources the fast reader took: {counts.Fast}, left to Firely: {counts.Fallback}");
        counts.Fallback.Should().Be(0, "the samples and generated patients are all common FHIR");
        counts.Fast.Should().BeGreaterThan(300);
    }

    /// <summary>A member of a resource itself is located by reading the resource's top level (an assessment's
    /// <c>/code</c>); the position is the one the resource's pointer map gives, for every member and for a missing one.</summary>
    [TestCaseSource(nameof(Files))]
    public void TopLevelPositions_AreThoseOfThePointerMap(string file)
    {
        byte[] utf8 = File.ReadAllBytes(file);
        int bom = utf8.Length - BundleLayout.WithoutBom(utf8).Length;
        BundleLayout layout;
        try
        {
            layout = BundleLayout.Scan(utf8.AsSpan(bom));
        }
        catch (JsonException)
        {
            return;
        }

        foreach (var entry in layout.Entries.Where(e => e.Start >= 0))
        {
            var mapped = new SourcePositions(utf8, bom, utf8.Length - bom);
            mapped.Existing(entry, "/zz/0"); // builds the resource's pointer map, which Locate then uses
            var members = new Utf8JsonReader(utf8.AsSpan(bom + entry.Start, entry.Length));
            var names = new List<string> { "missing", "code" };
            members.Read();
            while (members.Read() && members.TokenType == JsonTokenType.PropertyName)
            {
                names.Add(members.GetString()!);
                members.Read();
                members.Skip();
            }

            foreach (string name in names)
            {
                string pointer = "/" + SourcePositions.Escape(name);
                new SourcePositions(utf8, bom, utf8.Length - bom).Locate(entry, pointer)
                    .Should().Be(mapped.Locate(entry, pointer), $"{Path.GetFileName(file)} entry {entry.Index} {pointer}");
            }
        }
    }

    [TestCase("""{"resourceType":"Observation","status":"final","code":{"text":"x"}}""", true, TestName = "Fast: a plain observation")]
    [TestCase("""{"status":"final","code":{"text":"x"},"resourceType":"Observation"}""", true, TestName = "Fast: resourceType last")]
    [TestCase("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":1.50,"unit":"mg"}}""", true, TestName = "Fast: a quantity")]
    [TestCase("""{"resourceType":"MedicationRequest","status":"active","intent":"order","medicationReference":{"reference":"#m"},"contained":[{"resourceType":"Medication","id":"m","code":{"text":"x"}}]}""", true, TestName = "Fast: a contained resource")]
    [TestCase("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"extension":[{"url":"http://e","valueString":"a"}]}""", true, TestName = "Fast: an extension")]
    [TestCase("""{"resourceType":"Observation","id":"o1","meta":{"lastUpdated":"2026-01-01T00:00:00Z","tag":[{"code":"t"}]},"text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"},"status":"final","code":{"id":"c","coding":[{"id":"k","system":"http://loinc.org","code":"1-8","userSelected":true,"extension":[{"url":"http://e","valueInteger":3}]}]},"component":[{"code":{"text":"y"},"valueRange":{"low":{"value":1}}}]}""", true, TestName = "Fast: element ids, meta, narrative, nested extensions")]
    [TestCase("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"Status":"final"}""", false, TestName = "Firely: a name in the wrong case")]
    [TestCase("""{"resourceType":"Observation","status":"final","status":"final","code":{"text":"x"}}""", false, TestName = "Firely: a repeated member")]
    [TestCase("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueString":"a","valueBoolean":true}""", false, TestName = "Firely: two types of one choice element")]
    [TestCase("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueDate":"2020"}""", false, TestName = "Firely: a type the choice element does not allow")]
    [TestCase("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":1e2}}""", false, TestName = "Firely: an exponent")]
    [TestCase("""{"resourceType":"Observation","status":"final","_status":{"id":"a"},"code":{"text":"x"}}""", false, TestName = "Firely: a primitive extension")]
    [TestCase("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"category":[]}""", false, TestName = "Firely: an empty array")]
    [TestCase("""{"resourceType":"Observation","status":"final","code":{"text":" "}}""", false, TestName = "Firely: a blank string")]
    [TestCase("""{"resourceType":"Observation","status":"fnal","code":{"text":"x"}}""", false, TestName = "Firely: a status outside its value set")]
    [TestCase("""{"resourceType":"Observation","resourceType":"Condition","status":"final","code":{"text":"x"}}""", false, TestName = "Firely: a second resourceType")]
    [TestCase("""{"resourceType":"MedicationRequest","status":"active","intent":"order","medicationReference":{"reference":"#m"},"contained":[{"id":"m","resourceType":"Medication"}]}""", false, TestName = "Firely: a contained resource not starting with its type")]
    public void TheFastReader_TakesOnlyTheCommonCase(string json, bool taken)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(json);
        string type = BundleLayout.Scan(utf8).ResourceType!;
        var fast = FastResourceReader.TryRead(utf8, type);
        (fast is not null).Should().Be(taken);
        if (fast is not null)
        {
            AssertSameAsFirely(fast, utf8, json);
        }
    }

    /// <summary>Reads a bundle both ways and compares; returns how many resources the fast reader took and left.</summary>
    private static (int Fast, int Fallback) AssertSameBothWays(byte[] utf8, string name)
    {
        var counts = new ParseCounts();
        var fast = FhirBundleReader.Read(utf8, name, ResourceParsing.Fast, counts);
        var firely = FhirBundleReader.Read(utf8, name, ResourceParsing.Firely, null);
        UncheckedParseTests.Describe(fast).Should().Be(UncheckedParseTests.Describe(firely), name);
        CheckTakenResources(utf8, name);
        return (counts.Fast, counts.Fallback);
    }

    /// <summary>Every used resource of the bundle the fast reader takes is one Firely's first parse takes, as the same POCO.</summary>
    private static void CheckTakenResources(byte[] utf8, string name)
    {
        BundleLayout layout;
        try
        {
            layout = BundleLayout.Scan(BundleLayout.WithoutBom(utf8));
        }
        catch (JsonException)
        {
            return; // not JSON: no resource is parsed
        }

        // The scan that reads resources on the way finds the same layout.
        var parsing = BundleLayout.Scan(BundleLayout.WithoutBom(utf8), parseResources: true);
        parsing.Entries.Select(e => e with { Parsed = null, FastTried = false }).Should().Equal(layout.Entries, name);
        parsing.ResourceType.Should().Be(layout.ResourceType);

        int bom = utf8.Length - BundleLayout.WithoutBom(utf8).Length;
        foreach (var (entry, scanned) in layout.Entries.Zip(parsing.Entries).Where(e => e.First.Start >= 0 && e.First.ResourceType is { } t && BundleMapper.UsedTypes.Contains(t)))
        {
            var json = utf8.AsSpan(bom + entry.Start, entry.Length).ToArray();
            var fast = FastResourceReader.TryRead(json, entry.ResourceType!);
            if (fast is not null)
            {
                AssertSameAsFirely(fast, json, $"{name} entry {entry.Index}");
            }

            if (scanned.Parsed is not null)
            {
                AssertSameAsFirely(scanned.Parsed, json, $"{name} entry {entry.Index}, read in the scan");
            }
            else if (scanned.FastTried)
            {
                fast.Should().BeNull($"{name} entry {entry.Index}: the scan's fast read and the entry's agree");
            }
        }
    }

    private static void AssertSameAsFirely(Resource fast, byte[] json, string name)
    {
        MemberNames.AllExact(json).Should().BeTrue(name);
        var reader = new Utf8JsonReader(json, BundleLayout.ReaderOptions);
        BundleMapper.UncheckedDeserializer.TryDeserializeResource(ref reader, out var firely, out var issues).Should().BeTrue($"{name}: {string.Join("; ", issues.Select(i => i.Message))}");
        LiteralValidator.WouldPass(firely!).Should().BeTrue(name);
        LiteralValidator.WouldPass(fast).Should().BeTrue(name);
        fast.ToJson().Should().Be(firely!.ToJson(), name);
        fast.IsExactly(firely).Should().BeTrue(name);
    }
}
