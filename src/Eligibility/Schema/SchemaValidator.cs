using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using Eligibility.Diagnostics;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;
using StjJsonDocument = System.Text.Json.JsonDocument;
using StjJsonElement = System.Text.Json.JsonElement;
using StjJsonException = System.Text.Json.JsonException;
using StjJsonValueKind = System.Text.Json.JsonValueKind;

namespace Eligibility.Schema;

/// <summary>Which embedded JSON Schema to validate against.</summary>
internal enum SchemaKind
{
    /// <summary><c>rule-file.schema.json</c>: a trial's rule file.</summary>
    RuleFile,

    /// <summary><c>patient.schema.json</c>: a native patient record.</summary>
    Patient,

    /// <summary><c>cases.schema.json</c>: a rule file's example cases.</summary>
    Cases,
}

/// <summary>One schema violation.</summary>
/// <param name="Pointer">
/// RFC 6901 JSON pointer of the offending value (<c>""</c> for the root). For an unknown or badly named property it is the
/// pointer of that property (<c>/inclusion/0/rule/gtt</c>); for a missing property it is the object that lacks it
/// (<c>/inclusion/0/rule</c>), and the message names the property; for a combination of properties (<c>gt</c> with
/// <c>gte</c>, none of <c>unit</c>/<c>relativeTo</c>) it is the object holding them.
/// </param>
/// <param name="Message">Short human-readable message, e.g. <c>unknown property 'gtt' (did you mean 'gt'?)</c>.</param>
internal sealed record SchemaError(string Pointer, string Message)
{
    /// <summary>
    /// The diagnostic code, decided where the error is made from what failed (the validator's error kind, the keyword and
    /// the instance location), never from <see cref="Message"/>: ELIG1001–ELIG1007 and ELIG1099, ELIG0001 for malformed
    /// text and ELIG0004 for a repeated property name.
    /// </summary>
    public string Code { get; init; } = DiagnosticCodes.SchemaViolation;

    /// <summary>Whether the error is about a property's name (an unknown property, a name that misses its pattern) rather than its value.</summary>
    public bool AtName { get; init; }
}

/// <summary>
/// Validates JSON against the embedded JSON Schemas (<c>Schema/*.schema.json</c>) and reports violations as JSON
/// pointers with short messages and their codes.
/// </summary>
/// <remarks>
/// The input must be strict RFC 8259 JSON (no comments, no trailing commas) nested at most 64 levels deep; a syntax error is
/// reported as a single error at <c>""</c>. A repeated property name in one object is reported as an error at that
/// property. Errors come in document order, without duplicates; when a value has the wrong type, only that is reported
/// for it. Alternatives (<c>anyOf</c>/<c>oneOf</c>, and the per-<c>kind</c> rule schemas) are reported through the most
/// specific branch rather than as a bare "not one of". A document already parsed is validated as it is
/// (<see cref="Validate(StjJsonElement, SchemaKind, ReadOnlySpan{byte})"/>): its text is not read again.
/// </remarks>
internal static class SchemaValidator
{
    /// <summary>Off, every <c>if</c>/<c>then</c> condition is validated by NJsonSchema (see <c>IfThenValidator.ConditionFails</c>):
    /// a test compares the two ways over many rule files. Never changed outside tests.</summary>
    internal static bool UseConditionShortcut { get; set; } = true;

    /// <summary>The deepest nesting the schema check reads (the compiler reads 128 levels; deeper rule files get ELIG1006).</summary>
    internal const int MaxDepth = 64;
    private const int MaxShownLength = 60;

