using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Running;

namespace Eligibility.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project benchmarks/Eligibility.Benchmarks -- --filter '*'</c> (benchmarks/README.md).</summary>
public static class Program
{
    /// <summary>
    /// Runs the benchmarks chosen by the BenchmarkDotNet command line (<c>--filter</c>, <c>--job</c>, ...), or with
    /// <c>--terminology-report</c> alone prints <see cref="TerminologyReport"/> instead, or measures a cold start
    /// (<see cref="ColdStart"/>: <c>--cold-start MODE [--jit]</c>, <c>--cold-start-report [N [--published | HOST...]]</c>), or screens generated populations
    /// with the published tool as a process (<see cref="ScreenThroughput"/>: <c>--screen-throughput TOOL N...</c>), or splits a
    /// screen's CPU time between reading, deciding and writing (<see cref="ScreenSplit"/>: <c>--screen-split N [ROUNDS [BATCH]]</c>), or runs the
    /// five trials' SQL over N generated OMOP persons in DuckDB (<see cref="OmopScaleBenchmark"/>: <c>--omop-scale N [SAMPLE]</c>).
    /// </summary>
    /// <param name="args">BenchmarkDotNet's command-line arguments.</param>
    /// <returns>0; 1 when a benchmark failed to run, a validation error stopped the run or a filter matched nothing;
    /// 2 for an unusable cold-start argument.</returns>
    public static int Main(string[] args)
    {
        var mainEntered = Stopwatch.StartNew();
        switch (args)
        {
            case [ColdStart.Switch, string mode]:
                return ColdStart.Run(mode, mainEntered);
            case [ColdStart.Switch, string mode, "--jit"]:
                return ColdStart.Run(mode, mainEntered, countJit: true);
            case [ColdStart.ReportSwitch]:
                return ColdStart.Report(10);
            case [ColdStart.ReportSwitch, string count, .. var hosts]:
                if (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out int runs) || runs <= 0)
                {
                    return Usage($"{ColdStart.ReportSwitch}: expected a positive number of runs, got '{count}'");
                }

                if (hosts is ["--published"])
                {
                    // Both hosts published from this checkout (JIT and ReadyToRun), then measured side by side.
                    return ColdStart.PublishHosts() is { } published ? ColdStart.Report(runs, published) : 1;
                }

                return ColdStart.Report(runs, hosts);
            case [ScreenThroughput.Switch, string tool, .. var counts] when counts.Length > 0:
                return counts.All(c => int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0)
                    ? ScreenThroughput.Run(tool, counts.Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray())
                    : Usage($"{ScreenThroughput.Switch}: expected the tool's path and positive patient counts");
            case [ScreenSplit.Switch, string n, .. var rest] when rest.Length <= 2:
                return int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out int bundles) && bundles > 0
                    && rest.All(x => int.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0)
                    ? ScreenSplit.Run(bundles, rest.Length == 0 ? 3 : int.Parse(rest[0], CultureInfo.InvariantCulture), rest.Length < 2 ? 1 : int.Parse(rest[1], CultureInfo.InvariantCulture))
                    : Usage($"{ScreenSplit.Switch}: expected a positive number of bundles and, optionally, positive numbers of rounds and of bundles per batch");
            case [Comparison.VerdictCpu.Switch, string times] when int.TryParse(times, NumberStyles.None, CultureInfo.InvariantCulture, out int rounds) && rounds > 0:
                return Comparison.VerdictCpu.Run(rounds);
            case [ReadLoop.Switch, string rounds] when int.TryParse(rounds, NumberStyles.None, CultureInfo.InvariantCulture, out int loops) && loops > 0:
                return ReadLoop.Run(loops);
            case [OmopScaleBenchmark.Switch, string n, .. var rest] when rest.Length <= 1:
                return int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out int persons) && persons > 0
                    && (rest.Length == 0 || (int.TryParse(rest[0], NumberStyles.None, CultureInfo.InvariantCulture, out int s) && s > 0))
                    ? OmopScaleBenchmark.Run(persons, rest.Length == 0 ? 20_000 : int.Parse(rest[0], CultureInfo.InvariantCulture))
                    : Usage($"{OmopScaleBenchmark.Switch}: expected a positive number of persons and, optionally, a positive sample size");
            case [TerminologyReport.Switch]:
                TerminologyReport.Run(System.Console.Out);
                return 0;
            default:
                return RunBenchmarks(args);
        }
    }

    private static int Usage(string message)
    {
        System.Console.Error.WriteLine(message);
        return 2;
    }

    /// <summary>Runs BenchmarkDotNet; kept out of <see cref="Main"/> so a cold-start run never loads it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int RunBenchmarks(string[] args)
    {
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args).ToList();
        // No summary at all is a failure only when a filter was given (it matched nothing); --list and --help give none.
        bool filtered = args.Any(a => a is "--filter" or "-f");
        bool failed = (summaries.Count == 0 && filtered)
            || summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Length == 0 || s.Reports.Any(r => !r.Success));
        return failed ? 1 : 0;
    }
}
