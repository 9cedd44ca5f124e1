using System.Text.Json;
using Eligibility.Schema;
using Newtonsoft.Json.Linq;

namespace Eligibility.Tests.Schema;

/// <summary>
/// The embedded schemas are read with System.Text.Json and converted to Json.NET's tree as checked documents are
/// (<see cref="SchemaValidator.ToSchemaToken"/>), not with Json.NET's text reader: the tree must be the one
/// <see cref="JObject.Parse(string)"/> gives, token type by token type and value by value, and the constructs where the two
/// readings would differ must make loading fail.
/// </summary>
[TestFixture]
public sealed class SchemaResourceReadTests
{
    private static readonly string[] SchemaFiles = ["rule-file.schema.json", "patient.schema.json", "cases.schema.json"];

    [TestCaseSource(nameof(SchemaFiles))]
    public void Reads_the_tree_JObject_Parse_gives(string fileName)
    {
        var expected = JObject.Parse(SchemaLoader.ReadResourceText(fileName));
        var actual = SchemaLoader.ReadResource(fileName);
        var differences = new List<string>();

        Compare(actual, expected, differences);

        differences.Should().BeEmpty();
        JToken.DeepEquals(actual, expected).Should().BeTrue();
    }

    [TestCase("""{"a": 1, "a": 2}""", "duplicate property")]
    [TestCase("""{"examples": ["2026-01-15T10:00:00"]}""", "read as a date")]
    [TestCase("""{"examples": ["/Date(1234)/"]}""", "read as a date")]
    public void Refuses_what_Json_NET_would_read_otherwise(string json, string message)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowDuplicateProperties = true });

        var read = () => SchemaValidator.ToSchemaToken(document.RootElement, "test.schema.json");

        read.Should().Throw<InvalidOperationException>().WithMessage($"*{message}*");
    }

    [Test]
    public void Keeps_a_plain_date_a_string_as_Json_NET_does()
    {
        // Json.NET reads a date as DateTime only from 19 characters up; "2026-01-15" stays a string in both readings.
        const string json = """{"examples": ["2026-01-15"], "n": 1, "x": 1.5, "e": 1e2}""";
        using var document = JsonDocument.Parse(json);

        var read = SchemaValidator.ToSchemaToken(document.RootElement, "test.schema.json");

        var differences = new List<string>();
        Compare(read, JObject.Parse(json), differences);
        differences.Should().BeEmpty();
    }

    private static void Compare(JToken actual, JToken expected, List<string> differences)
    {
        if (actual.Type != expected.Type)
        {
            differences.Add($"{expected.Path}: {actual.Type} instead of {expected.Type}");
            return;
        }

        switch (expected)
        {
            case JObject expectedObject:
                var actualObject = (JObject)actual;
                var names = actualObject.Properties().Select(p => p.Name).ToList();
                var expectedNames = expectedObject.Properties().Select(p => p.Name).ToList();
                if (!names.SequenceEqual(expectedNames))
                {
                    differences.Add($"{expected.Path}: properties {string.Join(",", names)} instead of {string.Join(",", expectedNames)}");
                    return;
                }

                foreach (var name in expectedNames)
                {
                    Compare(actualObject[name]!, expectedObject[name]!, differences);
                }

                break;
            case JArray expectedArray:
                var actualArray = (JArray)actual;
                if (actualArray.Count != expectedArray.Count)
                {
                    differences.Add($"{expected.Path}: {actualArray.Count} items instead of {expectedArray.Count}");
                    return;
                }

                for (var i = 0; i < expectedArray.Count; i++)
                {
                    Compare(actualArray[i], expectedArray[i], differences);
                }

                break;
            case JValue expectedValue:
                var actualValue = ((JValue)actual).Value;
                if (!Equals(actualValue, expectedValue.Value) || actualValue?.GetType() != expectedValue.Value?.GetType())
                {
                    differences.Add($"{expected.Path}: {actualValue} ({actualValue?.GetType().Name}) instead of {expectedValue.Value} ({expectedValue.Value?.GetType().Name})");
                }

                break;
        }
    }
}
