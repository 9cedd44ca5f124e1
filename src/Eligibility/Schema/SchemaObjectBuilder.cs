using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Newtonsoft.Json.Linq;
using NJsonSchema;

namespace Eligibility.Schema;

/// <summary>
/// Builds NJsonSchema's <see cref="JsonSchema"/> objects straight from a rewritten schema document
/// (<see cref="SchemaLoader.LoadRewritten"/>), setting the same properties NJsonSchema's own reader
/// (<see cref="JsonSchema.FromJsonAsync(string, System.Threading.CancellationToken)"/>) sets for each keyword.
/// </summary>
/// <remarks>
/// NJsonSchema's reader deserialises through Json.NET's reflection-based contracts and then resolves <c>$ref</c>s with a
/// reflection visitor; in a fresh process that first use costs several hundred milliseconds of type loading and JIT
/// compilation, most of a cold compile. Building the objects directly costs a few milliseconds. The result is the same
/// object graph: every property has the value the reader gives it, each <c>$ref</c> points at the definition object
/// (setting <see cref="JsonSchema.Reference"/>, which clears the type as the reader's resolution does), extension data
/// holds the reader's values (a string, an array as <c>object[]</c>, an object with <c>type</c> or <c>properties</c> as a
/// schema, any other object as a dictionary). The tests compare this graph with the reader's for every embedded schema
/// and the diagnostics of every fixture validated against both. A keyword this builder does not know makes loading fail
/// rather than be ignored, like <see cref="SchemaLoader"/>'s unsupported keywords.
/// </remarks>
internal static class SchemaObjectBuilder
{
    private const string DefinitionsPrefix = "#/definitions/";

    /// <summary>Keywords the reader keeps as extension data: annotations and this library's own markers.</summary>
    private static readonly HashSet<string> ExtensionKeywords = new(StringComparer.Ordinal)
    {
        "$id", "$comment", "examples", "patternErrorMessage", "enumDescriptions", SchemaLoader.IfThenMarker, SchemaLoader.IfPropertyMarker,
        SchemaLoader.IfValueMarker, SchemaLoader.PropertyNamesMarker,
    };

    /// <summary>Builds the schema for a rewritten document, every <c>$ref</c> resolved.</summary>
    /// <param name="document">The rewritten schema (every reference internal, to <c>#/definitions/NAME</c>).</param>
    /// <returns>The root schema.</returns>
    /// <exception cref="InvalidOperationException">The document uses a keyword or reference this builder does not read.</exception>
    public static JsonSchema Build(JObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var references = new List<(JsonSchema Schema, string Path)>();
        var root = new JsonSchema();
        Fill(root, document, "#", references);
        foreach (var (schema, path) in references)
        {
            schema.Reference = Resolve(root, path);
        }

        return root;
    }

