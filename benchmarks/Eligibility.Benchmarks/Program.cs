using System;
using BenchmarkDotNet.Running;

namespace Eligibility.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project benchmarks/Eligibility.Benchmarks -- --filter '*'</c> (benchmarks/README.md).</summary>
public static class Program
{
    /// <summary>
    /// Runs the benchmarks chosen by the BenchmarkDotNet command line (<c>--filter</c>, <c>--job</c>, ...), or with
    /// <c>--terminology-report</c> alone prints <see cref="TerminologyReport"/> instead.
    /// </summary>
    /// <param name="args">BenchmarkDotNet's command-line arguments.</param>
    public static void Main(string[] args)
    {
        if (args is [TerminologyReport.Switch])
        {
            TerminologyReport.Run(Console.Out);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