    private static readonly Lazy<JsonSchema> RuleFileSchema = new(
        () => SchemaLoader.Load("rule-file.schema.json"), LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly Lazy<JsonSchema> PatientSchema = new(
        () => SchemaLoader.Load("patient.schema.json"), LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly Lazy<JsonSchema> CasesSchema = new(
        () => SchemaLoader.Load("cases.schema.json"), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Validates <paramref name="json"/> against the schema for <paramref name="kind"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="kind">Which schema to use.</param>
    /// <returns>The violations, empty when the document is valid. Never throws for bad input.</returns>
    /// <exception cref="EligibilityBugException">Validation itself failed (a defect, not a problem with the input).</exception>
    public static IReadOnlyList<SchemaError> Validate(string json, SchemaKind kind)
    {
        if (json is null)
        {
            return [new SchemaError(string.Empty, "malformed JSON: no input") { Code = DiagnosticCodes.JsonSyntax }];
        }

        StjJsonDocument document;
        try
        {
            document = StjJsonDocument.Parse(json, new System.Text.Json.JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (StjJsonException exception)
        {
            return [Malformed(exception)];
        }

        using (document)
        {
            return Validate(document.RootElement, kind, default);
        }
    }

    /// <summary>
    /// Validates a document already parsed (at most <see cref="System.Text.Json.JsonDocumentOptions.MaxDepth"/> 128 deep)
    /// against the schema for <paramref name="kind"/>, without reading its text again.
    /// </summary>
    /// <param name="root">The document's root.</param>
    /// <param name="kind">Which schema to use.</param>
    /// <param name="text">The UTF-8 text the document was parsed from (no byte order mark), used only to place a
    /// nesting-depth error as the text parser would; may be empty.</param>
    /// <returns>The violations, empty when the document is valid. Never throws for bad input.</returns>
    /// <exception cref="EligibilityBugException">Validation itself failed (a defect, not a problem with the input).</exception>
    public static IReadOnlyList<SchemaError> Validate(StjJsonElement root, SchemaKind kind, ReadOnlySpan<byte> text) =>
        Validate(root, kind, null, text);

    /// <summary>
    /// As <see cref="Validate(StjJsonElement, SchemaKind, ReadOnlySpan{byte})"/>, against a given schema (one of the
    /// embedded schemas loaded another way: tests compare the built schema objects with NJsonSchema's reader).
    /// </summary>
    /// <param name="root">The document's root.</param>
    /// <param name="schema">The schema, loaded by <see cref="SchemaLoader"/>.</param>
    /// <param name="text">The UTF-8 text the document was parsed from; may be empty.</param>
    /// <returns>The violations, empty when the document is valid.</returns>
    /// <exception cref="EligibilityBugException">Validation itself failed (a defect, not a problem with the input).</exception>
    internal static IReadOnlyList<SchemaError> Validate(StjJsonElement root, JsonSchema schema, ReadOnlySpan<byte> text) =>
        Validate(root, default, schema, text);

    private static IReadOnlyList<SchemaError> Validate(StjJsonElement root, SchemaKind kind, JsonSchema? schema, ReadOnlySpan<byte> text)
    {
        try
        {
            if (TooDeep(root, 0) is { } deep)
            {
                return [DepthExceeded(deep, text)];
            }

            var built = new List<Issue>();
            var token = ToToken(root, built);
            var structural = built.Select(i => i with { Pointer = PointerOf(i.Token) }).ToList();
            var raw = new IfThenValidator().Validate(token, schema ?? SchemaFor(kind));
            if (raw.Count == 0 && structural.Count == 0)
            {
                return [];
            }

            // Structural errors outrank schema errors at the same place, like a type error does.
            var issues = structural;
            foreach (var error in raw)
            {
                Flatten(error, issues);
            }

            return Finish(issues, token);
        }
        catch (Exception exception) when (exception is not (OutOfMemoryException or EligibilityBugException))
        {
            // Bad input is reported as errors above; an exception here is a defect of the validator, not of the file.
            throw new EligibilityBugException($"internal error in schema validation: {exception.GetType().Name}: {exception.Message}", exception);
        }
        finally
        {
            arrayIndexes = null;
        }
    }

    /// <summary>
    /// Loads the schema for <paramref name="kind"/> now (on a background thread, ahead of the first validation), unless it is
    /// loaded. Never throws: a failure is kept by the lazy schema and thrown by the validation that needs it, as without
    /// preloading.
    /// </summary>
    /// <param name="kind">Which schema.</param>
    internal static void Preload(SchemaKind kind)
    {
        try
        {
            _ = SchemaFor(kind);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Kept by the Lazy (ExecutionAndPublication caches the exception) and rethrown where the schema is used.
        }
    }

    private static JsonSchema SchemaFor(SchemaKind kind) => kind switch
    {
        SchemaKind.RuleFile => RuleFileSchema.Value,
        SchemaKind.Patient => PatientSchema.Value,
        SchemaKind.Cases => CasesSchema.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown schema kind"),
    };

    // ---- reading the document ------------------------------------------------------------------------------------

    private static SchemaError Malformed(StjJsonException exception)
    {
        var message = exception.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        }

        if (cut > 0)
        {
            message = message[..cut];
        }

        var where = exception.LineNumber is { } line
            ? Invariant($" at line {line + 1}, column {(exception.BytePositionInLine ?? 0) + 1}")
            : string.Empty;
        bool depth = message.Contains("maximum configured depth", StringComparison.Ordinal);
        return new SchemaError(string.Empty, $"malformed JSON{where}: {message.Trim()}")
        {
            Code = depth ? DiagnosticCodes.OutOfRange : DiagnosticCodes.JsonSyntax,
        };
    }

    /// <summary>The first object or array (in document order) that opens deeper than <see cref="MaxDepth"/>, or null.</summary>
    private static StjJsonElement? TooDeep(StjJsonElement element, int depth)
    {
        if (element.ValueKind is not (StjJsonValueKind.Object or StjJsonValueKind.Array))
        {
            return null;
        }

        if (depth + 1 > MaxDepth)
        {
            return element;
        }

        if (element.ValueKind == StjJsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (TooDeep(property.Value, depth + 1) is { } deep)
                {
                    return deep;
                }
            }
        }
        else
        {
            foreach (var item in element.EnumerateArray())
            {
                if (TooDeep(item, depth + 1) is { } deep)
                {
                    return deep;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// A string or name (as written, without quotes) that System.Text.Json refuses to unescape, as Json.NET reads it: an
    /// escaped lone surrogate (<c>\ud800</c>) is kept as that UTF-16 code unit. Rule files never get here (loading refuses
    /// such strings, ELIG0001); text given straight to the validator can.
    /// </summary>
    private static string Lenient(ReadOnlySpan<byte> raw)
    {
        var text = Encoding.UTF8.GetString(raw);
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 >= text.Length)
            {
                builder.Append(text[i]);
                continue;
            }

            var escape = text[++i];
            if (escape == 'u' && i + 4 < text.Length
                && int.TryParse(text.AsSpan(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var unit))
            {
                builder.Append((char)unit);
                i += 4;
                continue;
            }

            builder.Append(escape switch { 'n' => '\n', 'r' => '\r', 't' => '\t', 'b' => '\b', 'f' => '\f', _ => escape });
        }

        return builder.ToString();
    }

    /// <summary>The error System.Text.Json gives a reader limited to <see cref="MaxDepth"/> levels: at the opening bracket that goes deeper.</summary>
    private static SchemaError DepthExceeded(StjJsonElement deep, ReadOnlySpan<byte> text)
    {
        var where = string.Empty;
        if (!text.IsEmpty && text.Overlaps(JsonMarshal.GetRawUtf8Value(deep), out int offset))
        {
            var before = text[..offset];
            int line = before.Count((byte)'\n');
            int column = offset - (before.LastIndexOf((byte)'\n') + 1);
            where = Invariant($" at line {line + 1}, column {column + 1}");
        }

        return new SchemaError(string.Empty, $"malformed JSON{where}: The maximum configured depth of {MaxDepth} has been exceeded. Cannot read next JSON object.")
        {
            Code = DiagnosticCodes.OutOfRange,
        };
    }

    /// <summary>The Json.NET tree the schema check validates for <paramref name="root"/> (the benchmarks time its first use).</summary>
    /// <param name="root">The document's root.</param>
    /// <returns>The tree.</returns>
    internal static JToken ToToken(StjJsonElement root) => ToToken(root, []);

    /// <summary>
    /// The Json.NET tree of a schema document, by the same conversion as the documents it checks (so that loading a schema
    /// and checking a file share their first-use cost, and Json.NET's text reader is never needed): the tree
    /// <c>JObject.Parse</c> gives for it, because a schema has no repeated property name, no number beyond a long or a
    /// double, and no string Json.NET would read as a date (a digit, 19 to 40 characters, <c>T</c> eleventh, or
    /// <c>/Date(</c>); any of these makes loading fail rather than differ.
    /// </summary>
    /// <param name="root">The schema document's root.</param>
    /// <param name="fileName">The schema's file name, for the message.</param>
    /// <returns>The tree.</returns>
    /// <exception cref="InvalidOperationException">The document has one of the constructs above.</exception>
    internal static JToken ToSchemaToken(StjJsonElement root, string fileName)
    {
        var structural = new List<Issue>();
        var token = ToToken(root, structural);
        if (structural.Count > 0)
        {
            throw new InvalidOperationException($"Schema '{fileName}': {structural[0].Message} at {structural[0].Token?.Path}.");
        }

        foreach (var value in (token is JContainer container ? container.DescendantsAndSelf() : [token]).OfType<JValue>())
        {
            if (value.Value is string text
                && ((text.Length is >= 19 and <= 40 && char.IsAsciiDigit(text[0]) && text[10] == 'T') || text.StartsWith("/Date(", StringComparison.Ordinal)))
            {
                throw new InvalidOperationException($"Schema '{fileName}': the string at {value.Path} would be read as a date by Json.NET.");
            }
        }

        return token;
    }

    /// <summary>
    /// The Json.NET tree NJsonSchema validates, built from the parsed document (the text is not parsed again), as Json.NET
    /// would read it: dates stay strings, numbers that are not 64-bit integers are doubles, and a repeated property name
    /// keeps its first place with its last value. Repeated names and numbers beyond a double's range are collected as
    /// structural issues.
    /// </summary>
    private static JToken ToToken(StjJsonElement element, List<Issue> structural)
    {
        switch (element.ValueKind)
        {
            case StjJsonValueKind.Object:
            {
                var result = new JObject();
                foreach (var property in element.EnumerateObject())
                {
                    var value = ToToken(property.Value, structural);
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        name = Lenient(JsonMarshal.GetRawUtf8PropertyName(property));
                    }

                    if (result.Property(name, StringComparison.Ordinal) is { } existing)
                    {
                        existing.Value = value;
                        structural.Add(new Issue(existing, string.Empty, $"duplicate property '{Shorten(name)}'", true) { Code = DiagnosticCodes.DuplicateProperty });
                    }
                    else
                    {
                        result.Add(name, value);
                    }
                }

                return result;
            }

            case StjJsonValueKind.Array:
            {
                var result = new JArray();
                foreach (var item in element.EnumerateArray())
                {
                    result.Add(ToToken(item, structural));
                }

                return result;
            }

            case StjJsonValueKind.String:
                try
                {
                    return new JValue(element.GetString());
                }
                catch (InvalidOperationException)
                {
                    return new JValue(Lenient(JsonMarshal.GetRawUtf8Value(element)[1..^1]));
                }

            case StjJsonValueKind.Number:
                if (element.TryGetInt64(out long integer))
                {
                    return new JValue(integer);
                }

                if (element.TryGetDouble(out double number) && double.IsFinite(number))
                {
                    return new JValue(number);
                }

                var tooLarge = new JValue(double.Parse(element.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture));
                if (!double.IsFinite((double)tooLarge.Value!))
                {
                    structural.Add(new Issue(tooLarge, string.Empty, "number is too large to represent", true) { Code = DiagnosticCodes.OutOfRange });
                }

                return tooLarge;
            case StjJsonValueKind.True:
                return new JValue(true);
            case StjJsonValueKind.False:
                return new JValue(false);
            default:
                return JValue.CreateNull();
        }
    }

    // ---- validation ----------------------------------------------------------------------------------------------

    /// <summary>
    /// NJsonSchema's validator, except that a rewritten <c>if</c>/<c>then</c> (see <see cref="SchemaLoader"/>) checks the
    /// consequence only when the condition holds. NJsonSchema evaluates every <c>anyOf</c> branch, which would validate a
    /// nested rule against all fifteen per-kind schemas and make validation exponential in the nesting depth.
    /// </summary>
    private sealed class IfThenValidator : JsonSchemaValidator
    {
        /// <summary>Arrays longer than this have their items validated detached (see <see cref="ValidateLongArray"/>).</summary>
        private const int LongArray = 32;

        protected override ICollection<ValidationError> Validate(
            JToken token, JsonSchema schema, SchemaType schemaType, string? propertyName, string propertyPath)
        {
            if (token is JArray { Count: > LongArray } array && IsPlainArraySchema(schema))
            {
                return ValidateLongArray(array, schema, schemaType, propertyName, propertyPath);
            }

            if (schema.ExtensionData?.ContainsKey(SchemaLoader.IfThenMarker) != true || schema.AnyOf.Count != 2)
            {
                return base.Validate(token, schema, schemaType, propertyName, propertyPath);
            }

            if (UseConditionShortcut && ConditionFails(token, schema))
            {
                return []; // what validating the condition would conclude, without NJsonSchema's errors for its failure
            }

            var branches = schema.AnyOf.ToList();
            var conditionErrors = Validate(token, branches[0].ActualSchema, schemaType, propertyName, propertyPath);
            if (conditionErrors.Count == 0)
            {
                return [];
            }

            var consequenceErrors = Validate(token, branches[1].ActualSchema, schemaType, propertyName, propertyPath);
            if (consequenceErrors.Count == 0)
            {
                return [];
            }

            var errors = new Dictionary<JsonSchema, ICollection<ValidationError>>
            {
                [branches[0]] = conditionErrors,
                [branches[1]] = consequenceErrors,
            };
            return [new ChildSchemaValidationError(ValidationErrorKind.NotAnyOf, propertyName, propertyPath, errors, token, schema)];
        }

        /// <summary>
        /// Whether an <c>if</c>/<c>then</c> whose condition is one property's presence (with a constant value) plainly fails
        /// for <paramref name="token"/>: an object without the property, or whose property is a string or boolean other
        /// than the constant. Then the <c>then</c> is not checked, exactly as when NJsonSchema finds the condition's errors
        /// (a required property missing, a value not in the one-value enumeration), which it builds with their paths for
        /// every node and each of the fifteen per-kind conditions: most of a rule file's validation time. Anything else
        /// (not an object, a value of another kind, a condition of another shape) is left to NJsonSchema.
        /// </summary>
        private static bool ConditionFails(JToken token, JsonSchema schema)
        {
            if (token is not JObject json || schema.ExtensionData is not { } data
                || !data.TryGetValue(SchemaLoader.IfPropertyMarker, out var marker) || marker is not string property)
            {
                return false;
            }

            if (!json.TryGetValue(property, StringComparison.Ordinal, out var value))
            {
                return true; // required and missing
            }

            if (!data.TryGetValue(SchemaLoader.IfValueMarker, out var expected))
            {
                return false; // presence only: it holds
            }

            return value switch
            {
                JValue { Type: JTokenType.String } text when expected is string constant => !string.Equals((string)text!, constant, StringComparison.Ordinal),
                JValue { Type: JTokenType.Boolean } flag when expected is bool constant => (bool)flag != constant,
                _ => false,
            };
        }

        /// <summary>"type": "array" with one "items" schema and no other array keyword that depends on the items.</summary>
        private static bool IsPlainArraySchema(JsonSchema schema) =>
            schema.Type == JsonObjectType.Array && schema.Item is not null && schema.Items.Count == 0
            && schema.MinItems == 0 && schema.MaxItems == 0 && !schema.UniqueItems
            && schema.AnyOf.Count == 0 && schema.AllOf.Count == 0 && schema.OneOf.Count == 0 && schema.Not is null
            && schema.Enumeration.Count == 0;

        /// <summary>
        /// What NJsonSchema does for an array, with each item detached from the array while it is validated. NJsonSchema
        /// computes <see cref="JToken.Path"/> for every <c>anyOf</c>/<c>allOf</c>/<c>not</c> it meets, and Json.NET finds an
        /// item's index by a linear search of its array, so inside an array of n criteria validation took O(n²) time
        /// (20,000 criteria: 30 s). Detached, an item's paths stop at the item. The items are put back in order, so the
        /// errors' tokens are in the document again when pointers are computed.
        /// </summary>
        private List<ValidationError> ValidateLongArray(JArray array, JsonSchema schema, SchemaType schemaType, string? propertyName, string propertyPath)
        {
            var items = array.ToList();
            array.Clear();
            var errors = new List<ValidationError>();
            try
            {
                // Everything about the array but its items (type, enum, ...), on the array emptied.
                errors.AddRange(base.Validate(array, schema, schemaType, propertyName, propertyPath));
                var itemSchema = schema.Item!;
                for (var index = 0; index < items.Count; index++)
                {
                    var propertyIndex = string.Format(CultureInfo.InvariantCulture, "[{0}]", index);
                    var itemPath = !string.IsNullOrEmpty(propertyPath) ? propertyPath + propertyIndex : propertyIndex;
                    var itemErrors = Validate(items[index], itemSchema.ActualSchema, schemaType, null, itemPath);
                    if (itemErrors.Count > 0)
                    {
                        var byItemSchema = new Dictionary<JsonSchema, ICollection<ValidationError>> { [itemSchema] = itemErrors };
                        errors.Add(new ChildSchemaValidationError(ValidationErrorKind.ArrayItemNotValid, propertyIndex, itemPath, byItemSchema, items[index], itemSchema));
                    }
                }
            }
            finally
            {
                foreach (var item in items)
                {
                    array.Add(item);
                }
            }

            return errors;
        }
    }

    // ---- flattening ----------------------------------------------------------------------------------------------

    /// <summary>A translated error before ordering and deduplication.</summary>
    private sealed record Issue(JToken? Token, string Pointer, string Message, bool IsTypeError)
    {
        /// <summary>The diagnostic code: set where the issue is made, from the error kind or the construct that failed.</summary>
        public string Code { get; init; } = DiagnosticCodes.SchemaViolation;

        /// <summary>Whether the issue is about a property's name rather than its value.</summary>
        public bool AtName { get; init; }
    }

    private static void Flatten(ValidationError error, List<Issue> issues)
    {
        if (error is ChildSchemaValidationError child)
        {
            switch (error.Kind)
            {
                case ValidationErrorKind.NotAnyOf:
                case ValidationErrorKind.NotOneOf:
                    Alternatives(child, issues);
                    return;
                default:
                    // NotAllOf, ArrayItemNotValid, AdditionalItemNotValid, AdditionalPropertiesNotValid: every child counts.
                    foreach (var errors in child.Errors.Values)
                    {
                        foreach (var inner in errors)
                        {
                            Flatten(inner, issues);
                        }
                    }

                    return;
            }
        }

        if (error is MultiTypeValidationError multi && ErrorsForActualType(multi) is { } sameType)
        {
            // e.g. "type": ["string", "null"] with a string that misses the pattern: report the pattern.
            foreach (var inner in sameType)
            {
                Flatten(inner, issues);
            }

            return;
        }

        issues.Add(error.Kind == ValidationErrorKind.ExcludedSchemaValidates ? Excluded(error) : Leaf(error));
    }

    /// <summary>For a value of one of the allowed types, that type's errors (none of which is a type error).</summary>
    private static ICollection<ValidationError>? ErrorsForActualType(MultiTypeValidationError error)
    {
        var actual = error.Token?.Type switch
        {
            JTokenType.String => JsonObjectType.String,
            JTokenType.Integer => JsonObjectType.Integer,
            JTokenType.Float => JsonObjectType.Number,
            JTokenType.Boolean => JsonObjectType.Boolean,
            JTokenType.Object => JsonObjectType.Object,
            JTokenType.Array => JsonObjectType.Array,
            JTokenType.Null => JsonObjectType.Null,
            _ => JsonObjectType.None,
        };
        if (!error.Errors.TryGetValue(actual, out var errors) && actual == JsonObjectType.Integer)
        {
            error.Errors.TryGetValue(JsonObjectType.Number, out errors);
        }

        return errors is { Count: > 0 } && !errors.Any(e => IsTypeKind(e.Kind)) ? errors : null;
    }

    private static bool IsTypeKind(ValidationErrorKind kind) => kind is ValidationErrorKind.StringExpected
        or ValidationErrorKind.NumberExpected or ValidationErrorKind.IntegerExpected or ValidationErrorKind.BooleanExpected
        or ValidationErrorKind.ObjectExpected or ValidationErrorKind.ArrayExpected or ValidationErrorKind.NullExpected
        or ValidationErrorKind.NoTypeValidates;

    private static List<Issue> Flatten(IEnumerable<ValidationError> errors)
    {
        var issues = new List<Issue>();
        foreach (var error in errors)
        {
            Flatten(error, issues);
        }

        return issues;
    }

    private static void Alternatives(ChildSchemaValidationError error, List<Issue> issues)
    {
        var branches = error.Errors.ToList();
        var pointer = PointerOf(error.Token);

        // A rewritten if/then (or if/else): branch 0 is "not if" (or "if"), branch 1 the consequence.
        if (error.Schema.ExtensionData?.TryGetValue(SchemaLoader.IfThenMarker, out var marker) == true && branches.Count == 2)
        {
            // "if: {required: [a]}, then: {required: [b]}" reads best as "'a' requires 'b'".
            var consequence = branches[1].Value;
            var condition = branches[0].Key.ActualSchema.Not?.ActualSchema;
            if (Equals(marker?.ToString(), "then")
                && condition is { RequiredProperties.Count: > 0 }
                && RequiredOnly(branches[1].Key.ActualSchema) is not null
                && consequence.All(e => e.Kind == ValidationErrorKind.PropertyRequired))
            {
                var triggers = condition.RequiredProperties.ToList();
                foreach (var missing in consequence)
                {
                    issues.Add(new Issue(
                        error.Token, pointer, $"missing required property '{missing.Property}' (required with {Names(triggers)})", false) { Code = DiagnosticCodes.MissingProperty });
                }

                return;
            }

            // "if: {required: [a]}, then: {anyOf: [{required: [b]}, {required: [c]}]}" reads as "'a' requires 'b' or 'c'".
            var thenSchema = branches[1].Key.ActualSchema;
            var choices = thenSchema.AnyOf.Select(s => RequiredOnly(s.ActualSchema)).ToList();
            if (Equals(marker?.ToString(), "then")
                && condition is { RequiredProperties.Count: > 0 }
                && choices.Count > 1 && choices.All(c => c is { Count: 1 })
                && consequence.Count == 1 && consequence.All(e => e.Kind == ValidationErrorKind.NotAnyOf))
            {
                issues.Add(new Issue(
                    error.Token, pointer, $"missing required property: one of {List(choices.Select(c => c![0]))} (required with {Names(condition.RequiredProperties.ToList())})", false) { Code = DiagnosticCodes.MissingProperty });
                return;
            }

            issues.AddRange(Flatten(consequence));
            return;
        }

        var requiredSets = branches.Select(b => RequiredOnly(b.Key.ActualSchema)).ToList();
        var allRequiredOnly = requiredSets.All(r => r is not null);
        var allNames = requiredSets.Where(r => r is not null).SelectMany(r => r!).Distinct(StringComparer.Ordinal).ToList();
        var passing = branches.Count(b => b.Value.Count == 0);

        if (passing > 1)
        {
            // Only oneOf fails with several valid branches.
            if (allRequiredOnly && error.Token is JObject present)
            {
                var found = allNames.Where(present.ContainsKey).ToList();
                issues.Add(new Issue(error.Token, pointer, $"only one of {List(allNames)} may be given (found {List(found)})", false) { Code = DiagnosticCodes.InvalidCombination });
            }
            else
            {
                issues.Add(new Issue(error.Token, pointer, "matches more than one of the allowed alternatives", false) { Code = DiagnosticCodes.InvalidCombination });
            }

            return;
        }

        if (allRequiredOnly && error.Token is JObject)
        {
            var quantifier = error.Kind == ValidationErrorKind.NotOneOf ? "exactly one" : "at least one";
            var choices = requiredSets.Select(r => string.Join(" with ", r!.Select(n => "'" + n + "'"))).ToList();
            issues.Add(new Issue(error.Token, pointer, $"{quantifier} of {string.Join(", ", choices)} is required", false) { Code = DiagnosticCodes.InvalidCombination });
            return;
        }

        var flattened = branches.Select(b => Flatten(b.Value)).ToList();
        var candidates = flattened
            .Where(f => !f.Any(i => i.IsTypeError && i.Pointer == pointer))
            .ToList();
        if (candidates.Count == 0)
        {
            var expected = branches
                .SelectMany(b => TypeNames(b.Key.ActualSchema.Type))
                .Distinct(StringComparer.Ordinal)
                .ToList();
            var message = expected.Count > 0
                ? $"expected {string.Join(" or ", expected)}, found {JsonTypeName(error.Token)}"
                : "does not match any of the allowed alternatives";
            issues.Add(new Issue(error.Token, pointer, message, true) { Code = expected.Count > 0 ? DiagnosticCodes.WrongType : DiagnosticCodes.SchemaViolation });
            return;
        }

        var best = candidates.OrderBy(c => c.Count).First();
        if (best.Count == 0)
        {
            issues.Add(new Issue(error.Token, pointer, "does not match any of the allowed alternatives", false));
            return;
        }

        issues.AddRange(best);
    }

    /// <summary>The required property names when <paramref name="schema"/> only says "required: [...]"; otherwise null.</summary>
    private static List<string>? RequiredOnly(JsonSchema schema)
    {
        var onlyRequired = schema.RequiredProperties.Count > 0
            && schema.Properties.Count == 0
            && schema.Type == JsonObjectType.None
            && schema.AllOf.Count == 0
            && schema.AnyOf.Count == 0
            && schema.OneOf.Count == 0
            && schema.Not is null
            && schema.Enumeration.Count == 0;
        return onlyRequired ? schema.RequiredProperties.ToList() : null;
    }

    private static Issue Excluded(ValidationError error)
    {
        var pointer = PointerOf(error.Token);
        var excluded = error.Schema.Not?.ActualSchema;
        if (excluded is not null && error.Token is JObject value)
        {
            var sets = RequiredOnly(excluded) is { } single
                ? [single]
                : excluded.AnyOf.Select(s => RequiredOnly(s.ActualSchema)).ToList();
            var match = sets.FirstOrDefault(s => s is not null && s.All(value.ContainsKey));
            if (match is not null)
            {
                return new Issue(error.Token, pointer, $"{Names(match)} cannot be used together", false) { Code = DiagnosticCodes.InvalidCombination };
            }
        }

        return new Issue(error.Token, pointer, "matches an excluded combination", false) { Code = DiagnosticCodes.InvalidCombination };
    }

    // ---- messages --------------------------------------------------------------------------------------------------

    /// <summary>A leaf error's issue, its code from the error kind (the keyword that failed), never from the message.</summary>
    private static Issue Leaf(ValidationError error) => Message(error) with
    {
        Code = CodeOf(error),
        AtName = error.Kind == ValidationErrorKind.NoAdditionalPropertiesAllowed,
    };

    private static string CodeOf(ValidationError error) => error.Kind switch
    {
        ValidationErrorKind.PropertyRequired => DiagnosticCodes.MissingProperty,

        // With a propertyNames pattern rewritten to patternProperties, an unmatched name is a pattern mismatch.
        ValidationErrorKind.NoAdditionalPropertiesAllowed => HasPropertyNamesPattern(error.Schema) ? DiagnosticCodes.PatternMismatch : DiagnosticCodes.UnknownProperty,
        ValidationErrorKind.NotInEnumeration => DiagnosticCodes.NotAllowedValue,
        ValidationErrorKind.PatternMismatch => DiagnosticCodes.PatternMismatch,
        _ when IsTypeKind(error.Kind) => DiagnosticCodes.WrongType,
        ValidationErrorKind.NumberTooSmall or ValidationErrorKind.NumberTooBig or ValidationErrorKind.NumberNotMultipleOf
            or ValidationErrorKind.IntegerNotMultipleOf or ValidationErrorKind.StringTooShort or ValidationErrorKind.StringTooLong
            or ValidationErrorKind.TooFewItems or ValidationErrorKind.TooManyItems or ValidationErrorKind.TooFewProperties
            or ValidationErrorKind.TooManyProperties => DiagnosticCodes.OutOfRange,
        ValidationErrorKind.DateExpected or ValidationErrorKind.DateTimeExpected or ValidationErrorKind.TimeExpected
            or ValidationErrorKind.TimeSpanExpected or ValidationErrorKind.UriExpected or ValidationErrorKind.EmailExpected
            or ValidationErrorKind.HostnameExpected or ValidationErrorKind.IpV4Expected or ValidationErrorKind.IpV6Expected
            or ValidationErrorKind.GuidExpected or ValidationErrorKind.UuidExpected or ValidationErrorKind.Base64Expected => DiagnosticCodes.PatternMismatch,
        _ => DiagnosticCodes.SchemaViolation, // uniqueItems, and kinds our schemas do not use
    };

    private static bool HasPropertyNamesPattern(JsonSchema schema) =>
        schema.ExtensionData?.ContainsKey(SchemaLoader.PropertyNamesMarker) == true;

    private static Issue Message(ValidationError error)
    {
        var token = error.Token;
        var schema = error.Schema;
        var pointer = PointerOf(token);
        switch (error.Kind)
        {
            case ValidationErrorKind.PropertyRequired:
                return new Issue(token, pointer, $"missing required property '{error.Property}'", false);

            case ValidationErrorKind.NoAdditionalPropertiesAllowed:
                return new Issue(token, pointer, UnknownProperty(error), false);

            case ValidationErrorKind.NotInEnumeration:
                var values = schema.Enumeration.Select(FormatEnumValue).ToList();
                return new Issue(token, pointer, values.Count == 1
                    ? $"must be {values[0]} (const), found {Show(token)}"
                    : $"{Show(token)} is not one of {string.Join(", ", values)}", false);

            case ValidationErrorKind.PatternMismatch:
                return new Issue(token, pointer, string.IsNullOrEmpty(schema.Title)
                    ? $"{Show(token)} does not match the pattern {DisplayPattern(schema.Pattern)}"
                    : $"{Show(token)} does not match the {schema.Title} pattern", false);

            case ValidationErrorKind.StringExpected:
            case ValidationErrorKind.NumberExpected:
            case ValidationErrorKind.IntegerExpected:
            case ValidationErrorKind.BooleanExpected:
            case ValidationErrorKind.ObjectExpected:
            case ValidationErrorKind.ArrayExpected:
            case ValidationErrorKind.NullExpected:
                return new Issue(token, pointer, $"expected {ExpectedName(error.Kind)}, found {JsonTypeName(token)}", true);

            case ValidationErrorKind.NoTypeValidates:
                return new Issue(token, pointer,
                    $"expected {string.Join(" or ", TypeNames(schema.Type))}, found {JsonTypeName(token)}", true);

            case ValidationErrorKind.NumberTooSmall:
                return new Issue(token, pointer, schema.ExclusiveMinimum is { } exclusiveMin
                    ? Invariant($"must be greater than {exclusiveMin} (exclusive minimum), found {Show(token)}")
                    : schema.IsExclusiveMinimum
                        ? Invariant($"must be greater than {schema.Minimum} (exclusive minimum), found {Show(token)}")
                        : Invariant($"must be at least {schema.Minimum}, found {Show(token)}"), false);

            case ValidationErrorKind.NumberTooBig:
                return new Issue(token, pointer, schema.ExclusiveMaximum is { } exclusiveMax
                    ? Invariant($"must be less than {exclusiveMax} (exclusive maximum), found {Show(token)}")
                    : schema.IsExclusiveMaximum
                        ? Invariant($"must be less than {schema.Maximum} (exclusive maximum), found {Show(token)}")
                        : Invariant($"must be at most {schema.Maximum}, found {Show(token)}"), false);

            case ValidationErrorKind.NumberNotMultipleOf:
            case ValidationErrorKind.IntegerNotMultipleOf:
                return new Issue(token, pointer, Invariant($"must be a multiple of {schema.MultipleOf}, found {Show(token)}"), false);

            case ValidationErrorKind.StringTooShort:
                return new Issue(token, pointer, schema.MinLength == 1
                    ? "must have at least one character"
                    : Invariant($"must have at least {schema.MinLength} characters"), false);

            case ValidationErrorKind.StringTooLong:
                return new Issue(token, pointer, Invariant($"must have at most {schema.MaxLength} characters"), false);

            case ValidationErrorKind.TooFewItems:
                return new Issue(token, pointer, schema.MinItems == 1
                    ? "must contain at least one item"
                    : Invariant($"must contain at least {schema.MinItems} items, found {Count(token)}"), false);

            case ValidationErrorKind.TooManyItems:
                return new Issue(token, pointer, Invariant($"must contain at most {schema.MaxItems} items, found {Count(token)}"), false);

            case ValidationErrorKind.ItemsNotUnique:
                return new Issue(token, pointer, DuplicateItem(token), false);

            case ValidationErrorKind.TooFewProperties:
                return new Issue(token, pointer, schema.MinProperties == 1
                    ? "must have at least one property"
                    : Invariant($"must have at least {schema.MinProperties} properties"), false);

            case ValidationErrorKind.TooManyProperties:
                return new Issue(token, pointer, Invariant($"must have at most {schema.MaxProperties} properties"), false);

            case ValidationErrorKind.DateExpected:
            case ValidationErrorKind.DateTimeExpected:
            case ValidationErrorKind.TimeExpected:
            case ValidationErrorKind.TimeSpanExpected:
            case ValidationErrorKind.UriExpected:
            case ValidationErrorKind.EmailExpected:
            case ValidationErrorKind.HostnameExpected:
            case ValidationErrorKind.IpV4Expected:
            case ValidationErrorKind.IpV6Expected:
            case ValidationErrorKind.GuidExpected:
            case ValidationErrorKind.UuidExpected:
            case ValidationErrorKind.Base64Expected:
                return new Issue(token, pointer, $"{Show(token)} does not match the {schema.Format} format", false);

            default:
                return new Issue(token, pointer, $"violates the schema ({error.Kind})", false);
        }
    }

    private static string UnknownProperty(ValidationError error)
    {
        var name = error.Property ?? (error.Token as JProperty)?.Name ?? string.Empty;
        if (error.Schema.ExtensionData?.TryGetValue(SchemaLoader.PropertyNamesMarker, out var names) == true
            && JToken.FromObject(names!) is JObject namesSchema)
        {
            var title = (string?)namesSchema["title"] ?? "property name";
            var pattern = DisplayPattern((string?)namesSchema["pattern"]);
            return $"property name '{Shorten(name)}' does not match the {title} pattern {pattern}";
        }

        var suggestion = Suggest(name, error.Schema.Properties.Keys);
        return suggestion is null
            ? $"unknown property '{Shorten(name)}'"
            : $"unknown property '{Shorten(name)}' (did you mean '{suggestion}'?)";
    }

    private static string? Suggest(string name, IEnumerable<string> known)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            if (candidate.StartsWith('$'))
            {
                continue;
            }

            var distance = EditDistance(name.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        var limit = Math.Min(2, Math.Max(1, name.Length / 3));
        return bestDistance <= limit ? best : null;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private static string DuplicateItem(JToken? token)
    {
        if (token is JArray array)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in array)
            {
                if (!seen.Add(item.ToString(Formatting.None)))
                {
                    return $"items must be unique ({Show(item)} appears more than once)";
                }
            }
        }

        return "items must be unique";
    }

    private static string ExpectedName(ValidationErrorKind kind) => kind switch
    {
        ValidationErrorKind.StringExpected => "a string",
        ValidationErrorKind.NumberExpected => "a number",
        ValidationErrorKind.IntegerExpected => "an integer",
        ValidationErrorKind.BooleanExpected => "a boolean",
        ValidationErrorKind.ObjectExpected => "an object",
        ValidationErrorKind.ArrayExpected => "an array",
        _ => "null",
    };

    private static IEnumerable<string> TypeNames(JsonObjectType type)
    {
        if (type.HasFlag(JsonObjectType.Object))
        {
            yield return "an object";
        }

        if (type.HasFlag(JsonObjectType.Array))
        {
            yield return "an array";
        }

        if (type.HasFlag(JsonObjectType.String))
        {
            yield return "a string";
        }

        if (type.HasFlag(JsonObjectType.Integer))
        {
            yield return "an integer";
        }
        else if (type.HasFlag(JsonObjectType.Number))
        {
            yield return "a number";
        }

        if (type.HasFlag(JsonObjectType.Boolean))
        {
            yield return "a boolean";
        }

        if (type.HasFlag(JsonObjectType.Null))
        {
            yield return "null";
        }
    }

    private static string JsonTypeName(JToken? token) => token?.Type switch
    {
        JTokenType.Object => "an object",
        JTokenType.Array => "an array",
        JTokenType.Integer or JTokenType.Float => "a number " + token.ToString(Formatting.None),
        JTokenType.String => "a string " + Show(token),
        JTokenType.Boolean => "a boolean " + token.ToString(Formatting.None),
        JTokenType.Null or null => "null",
        _ => token.Type.ToString().ToLowerInvariant(),
    };

    private static string Names(IReadOnlyList<string> names) => names.Count switch
    {
        1 => "'" + names[0] + "'",
        _ => string.Join(", ", names.Take(names.Count - 1).Select(n => "'" + n + "'")) + " and '" + names[^1] + "'",
    };

    private static string List(IEnumerable<string> names) => string.Join(", ", names.Select(n => "'" + n + "'"));

    private static string FormatEnumValue(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        string s => s,
        JToken t => t.Type == JTokenType.String ? (string)t! : t.ToString(Formatting.None),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static string Show(JToken? token) => token switch
    {
        null => "null",
        JValue { Type: JTokenType.String } value => "'" + Shorten((string)value!) + "'",
        JValue value => value.ToString(Formatting.None),
        JProperty property => "'" + Shorten(property.Name) + "'",
        JArray => "an array",
        _ => "an object",
    };

    private static string Count(JToken? token) =>
        token is JArray array ? array.Count.ToString(CultureInfo.InvariantCulture) : "?";

    private static string Shorten(string text)
    {
        var oneLine = text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        return oneLine.Length <= MaxShownLength ? oneLine : string.Concat(oneLine.AsSpan(0, MaxShownLength - 1), "…");
    }

    private static string DisplayPattern(string? pattern) =>
        pattern is null ? string.Empty
        : pattern.EndsWith("\\z", StringComparison.Ordinal) ? pattern[..^2] + "$"
        : pattern;

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    // ---- pointers and ordering --------------------------------------------------------------------------------------

    /// <summary>RFC 6901 pointer of <paramref name="token"/> (a property's pointer for a <see cref="JProperty"/>).</summary>
    private static string PointerOf(JToken? token)
    {
        var segments = new List<string>();
        var current = token;
        while (current is not null)
        {
            var parent = current.Parent;
            if (current is JProperty property)
            {
                segments.Add(EscapePointer(property.Name));
            }
            else if (parent is JArray array)
            {
                segments.Add(IndexIn(array, current).ToString(CultureInfo.InvariantCulture));
            }

            current = parent;
        }

        if (segments.Count == 0)
        {
            return string.Empty;
        }

        var builder = new StringBuilder();
        for (var i = segments.Count - 1; i >= 0; i--)
        {
            builder.Append('/').Append(segments[i]);
        }

        return builder.ToString();
    }

    /// <summary>Item indexes of the arrays met so far, per thread: <see cref="JArray.IndexOf"/> is a linear search, and
    /// one per error made mapping many errors in a long array quadratic.</summary>
    [ThreadStatic]
    private static Dictionary<JArray, Dictionary<JToken, int>>? arrayIndexes;

    private static int IndexIn(JArray array, JToken item)
    {
        if (array.Count <= 16)
        {
            return array.IndexOf(item);
        }

        arrayIndexes ??= new Dictionary<JArray, Dictionary<JToken, int>>(ReferenceEqualityComparer.Instance);
        if (!arrayIndexes.TryGetValue(array, out var index) || index.Count != array.Count)
        {
            index = new Dictionary<JToken, int>(array.Count, ReferenceEqualityComparer.Instance);
            for (var i = 0; i < array.Count; i++)
            {
                index[array[i]] = i;
            }

            arrayIndexes[array] = index;
        }

        return index.TryGetValue(item, out var at) ? at : -1;
    }

    private static string EscapePointer(string segment) =>
        segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static List<SchemaError> Finish(List<Issue> issues, JToken root)
    {
        // A value of the wrong type gets only that error.
        var mistyped = issues.Where(i => i.IsTypeError).Select(i => i.Pointer).ToHashSet(StringComparer.Ordinal);
        var kept = issues.Where(i => i.IsTypeError || !mistyped.Contains(i.Pointer));

        var order = new Dictionary<JToken, int>(ReferenceEqualityComparer.Instance);
        var index = 0;
        foreach (var token in root is JContainer container ? container.DescendantsAndSelf() : [root])
        {
            order[token] = index++;
        }

        var seen = new HashSet<(string, string)>();
        return kept
            .OrderBy(i => i.Token is not null && order.TryGetValue(i.Token, out var position) ? position : int.MaxValue)
            .Where(i => seen.Add((i.Pointer, i.Message)))
            .Select(i => new SchemaError(i.Pointer, i.Message) { Code = i.Code, AtName = i.AtName })
            .ToList();
    }
}
