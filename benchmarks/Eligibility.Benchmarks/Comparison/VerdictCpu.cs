using System;
using System.Diagnostics;
using System.Linq;
using Eligibility.Patients;

namespace Eligibility.Benchmarks.Comparison;

/// <summary>
/// <c>--verdict-cpu ROUNDS</c>: the verdict path against the hand-written criteria in CPU time, without BenchmarkDotNet
/// (whose per-process fast and slow modes on a shared VM move single runs by up to half). Each round times, in turn, over
/// the <see cref="ComparisonPatients"/>: building each patient's index and deciding the 14 <see cref="Nct14"/> criteria;
/// deciding them on indexes built beforehand; the hand-written criteria reading the record; and, per sample bundle, one
/// index shared by the five reference trials' <c>Decide</c>. It prints the best round of each (CPU µs per patient) and
/// the ratios to the hand-written criteria. Run it alternately with another build's to compare the two under one load.
/// </summary>
internal static class VerdictCpu
{
    public const string Switch = "--verdict-cpu";

    private const int FiveTrialRepeats = 400;

    public static int Run(int rounds)
    {
        var patients = ComparisonPatients.Standard();
        var library = Nct14.Compile();
        var indexes = patients.Select(PatientIndex.Build).ToArray();
        var scratch = new PatientFields();
        var trials = SampleData.Trials().ToArray();
        var five = trials.Select(SampleData.Compile).ToArray();
        var fiveOutcomes = five.Select(e => new Outcome[e.Criteria.Count]).ToArray();
        var bundles = trials.Select(t => SampleData.ReadBundle(SampleData.BundleBytes(t), t)).ToArray();
        var outcomes = new Outcome[Nct14.Count];
        var truths = new Truth[Nct14.Count];
        long sink = 0;

        double Time(Action step, int count)
        {
            var start = Process.GetCurrentProcess().TotalProcessorTime;
            step();
            return (Process.GetCurrentProcess().TotalProcessorTime - start).TotalMicroseconds / count;
        }

        var steps = new (string Name, Action Step, int Count)[]
        {
            ("build + Decide (14 criteria)", () =>
            {
                foreach (var p in patients)
                {
                    sink += (int)library.Decide(PatientIndex.Build(p), SampleData.AsOf, outcomes);
                }
            }, patients.Length),
            ("Decide on a prebuilt index", () =>
            {
                foreach (var index in indexes)
                {
                    sink += (int)library.Decide(index, SampleData.AsOf, outcomes);
                }
            }, patients.Length),
            ("hand-written from the record", () =>
            {
                foreach (var p in patients)
                {
                    HandWritten.Evaluate(p, SampleData.AsOf, scratch, truths);
                    sink += truths.Length;
                }
            }, patients.Length),
            ("five trials, one index per sample bundle", () =>
            {
                for (int n = 0; n < FiveTrialRepeats; n++)
                {
                    foreach (var bundle in bundles)
                    {
                        var index = PatientIndex.Build(bundle);
                        for (int k = 0; k < five.Length; k++)
                        {
                            sink += (int)five[k].Decide(index, SampleData.AsOf, fiveOutcomes[k]);
                        }
                    }
                }
            }, FiveTrialRepeats * bundles.Length),
        };

        var best = steps.Select(_ => double.MaxValue).ToArray();
        for (int r = 0; r < rounds; r++)
        {
            for (int s = 0; s < steps.Length; s++)
            {
                best[s] = Math.Min(best[s], Time(steps[s].Step, steps[s].Count));
            }
        }

        double hand = best[2];
        Console.WriteLine(FormattableString.Invariant($"| step | best CPU µs per patient ({rounds} rounds) | ÷ hand-written |"));
        Console.WriteLine("|---|---:|---:|");
        for (int s = 0; s < steps.Length; s++)
        {
            string ratio = s == 3 ? string.Empty : FormattableString.Invariant($"{best[s] / hand:F2}");
            Console.WriteLine(FormattableString.Invariant($"| {steps[s].Name} | {best[s]:F3} | {ratio} |"));
        }

        return sink == long.MinValue ? 1 : 0;
    }
}
