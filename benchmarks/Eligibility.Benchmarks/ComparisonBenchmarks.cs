using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Eligibility.Benchmarks.Comparison;
using Eligibility.Patients;

namespace Eligibility.Benchmarks;

/// <summary>
/// Side by side on the same generated patients (<see cref="ComparisonPatients"/>: 10,000 native records, fixed seed)
/// and the same 14 NCT07077486 criteria (<see cref="Nct14"/>): the library, a Microsoft RulesEngine workflow over
/// extracted fields, and the criteria hand-written in C# (the floor). Every figure is per patient
/// (<c>OperationsPerInvoke</c>). All three give the same answer on every criterion of every patient
/// (<see cref="Agreement"/>: the setup checks the first 500, tests/Eligibility.Benchmarks.Tests all of them), so the rows
/// compare the same work.
/// </summary>
/// <remarks>
/// The library's verdict path (<see cref="TrialEvaluator.Decide(PatientIndex, DateOnly, Span{Outcome})"/>: outcomes
/// without explanations) has two rows: <see cref="LibraryVerdictPath"/> builds each patient's <see cref="PatientIndex"/>
/// inside the measured loop — the fair comparison with the hand-written criteria, which read the record as it is — and
/// <see cref="LibraryVerdictPathPrebuiltIndex"/> uses indexes built in setup, as when one index serves several trials.
/// <see cref="Agreement"/> checks the verdict path's outcomes against evaluation's.
/// </remarks>
[MemoryDiagnoser]
public class ComparisonBenchmarks
{
    private const int Patients = ComparisonPatients.Count;

    private PatientRecord[] patients = [];
    private PatientIndex[] indexes = [];
    private PatientFields[] extracted = [];
    private readonly PatientFields scratch = new();
    private TrialEvaluator library = null!;
    private TrialEvaluator fullTrial = null!;
    private RulesEngineWorkflow rulesEngine = null!;

    /// <summary>Generates the patients, compiles the 14-criterion file and the full rule file, builds the workflow,
    /// extracts every patient's fields, and checks that the three agree on the first 500 patients.</summary>
    [GlobalSetup]
    public void Setup()
    {
        patients = ComparisonPatients.Standard();
        library = Nct14.Compile();
        fullTrial = SampleData.Compile(Nct14.Trial);
        rulesEngine = new RulesEngineWorkflow();
        indexes = patients.Select(PatientIndex.Build).ToArray();
        extracted = new PatientFields[patients.Length];
        for (int i = 0; i < patients.Length; i++)
        {
            extracted[i] = new PatientFields();
            FieldExtractor.Fill(patients[i], SampleData.AsOf, extracted[i]);
        }

        // The first 500 patients, so a setup (one per benchmark) stays short; the test project checks all of them.
        var agreement = Agreement.Check(patients[..500], library, rulesEngine, SampleData.AsOf);
        if (agreement.FirstDisagreement is { } disagreement)
        {
            throw new InvalidOperationException("the comparison points disagree: " + disagreement);
        }
    }

    /// <summary>The library: evaluates the 14-criterion file, with explanations (as every evaluation does today).</summary>
    /// <returns>The truths folded into one number.</returns>
    [Benchmark(Baseline = true, OperationsPerInvoke = Patients)]
    public int Library()
    {
        int seen = 0;
        foreach (var patient in patients)
        {
            var criteria = library.Evaluate(patient, SampleData.AsOf).Criteria;
            for (int i = 0; i < criteria.Count; i++)
            {
                seen += Code(criteria[i].Truth);
            }
        }

        return seen;
    }

    /// <summary>The library's verdict path: each patient indexed, then the 14 criteria decided (outcomes and verdict, no
    /// explanations). The index is built inside the loop, so this row pays for everything from the record on.</summary>
    /// <returns>The outcomes folded into one number.</returns>
    [Benchmark(OperationsPerInvoke = Patients)]
    public int LibraryVerdictPath()
    {
        int seen = 0;
        Span<Outcome> outcomes = stackalloc Outcome[Nct14.Count];
        foreach (var patient in patients)
        {
            seen += Decide(PatientIndex.Build(patient), outcomes);
        }

        return seen;
    }

