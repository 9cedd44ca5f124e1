using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Eligibility.Fhir.Tests.RoundTrip;
using Eligibility.Fhir.Tests.Support;
using Eligibility.Patients;
using FsCheck;
using FsCheck.Fluent;

namespace Eligibility.Fhir.Tests;

/// <summary>
/// The reader parses each resource first without Firely's validator and parses it again with the validator only when
/// <c>LiteralValidator.WouldPass</c> says the validator would report something (docs/fhir.md). These tests read the same
/// bytes both ways — that first parse, and the validating parse of every resource — and require the same diagnostics
/// (code, severity, message, line, column, pointer) and the same patient record, for clean bundles and for bundles
/// broken one element at a time in the ways the validator catches.
/// </summary>
public class UncheckedParseTests
{
    internal static readonly Lazy<(string Name, JsonNode Json)[]> Sources = new(() =>
    {
        var files = Directory.GetFiles(Path.Combine(TestBundles.RepositoryRoot(), "samples", "fhir"), "*.json")
            .Concat(Directory.GetFiles(Path.Combine(TestContext.CurrentContext.TestDirectory, "Bundles"), "*.json"))
            .Where(f => !f.EndsWith("malformed.json", StringComparison.Ordinal))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToArray();
        return files.Select(f => (Path.GetFileName(f), JsonNode.Parse(File.ReadAllText(f))!)).ToArray();
    });

