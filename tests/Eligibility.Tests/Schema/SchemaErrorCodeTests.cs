using System.Text.Json.Nodes;
using Eligibility.Diagnostics;
using Eligibility.Loading;
using Eligibility.Schema;

namespace Eligibility.Tests.Schema;

/// <summary>
/// Schema errors carry their code from what failed (issue 13), not from their wording. Over many broken rule files
/// (every member of all-kinds.json removed, given another type, or joined by an unknown member), each error's code must be
/// the one its message documents (docs/diagnostics.md, as <see cref="SchemaMessageCatalogue.CodeFor"/> reads it), and every
/// schema code must occur.
/// </summary>
[TestFixture]
public sealed class SchemaErrorCodeTests
{
    private static string AllKinds =>
        File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Schema", "TestFiles", "all-kinds.json"));

    private static IEnumerable<string> Broken()
    {
        var root = JsonNode.Parse(AllKinds)!;
        foreach (var (pointer, parent, key) in Members(root, string.Empty))
        {
            var node = parent is JsonArray a ? a[int.Parse(key)] : parent[key];
            foreach (var replacement in new JsonNode?[] { null, JsonValue.Create(0), JsonValue.Create("x"), new JsonArray(), new JsonObject(), JsonValue.Create(-1.5) })
            {
                var copy = root.DeepClone();
                var target = Resolve(copy, pointer);
                if (replacement is null)
                {
                    if (target is JsonArray list)
                    {
                        list.RemoveAt(int.Parse(key));
                    }
                    else
                    {
                        target.AsObject().Remove(key);
                    }
                }
                else if (target is JsonArray list)
                {
                    list[int.Parse(key)] = replacement.DeepClone();
                }
                else
                {
                    target[key] = replacement.DeepClone();
                }

                yield return copy.ToJsonString();
            }

            if (node is JsonArray { Count: > 0 } items)
            {
                // A repeated item (lists that must not repeat one: uniqueItems).
                var copy = root.DeepClone();
                var target = Resolve(copy, pointer);
                var list = (target is JsonArray l ? l[int.Parse(key)]! : target[key]!).AsArray();
                list.Add(items[0]?.DeepClone());
                yield return copy.ToJsonString();
            }

            if (node is JsonObject)
            {
                var copy = root.DeepClone();
                var target = Resolve(copy, pointer);
                (target is JsonArray l ? l[int.Parse(key)]! : target[key]!).AsObject()["gtt"] = 1;
                yield return copy.ToJsonString();
            }
        }

        // What mutations of a valid file do not reach: repeated names, huge numbers, values one too many.
        yield return AllKinds.Replace("\"formatVersion\": 1", "\"formatVersion\": 1, \"formatVersion\": 1", StringComparison.Ordinal);
        yield return AllKinds.Replace("\"formatVersion\": 1", "\"formatVersion\": 1e400", StringComparison.Ordinal);
    }

    /// <summary>(pointer of the parent, parent, key) of every member and item, first items of arrays only.</summary>
    private static IEnumerable<(string Pointer, JsonNode Parent, string Key)> Members(JsonNode node, string pointer)
    {
        if (node is JsonObject obj)
        {
            foreach (var (key, value) in obj.ToList())
            {
                yield return (pointer, node, key);
                if (value is not null)
                {
                    foreach (var m in Members(value, pointer + "/" + SourceMap.Escape(key)))
                    {
                        yield return m;
                    }
                }
            }
        }
        else if (node is JsonArray array && array.Count > 0)
        {
            yield return (pointer, node, "0");
            if (array[0] is { } first)
            {
                foreach (var m in Members(first, pointer + "/0"))
                {
                    yield return m;
                }
            }
        }
    }

    private static JsonNode Resolve(JsonNode root, string pointer)
    {
        var node = root;
        foreach (var segment in pointer.Split('/').Skip(1).Select(s => s.Replace("~1", "/").Replace("~0", "~")))
        {
            node = node is JsonArray a ? a[int.Parse(segment)]! : node[segment]!;
        }

        return node;
    }

    [Test]
    public void Every_error_has_the_code_its_message_documents_and_every_schema_code_occurs()
    {
        var codes = new HashSet<string>(StringComparer.Ordinal);
        var mismatches = new List<string>();
        int files = 0;
        foreach (var json in Broken().Distinct(StringComparer.Ordinal))
        {
            files++;
            foreach (var error in SchemaValidator.Validate(json, SchemaKind.RuleFile))
            {
                codes.Add(error.Code);
                if (error.Code != SchemaMessageCatalogue.CodeFor(error.Message))
                {
                    mismatches.Add($"{error.Code} {error.Pointer}: {error.Message}");
                }

                error.AtName.Should().Be(error.Code == DiagnosticCodes.UnknownProperty || error.Message.StartsWith("property name ", StringComparison.Ordinal), error.Message);
            }
        }

        files.Should().BeGreaterThan(500);
        mismatches.Should().BeEmpty();
        codes.Should().Contain([
            DiagnosticCodes.MissingProperty, DiagnosticCodes.WrongType, DiagnosticCodes.UnknownProperty, DiagnosticCodes.NotAllowedValue,
            DiagnosticCodes.PatternMismatch, DiagnosticCodes.OutOfRange, DiagnosticCodes.InvalidCombination, DiagnosticCodes.SchemaViolation,
            DiagnosticCodes.DuplicateProperty]);
    }
}
