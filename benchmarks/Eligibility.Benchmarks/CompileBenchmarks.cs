using BenchmarkDotNet.Attributes;
using Eligibility.Patients;

namespace Eligibility.Benchmarks;

/// <summary>
/// Compiling a rule file, the once-per-run cost, for context: the baseline is evaluating one patient (the trial's native
/// eligible sample) against the compiled trial, so the ratio reads "compiling costs as much as N evaluations".
/// </summary>
public class CompileBenchmarks : TrialBenchmarks
{
    private string rules = string.Empty;
    private TrialEvaluator evaluator = null!;
    private PatientRecord patient = new();

    /// <summary>Loads the rule file and the sample patient; checks that both have no errors.</summary>
    [GlobalSetup]
    public void Setup()
    {
        rules = SampleData.RuleText(Trial);
        evaluator = SampleData.Compile(Trial);
        patient = SampleData.ReadNative(SampleData.NativePatientBytes(Trial), Trial + "-eligible.json");
    }

    /// <summary>Evaluates the trial's native eligible sample.</summary>
    [Benchmark(Baseline = true)]
    public EvaluationResult Evaluate() => evaluator.Evaluate(patient, SampleData.AsOf);

    /// <summary>Compiles the rule file from text: parse, schema check, binding, compiled nodes.</summary>
    [Benchmark]
    public TrialEvaluator Compile() => SampleData.Evaluator(RuleCompiler.CompileText(rules, null), Trial);
}