    private static IEnumerable<TestCaseData> Files() =>
        Directory.GetFiles(Path.Combine(TestBundles.RepositoryRoot(), "samples", "fhir"), "*.json")
            .Concat(Directory.GetFiles(Path.Combine(TestContext.CurrentContext.TestDirectory, "Bundles"), "*.json"))
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => new TestCaseData(f).SetArgDisplayNames(Path.GetFileName(f)));

    [TestCaseSource(nameof(Files))]
    public void EveryTestAndSampleBundle_ReadsTheSameBothWays(string file) =>
        AssertSameBothWays(File.ReadAllBytes(file), Path.GetFileName(file));

    [Test]
    public void GeneratedPatients_ReadTheSameBothWays()
    {
        foreach (var native in PatientGenerator.Generate(40, seed: 7))
        {
            AssertSameBothWays(Encoding.UTF8.GetBytes(NativeToFhir.ToJson(native)), native.Id ?? "generated");
        }
    }

    [Test]
    public void TheSampleBundles_NeedNoSecondParse()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(TestBundles.RepositoryRoot(), "samples", "fhir"), "*.json"))
        {
            var layout = BundleLayout.Scan(File.ReadAllBytes(file));
            byte[] utf8 = File.ReadAllBytes(file);
            foreach (var entry in layout.Entries.Where(e => e.ResourceType is { } t && BundleMapper.UsedTypes.Contains(t)))
            {
                var reader = new Utf8JsonReader(utf8.AsSpan(entry.Start, entry.Length), BundleLayout.ReaderOptions);
                BundleMapper.UncheckedDeserializer.TryDeserializeResource(ref reader, out var resource, out var issues).Should().BeTrue();
                LiteralValidator.WouldPass(resource!).Should().BeTrue($"{Path.GetFileName(file)} {entry.ResourceType}/{entry.Id} is clean");
            }
        }
    }

    [TestCase("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"foo":1}""", false, TestName = "An element R4 does not have")]
    [TestCase("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"category":{"text":"a"}}""", false, TestName = "One object where R4 has a list")]
    [TestCase("""{"resourceType":"Observation","status":"final","code":[{"text":"x"}]}""", false, TestName = "A list where R4 has one element")]
    [TestCase("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":"abc"}}""", false, TestName = "A string as a decimal")]
    [TestCase("""{"resourceType":"Observation","status":"bogus","code":{"text":"x"}}""", false, TestName = "A status outside its value set")]
    [TestCase("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"component":[{"code":{"text":"y"},"valueQuantity":{"value":1,"bar":2}}]}""", false, TestName = "An unknown element deep inside")]
    [TestCase("""{"resourceType":"Observation","_status":{"extension":[{"url":"http://e","valueBoolean":"x"}]},"code":{"text":"x"}}""", false, TestName = "A bad literal in a primitive's extension")]
    [TestCase("""{"resourceType":"MedicationRequest","status":"active","intent":"order","medicationCodeableConcept":{"text":"x"},"dosageInstruction":[{"timing":{"repeat":{"frequency":0}}}]}""", false, TestName = "Zero as a positiveInt")]
    [TestCase("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":1.5,"comparator":"<"},"effectiveDateTime":"2026-13-45"}""", true, TestName = "Clean, with a date only the mapper checks")]
    [TestCase("""{"resourceType":"Observation","_status":{"extension":[{"url":"http://e","valueString":"x"}]},"code":{"text":"x"}}""", true, TestName = "Clean, with an extension on a primitive")]
    public void WouldPass_FindsWhatTheValidatorReports(string json, bool clean)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), BundleLayout.ReaderOptions);
        BundleMapper.UncheckedDeserializer.TryDeserializeResource(ref reader, out var resource, out _);
        resource.Should().NotBeNull();
        LiteralValidator.WouldPass(resource!).Should().Be(clean);

        reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), BundleLayout.ReaderOptions);
        BundleMapper.Deserializer.TryDeserializeResource(ref reader, out _, out var issues);
        issues.Any().Should().Be(!clean, "the validating parse agrees");
    }

    /// <summary>One element of a test or sample bundle changed in a way that FHIR validation is about: an unknown
    /// element, a list/single swap, a literal of the wrong kind or out of range, a removed or null value, a primitive
    /// extension (valid or not). Whatever the change, both ways of reading give the same result.</summary>
    [FsCheck.NUnit.Property(MaxTest = 1000)]
    public Property OneChangedElement_ReadsTheSameBothWays()
    {
        var gen =
            from source in Gen.Choose(0, Sources.Value.Length - 1)
            from node in Gen.Choose(0, int.MaxValue)
            from mutation in Gen.Choose(0, Mutations.Length - 1)
            from variant in Gen.Choose(0, 7)
            select (source, node, mutation, variant);
        return Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var (utf8, name) = Mutate(c.source, c.node, c.mutation, c.variant);
            AssertSameBothWays(utf8, name);
        });
    }

    /// <summary>One source bundle with one node changed: the <paramref name="mutation"/>th mutation, or the first after it
    /// that applies to the node. Returns the bundle's bytes and a name saying what was changed.</summary>
    internal static (byte[] Utf8, string Name) Mutate(int source, int node, int mutation, int variant)
    {
        var (name, json) = Sources.Value[source];
        var copy = json.DeepClone();
        var nodes = Walk(copy).ToList();
        var target = nodes[node % nodes.Count];
        string what = "none";
        for (int m = 0; m < Mutations.Length && what == "none"; m++)
        {
            what = Mutations[(mutation + m) % Mutations.Length](target, variant); // the first that applies to this node
        }

        return (Encoding.UTF8.GetBytes(copy.ToJsonString()), $"{name} ({what})");
    }

    private static readonly Func<JsonNode?>[] NumberVariants =
    {
        () => JsonValue.Create("abc"), () => JsonValue.Create(0), () => JsonValue.Create(-1), () => JsonValue.Create(1.5m),
        () => JsonValue.Create(3000000000L), () => JsonValue.Create(true), () => JsonValue.Create(1e-30), () => JsonNode.Parse("1e400"),
    };

    private static readonly Func<JsonNode?>[] StringVariants =
    {
        () => JsonValue.Create("bogus"), () => JsonValue.Create(string.Empty), () => JsonValue.Create(" final"), () => JsonValue.Create(5),
        () => JsonValue.Create(true)!, () => JsonValue.Create("2020-13-45"), () => new JsonObject { ["x"] = 1 }, () => JsonValue.Create("final"),
    };

    private static readonly Func<JsonNode, int, string>[] Mutations =
    {
        (node, variant) =>
        {
            if (node is not JsonObject o) return "none";
            o[variant % 2 == 0 ? "zzUnknown" : "_zzUnknown"] = variant % 3 == 0 ? JsonValue.Create(1) : new JsonObject { ["a"] = "b" };
            return "unknown element";
        },
        (node, _) => Replace(node, p => new JsonArray(p), "wrapped in a list"),
        (node, _) => node is JsonArray { Count: > 0 } a ? Replace(node, _ => a[0]!.DeepClone(), "list unwrapped") : "none",
        (node, variant) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            ? Replace(node, _ => NumberVariants[variant % NumberVariants.Length](), "number changed") : "none",
        (node, variant) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? Replace(node, _ => StringVariants[variant % StringVariants.Length](), "string changed") : "none",
        (node, variant) => node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? Replace(node, _ => variant % 2 == 0 ? JsonValue.Create("true") : JsonValue.Create(1), "boolean changed") : "none",
        (node, _) => node.Parent is JsonObject parent && node.GetPropertyName() is { } key && key != "resourceType" ? Remove(parent, key) : "none",
        (node, _) => Replace(node, _ => null, "null"),
        (node, variant) =>
        {
            if (node is not JsonValue || node.Parent is not JsonObject parent || node.GetPropertyName() is not { } key || key.StartsWith('_')) return "none";
            parent["_" + key] = new JsonObject
            {
                ["extension"] = new JsonArray(new JsonObject { ["url"] = "http://example.org/e", [variant % 2 == 0 ? "valueString" : "valueBoolean"] = "x" }),
            };
            return "primitive extension";
        },
    };

    private static string Replace(JsonNode node, Func<JsonNode, JsonNode?> replacement, string what)
    {
        switch (node.Parent)
        {
            case JsonObject o:
                string key = node.GetPropertyName();
                o[key] = replacement(node.DeepClone());
                return what;
            case JsonArray a:
                int i = node.GetElementIndex();
                a[i] = replacement(node.DeepClone());
                return what;
            default:
                return "none";
        }
    }

    private static string Remove(JsonObject parent, string key)
    {
        parent.Remove(key);
        return "element removed";
    }

    private static IEnumerable<JsonNode> Walk(JsonNode node)
    {
        yield return node;
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => Enumerable.Empty<JsonNode?>(),
        };
        foreach (var child in children.Where(c => c is not null).ToList())
        {
            foreach (var n in Walk(child!))
            {
                yield return n;
            }
        }
    }

    private static void AssertSameBothWays(byte[] utf8, string name)
    {
        var unchecked_ = FhirBundleReader.Read(utf8, name, validateEveryResource: false);
        var validated = FhirBundleReader.Read(utf8, name, validateEveryResource: true);
        Describe(unchecked_).Should().Be(Describe(validated), name);
    }

    internal static string Describe(PatientReadResult result) =>
        string.Join("\n", result.Diagnostics.Select(d => $"{d.Severity} {d.Code} {d.Line}:{d.Column} {d.Pointer} {d.Message}"))
        + "\n" + (result.Patient is null ? "no patient" : JsonSerializer.Serialize(result.Patient));
}
