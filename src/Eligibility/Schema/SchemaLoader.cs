using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Newtonsoft.Json.Linq;
using NJsonSchema;

namespace Eligibility.Schema;

/// <summary>
/// Loads the embedded JSON Schemas (draft-07) and rewrites the few keywords NJsonSchema's validator does not
/// implement into equivalent ones it does, so that editors and the library check the same thing:
/// <list type="bullet">
/// <item><c>const: x</c> becomes <c>enum: [x]</c>.</item>
/// <item><c>if: I, then: T</c> becomes an <c>allOf</c> entry <c>anyOf: [{not: I}, T]</c> (and <c>else: E</c> becomes
/// <c>anyOf: [I, E]</c>), marked with <see cref="IfThenMarker"/> so errors can be reported from the <c>then</c> branch.</item>
/// <item><c>propertyNames: {pattern: P}</c> with <c>additionalProperties: S</c> becomes <c>patternProperties: {P: S}</c>
/// with <c>additionalProperties: false</c>; the original is kept under <see cref="PropertyNamesMarker"/> for messages.</item>
/// <item>A pattern's final <c>$</c> becomes <c>\z</c> (.NET's <c>$</c> also matches before a final newline; ECMA-262's does not).</item>
/// <item>A <c>$ref</c> to another schema file (<c>patient.schema.json</c>) is resolved from the embedded resources and inlined
/// under <c>definitions</c>.</item>
/// </list>
/// Any other keyword NJsonSchema would silently ignore makes loading fail, so a schema edit cannot quietly stop being checked.
/// The rewritten document is then turned into NJsonSchema's objects by <see cref="SchemaObjectBuilder"/>.
/// </summary>
internal static class SchemaLoader
{
    /// <summary>Prefix of the embedded resource names; the file name follows.</summary>
    internal const string ResourcePrefix = "Eligibility.Schema.";

    /// <summary>Extension keyword marking a rewritten <c>if</c>/<c>then</c> (value <c>then</c>) or <c>if</c>/<c>else</c> (value <c>else</c>).</summary>
    internal const string IfThenMarker = "x-eligibility-if";

    /// <summary>Extension keywords of a rewritten <c>if</c>/<c>then</c> whose condition is one property's presence
    /// (<c>{"required": [P]}</c>) or presence with a constant string or boolean value
    /// (<c>{"properties": {P: {"const": V}}, "required": [P]}</c>): the property's name and the value, so that the validator
    /// can see from an object's own members that the condition fails (<see cref="SchemaValidator"/>).</summary>
    internal const string IfPropertyMarker = "x-eligibility-if-property";

    /// <inheritdoc cref="IfPropertyMarker"/>
    internal const string IfValueMarker = "x-eligibility-if-value";

    /// <summary>Extension keyword holding the original <c>propertyNames</c> schema after its rewrite.</summary>
    internal const string PropertyNamesMarker = "x-eligibility-propertyNames";

    private static readonly string[] UnsupportedKeywords =
    [
        "contains", "dependencies", "dependentRequired", "dependentSchemas", "unevaluatedProperties",
        "unevaluatedItems", "prefixItems", "$defs", "$dynamicRef", "$recursiveRef", "minContains", "maxContains",
    ];

    private static readonly string[] SimplePropertyNamesKeys =
        ["type", "pattern", "title", "description", "patternErrorMessage"];

    /// <summary>
    /// Loads and rewrites the embedded schema file <paramref name="fileName"/> and builds its schema objects directly
    /// (<see cref="SchemaObjectBuilder"/>): the same objects NJsonSchema's reader makes (<see cref="LoadWithSchemaReader"/>),
    /// without the reader's first-use cost.
    /// </summary>
    /// <param name="fileName">File name under <c>Schema/</c>, e.g. <c>rule-file.schema.json</c>.</param>
    /// <returns>The parsed schema.</returns>
    /// <exception cref="InvalidOperationException">The resource is missing or uses an unsupported keyword.</exception>
    public static JsonSchema Load(string fileName) => SchemaObjectBuilder.Build(LoadRewritten(fileName));