    private static JsonSchema Resolve(JsonSchema root, string path)
    {
        if (!path.StartsWith(DefinitionsPrefix, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Unsupported reference '{path}': only '{DefinitionsPrefix}NAME' is read.");
        }

        var name = path[DefinitionsPrefix.Length..];
        if (name.AsSpan().IndexOfAny("/~%") >= 0 || !root.Definitions.TryGetValue(name, out var target))
        {
            throw new InvalidOperationException($"Unresolvable reference '{path}'.");
        }

        return target;
    }

    private static T Child<T>(JToken token, string location, List<(JsonSchema, string)> references)
        where T : JsonSchema, new()
    {
        if (token is not JObject json)
        {
            throw new InvalidOperationException($"Expected a schema object at {location}.");
        }

        var schema = new T();
        Fill(schema, json, location, references);
        return schema;
    }

    private static void Fill(JsonSchema schema, JObject json, string location, List<(JsonSchema, string)> references)
    {
        foreach (var property in json.Properties())
        {
            var value = property.Value;
            var at = location + "/" + property.Name;
            switch (property.Name)
            {
                case "$schema":
                    schema.SchemaVersion = Text(value, at);
                    break;
                case "$ref":
                    references.Add((schema, Text(value, at)));
                    break;
                case "title":
                    schema.Title = Text(value, at);
                    break;
                case "description":
                    schema.Description = Text(value, at);
                    break;
                case "format":
                    schema.Format = Text(value, at);
                    break;
                case "pattern":
                    schema.Pattern = Text(value, at);
                    break;
                case "default":
                    schema.Default = Plain(value);
                    break;
                case "type":
                    schema.Type = value is JArray types
                        ? types.Aggregate(JsonObjectType.None, (type, t) => type | TypeOf(t, at))
                        : TypeOf(value, at);
                    break;
                case "enum":
                    foreach (var item in List(value, at))
                    {
                        schema.Enumeration.Add(Plain(item));
                    }

                    break;
                case "required":
                    foreach (var item in List(value, at))
                    {
                        schema.RequiredProperties.Add(Text(item, at));
                    }

                    break;
                case "minimum":
                    schema.Minimum = Number(value, at);
                    break;
                case "maximum":
                    schema.Maximum = Number(value, at);
                    break;
                case "multipleOf":
                    schema.MultipleOf = Number(value, at);
                    break;
                case "exclusiveMinimum":
                    if (value.Type == JTokenType.Boolean)
                    {
                        schema.IsExclusiveMinimum = (bool)value;
                    }
                    else
                    {
                        schema.ExclusiveMinimum = Number(value, at);
                    }

                    break;
                case "exclusiveMaximum":
                    if (value.Type == JTokenType.Boolean)
                    {
                        schema.IsExclusiveMaximum = (bool)value;
                    }
                    else
                    {
                        schema.ExclusiveMaximum = Number(value, at);
                    }

                    break;
                case "minLength":
                    schema.MinLength = Count(value, at);
                    break;
                case "maxLength":
                    schema.MaxLength = Count(value, at);
                    break;
                case "minItems":
                    schema.MinItems = Count(value, at);
                    break;
                case "maxItems":
                    schema.MaxItems = Count(value, at);
                    break;
                case "minProperties":
                    schema.MinProperties = Count(value, at);
                    break;
                case "maxProperties":
                    schema.MaxProperties = Count(value, at);
                    break;
                case "uniqueItems":
                    schema.UniqueItems = Flag(value, at);
                    break;
                case "properties":
                    foreach (var entry in Map(value, at))
                    {
                        var (name, child) = (entry.Name, entry.Value);
                        schema.Properties[name] = Child<JsonSchemaProperty>(child, at + "/" + name, references);
                    }

                    break;
                case "patternProperties":
                    foreach (var entry in Map(value, at))
                    {
                        var (name, child) = (entry.Name, entry.Value);
                        schema.PatternProperties[name] = Child<JsonSchemaProperty>(child, at + "/" + name, references);
                    }

                    break;
                case "definitions":
                    foreach (var entry in Map(value, at))
                    {
                        var (name, child) = (entry.Name, entry.Value);
                        if (child is JObject definition && definition.ContainsKey("$ref"))
                        {
                            // The reader replaces such a definition by its target; no embedded schema has one.
                            throw new InvalidOperationException($"A definition that is a reference, at {at}/{name}, is not supported.");
                        }

                        schema.Definitions[name] = Child<JsonSchema>(child, at + "/" + name, references);
                    }

                    break;
                case "additionalProperties":
                    if (value.Type == JTokenType.Boolean)
                    {
                        schema.AllowAdditionalProperties = (bool)value;
                    }
                    else
                    {
                        schema.AdditionalPropertiesSchema = Child<JsonSchema>(value, at, references);
                    }

                    break;
                case "additionalItems":
                    if (value.Type == JTokenType.Boolean)
                    {
                        schema.AllowAdditionalItems = (bool)value;
                    }
                    else
                    {
                        schema.AdditionalItemsSchema = Child<JsonSchema>(value, at, references);
                    }

                    break;
                case "items":
                    if (value is JArray tuple)
                    {
                        for (var i = 0; i < tuple.Count; i++)
                        {
                            schema.Items.Add(Child<JsonSchema>(tuple[i], at + "/" + i.ToString(CultureInfo.InvariantCulture), references));
                        }
                    }
                    else
                    {
                        schema.Item = Child<JsonSchema>(value, at, references);
                    }

                    break;
                case "not":
                    schema.Not = Child<JsonSchema>(value, at, references);
                    break;
                case "allOf":
                    AddAll(schema.AllOf, value, at, references);
                    break;
                case "anyOf":
                    AddAll(schema.AnyOf, value, at, references);
                    break;
                case "oneOf":
                    AddAll(schema.OneOf, value, at, references);
                    break;
                default:
                    if (!ExtensionKeywords.Contains(property.Name))
                    {
                        throw new InvalidOperationException($"Schema keyword '{property.Name}' at {location} is not read by the schema builder.");
                    }

                    schema.ExtensionData ??= new Dictionary<string, object?>(StringComparer.Ordinal);
                    schema.ExtensionData[property.Name] = Extension(value, at, references);
                    break;
            }
        }
    }

    private static void AddAll(ICollection<JsonSchema> target, JToken value, string at, List<(JsonSchema, string)> references)
    {
        var list = List(value, at);
        for (var i = 0; i < list.Count; i++)
        {
            target.Add(Child<JsonSchema>(list[i], at + "/" + i.ToString(CultureInfo.InvariantCulture), references));
        }
    }

    /// <summary>An extension value as the reader keeps it (NJsonSchema's extension data conversion).</summary>
    private static object? Extension(JToken value, string at, List<(JsonSchema, string)> references) => value switch
    {
        JObject json when json.Property("type") is not null || json.Property("properties") is not null => Child<JsonSchema>(json, at, references),
        JObject json => json.Properties().ToDictionary(p => p.Name, p => Extension(p.Value, at + "/" + p.Name, references)),
        JArray array => array.Select(item => Extension(item, at, references)).ToArray(),
        JValue plain => plain.Value,
        _ => value,
    };

    /// <summary>A value read into an <see cref="object"/> property: a primitive as its CLR value, anything else as the token.</summary>
    private static object? Plain(JToken value) => value is JValue plain ? plain.Value : value;

    private static JsonObjectType TypeOf(JToken value, string at) => Text(value, at) switch
    {
        "array" => JsonObjectType.Array,
        "boolean" => JsonObjectType.Boolean,
        "integer" => JsonObjectType.Integer,
        "number" => JsonObjectType.Number,
        "null" => JsonObjectType.Null,
        "object" => JsonObjectType.Object,
        "string" => JsonObjectType.String,
        var other => throw new InvalidOperationException($"Unknown type '{other}' at {at}."),
    };

    private static string Text(JToken value, string at) =>
        value.Type == JTokenType.String ? (string)value! : throw new InvalidOperationException($"Expected a string at {at}.");

    private static bool Flag(JToken value, string at) =>
        value.Type == JTokenType.Boolean ? (bool)value : throw new InvalidOperationException($"Expected true or false at {at}.");

    private static int Count(JToken value, string at) =>
        value.Type == JTokenType.Integer ? (int)value : throw new InvalidOperationException($"Expected an integer at {at}.");

    private static decimal Number(JToken value, string at) => value.Type switch
    {
        JTokenType.Integer => (decimal)value,
        JTokenType.Float => decimal.Parse(((double)value).ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture),
        _ => throw new InvalidOperationException($"Expected a number at {at}."),
    };

    private static JArray List(JToken value, string at) =>
        value as JArray ?? throw new InvalidOperationException($"Expected an array at {at}.");

    // The properties themselves, not (name, value) tuples through Select: that generic code over a value tuple would be
    // JIT-compiled in a fresh process for this alone.
    private static IEnumerable<JProperty> Map(JToken value, string at) =>
        value is JObject map
            ? map.Properties()
            : throw new InvalidOperationException($"Expected an object at {at}.");
}
