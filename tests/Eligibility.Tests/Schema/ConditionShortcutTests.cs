using System.Text.Json.Nodes;
using Eligibility.Tests.Robustness;
using Eligibility.Schema;

namespace Eligibility.Tests.Schema;

/// <summary>
/// The validator decides an <c>if</c>/<c>then</c> whose condition is one property's presence or constant value (a rule's
/// <c>kind</c>, <c>prednisoneEquivalent</c>, <c>longerThan</c>) from the object's own members when the condition plainly
/// fails, instead of having NJsonSchema build the condition's errors. That must never change what is reported: every
/// reference rule file and the all-kinds test file, and variants of them where each node's <c>kind</c> is another kind
/// (every other one in the all-kinds file, three in turn in the rule files), an unknown one, and the right one in
/// another case, a number, a boolean, null or missing (all of these in the all-kinds file, two in turn in the rule files), and where the other two
/// conditions' properties are flipped, set to other types or removed, give the same errors (pointer, message, code) both
/// ways.
/// </summary>
[TestFixture]
[NonParallelizable] // switches the shortcut, which is process-wide
public class ConditionShortcutTests
{
    private static readonly string[] Kinds =
    [
        "all", "any", "atLeast", "not", "age", "sex", "measurement", "coded", "pregnancy", "condition", "procedure",
        "medication", "immunization", "judgement", "expression",
    ];

    private static IEnumerable<string> Documents()
    {
        string root = InputRobustnessTests.RepositoryRoot();
        var files = Directory.GetFiles(Path.Combine(root, "rules"), "*.json")
            .Where(f => !f.EndsWith(".cases.json", StringComparison.Ordinal))
            .Append(Path.Combine(TestContext.CurrentContext.TestDirectory, "Schema", "TestFiles", "all-kinds.json"))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            // The test file with every kind gets every other kind at every node; each reference rule file, three others
            // in turn (the whole cross product of the five files takes minutes and adds nothing the kinds' own checks do not).
            bool everyKind = file.EndsWith("all-kinds.json", StringComparison.Ordinal);
            int turn = 0;
            string text = File.ReadAllText(file);
            yield return text;
            var document = JsonNode.Parse(text)!;
            foreach (var (pointer, node) in JsonMutations.Nodes(document, string.Empty).ToList())
            {
                if (node is not JsonObject obj)
                {
                    continue;
                }

                if (obj.ContainsKey("kind"))
                {
                    string kind = (string?)obj["kind"] ?? string.Empty;
                    var others = Kinds.Where(k => k != kind).ToList();
                    turn++;
                    foreach (var other in (everyKind ? others : Enumerable.Range(0, 3).Select(i => others[((turn * 3) + i) % others.Count])).Append("unknown"))
                    {
                        yield return JsonMutations.Edit(document, pointer + "/kind", null, JsonValue.Create(other));
                    }

                    var odd = new Func<string>[]
                    {
                        () => JsonMutations.Edit(document, pointer + "/kind", null, JsonValue.Create(kind.ToUpperInvariant())),
                        () => JsonMutations.Edit(document, pointer + "/kind", null, JsonValue.Create(1)),
                        () => JsonMutations.Edit(document, pointer + "/kind", null, JsonValue.Create(true)),
                        () => JsonMutations.Edit(document, pointer + "/kind", null, toNull: true),
                        () => JsonMutations.Edit(document, pointer + "/kind", null),
                    };
                    foreach (var make in everyKind ? odd : [odd[turn % odd.Length], odd[(turn + 2) % odd.Length]])
                    {
                        yield return make();
                    }
                }

                foreach (var name in new[] { "prednisoneEquivalent", "longerThan" })
                {
                    if (obj[name] is { } value)
                    {
                        yield return JsonMutations.Edit(document, pointer + "/" + name, null);
                        yield return JsonMutations.Edit(document, pointer + "/" + name, null, toNull: true);
                        yield return JsonMutations.Edit(document, pointer + "/" + name, null, JsonValue.Create(value.GetValueKind() == System.Text.Json.JsonValueKind.True ? false : true));
                        yield return JsonMutations.Edit(document, pointer + "/" + name, null, JsonValue.Create("true"));
                    }
                }
            }
        }
    }

    [Test]
    public void The_shortcut_reports_what_NJsonSchema_reports()
    {
        int documents = 0, withErrors = 0;
        try
        {
            foreach (string json in Documents())
            {
                SchemaValidator.UseConditionShortcut = true;
                var fast = SchemaValidator.Validate(json, SchemaKind.RuleFile).Select(Describe).ToList();
                SchemaValidator.UseConditionShortcut = false;
                var full = SchemaValidator.Validate(json, SchemaKind.RuleFile).Select(Describe).ToList();
                fast.Should().Equal(full, "document {0} reports the same either way", documents);
                documents++;
                withErrors += full.Count > 0 ? 1 : 0;
            }
        }
        finally
        {
            SchemaValidator.UseConditionShortcut = true;
        }

        TestContext.Out.WriteLine($"{documents} documents compared, {withErrors} with errors");
        documents.Should().BeGreaterThan(1500);
        withErrors.Should().BeGreaterThan(documents / 2, "most variants are invalid, so the errors are compared, not only their absence");
    }

    private static string Describe(SchemaError error) => $"{error.Pointer} | {error.Code} | {error.Message}";
}