    /// <summary>
    /// As <see cref="Load"/>, through NJsonSchema's own reader (<see cref="JsonSchema.FromJsonAsync(string, System.Threading.CancellationToken)"/>);
    /// kept so that tests can check the built objects against the reader's.
    /// </summary>
    /// <param name="fileName">File name under <c>Schema/</c>.</param>
    /// <returns>The parsed schema.</returns>
    /// <exception cref="InvalidOperationException">The resource is missing or uses an unsupported keyword.</exception>
    internal static JsonSchema LoadWithSchemaReader(string fileName)
    {
        var root = LoadRewritten(fileName);
        var json = root.ToString(Newtonsoft.Json.Formatting.None);

        // Every reference is internal once the other files are inlined, so NJsonSchema resolves them without I/O and its
        // task has completed when it returns: nothing is waited for. A task still running would mean a reference to
        // fetch, which the embedded schemas must never have.
        var task = JsonSchema.FromJsonAsync(json);
        if (!task.IsCompleted)
        {
            throw new InvalidOperationException($"Schema '{fileName}' needs a reference resolved asynchronously; the embedded schemas must be self-contained.");
        }

        return task.GetAwaiter().GetResult();
    }

    /// <summary>Returns the rewritten schema document (exposed for tests and diagnostics).</summary>
    /// <param name="fileName">File name under <c>Schema/</c>.</param>
    /// <returns>The rewritten schema as a JSON object.</returns>
    internal static JObject LoadRewritten(string fileName) => Rewrite(ReadResource(fileName), fileName);

    /// <summary>Inlines a schema document's references to other embedded schema files and rewrites its keywords.</summary>
    /// <param name="root">The schema document; changed in place.</param>
    /// <param name="fileName">Its file name (a reference to itself is not inlined).</param>
    /// <returns><paramref name="root"/>.</returns>
    internal static JObject Rewrite(JObject root, string fileName)
    {
        InlineExternalReferences(root, fileName);
        RewriteSchema(root, "#");
        return root;
    }

