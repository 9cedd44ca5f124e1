using System.Text.Json.Nodes;
using Eligibility.Patients;
using Eligibility.Tests.Robustness;

namespace Eligibility.Tests.Api;

/// <summary>
/// <see cref="ResultJson"/> writes three shapes: the full object, the screening list's criteria shape (each criterion's id
/// and outcome, the missing facts) and the verdict alone; the shorter ones are cuts of the full one, same names and order.
/// </summary>
public class ResultJsonDetailTests
{
    private static EvaluationResult Result(string trial)
    {
        string root = InputRobustnessTests.RepositoryRoot();
        var evaluator = RuleCompiler.CompileFile(Path.Combine(root, "rules", trial + ".json")).EnsureSuccess();
        var patient = PatientReader.ReadFile(Path.Combine(root, "samples", "patients", trial + "-eligible.json")).EnsureSuccess();
        return evaluator.Evaluate(patient, new DateOnly(2026, 1, 15));
    }

    [TestCase("NCT07077486")]
    [TestCase("NCT06394063")]
    public void The_short_shapes_are_cuts_of_the_full_object(string trial)
    {
        var result = Result(trial);
        ResultJson.ToJson(result, ResultDetail.Full, indented: false).Should().Be(ResultJson.ToJson(result, indented: false));
        var full = JsonNode.Parse(ResultJson.ToJson(result))!.AsObject();

        var criteria = JsonNode.Parse(ResultJson.ToJson(result, ResultDetail.Criteria))!.AsObject();
        criteria.Select(p => p.Key).Should().Equal("trial", "patient", "asOf", "verdict", "criteria", "missing");
        foreach (string key in new[] { "trial", "patient", "asOf", "verdict", "missing" })
        {
            JsonNode.DeepEquals(criteria[key], full[key]).Should().BeTrue(key);
        }

        var rows = criteria["criteria"]!.AsArray();
        rows.Should().HaveCount(full["criteria"]!.AsArray().Count);
        for (int i = 0; i < rows.Count; i++)
        {
            rows[i]!.AsObject().Select(p => p.Key).Should().Equal("id", "outcome");
            rows[i]!["id"]!.GetValue<string>().Should().Be(full["criteria"]![i]!["id"]!.GetValue<string>());
            rows[i]!["outcome"]!.GetValue<string>().Should().Be(full["criteria"]![i]!["outcome"]!.GetValue<string>());
        }

        var verdict = JsonNode.Parse(ResultJson.ToJson(result, ResultDetail.Verdict))!.AsObject();
        verdict.Select(p => p.Key).Should().Equal("trial", "patient", "asOf", "verdict");
        verdict["verdict"]!.GetValue<string>().Should().Be(full["verdict"]!.GetValue<string>());
    }

    [TestCase("NCT07077486", null)]
    [TestCase("NCT06394063", "p-1")]
    [TestCase("TELI-BELI-SLE", "with \"quotes\" and é")]
    public void The_verdict_written_from_a_decision_is_the_verdict_shape_byte_for_byte(string trial, string? otherId)
    {
        var result = Result(trial);
        string expected = ResultJson.ToJson(result, ResultDetail.Verdict, indented: false);
        Written(result.TrialId, result.PatientId, result.AsOf, result.Verdict).Should().Be(expected);

        // Another patient ID (or none) and another verdict: still the same bytes as a result carrying them.
        string changed = Written(result.TrialId, otherId, result.AsOf, Eligibility.Verdict.Review);
        var node = JsonNode.Parse(changed)!.AsObject();
        node.Select(p => p.Key).Should().Equal("trial", "patient", "asOf", "verdict");
        (node["patient"]?.GetValue<string>()).Should().Be(otherId);
        node["verdict"]!.GetValue<string>().Should().Be("review");
    }

    private static string Written(string trial, string? patient, DateOnly asOf, Verdict verdict)
    {
        using var stream = new MemoryStream();
        using (var w = new System.Text.Json.Utf8JsonWriter(stream, ResultJson.Options(indented: false)))
        {
            ResultJson.WriteVerdict(w, trial, patient, asOf, verdict);
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
