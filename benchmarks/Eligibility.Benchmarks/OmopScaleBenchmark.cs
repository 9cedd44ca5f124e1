using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DuckDB.NET.Data;
using Eligibility.Patients;
using Eligibility.Sql;

namespace Eligibility.Benchmarks;

/// <summary>
/// <c>--omop-scale N [SAMPLE]</c>: N synthetic persons generated into a DuckDB file (timed apart), the five reference
/// trials' SQL run over it (wall time per trial and in total, the rows read back into .NET included), the peak memory
/// of the process, and the in-process engine on a sample of the same population (the first SAMPLE persons' native
/// records, default 20,000, already in memory: evaluation only, on every core), scaled to N — a scaled figure, stated
/// as such — and its ratio to the SQL.
/// </summary>
internal static class OmopScaleBenchmark
{
    public const string Switch = "--omop-scale";

    /// <summary>The screening date of the generated population.</summary>
    private static readonly DateOnly AsOf = new(2026, 3, 1);

    public static int Run(int persons, int sample)
    {
        var trials = SampleData.Trials().Select(SampleData.Compile).ToList();
        string folder = Path.Combine(Path.GetTempPath(), "eligibility-omop-scale-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, "cdm.duckdb");
        var output = Console.Out;
        try
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"OMOP scale: {persons:N0} persons, trials {string.Join(", ", trials.Select(t => t.Trial.Id))}, as of {AsOf:yyyy-MM-dd}, {Environment.ProcessorCount} core(s)."));
            var records = new List<PatientRecord>(Math.Min(sample, persons));
            var clock = Stopwatch.StartNew();
            using (var connection = new DuckDBConnection("Data Source=" + path))
            {
                connection.Open();
                SyntheticOmop.Generate(connection, trials, persons, seed: 20261206, AsOf, r =>
                {
                    if (records.Count < sample)
                    {
                        records.Add(r);
                    }
                });
            }

            double generation = clock.Elapsed.TotalSeconds;
            using var process = Process.GetCurrentProcess();
            process.Refresh();
            long peakAfterGeneration = process.PeakWorkingSet64;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"generation: {generation:0.0} s ({new FileInfo(path).Length / 1048576.0:0} MB on disk; peak working set so far {peakAfterGeneration / 1048576.0:0} MB)"));

            GC.Collect();
            var perTrial = new List<(string Trial, double Seconds, int Rows, int Unsupported)>();
            clock.Restart();
            using (var connection = new DuckDBConnection("Data Source=" + path + ";ACCESS_MODE=READ_ONLY"))
            {
                connection.Open();
                foreach (var trial in trials)
                {
                    var one = Stopwatch.StartNew();
                    var result = DuckDbOmopRunner.Run(connection, trial, AsOf);
                    perTrial.Add((trial.Trial.Id, one.Elapsed.TotalSeconds, result.Rows.Count, result.Compilation.Unsupported.Count));
                }
            }

            double sql = clock.Elapsed.TotalSeconds;
            process.Refresh();
            long peak = process.PeakWorkingSet64;

            output.WriteLine();
            output.WriteLine("| trial | SQL (s) | rows | rules not in SQL | engine, sample (s) | engine scaled to N (s) | engine / SQL |");
            output.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
            double engineTotal = 0;
            foreach (var (id, seconds, rows, unsupported) in perTrial)
            {
                var trial = trials.First(t => t.Trial.Id == id);
                double engine = Engine(trial, records);
                double scaled = records.Count == 0 ? 0 : engine * persons / records.Count;
                engineTotal += scaled;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {id} | {seconds:0.00} | {rows:N0} | {unsupported} | {engine:0.00} | {scaled:0.0} | {(seconds > 0 ? scaled / seconds : 0):0.00} |"));
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| **total** | **{sql:0.00}** | | | | **{engineTotal:0.0}** | **{(sql > 0 ? engineTotal / sql : 0):0.00}** |"));
            output.WriteLine();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SQL, five trials: {sql:0.0} s for {persons:N0} persons (target < 60 s at 1,000,000). Peak working set of the process: {peak / 1048576.0:0} MB (after generation: {peakAfterGeneration / 1048576.0:0} MB)."));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"The engine column is the in-process engine on the first {records.Count:N0} persons' native records (evaluation only, records in memory, {Environment.ProcessorCount} worker(s)), scaled by {persons:N0}/{records.Count:N0}: an estimate, not a run at N."));
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Seconds for the engine to evaluate every record against the trial, on every core.</summary>
    private static double Engine(TrialEvaluator trial, List<PatientRecord> records)
    {
        int eligible = 0;
        var clock = Stopwatch.StartNew();
        Parallel.ForEach(records, r =>
        {
            if (trial.Evaluate(r, AsOf).Verdict == Verdict.Eligible)
            {
                Interlocked.Increment(ref eligible);
            }
        });
        return clock.Elapsed.TotalSeconds;
    }
}
