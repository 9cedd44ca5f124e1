using Eligibility.Patients;
using Eligibility.Tests.Robustness;

namespace Eligibility.Tests.Evaluation;

/// <summary>
/// Explanations are worded when a result is read, not during evaluation. Reading them gives the same sentences whoever
/// reads first and from however many threads at once.
/// </summary>
public class LazyExplanationTests
{
    private static (TrialEvaluator Trial, PatientRecord Patient) Reference(string trial)
    {
        string root = InputRobustnessTests.RepositoryRoot();
        var evaluator = RuleCompiler.CompileFile(Path.Combine(root, "rules", trial + ".json")).EnsureSuccess();
        var patient = PatientReader.ReadFile(Path.Combine(root, "samples", "patients", trial + "-eligible.json")).EnsureSuccess();
        return (evaluator, patient);
    }

    private static IEnumerable<CriterionResult> All(IEnumerable<CriterionResult> results) =>
        results.SelectMany(r => All(r.Parts).Prepend(r));

    [TestCase("NCT07077486")]
    [TestCase("TELI-BELI-SLE")]
    public void Explanations_read_concurrently_are_the_sentences_read_alone(string trial)
    {
        var (evaluator, patient) = Reference(trial);
        var asOf = patient.AsOf!.Value;
        var alone = All(evaluator.Evaluate(patient, asOf).Criteria).Select(r => r.Explanation).ToList();
        alone.Should().OnlyContain(e => e.Length > 0);

        var shared = All(evaluator.Evaluate(patient, asOf).Criteria).ToList();
        var seen = new string[8][];
        Parallel.For(0, seen.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => seen[i] = shared.Select(r => r.Explanation).ToArray());
        foreach (var reading in seen)
        {
            reading.Should().Equal(alone);
        }
    }

    [Test]
    public void An_explanation_is_worded_once_and_kept()
    {
        var (evaluator, patient) = Reference("NCT07077486");
        var first = evaluator.Evaluate(patient, patient.AsOf!.Value).Criteria[0];
        first.Explanation.Should().BeSameAs(first.Explanation, "the sentence is cached on first read");
    }
}
