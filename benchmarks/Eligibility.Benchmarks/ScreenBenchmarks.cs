using System.Linq;
using BenchmarkDotNet.Attributes;
using Eligibility.Patients;

namespace Eligibility.Benchmarks;

/// <summary>
/// The cost per patient of screening FHIR input, side by side with its comparison points: evaluating a record that is
/// already read (the baseline, against the bundle's own trial), the same against all five reference trials, and reading
/// the bundle then evaluating against one or five trials. Rule files are compiled once, in setup, as in a screening run.
/// </summary>
public class ScreenBenchmarks : TrialBenchmarks
{
    private byte[] bundle = [];
    private PatientRecord patient = new();
    private TrialEvaluator own = null!;
    private TrialEvaluator[] all = [];

    /// <summary>Compiles every trial, loads the bundle and checks that it reads without errors.</summary>
    [GlobalSetup]
    public void Setup()
    {
        all = SampleData.Trials().Select(SampleData.Compile).ToArray();
        own = all.Single(e => e.Trial.Id == Trial);
        bundle = SampleData.BundleBytes(Trial);
        patient = SampleData.ReadBundle(bundle, Trial + "-bundle.json");
    }

    /// <summary>Evaluates the pre-read record against the bundle's own trial.</summary>
    [Benchmark(Baseline = true)]
    public EvaluationResult EvaluateOneTrial() => own.Evaluate(patient, SampleData.AsOf);

    /// <summary>Evaluates the pre-read record against all five trials.</summary>
    [Benchmark]
    public int EvaluateFiveTrials() => EvaluateAll(patient);

    /// <summary>Reads the bundle only: the mapping cost on its own.</summary>
    [Benchmark]
    public PatientRecord ReadBundle() => Read();

    /// <summary>Reads the bundle, then evaluates it against its own trial.</summary>
    [Benchmark]
    public EvaluationResult ReadAndEvaluateOneTrial() => own.Evaluate(Read(), SampleData.AsOf);

    /// <summary>Reads the bundle, then evaluates it against all five trials.</summary>
    [Benchmark]
    public int ReadAndEvaluateFiveTrials() => EvaluateAll(Read());

    private PatientRecord Read() => Fhir.FhirBundleReader.Read(bundle, null).Patient!;

    /// <summary>Every verdict and criterion count folded into one number, so no evaluation can be optimised away.</summary>
    private int EvaluateAll(PatientRecord record)
    {
        int seen = 0;
        foreach (var evaluator in all)
        {
            var result = evaluator.Evaluate(record, SampleData.AsOf);
            seen += (int)result.Verdict + result.Criteria.Count;
        }

        return seen;
    }
}
