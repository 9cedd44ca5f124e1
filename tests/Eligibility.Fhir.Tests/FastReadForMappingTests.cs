using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Eligibility.Fhir.Tests.Support;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Eligibility.Fhir.Tests;

/// <summary>
/// When the fast reader builds a resource for the bundle mapper only (<c>FastResourceReader.TryRead(..., forMapping: true)</c>,
/// what every bundle read does), the members the mapper never reads (<c>FastResourceReader.Unread</c>) are checked as
/// strictly as when they are built, but not built, and a repeating value (a status, a system, a reference) is one
/// primitive per thread. These tests show that this changes nothing but the POCO's unread members: the same resources
/// are taken (every test and sample bundle, and 1,000 with one element changed), the POCO is the whole one without those
/// members, a malformed unread member still sends the resource to Firely with Firely's diagnostics, and shared
/// primitives stay within reads for mapping.
/// </summary>
public class FastReadForMappingTests
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

    [TestCaseSource(nameof(Files))]
    public void EveryFhirFileInTheRepository_TakesTheSameResourcesForMapping(string file) =>
        CompareEntries(File.ReadAllBytes(file), Path.GetFileName(file));

    [Test]
    public void OneChangedElement_TakesTheSameResourcesForMapping()
    {
        var random = new Random(140);
        int sources = UncheckedParseTests.Sources.Value.Length;
        int compared = 0;
        for (int i = 0; i < 1000; i++)
        {
            var (utf8, name) = UncheckedParseTests.Mutate(random.Next(sources), random.Next(), random.Next(1000), random.Next(8));
            compared += CompareEntries(utf8, name);
        }

        compared.Should().BeGreaterThan(1000);
    }

    /// <summary>Every entry in the list names an element of a resource type the mapper uses, spelt as R4 spells it, so a
    /// slip of the pen cannot leave an element built that was meant not to be (or the other way round).</summary>
    [Test]
    public void TheUnreadElements_AreElementsOfTheModel()
    {
        FastResourceReader.Unread.Should().NotBeEmpty();
        foreach (string entry in FastResourceReader.Unread)
        {
            string[] parts = entry.Split('.');
            parts.Should().HaveCount(2, entry);
            BundleMapper.UsedTypes.Should().Contain(parts[0], entry);
            var mapping = ModelInfo.ModelInspector.FindClassMapping(parts[0]);
            mapping.Should().NotBeNull(entry);
            var element = mapping!.FindMappedElementByName(parts[1]);
            element.Should().NotBeNull(entry);
            element!.Name.Should().Be(parts[1], entry);
        }
    }

    /// <summary>Unread members in every legal shape are taken (and not built); the members read next to them are.</summary>
    [TestCase("""{"resourceType":"Observation","status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory"}],"text":"Lab"}],"code":{"coding":[{"system":"http://loinc.org","code":"718-7"}]},"valueQuantity":{"value":13.5,"unit":"g/dL"},"note":[{"text":"ok"}],"issued":"2026-01-01T00:00:00Z","meta":{"versionId":"1","tag":[{"code":"t"}]},"text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"},"identifier":[{"system":"urn:x","value":"1"}],"extension":[{"url":"http://e","valueDecimal":1.5}]}""")]
    [TestCase("""{"resourceType":"Patient","id":"p","gender":"female","birthDate":"1970-01-01","active":true,"name":[{"use":"official","family":"Doe","given":["Jane","J"]}],"telecom":[{"system":"phone","value":"1"}],"address":[{"line":["1 Main St"],"city":"X"}],"link":[{"other":{"reference":"Patient/q"},"type":"seealso"}]}""")]
    [TestCase("""{"resourceType":"Condition","clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},"code":{"text":"x"},"severity":{"text":"mild"},"stage":[{"summary":{"text":"II"}}],"recordedDate":"2020-01-01","evidence":[{"detail":[{"reference":"Observation/o"}]}]}""")]
    [TestCase("""{"resourceType":"MedicationRequest","status":"active","intent":"order","medicationReference":{"reference":"#m"},"contained":[{"resourceType":"Medication","id":"m","code":{"text":"x"},"identifier":[{"value":"9"}]}],"note":[{"text":"n"}],"requester":{"display":"Dr"}}""")]
    public void UnreadMembers_AreCheckedNotBuilt(string json)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(json);
        string type = BundleLayout.Scan(utf8).ResourceType!;
        var whole = FastResourceReader.TryRead(utf8, type);
        var forMapping = FastResourceReader.TryRead(utf8, type, forMapping: true);
        whole.Should().NotBeNull();
        forMapping.Should().NotBeNull();
        forMapping!.ToJson().Should().Be(WithoutUnread(whole!.ToJson()));
        forMapping.ToJson().Length.Should().BeLessThan(whole.ToJson().Length, "something was left unbuilt");
    }

    /// <summary>A malformed unread member sends the resource to Firely, as it does when it is built, and the bundle's
    /// records and diagnostics are Firely's.</summary>
    [TestCase("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"category":[{"text":" "}]}""", TestName = "Unread: a blank string")]
    [TestCase("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"category":[]}""", TestName = "Unread: an empty array")]
    [TestCase("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"category":[{}]}""", TestName = "Unread: an empty object")]
    [TestCase("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"category":{"text":"a"}}""", TestName = "Unread: a single value for a list")]
    [TestCase("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"category":[{"Text":"a"}]}""", TestName = "Unread: a name in the wrong case")]
    [TestCase("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"category":[{"text":"a","text":"b"}]}""", TestName = "Unread: a repeated member")]
    [TestCase("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"category":[{"text":5}]}""", TestName = "Unread: a number for a string")]
    [TestCase("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"category":[{"text":null}]}""", TestName = "Unread: null")]
    [TestCase("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"extension":[{"url":"http://e","valueDecimal":1e2}]}""", TestName = "Unread: an exponent")]
    [TestCase("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"meta":{"tag":[{"userSelected":"yes"}]}}""", TestName = "Unread: a string for a boolean")]
    [TestCase("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"meta":{"versionId":"1","_versionId":{"id":"a"}}}""", TestName = "Unread: a primitive extension")]
    [TestCase("""{"resourceType":"Patient","id":"p","name":[{"use":"oficial","family":"Doe"}]}""", TestName = "Unread: a code outside its value set")]
    [TestCase("""{"resourceType":"Patient","id":"p","photo":[{"size":-1}]}""", TestName = "Unread: a negative unsignedInt")]
    [TestCase("""{"resourceType":"Patient","id":"p","name":[{"family":"Doe","given":["\u2003"]}]}""", TestName = "Unread: an escaped blank string")]
    [TestCase("""{"resourceType":"Patient","id":"p","name":[{"family":"Doe","given":["\u00a0"]}]}""", TestName = "Unread: an escaped no-break space")]
    [TestCase("{\"resourceType\":\"Patient\",\"id\":\"p\",\"name\":[{\"family\":\"Doe\",\"given\":[\"\u00a0\u3000\"]}]}", TestName = "Unread: no-break and ideographic spaces")]
    public void AMalformedUnreadMember_FallsBack(string json)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(json);
        string type = BundleLayout.Scan(utf8).ResourceType!;
        FastResourceReader.TryRead(utf8, type).Should().BeNull("the whole read leaves it to Firely");
        FastResourceReader.TryRead(utf8, type, forMapping: true).Should().BeNull("the read for mapping leaves it to Firely too");

        string patient = type == "Patient" ? string.Empty : """{"resource":{"resourceType":"Patient","id":"p"}},""";
        string bundle = """{"resourceType":"Bundle","entry":[""" + patient + """{"resource":""" + json + "}]}";
        byte[] bytes = Encoding.UTF8.GetBytes(bundle);
        var counts = new ParseCounts();
        var fast = FhirBundleReader.Read(bytes, "b.json", ResourceParsing.Fast, counts);
        var firely = FhirBundleReader.Read(bytes, "b.json", ResourceParsing.Firely, null);
        UncheckedParseTests.Describe(fast).Should().Be(UncheckedParseTests.Describe(firely));
        counts.Fallback.Should().Be(1);
    }

    /// <summary>Two resources read for mapping on one thread share the primitive of a value they repeat; read whole, each
    /// has its own (callers of the whole read may change their POCOs).</summary>
    [Test]
    public void RepeatingValues_AreSharedOnlyWhenReadForMapping()
    {
        byte[] first = Encoding.UTF8.GetBytes("""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"718-7"}]},"subject":{"reference":"Patient/p"},"valueBoolean":true}""");
        byte[] second = Encoding.UTF8.GetBytes("""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"4548-4"}]},"subject":{"reference":"Patient/p"},"valueBoolean":true}""");
        var a = (Observation)FastResourceReader.TryRead(first, "Observation", forMapping: true)!;
        var b = (Observation)FastResourceReader.TryRead(second, "Observation", forMapping: true)!;
        a.StatusElement.Should().BeSameAs(b.StatusElement);
        a.Code.Coding[0].SystemElement.Should().BeSameAs(b.Code.Coding[0].SystemElement);
        a.Subject!.ReferenceElement.Should().BeSameAs(b.Subject!.ReferenceElement);
        a.Value.Should().BeSameAs(b.Value);
        a.Code.Coding[0].CodeElement.Should().NotBeSameAs(b.Code.Coding[0].CodeElement);
        b.Code.Coding[0].Code.Should().Be("4548-4");

        var c = (Observation)FastResourceReader.TryRead(first, "Observation")!;
        var d = (Observation)FastResourceReader.TryRead(second, "Observation")!;
        c.StatusElement.Should().NotBeSameAs(d.StatusElement);
        c.Subject!.ReferenceElement.Should().NotBeSameAs(d.Subject!.ReferenceElement);
        c.Value.Should().NotBeSameAs(d.Value);
    }

    /// <summary>A primitive kept with a cached value is given back only for that value and class, and goes when the slot
    /// is given another value.</summary>
    [Test]
    public void AKeptPrimitive_GoesWithItsValue()
    {
        var cache = new Utf8StringCache();
        var text = ModelInfo.ModelInspector.FindOrImportClassMapping(typeof(FhirString))!;
        var uri = ModelInfo.ModelInspector.FindOrImportClassMapping(typeof(FhirUri))!;
        int slot = Read(cache, "final");
        slot.Should().BeGreaterThanOrEqualTo(0);
        cache.Primitive(slot, text).Should().BeNull("nothing was kept yet");
        var kept = new FhirString("final");
        cache.Keep(slot, text, kept);
        Read(cache, "final").Should().Be(slot);
        cache.Primitive(slot, text).Should().BeSameAs(kept);
        cache.Primitive(slot, uri).Should().BeNull("another class");

        for (int i = 0; cache.Find("final"u8) is not null; i++)
        {
            int other = Read(cache, "value " + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            cache.Primitive(other, text).Should().NotBeSameAs(kept, "a slot that took another value has none of the old one's");
        }

        cache.Primitive(slot, text).Should().BeNull("the slot holds another value now");

        static int Read(Utf8StringCache cache, string value)
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(value)));
            reader.Read();
            cache.Get(ref reader, out int slot).Should().Be(value);
            return slot;
        }
    }

    /// <summary>Reads each used entry of a bundle whole and for mapping: the same entries are taken, and the POCO for
    /// mapping is the whole one without its unread members. Returns how many entries were compared.</summary>
    private static int CompareEntries(byte[] utf8, string name)
    {
        BundleLayout layout;
        try
        {
            layout = BundleLayout.Scan(BundleLayout.WithoutBom(utf8));
        }
        catch (JsonException)
        {
            return 0;
        }

        // The scan that reads resources for mapping on the way finds the same layout and takes the same entries.
        var scanned = BundleLayout.Scan(BundleLayout.WithoutBom(utf8), parseResources: true, forMapping: true);
        var whole = BundleLayout.Scan(BundleLayout.WithoutBom(utf8), parseResources: true);
        scanned.Entries.Select(e => e with { Parsed = null }).Should().Equal(whole.Entries.Select(e => e with { Parsed = null }), name);

        int bom = utf8.Length - BundleLayout.WithoutBom(utf8).Length;
        int compared = 0;
        foreach (var (entry, (mapped, built)) in layout.Entries.Zip(scanned.Entries.Zip(whole.Entries)).Where(e => e.First.Start >= 0 && e.First.ResourceType is { } t && BundleMapper.UsedTypes.Contains(t)))
        {
            var json = utf8.AsSpan(bom + entry.Start, entry.Length).ToArray();
            var full = FastResourceReader.TryRead(json, entry.ResourceType!);
            var forMapping = FastResourceReader.TryRead(json, entry.ResourceType!, forMapping: true);
            (forMapping is null).Should().Be(full is null, $"{name} entry {entry.Index}: taken for mapping as when built whole");
            (mapped.Parsed is null).Should().Be(built.Parsed is null, $"{name} entry {entry.Index}: taken in the scan for mapping as when built whole");
            Check(json, entry.ResourceType!).Should().Be(full is not null, $"{name} entry {entry.Index}: the check that builds nothing (the benchmarks' floor) takes what a read takes");
            if (full is not null)
            {
                forMapping!.ToJson().Should().Be(WithoutUnread(full.ToJson()), $"{name} entry {entry.Index}");
                mapped.Parsed!.ToJson().Should().Be(forMapping!.ToJson(), $"{name} entry {entry.Index}, read in the scan");
            }

            compared++;
        }

        return compared;
    }

    private static bool Check(byte[] json, string type)
    {
        var reader = new Utf8JsonReader(json, BundleLayout.ReaderOptions);
        try
        {
            return reader.Read() && FastResourceReader.Check(ref reader, type);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>A resource's JSON without the members <c>FastResourceReader.Unread</c> names, in it and its contained resources.</summary>
    private static string WithoutUnread(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        Strip(node);
        var reparsed = new FhirJsonDeserializer(new DeserializerSettings { Validator = null }).DeserializeResource(node.ToJsonString());
        return reparsed.ToJson();

        static void Strip(JsonObject resource)
        {
            string type = resource["resourceType"]!.GetValue<string>();
            foreach (string member in resource.Select(m => m.Key).ToList())
            {
                if (FastResourceReader.Unread.Contains(type + "." + member))
                {
                    resource.Remove(member);
                }
            }

            if (resource["contained"] is JsonArray contained)
            {
                foreach (var item in contained.OfType<JsonObject>())
                {
                    Strip(item);
                }
            }
        }
    }
}
