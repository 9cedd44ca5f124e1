using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Eligibility.Patients;

namespace Eligibility.Benchmarks;

/// <summary>
/// The cost per patient of screening FHIR input, side by side with its comparison points: evaluating a record that is
/// already read (the baseline, against the bundle's own trial), the same against all five reference trials, and reading
/// the bundle then evaluating against one or five trials, and the whole per-patient work of <c>eligibility screen</c>
/// (read, evaluate against five trials, serialise each result row). Rule files are compiled once, in setup, as in a
/// screening run. <see cref="DecideFiveTrialsSharedIndex"/> is the verdict path beside <see cref="EvaluateFiveTrials"/>:
/// one <see cref="PatientIndex"/> built per patient and shared by the five trials' Decide calls.
/// </summary>
public class ScreenBenchmarks : TrialBenchmarks
{
    private byte[] bundle = [];
    private PatientRecord patient = new();
    private TrialEvaluator own = null!;
    private TrialEvaluator[] all = [];
    private const int MaxCriteria = 256;

    /// <summary>Compiles every trial, loads the bundle and checks that it reads without errors.</summary>
    [GlobalSetup]
    public void Setup()
    {
        all = SampleData.Trials().Select(SampleData.Compile).ToArray();
        own = all.Single(e => e.Trial.Id == Trial);
        if (all.Any(e => e.Criteria.Count > MaxCriteria))
        {
            throw new InvalidOperationException("a reference trial has more criteria than the outcome buffer holds");
        }
        bundle = SampleData.BundleBytes(Trial);
        patient = SampleData.ReadBundle(bundle, Trial + "-bundle.json");
    }

    /// <summary>Evaluates the pre-read record against the bundle's own trial.</summary>
    [Benchmark(Baseline = true)]
    public EvaluationResult EvaluateOneTrial() => own.Evaluate(patient, SampleData.AsOf);

    /// <summary>Evaluates the pre-read record against all five trials.</summary>
    [Benchmark]
    public int EvaluateFiveTrials() => EvaluateAll(patient);

    /// <summary>The verdict path against all five trials: the pre-read record indexed once (inside the measurement), the
    /// index shared by the five Decide calls.</summary>
    /// <returns>The verdicts and outcomes folded into one number.</returns>
    [Benchmark]
    public int DecideFiveTrialsSharedIndex()
    {
        var index = PatientIndex.Build(patient);
        int seen = 0;
        Span<Outcome> outcomes = stackalloc Outcome[MaxCriteria];
        foreach (var evaluator in all)
        {
            var mine = outcomes[..evaluator.Criteria.Count];
            seen += (int)evaluator.Decide(index, SampleData.AsOf, mine);
            foreach (var outcome in mine)
            {
                seen += (int)outcome;
            }
        }

        return seen;
    }

    /// <summary>Reads the bundle only: the mapping cost on its own.</summary>
    [Benchmark]
    public PatientRecord ReadBundle() => Read();

    /// <summary>Reads the bundle, then evaluates it against its own trial.</summary>
    [Benchmark]
    public EvaluationResult ReadAndEvaluateOneTrial() => own.Evaluate(Read(), SampleData.AsOf);

    /// <summary>Reads the bundle, then evaluates it against all five trials.</summary>
    [Benchmark]
    public int ReadAndEvaluateFiveTrials() => EvaluateAll(Read());

    /// <summary>What <c>eligibility screen</c> does for a record already read: evaluate against all five trials and
    /// serialise each result as the NDJSON row it writes.</summary>
    [Benchmark]
    public int EvaluateAndWriteFiveTrials() => EvaluateAndWriteAll(patient);

    /// <summary>What <c>eligibility screen</c> does per FHIR patient: read the bundle, evaluate against all five trials
    /// and serialise each result row.</summary>
    [Benchmark]
    public int ReadEvaluateAndWriteFiveTrials() => EvaluateAndWriteAll(Read());

    private PatientRecord Read() => Fhir.FhirBundleReader.Read(bundle, null).Patient!;

    /// <summary>The total length of the result rows, so no evaluation or serialisation can be optimised away.</summary>
    private int EvaluateAndWriteAll(PatientRecord record)
    {
        int length = 0;
        foreach (var evaluator in all)
        {
            length += ResultJson.ToJson(evaluator.Evaluate(record, SampleData.AsOf), indented: false).Length;
        }

        return length;
    }

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
