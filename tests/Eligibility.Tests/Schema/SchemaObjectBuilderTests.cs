using System.Collections;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Eligibility.Schema;
using NJsonSchema;

namespace Eligibility.Tests.Schema;

/// <summary>
/// <see cref="SchemaObjectBuilder"/> makes the schema objects the library validates with, in place of NJsonSchema's own
/// reader (much slower on first use). It must make the same objects: compared property by property with the reader's
/// for every embedded schema, and through the diagnostics — every JSON document in the repository, validated against each
/// schema, and mutations of the example rule file that uses every rule kind, give the same errors with either.
/// </summary>
[TestFixture]
public sealed class SchemaObjectBuilderTests
{
    private static readonly string[] SchemaFiles = ["rule-file.schema.json", "patient.schema.json", "cases.schema.json"];

    private static readonly Lazy<Dictionary<string, (JsonSchema Built, JsonSchema Read)>> Schemas = new(() =>
        SchemaFiles.ToDictionary(f => f, f => (SchemaLoader.Load(f), SchemaLoader.LoadWithSchemaReader(f))));

    private static readonly (SchemaKind Kind, string File)[] Kinds =
        [(SchemaKind.RuleFile, "rule-file.schema.json"), (SchemaKind.Patient, "patient.schema.json"), (SchemaKind.Cases, "cases.schema.json")];

    [TestCaseSource(nameof(SchemaFiles))]
    public void Builds_the_objects_the_reader_makes(string fileName)
    {
        var (built, read) = (SchemaLoader.Load(fileName), SchemaLoader.LoadWithSchemaReader(fileName));
        var differences = new List<string>();

        Compare(built, read, "#", built, read, differences, new HashSet<(JsonSchema, JsonSchema)>(ReferencePairComparer.Instance));

        differences.Should().BeEmpty();
    }

    [TestCaseSource(nameof(SchemaFiles))]
    public void Serialises_as_the_reader_does(string fileName)
    {
        // ToJson writes every serialised property (references as paths); fresh instances, as writing sets reference paths.
        SchemaLoader.Load(fileName).ToJson().Should().Be(SchemaLoader.LoadWithSchemaReader(fileName).ToJson());
    }

    [Test]
    public void A_keyword_the_builder_does_not_read_fails_loading()
    {
        var document = Newtonsoft.Json.Linq.JObject.Parse("""{ "type": "object", "properties": { "a": { "type": "string", "format2": "x" } } }""");

        var act = () => SchemaObjectBuilder.Build(document);

        act.Should().Throw<InvalidOperationException>().WithMessage("*'format2'*");
    }

    [Test]
    public void A_reference_outside_the_definitions_fails_loading()
    {
        var document = Newtonsoft.Json.Linq.JObject.Parse("""{ "properties": { "a": { "$ref": "#/properties/b" }, "b": { "type": "string" } } }""");

        var act = () => SchemaObjectBuilder.Build(document);

        act.Should().Throw<InvalidOperationException>().WithMessage("*'#/properties/b'*");
    }

    [Test]
    public void Every_repository_document_gets_the_same_errors_from_both()
    {
        var root = Eligibility.Tests.Robustness.InputRobustnessTests.RepositoryRoot();
        var files = new[] { "rules", "samples", "tests", "docs" }
            .Select(d => Path.Combine(root, d))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.GetFiles(d, "*.json", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        files.Should().HaveCountGreaterThan(20);

        int withErrors = 0;
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            foreach (var (kind, schemaFile) in Kinds)
            {
                withErrors += SameErrors(bytes, kind, schemaFile, Path.GetRelativePath(root, file)) ? 1 : 0;
            }
        }

        // Each document is checked against all three schemas, so most comparisons are of error lists.
        withErrors.Should().BeGreaterThan(files.Count);
    }