    /// <summary>Reads an embedded schema resource as text.</summary>
    /// <param name="fileName">File name under <c>Schema/</c>.</param>
    /// <returns>The resource text.</returns>
    internal static string ReadResourceText(string fileName)
    {
        using var stream = OpenResource(fileName);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static Stream OpenResource(string fileName) =>
        typeof(SchemaLoader).Assembly.GetManifestResourceStream(ResourcePrefix + fileName)
            ?? throw new InvalidOperationException($"Embedded schema resource '{ResourcePrefix}{fileName}' not found.");

    /// <summary>
    /// Reads an embedded schema as the tree <c>JObject.Parse</c> gives for its text, parsed by System.Text.Json and converted
    /// as checked documents are (<see cref="SchemaValidator.ToSchemaToken"/>): in a fresh process Json.NET's text reader
    /// would be compiled for this alone.
    /// </summary>
    /// <param name="fileName">File name under <c>Schema/</c>.</param>
    /// <returns>The schema document, not yet rewritten.</returns>
    internal static JObject ReadResource(string fileName)
    {
        using var stream = OpenResource(fileName);
        using var document = System.Text.Json.JsonDocument.Parse(stream);
        return SchemaValidator.ToSchemaToken(document.RootElement, fileName) as JObject
            ?? throw new InvalidOperationException($"Schema '{fileName}' is not a JSON object.");
    }

    private static void InlineExternalReferences(JObject root, string fileName)
    {
        var definitions = root["definitions"] as JObject;
        var inlined = new HashSet<string>(StringComparer.Ordinal) { fileName };
        var pending = new Queue<JObject>();
        pending.Enqueue(root);
        while (pending.Count > 0)
        {
            var document = pending.Dequeue();
            foreach (var reference in References(document).ToList())
            {
                var target = (string)reference.Value!;
                if (target.StartsWith('#'))
                {
                    continue;
                }

                var hash = target.IndexOf('#', StringComparison.Ordinal);
                var file = hash < 0 ? target : target[..hash];
                var fragment = hash < 0 ? string.Empty : target[(hash + 1)..];
                var prefix = DefinitionPrefix(file);
                if (inlined.Add(file))
                {
                    definitions ??= AddDefinitions(root);
                    var external = ReadResource(file);
                    RebaseInternalReferences(external, prefix);
                    if (external["definitions"] is JObject externalDefinitions)
                    {
                        foreach (var property in externalDefinitions.Properties())
                        {
                            definitions[prefix + "--" + property.Name] = property.Value;
                        }

                        external.Remove("definitions");
                    }

                    external.Remove("$schema");
                    external.Remove("$id");
                    definitions[prefix] = external;
                    pending.Enqueue(external);
                }

                reference.Value = fragment.Length == 0
                    ? "#/definitions/" + prefix
                    : "#/definitions/" + prefix + "--" + fragment["/definitions/".Length..];
            }
        }
    }

    private static JObject AddDefinitions(JObject root)
    {
        var definitions = new JObject();
        root["definitions"] = definitions;
        return definitions;
    }

    private static void RebaseInternalReferences(JObject external, string prefix)
    {
        foreach (var reference in References(external))
        {
            var target = (string)reference.Value!;
            if (target == "#")
            {
                reference.Value = "#/definitions/" + prefix;
            }
            else if (target.StartsWith("#/definitions/", StringComparison.Ordinal))
            {
                reference.Value = "#/definitions/" + prefix + "--" + target["#/definitions/".Length..];
            }
            else if (target.StartsWith('#'))
            {
                throw new InvalidOperationException($"Unsupported reference '{target}' in an inlined schema.");
            }
        }
    }

    private static IEnumerable<JProperty> References(JContainer document) =>
        document.Descendants().OfType<JProperty>().Where(p => p.Name == "$ref" && p.Value.Type == JTokenType.String);

    private static string DefinitionPrefix(string file)
    {
        var name = Path.GetFileName(file);
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        return "file-" + new string(chars);
    }

    private static void RewriteSchema(JToken token, string location)
    {
        if (token is not JObject schema)
        {
            return;
        }

        foreach (var keyword in UnsupportedKeywords)
        {
            if (schema.ContainsKey(keyword))
            {
                throw new InvalidOperationException($"Schema keyword '{keyword}' at {location} is not supported by the validator.");
            }
        }

        if (schema.TryGetValue("const", StringComparison.Ordinal, out var constant))
        {
            if (schema.ContainsKey("enum"))
            {
                throw new InvalidOperationException($"Both 'const' and 'enum' at {location}.");
            }

            schema.Remove("const");
            schema["enum"] = new JArray(constant);
        }

        RewriteIfThenElse(schema);
        RewritePropertyNames(schema, location);

        if (schema.TryGetValue("pattern", StringComparison.Ordinal, out var pattern) && pattern.Type == JTokenType.String)
        {
            schema["pattern"] = AnchorAtEnd((string)pattern!);
        }

        if (schema["patternProperties"] is JObject patternProperties)
        {
            foreach (var property in patternProperties.Properties().ToList())
            {
                var anchored = AnchorAtEnd(property.Name);
                if (anchored != property.Name)
                {
                    property.Replace(new JProperty(anchored, property.Value));
                }
            }
        }

        foreach (var name in new[] { "properties", "patternProperties", "definitions" })
        {
            if (schema[name] is JObject map)
            {
                foreach (var property in map.Properties())
                {
                    RewriteSchema(property.Value, location + "/" + name + "/" + property.Name);
                }
            }
        }

        foreach (var name in new[] { "additionalProperties", "additionalItems", "not", "items" })
        {
            if (schema[name] is JObject child)
            {
                RewriteSchema(child, location + "/" + name);
            }
        }

        foreach (var name in new[] { "allOf", "anyOf", "oneOf", "items" })
        {
            if (schema[name] is JArray list)
            {
                for (var i = 0; i < list.Count; i++)
                {
                    RewriteSchema(list[i], location + "/" + name + "/" + i.ToString(CultureInfo.InvariantCulture));
                }
            }
        }
    }

    private static void RewriteIfThenElse(JObject schema)
    {
        if (!schema.TryGetValue("if", StringComparison.Ordinal, out var condition))
        {
            schema.Remove("then");
            schema.Remove("else");
            return;
        }

        var then = schema["then"];
        var otherwise = schema["else"];
        schema.Remove("if");
        schema.Remove("then");
        schema.Remove("else");
        if (schema["allOf"] is not JArray allOf)
        {
            allOf = [];
            schema["allOf"] = allOf;
        }

        if (then is not null)
        {
            var entry = new JObject
            {
                ["anyOf"] = new JArray(new JObject { ["not"] = condition.DeepClone() }, then),
                [IfThenMarker] = "then",
            };
            if (PropertyCondition(condition) is var (property, value))
            {
                entry[IfPropertyMarker] = property;
                if (value is not null)
                {
                    entry[IfValueMarker] = value.DeepClone();
                }
            }

            allOf.Add(entry);
        }

        if (otherwise is not null)
        {
            allOf.Add(new JObject
            {
                ["anyOf"] = new JArray(condition.DeepClone(), otherwise),
                [IfThenMarker] = "else",
            });
        }
    }

    /// <summary>The property and constant value of a condition that is exactly <c>{"required": [P]}</c> (value
    /// <c>null</c>) or <c>{"properties": {P: {"const": V}}, "required": [P]}</c> with a string or boolean V; else
    /// <c>null</c>. Read before any rewrite of the condition (its <c>const</c> is still a <c>const</c>).</summary>
    private static (string Property, JValue? Value)? PropertyCondition(JToken condition)
    {
        if (condition is not JObject json || json["required"] is not JArray { Count: 1 } required || required[0] is not JValue { Type: JTokenType.String } name)
        {
            return null;
        }

        string property = (string)name!;
        if (json.Count == 1)
        {
            return (property, null);
        }

        return json.Count == 2 && json["properties"] is JObject { Count: 1 } properties && properties[property] is JObject { Count: 1 } constant
            && constant["const"] is JValue { Type: JTokenType.String or JTokenType.Boolean } value
            ? (property, value)
            : null;
    }

    private static void RewritePropertyNames(JObject schema, string location)
    {
        if (!schema.TryGetValue("propertyNames", StringComparison.Ordinal, out var names))
        {
            return;
        }

        if (names is not JObject namesSchema
            || namesSchema["pattern"]?.Type != JTokenType.String
            || namesSchema.Properties().Any(p => !SimplePropertyNamesKeys.Contains(p.Name))
            || schema.ContainsKey("patternProperties"))
        {
            throw new InvalidOperationException(
                $"Only 'propertyNames' with a plain 'pattern' (and no 'patternProperties') is supported, at {location}.");
        }

        var valueSchema = schema["additionalProperties"];
        if (valueSchema is null || valueSchema.Type == JTokenType.Boolean && (bool)valueSchema)
        {
            valueSchema = new JObject();
        }
        else if (valueSchema.Type == JTokenType.Boolean)
        {
            throw new InvalidOperationException($"'propertyNames' with 'additionalProperties: false' at {location}.");
        }

        schema.Remove("propertyNames");
        schema[PropertyNamesMarker] = namesSchema;
        schema["patternProperties"] = new JObject { [AnchorAtEnd((string)namesSchema["pattern"]!)] = valueSchema };
        schema["additionalProperties"] = false;
    }

    private static string AnchorAtEnd(string pattern)
    {
        if (pattern.EndsWith('$') && !pattern.EndsWith("\\$", StringComparison.Ordinal))
        {
            return pattern[..^1] + "\\z";
        }

        return pattern;
    }
}
