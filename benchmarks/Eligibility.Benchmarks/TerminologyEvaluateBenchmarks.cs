using System.Linq;
using BenchmarkDotNet.Attributes;
using Eligibility.Patients;

namespace Eligibility.Benchmarks;

/// <summary>
/// Evaluation against rule files compiled without a terminology (the baseline) and with the synthetic vocabulary
/// (<see cref="SyntheticVocabulary"/>), whose expanded code sets hold thousands of codes more: the trial's native eligible
/// sample against its own trial, and against all five. Setup checks that both compilations give the same result for
/// every sample, so the two sides do the same work on larger sets.
/// </summary>
public class TerminologyEvaluateBenchmarks : TrialBenchmarks
{
    private PatientRecord patient = new();
    private TrialEvaluator[] without = [];
    private TrialEvaluator[] with = [];
    private int own;

    /// <summary>Compiles every trial both ways, reads the sample and checks that the results agree.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var options = TerminologyData.Options();
        var trials = SampleData.Trials().ToArray();
        without = trials.Select(t => TerminologyData.Compile(t, SampleData.RuleText(t), CompileOptions.Default).Evaluator).ToArray();
        with = trials.Select(t => TerminologyData.Compile(t, SampleData.RuleText(t), options).Evaluator).ToArray();
        own = System.Array.IndexOf(trials, Trial);
        patient = SampleData.ReadNative(SampleData.NativePatientBytes(Trial), Trial + "-eligible.json");
        TerminologyData.RequireSameResults(without.Zip(with), [patient]);
    }

    /// <summary>Evaluates the sample against its trial compiled without a terminology.</summary>
    [Benchmark(Baseline = true)]
    public EvaluationResult Evaluate() => without[own].Evaluate(patient, SampleData.AsOf);

    /// <summary>Evaluates the sample against its trial compiled with the vocabulary.</summary>
    [Benchmark]
    public EvaluationResult EvaluateWithTerminology() => with[own].Evaluate(patient, SampleData.AsOf);

    /// <summary>Evaluates the sample against all five trials compiled without a terminology.</summary>
    [Benchmark]
    public int EvaluateFiveTrials() => EvaluateAll(without);

    /// <summary>Evaluates the sample against all five trials compiled with the vocabulary.</summary>
    [Benchmark]
    public int EvaluateFiveTrialsWithTerminology() => EvaluateAll(with);

    /// <summary>Every verdict and criterion count folded into one number, so no evaluation can be optimised away.</summary>
    private int EvaluateAll(TrialEvaluator[] evaluators)
    {
        int seen = 0;
        foreach (var evaluator in evaluators)
        {
            var result = evaluator.Evaluate(patient, SampleData.AsOf);
            seen += (int)result.Verdict + result.Criteria.Count;
        }

        return seen;
    }
}
