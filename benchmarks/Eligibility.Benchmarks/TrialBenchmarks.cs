using System.Collections.Generic;
using BenchmarkDotNet.Attributes;

namespace Eligibility.Benchmarks;

/// <summary>Benchmarks run once per reference trial (the <c>Trial</c> column), with memory reported.</summary>
[MemoryDiagnoser]
public abstract class TrialBenchmarks
{
    /// <summary>The reference trial whose files are used.</summary>
    [ParamsSource(nameof(Trials))]
    public string Trial { get; set; } = string.Empty;

    /// <summary>The reference trials (rules/*.json).</summary>
    /// <returns>The trial ids.</returns>
    public static IEnumerable<string> Trials() => SampleData.Trials();
}
