using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Eligibility.Diagnostics;
using Eligibility.Schema;

namespace Eligibility.Tests.Robustness;

/// <summary>
/// Schema validation of long arrays (issue 12): NJsonSchema asked Json.NET for every token's path, which finds an array
/// item's index by a linear search, so a file of n criteria took O(n²). Long arrays are now validated item by item,
/// detached; these tests show the result is the same as for short arrays, error for error.
/// </summary>
[TestFixture]
public sealed class LongRuleFileTests
{
    [Test]
    public void Errors_in_a_long_criteria_list_are_those_of_the_same_criteria_in_a_short_one()
    {
        // Criterion k has a bad ID when k % 7 == 3, an unknown property when k % 11 == 5, an unknown rule kind when k % 13 == 0.
        var longErrors = SchemaValidator.Validate(RuleFile(200), SchemaKind.RuleFile);
        var expected = new List<SchemaError>();
        for (int k = 0; k < 200; k++)
        {
            // The same criterion alone, at index 0 of a one-item list: its errors, re-pointed to index k.
            foreach (var e in SchemaValidator.Validate(RuleFile(1, first: k), SchemaKind.RuleFile))
            {
                e.Pointer.Should().StartWith("/inclusion/0");
                expected.Add(e with { Pointer = "/inclusion/" + k.ToString(CultureInfo.InvariantCulture) + e.Pointer["/inclusion/0".Length..] });
            }
        }

        expected.Should().NotBeEmpty();
        longErrors.Should().Equal(expected, "document order, same messages, pointers into the long list");
    }

    [Test]
    public void A_long_valid_list_is_valid_and_diagnostics_of_a_long_invalid_one_are_positioned()
    {
        SchemaValidator.Validate(RuleFile(100, valid: true), SchemaKind.RuleFile).Should().BeEmpty();

        string text = RuleFile(100);
        var diagnostics = RuleCompiler.CompileText(text, "LONG-1.json").Diagnostics.Where(d => d.Code == DiagnosticCodes.PatternMismatch).ToList();
        diagnostics.Should().NotBeEmpty();
        foreach (var d in diagnostics)
        {
            // Each pattern error is at its own criterion's "id" value, on the line of that criterion.
            int k = int.Parse(d.Pointer!.Split('/')[2], CultureInfo.InvariantCulture);
            d.Pointer.Should().Be($"/inclusion/{k}/id");
            text.Split('\n')[d.Line - 1].Should().Contain($"\"X{k:D3}\"");
        }
    }

    [Test]
    public void Twenty_thousand_criteria_validate_without_hanging()
    {
        string text = RuleFile(20_000);
        var watch = Stopwatch.StartNew();

        var result = RuleCompiler.CompileText(text, "LONG-1.json");

        watch.Elapsed.Should().BeLessThan(TimeSpan.FromMinutes(3), "validation is linear in the criteria (hang guard; the timing itself is in the benchmarks and the change notes)");
        result.Diagnostics.Count(d => d.Code == DiagnosticCodes.PatternMismatch).Should().Be(20_000 / 7 + (20_000 % 7 > 3 ? 1 : 0));
    }

    /// <summary>DEMO-1 with <paramref name="count"/> inclusion criteria (numbered from <paramref name="first"/>), one per line.</summary>
    private static string RuleFile(int count, int first = 0, bool valid = false)
    {
        var demo = JsonNode.Parse(File.ReadAllText(Support.TestTrial.DemoPath))!.AsObject();
        demo["inclusion"] = new JsonArray();
        demo["exclusion"] = new JsonArray();
        var criteria = new List<string>();
        for (int k = first; k < first + count; k++)
        {
            string id = valid ? "INCL" + (k % 100).ToString("D2", CultureInfo.InvariantCulture) : k % 7 == 3 ? "X" + k.ToString("D3", CultureInfo.InvariantCulture) : "INCL" + (k % 100).ToString("D2", CultureInfo.InvariantCulture);
            string extra = !valid && k % 11 == 5 ? ", \"bogus\": 1" : string.Empty;
            string kind = !valid && k % 13 == 0 ? "nonsense" : "condition";
            criteria.Add($"{{ \"id\": \"{id}\", \"text\": \"c{k}\"{extra}, \"rule\": {{ \"kind\": \"all\", \"rules\": [ {{ \"kind\": \"{kind}\", \"concept\": \"sle\" }}, {{ \"kind\": \"age\", \"gte\": 18 }} ] }} }}");
        }

        string inclusion = "\"inclusion\":[\n" + string.Join(",\n", criteria) + "\n]";
        return demo.ToJsonString().Replace("\"inclusion\":[]", inclusion, StringComparison.Ordinal);
    }
}
