using System.Linq;
using BenchmarkDotNet.Attributes;
using Eligibility.Codes;

namespace Eligibility.Benchmarks;

/// <summary>
/// The once-per-run costs of a terminology, on the synthetic vocabulary of 100,000 concepts and 1,000,000 ancestor rows
/// (<see cref="SyntheticVocabulary"/>): compiling the five reference rule files without a terminology (the baseline, as
/// every run did before) and with it (every SNOMED CT, RxNorm and ATC binding expanded into frozen code sets), and loading
/// the vocabulary's tables (<see cref="Terminology.LoadOmop"/>, from files the operating system has cached).
/// </summary>
[MemoryDiagnoser]
public class TerminologyBenchmarks
{
    private string folder = string.Empty;
    private (string Trial, string Text)[] rules = [];
    private CompileOptions withTerminology = CompileOptions.Default;

    /// <summary>Writes (or finds) the vocabulary, loads it, and checks that every rule file compiles both ways.</summary>
    [GlobalSetup]
    public void Setup()
    {
        folder = SyntheticVocabulary.Folder();
        withTerminology = TerminologyData.Options();
        rules = SampleData.Trials().Select(t => (t, SampleData.RuleText(t))).ToArray();
        foreach (var (trial, text) in rules)
        {
            TerminologyData.Compile(trial, text, CompileOptions.Default);
            TerminologyData.Compile(trial, text, withTerminology);
        }
    }

    /// <summary>Compiles the five rule files without a terminology: bindings match the codes they list.</summary>
    [Benchmark(Baseline = true)]
    public TrialEvaluator[] CompileFiveTrials() => CompileAll(CompileOptions.Default);

    /// <summary>Compiles the five rule files with the loaded vocabulary: every binding expanded at compile time.</summary>
    [Benchmark]
    public TrialEvaluator[] CompileFiveTrialsWithTerminology() => CompileAll(withTerminology);

    /// <summary>Loads the vocabulary's tables: CONCEPT, CONCEPT_ANCESTOR, CONCEPT_RELATIONSHIP and VOCABULARY.</summary>
    [Benchmark]
    public TerminologyLoadResult LoadOmop() => Terminology.LoadOmop(folder);

    private TrialEvaluator[] CompileAll(CompileOptions options)
    {
        var evaluators = new TrialEvaluator[rules.Length];
        for (int i = 0; i < rules.Length; i++)
        {
            evaluators[i] = SampleData.Evaluator(RuleCompiler.CompileText(rules[i].Text, null, options), rules[i].Trial);
        }

        return evaluators;
    }
}
