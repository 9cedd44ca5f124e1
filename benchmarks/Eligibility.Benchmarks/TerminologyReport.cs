using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using Eligibility.Codes;

namespace Eligibility.Benchmarks;

/// <summary>
/// Not a benchmark: the figures about the synthetic vocabulary that BenchmarkDotNet does not give, printed by
/// <c>dotnet run -c Release --project benchmarks/Eligibility.Benchmarks -- --terminology-report</c> — the tables' sizes,
/// the memory a loaded <see cref="Terminology"/> keeps (the managed heap after a full, compacting collection, with and
/// without the terminology referenced), the memory the five compiled trials keep with and without it, and how many codes
/// it adds to each rule file.
/// </summary>
public static class TerminologyReport
{
    /// <summary>The command-line switch that runs the report instead of BenchmarkDotNet.</summary>
    public const string Switch = "--terminology-report";

    /// <summary>Writes the report.</summary>
    /// <param name="output">Where to write it.</param>
    public static void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var clock = Stopwatch.StartNew();
        string folder = SyntheticVocabulary.Folder();
        output.WriteLine(Invariant($"vocabulary: {folder} (found or written in {clock.ElapsedMilliseconds} ms)"));
        foreach (string file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
        {
            output.WriteLine(Invariant($"  {Path.GetFileName(file),-24} {new FileInfo(file).Length / 1e6,8:F1} MB {File.ReadLines(file).Count() - 1,10:N0} rows"));
        }

        // A first load outside the measurement: JIT-compiled code and static tables are not the terminology's.
        output.WriteLine(SyntheticVocabulary.Load(folder).Description);
        for (int run = 1; run <= 3; run++)
        {
            output.WriteLine(Invariant($"load {run}: {MeasureLoad(folder)}"));
        }

        var options = TerminologyData.Options();
        var trials = SampleData.Trials().ToArray();
        var texts = trials.Select(SampleData.RuleText).ToArray();
        foreach (var (label, compileOptions) in new[] { ("without a terminology", CompileOptions.Default), ("with the vocabulary", options) })
        {
            TerminologyData.Compile(trials[0], texts[0], compileOptions); // warm-up
            output.WriteLine(Invariant($"five compiled trials {label}: {MeasureCompile(trials, texts, compileOptions)}"));
        }

        var listed = SyntheticVocabulary.ListedCodes();
        output.WriteLine(Invariant($"codes the rule files list (distinct, all five files): SNOMED CT {listed[CodeSystems.Snomed].Count}, RxNorm {listed[CodeSystems.RxNorm].Count}, ATC {listed[CodeSystems.Atc].Count}"));
        output.WriteLine("codes added per rule file (summed over concepts / distinct):");
        var patients = trials.Select(t => SampleData.ReadNative(SampleData.NativePatientBytes(t), t + "-eligible.json")).ToArray();
        var pairs = trials.Select((t, i) => (
            TerminologyData.Compile(t, texts[i], CompileOptions.Default).Evaluator,
            TerminologyData.Compile(t, texts[i], options))).ToArray();
        for (int i = 0; i < trials.Length; i++)
        {
            var (added, distinct) = TerminologyData.CodesAdded(pairs[i].Item2.Result);
            output.WriteLine(Invariant($"  {trials[i],-14} {added,7:N0} / {distinct,7:N0}"));
        }

        TerminologyData.RequireSameResults(pairs.Select(p => (p.Item1, p.Item2.Evaluator)), patients);
        output.WriteLine("every eligible sample evaluates to the same result against every trial with and without the vocabulary");
    }

    /// <summary>One load: the heap kept (full collections before and after, the terminology referenced until then), bytes allocated, stopwatch time.
    /// A method of its own so that no earlier load is still referenced from the caller's frame.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string MeasureLoad(string folder)
    {
        long before = GC.GetTotalMemory(forceFullCollection: true);
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var terminology = SyntheticVocabulary.Load(folder);
        long elapsed = clock.ElapsedMilliseconds;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        long after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(terminology);
        return Invariant($"retained {(after - before) / 1048576.0:F1} MiB ({after - before:N0} bytes), allocated {allocated / 1048576.0:F1} MiB, {elapsed} ms (stopwatch)");
    }

    /// <summary>The heap the five compiled trials keep (as <see cref="MeasureLoad"/>; the terminology is referenced by the options before and after).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string MeasureCompile(string[] trials, string[] texts, CompileOptions options)
    {
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var evaluators = trials.Select((t, i) => TerminologyData.Compile(t, texts[i], options).Evaluator).ToArray();
        long after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(evaluators);
        return Invariant($"retained {(after - before) / 1048576.0:F2} MiB ({after - before:N0} bytes)");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