    /// <summary>The verdict path on indexes built in setup: the per-trial cost when one index serves several trials.</summary>
    /// <returns>The outcomes folded into one number.</returns>
    [Benchmark(OperationsPerInvoke = Patients)]
    public int LibraryVerdictPathPrebuiltIndex()
    {
        Span<Outcome> outcomes = stackalloc Outcome[Nct14.Count];
        int seen = 0;
        for (int i = 0; i < indexes.Length; i++)
        {
            seen += Decide(indexes[i], outcomes);
        }

        return seen;
    }

    /// <summary>For context: the library evaluating the whole NCT07077486 rule file (every criterion, judgements included).</summary>
    /// <returns>The verdicts and criterion counts folded into one number.</returns>
    [Benchmark(OperationsPerInvoke = Patients)]
    public int LibraryFullTrial()
    {
        int seen = 0;
        foreach (var patient in patients)
        {
            var result = fullTrial.Evaluate(patient, SampleData.AsOf);
            seen += (int)result.Verdict + result.Criteria.Count;
        }

        return seen;
    }

    /// <summary>RulesEngine with the extraction: each patient's fields extracted into a new input object, then the workflow run.</summary>
    /// <returns>The truths folded into one number.</returns>
    [Benchmark(OperationsPerInvoke = Patients)]
    public int RulesEngineExtractAndExecute()
    {
        int seen = 0;
        Span<Truth> truths = stackalloc Truth[Nct14.Count];
        foreach (var patient in patients)
        {
            var fields = new PatientFields();
            FieldExtractor.Fill(patient, SampleData.AsOf, fields);
            rulesEngine.Execute(fields, truths);
            seen += Fold(truths);
        }

        return seen;
    }

    /// <summary>RulesEngine alone: the workflow run on fields extracted in setup.</summary>
    /// <returns>The truths folded into one number.</returns>
    [Benchmark(OperationsPerInvoke = Patients)]
    public int RulesEngineExecuteOnly()
    {
        int seen = 0;
        Span<Truth> truths = stackalloc Truth[Nct14.Count];
        foreach (var fields in extracted)
        {
            rulesEngine.Execute(fields, truths);
            seen += Fold(truths);
        }

        return seen;
    }

    /// <summary>The floor: the criteria hand-written in C#, reading the native record.</summary>
    /// <returns>The truths folded into one number.</returns>
    [Benchmark(OperationsPerInvoke = Patients)]
    public int HandWrittenFromRecord()
    {
        int seen = 0;
        Span<Truth> truths = stackalloc Truth[Nct14.Count];
        foreach (var patient in patients)
        {
            HandWritten.Evaluate(patient, SampleData.AsOf, scratch, truths);
            seen += Fold(truths);
        }

        return seen;
    }

    /// <summary>The hand-written comparisons alone, on fields extracted in setup (what RulesEngineExecuteOnly does, in C#).</summary>
    /// <returns>The truths folded into one number.</returns>
    [Benchmark(OperationsPerInvoke = Patients)]
    public int HandWrittenDecideOnly()
    {
        int seen = 0;
        Span<Truth> truths = stackalloc Truth[Nct14.Count];
        foreach (var fields in extracted)
        {
            HandWritten.Decide(fields, truths);
            seen += Fold(truths);
        }

        return seen;
    }

    private static int Code(Truth truth) => truth.IsTrue ? 1 : truth.IsFalse ? 2 : 3;

    private int Decide(PatientIndex index, Span<Outcome> outcomes) => (int)library.Decide(index, SampleData.AsOf, outcomes) + Fold(outcomes);

    private static int Fold(ReadOnlySpan<Outcome> outcomes)
    {
        int seen = 0;
        foreach (var outcome in outcomes)
        {
            seen += (int)outcome + 1;
        }

        return seen;
    }

    private static int Fold(ReadOnlySpan<Truth> truths)
    {
        int seen = 0;
        foreach (var truth in truths)
        {
            seen += Code(truth);
        }

        return seen;
    }
}