    [Test]
    public void Mutations_of_the_all_kinds_rule_file_get_the_same_errors_from_both()
    {
        var original = JsonNode.Parse(File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Schema", "TestFiles", "all-kinds.json")))!;
        int documents = 0;
        foreach (var (pointer, node) in JsonMutations.Nodes(original, string.Empty).ToList())
        {
            var variants = new List<string>();
            if (pointer.Length > 0)
            {
                variants.Add(JsonMutations.Edit(original, pointer, null));
                variants.Add(JsonMutations.Edit(original, pointer, _ => { }, toNull: true));
            }

            variants.AddRange(JsonMutations.OtherTypes(node).Select(text => JsonMutations.Edit(original, pointer, _ => { }, JsonNode.Parse(text))));
            if (node is JsonObject)
            {
                variants.Add(JsonMutations.Edit(original, pointer, n => n.AsObject()["unknownMember"] = 1));
            }

            if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
            {
                variants.Add(JsonMutations.Edit(original, pointer, _ => { }, JsonValue.Create(value.GetValue<string>() + "x")));
                variants.Add(JsonMutations.Edit(original, pointer, _ => { }, JsonValue.Create(string.Empty)));
            }

            foreach (var text in variants)
            {
                SameErrors(Encoding.UTF8.GetBytes(text), SchemaKind.RuleFile, "rule-file.schema.json", "all-kinds.json " + pointer);
                documents++;
            }
        }

        documents.Should().BeGreaterThan(500);
    }

    /// <summary>Validates with both schemas, asserts the same errors, and tells whether there were any.</summary>
    private static bool SameErrors(byte[] utf8, SchemaKind kind, string schemaFile, string what)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = 128 });
        }
        catch (JsonException)
        {
            return false;
        }

        using (document)
        {
            var (built, read) = Schemas.Value[schemaFile];
            var fromBuilt = SchemaValidator.Validate(document.RootElement, built, utf8);
            var fromReader = SchemaValidator.Validate(document.RootElement, read, utf8);
            fromBuilt.Should().Equal(fromReader, $"{what} against {kind} must give the same errors");

            // The schema the library uses for the kind is the built one.
            SchemaValidator.Validate(document.RootElement, kind, utf8).Should().Equal(fromReader, $"{what} against {kind}");
            return fromReader.Count > 0;
        }
    }

    private static void Compare(
        JsonSchema built, JsonSchema read, string at, JsonSchema builtRoot, JsonSchema readRoot, List<string> differences, HashSet<(JsonSchema, JsonSchema)> seen)
    {
        if (!seen.Add((built, read)))
        {
            return;
        }

        void Same(object? a, object? b, string name)
        {
            if (!Equals(a, b) || a?.GetType() != b?.GetType())
            {
                differences.Add($"{at}: {name} is {Show(a)} built, {Show(b)} read");
            }
        }

        Same(built.GetType(), read.GetType(), "the schema class");
        Same(built.Type, read.Type, "type");
        Same(built.SchemaVersion, read.SchemaVersion, "$schema");
        Same(built.Id, read.Id, "id");
        Same(built.Title, read.Title, "title");
        Same(built.Description, read.Description, "description");
        Same(built.Format, read.Format, "format");
        Same(built.Pattern, read.Pattern, "pattern");
        Same(built.Default, read.Default, "default");
        Same(built.Minimum, read.Minimum, "minimum");
        Same(built.Maximum, read.Maximum, "maximum");
        Same(built.ExclusiveMinimum, read.ExclusiveMinimum, "exclusiveMinimum");
        Same(built.ExclusiveMaximum, read.ExclusiveMaximum, "exclusiveMaximum");
        Same(built.IsExclusiveMinimum, read.IsExclusiveMinimum, "exclusiveMinimum (flag)");
        Same(built.IsExclusiveMaximum, read.IsExclusiveMaximum, "exclusiveMaximum (flag)");
        Same(built.MultipleOf, read.MultipleOf, "multipleOf");
        Same(built.MinLength, read.MinLength, "minLength");
        Same(built.MaxLength, read.MaxLength, "maxLength");
        Same(built.MinItems, read.MinItems, "minItems");
        Same(built.MaxItems, read.MaxItems, "maxItems");
        Same(built.UniqueItems, read.UniqueItems, "uniqueItems");
        Same(built.MinProperties, read.MinProperties, "minProperties");
        Same(built.MaxProperties, read.MaxProperties, "maxProperties");
        Same(built.AllowAdditionalProperties, read.AllowAdditionalProperties, "additionalProperties (flag)");
        Same(built.AllowAdditionalItems, read.AllowAdditionalItems, "additionalItems (flag)");
        Same(built.IsNullableRaw, read.IsNullableRaw, "nullable");
        Same(built.IsNullable(SchemaType.JsonSchema), read.IsNullable(SchemaType.JsonSchema), "IsNullable");
        Same(built.HasReference, read.HasReference, "HasReference");
        Same(built.Reference is null, read.Reference is null, "has a $ref");
        Same(string.Join("|", built.Enumeration.Select(Show)), string.Join("|", read.Enumeration.Select(Show)), "enum");
        Same(string.Join("|", built.RequiredProperties), string.Join("|", read.RequiredProperties), "required");
        Same(built.Item is null, read.Item is null, "items (one schema)");
        Same(built.Not is null, read.Not is null, "not");
        Same(built.AdditionalPropertiesSchema is null, read.AdditionalPropertiesSchema is null, "additionalProperties (schema)");
        Same(built.AdditionalItemsSchema is null, read.AdditionalItemsSchema is null, "additionalItems (schema)");
        if (built is JsonSchemaProperty builtProperty && read is JsonSchemaProperty readProperty)
        {
            Same(builtProperty.Name, readProperty.Name, "property name");
            Same(builtProperty.IsRequired, readProperty.IsRequired, "IsRequired");
        }

        Same(ExtensionText(built.ExtensionData), ExtensionText(read.ExtensionData), "extension data");
        if (built.ExtensionData is not null && read.ExtensionData is not null)
        {
            foreach (var key in built.ExtensionData.Keys.Intersect(read.ExtensionData.Keys))
            {
                if (built.ExtensionData[key] is JsonSchema builtExtension && read.ExtensionData[key] is JsonSchema readExtension)
                {
                    Compare(builtExtension, readExtension, at + "/" + key, builtRoot, readRoot, differences, seen);
                }
            }
        }

        if (built.Reference is { } builtTarget && read.Reference is { } readTarget)
        {
            // The same definition, by name, in each root.
            Same(DefinitionName(builtRoot, builtTarget), DefinitionName(readRoot, readTarget), "$ref target");
            Same(ReferenceEquals(built.ActualSchema, builtTarget.ActualSchema), ReferenceEquals(read.ActualSchema, readTarget.ActualSchema), "actual schema");
        }

        void Children<T>(IDictionary<string, T> a, IDictionary<string, T> b, string name)
            where T : JsonSchema
        {
            Same(string.Join("|", a.Keys), string.Join("|", b.Keys), name);
            foreach (var key in a.Keys.Intersect(b.Keys))
            {
                Compare(a[key], b[key], at + "/" + name + "/" + key, builtRoot, readRoot, differences, seen);
            }
        }

        void List(ICollection<JsonSchema> a, ICollection<JsonSchema> b, string name)
        {
            Same(a.Count, b.Count, name + " count");
            foreach (var (x, y, i) in a.Zip(b).Select((p, i) => (p.First, p.Second, i)))
            {
                Compare(x, y, at + "/" + name + "/" + i, builtRoot, readRoot, differences, seen);
            }
        }

        Children(built.Properties, read.Properties, "properties");
        Children(built.PatternProperties, read.PatternProperties, "patternProperties");
        Children(built.Definitions, read.Definitions, "definitions");
        List(built.AllOf, read.AllOf, "allOf");
        List(built.AnyOf, read.AnyOf, "anyOf");
        List(built.OneOf, read.OneOf, "oneOf");
        List(built.Items, read.Items, "items");
        if (built.Item is not null && read.Item is not null)
        {
            Compare(built.Item, read.Item, at + "/items", builtRoot, readRoot, differences, seen);
        }

        if (built.Not is not null && read.Not is not null)
        {
            Compare(built.Not, read.Not, at + "/not", builtRoot, readRoot, differences, seen);
        }

        if (built.AdditionalPropertiesSchema is not null && read.AdditionalPropertiesSchema is not null)
        {
            Compare(built.AdditionalPropertiesSchema, read.AdditionalPropertiesSchema, at + "/additionalProperties", builtRoot, readRoot, differences, seen);
        }

        if (built.AdditionalItemsSchema is not null && read.AdditionalItemsSchema is not null)
        {
            Compare(built.AdditionalItemsSchema, read.AdditionalItemsSchema, at + "/additionalItems", builtRoot, readRoot, differences, seen);
        }
    }

    private static string? DefinitionName(JsonSchema root, JsonSchema target) =>
        root.Definitions.FirstOrDefault(d => ReferenceEquals(d.Value, target)).Key ?? "(not a definition)";

    /// <summary>Extension data as text: keys, and each value with its type (schemas compared separately).</summary>
    private static string ExtensionText(IDictionary<string, object?>? data) =>
        data is null ? "(none)" : string.Join("|", data.Select(p => p.Key + "=" + Show(p.Value)));

    private static string Show(object? value) => value switch
    {
        null => "null",
        JsonSchema => "(schema)",
        string text => "string:" + text,
        IDictionary dictionary => "{" + string.Join(",", dictionary.Keys.Cast<object>().Select(k => k + ":" + Show(dictionary[k]))) + "}",
        IEnumerable list => value.GetType().Name + "[" + string.Join(",", list.Cast<object?>().Select(Show)) + "]",
        _ => value.GetType().Name + ":" + Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
    };

    private sealed class ReferencePairComparer : IEqualityComparer<(JsonSchema, JsonSchema)>
    {
        public static readonly ReferencePairComparer Instance = new();

        public bool Equals((JsonSchema, JsonSchema) x, (JsonSchema, JsonSchema) y) =>
            ReferenceEquals(x.Item1, y.Item1) && ReferenceEquals(x.Item2, y.Item2);

        public int GetHashCode((JsonSchema, JsonSchema) obj) =>
            HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Item1), System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Item2));
    }
}
