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
/// trials' SQL compiled together and run over it (the shared part once, then each trial's own statements; wall time per
/// trial and in total, the rows read back into .NET included), the peak memory
/// of the process, and the in-process engine on a sample of the same population (the first SAMPLE persons' native
/// records, default 20,000, already in memory: evaluation only, on every core), scaled to N — a scaled figure, stated
/// as such — and its ratio to the SQL. Then per trial the script's time apart from reading the result rows back, and
/// its slowest statements. Environment: <c>ELIGIBILITY_OMOP_DB=PATH</c> keeps the generated database there and reuses it
/// on the next run (no generation); <c>ELIGIBILITY_OMOP_SLOWEST=N</c> lists N slowest statements per trial (default 5,
/// 0 for none); <c>ELIGIBILITY_OMOP_EXPLAIN=1</c> prints DuckDB's <c>EXPLAIN ANALYZE</c> of each trial's slowest one
/// (<c>=elig_state</c>: of the statement making that table);
/// <c>ELIGIBILITY_OMOP_DUMP=DIR</c> writes the scripts there; <c>ELIGIBILITY_OMOP_APART=1</c> compiles and runs each trial alone instead; <c>ELIGIBILITY_OMOP_DEFAULTS=1</c> runs
/// the trials compiled together with DuckDB's default settings, not the runner's.
/// </summary>
internal static class OmopScaleBenchmark
{
    public const string Switch = "--omop-scale";

    /// <summary>The screening date of the generated population.</summary>
    private static readonly DateOnly AsOf = new(2026, 3, 1);

    public static int Run(int persons, int sample)
    {
        var trials = SampleData.Trials().Select(SampleData.Compile).ToList();
        string? kept = Environment.GetEnvironmentVariable(DatabaseVariable);
        string folder = Path.Combine(Path.GetTempPath(), "eligibility-omop-scale-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        string path = string.IsNullOrWhiteSpace(kept) ? Path.Combine(folder, "cdm.duckdb") : Path.GetFullPath(kept);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        bool reuse = File.Exists(path);
        var output = Console.Out;
        try
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"OMOP scale: {persons:N0} persons, trials {string.Join(", ", trials.Select(t => t.Trial.Id))}, as of {AsOf:yyyy-MM-dd}, {Environment.ProcessorCount} core(s)."));
            var records = new List<PatientRecord>(Math.Min(sample, persons));
            var clock = Stopwatch.StartNew();
            // A kept database is read as it is (its size is what it holds); the sample's records are the first persons of
            // the same seed, which a population of the sample's size reproduces.
            using (var connection = new DuckDBConnection("Data Source=" + (reuse ? ":memory:" : path)))
            {
                connection.Open();
                SyntheticOmop.Generate(connection, trials, reuse ? Math.Min(sample, persons) : persons, seed: 20261206, AsOf, r =>
                {
                    if (records.Count < sample)
                    {
                        records.Add(r);
                    }
                });
            }

            double generation = clock.Elapsed.TotalSeconds;
            if (reuse)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reusing {path} ({DatabaseVariable}); generation not timed ({generation:0.0} s for the engine's sample)"));
            }

            using var process = Process.GetCurrentProcess();
            process.Refresh();
            long peakAfterGeneration = process.PeakWorkingSet64;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"generation: {generation:0.0} s ({new FileInfo(path).Length / 1048576.0:0} MB on disk; peak working set so far {peakAfterGeneration / 1048576.0:0} MB)"));

            GC.Collect();
            var perTrial = new List<(string Trial, double Seconds, int Rows, int Unsupported)>();
            var profiles = new List<(string Trial, OmopRunProfile Profile)>();
            clock.Restart();
            using (var connection = new DuckDBConnection("Data Source=" + path + ";ACCESS_MODE=READ_ONLY"))
            {
                connection.Open();
                TableSizes(connection, output);
                var options = new OmopSqlOptions { AsOf = AsOf, UnitCodes = DuckDbOmopRunner.UnitCodes(connection) };
                if (Environment.GetEnvironmentVariable(ApartVariable) == "1")
                {
                    // Each trial compiled and run alone: its own concept sets and fact copies.
                    foreach (var trial in trials)
                    {
                        var one = Stopwatch.StartNew();
                        var profile = new OmopRunProfile();
                        var result = OmopResults.Run(connection, OmopSqlCompiler.Compile(trial, SqlDialect.DuckDb, options), profile);
                        ReadEveryNode(result, profile);
                        perTrial.Add((trial.Trial.Id, one.Elapsed.TotalSeconds, result.Rows.Count, result.Compilation.Unsupported.Count));
                        profiles.Add((trial.Trial.Id, profile));
                        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(ExplainVariable)))
                        {
                            Explain(connection, trial.Trial.Id, profile, output);
                        }
                    }
                }
                else
                {
                    // The five trials compiled together: the shared part (persons, concept sets, fact copies) once.
                    var shared = new OmopRunProfile();
                    var own = new List<OmopRunProfile>();
                    bool explain = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(ExplainVariable));
                    bool defaults = Environment.GetEnvironmentVariable(DefaultsVariable) == "1";
                    if (defaults)
                    {
                        output.WriteLine("DuckDB's default settings (" + DefaultsVariable + "=1), not the runner's");
                    }

                    // The five are compiled together (the same prelude); FIRST=k runs only the first k of them after it.
                    var compilations = OmopSqlCompiler.Compile(trials, SqlDialect.DuckDb, options);
                    if (Environment.GetEnvironmentVariable(DumpVariable) is { Length: > 0 } dump)
                    {
                        Directory.CreateDirectory(dump);
                        File.WriteAllText(Path.Combine(dump, "prelude.sql"), compilations[0].Prelude);
                        foreach (var compilation in compilations)
                        {
                            File.WriteAllText(Path.Combine(dump, compilation.TrialId + ".sql"), compilation.Body);
                        }

                        output.WriteLine("scripts written to " + dump + " (" + DumpVariable + ")");
                    }

                    if (int.TryParse(Environment.GetEnvironmentVariable(FirstVariable), NumberStyles.None, CultureInfo.InvariantCulture, out int first) && first < compilations.Count)
                    {
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"running the shared part and the first {first} trial(s) only ({FirstVariable})"));
                        compilations = compilations.Take(first).ToList();
                    }

                    var results = OmopResults.Run(connection, compilations, shared, own, duckDbSettings: !defaults, afterEach: i =>
                    {
                        if (explain)
                        {
                            // While the trial's tables are there (the next trial replaces them).
                            if (i == 0)
                            {
                                Explain(connection, SharedRow, shared, output);
                            }

                            Explain(connection, trials[i].Trial.Id, own[i], output);
                        }
                    });
                    perTrial.Add((SharedRow, shared.Statements.Sum(x => x.Elapsed.TotalSeconds), 0, 0));
                    profiles.Add((SharedRow, shared));
                    for (int i = 0; i < compilations.Count; i++)
                    {
                        ReadEveryNode(results[i], own[i]);
                        perTrial.Add((trials[i].Trial.Id, own[i].Statements.Sum(x => x.Elapsed.TotalSeconds) + own[i].ReadBack.TotalSeconds, results[i].Rows.Count, results[i].Compilation.Unsupported.Count));
                        profiles.Add((trials[i].Trial.Id, own[i]));
                    }
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
                if (id == SharedRow)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {id} | {seconds:0.00} | | | | | |"));
                    continue;
                }

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
            Breakdown(profiles, output);
            return 0;
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>
    /// The environment variable naming a DuckDB file to keep: generated there when missing (and kept), reused as it is
    /// when present, so the SQL can be measured again without generating again.
    /// </summary>
    public const string DatabaseVariable = "ELIGIBILITY_OMOP_DB";

    /// <summary>
    /// The environment variable asking for each trial to be compiled and run alone (set to 1), as before trials were
    /// compiled together: for A/B runs. By default the five are compiled together and share one prelude.
    /// </summary>
    public const string ApartVariable = "ELIGIBILITY_OMOP_APART";

    /// <summary>
    /// The environment variable asking for the trials compiled together to run with DuckDB's default settings instead of the
    /// runner's (set to 1): for A/B runs of those settings.
    /// </summary>
    public const string DefaultsVariable = "ELIGIBILITY_OMOP_DEFAULTS";

    /// <summary>
    /// The environment variable asking for only the first k trials to run after the shared part (a count; all five are
    /// still compiled together, so the shared part is the same): for A/B runs of the shared part and the read-back.
    /// </summary>
    public const string FirstVariable = "ELIGIBILITY_OMOP_FIRST";

    /// <summary>
    /// The environment variable naming a folder to write the scripts of the trials compiled together into (the shared
    /// prelude as <c>prelude.sql</c>, each trial's own statements as <c>TRIAL.sql</c>): to study or time statements apart.
    /// </summary>
    public const string DumpVariable = "ELIGIBILITY_OMOP_DUMP";

    /// <summary>The row of the tables for the statements the trials share (run once before the trials' own).</summary>
    private const string SharedRow = "(shared)";

    /// <summary>The environment variable asking for DuckDB's <c>EXPLAIN ANALYZE</c> of each trial's slowest statement (set to 1).</summary>
    public const string ExplainVariable = "ELIGIBILITY_OMOP_EXPLAIN";

    /// <summary>The environment variable asking for the slowest statements of each trial's script (a count; default 5).</summary>
    public const string SlowestVariable = "ELIGIBILITY_OMOP_SLOWEST";

    /// <summary>Rows per CDM table, so a run says what it ran over.</summary>
    private static void TableSizes(DuckDBConnection connection, TextWriter output)
    {
        var sizes = new List<string>();
        foreach (string table in new[] { "person", "measurement", "condition_occurrence", "drug_exposure", "procedure_occurrence", "observation", "concept" })
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM " + table;
            sizes.Add(string.Create(CultureInfo.InvariantCulture, $"{table} {Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture):N0}"));
        }

        output.WriteLine("rows: " + string.Join(", ", sizes));
    }

    /// <summary>
    /// Reads every person's truth and outcome of every node once, as any consumer of the rows does, and counts that time
    /// in the read-back: the rows hold the packed codes and decode a node when it is read, so the read-back alone would
    /// leave that work out of the figure.
    /// </summary>
    private static void ReadEveryNode(OmopScreenResult result, OmopRunProfile profile)
    {
        var clock = Stopwatch.StartNew();
        var cpu = OmopRunProfile.ProcessCpu();
        long sum = 0;
        foreach (var row in result.Rows)
        {
            var truths = row.Truths;
            var outcomes = row.Outcomes;
            for (int k = 0; k < outcomes.Count; k++)
            {
                sum += (int)outcomes[k] + (truths[k].IsTrue ? 4 : truths[k].IsFalse ? 8 : 0);
            }
        }

        profile.ReadBack += clock.Elapsed;
        profile.ReadBackCpu += OmopRunProfile.ProcessCpu() - cpu;
        GC.KeepAlive(sum);
    }

    /// <summary>Per trial: statements, script time, read-back time, and the slowest statements (their first line and what they create).</summary>
    private static void Breakdown(List<(string Trial, OmopRunProfile Profile)> profiles, TextWriter output)
    {
        int slowest = int.TryParse(Environment.GetEnvironmentVariable(SlowestVariable), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : 5;
        output.WriteLine();
        output.WriteLine("| trial | statements | script (s) | script CPU (s) | read-back (s) | read-back CPU (s) |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (trial, profile) in profiles)
        {
            double script = profile.Statements.Sum(s => s.Elapsed.TotalSeconds);
            double cpu = profile.Statements.Sum(s => s.Cpu.TotalSeconds);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {trial} | {profile.Statements.Count} | {script:0.00} | {cpu:0.00} | {profile.ReadBack.TotalSeconds:0.00} | {profile.ReadBackCpu.TotalSeconds:0.00} |"));
        }

        if (slowest == 0)
        {
            return;
        }

        foreach (var (trial, profile) in profiles)
        {
            output.WriteLine();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{trial}: the {slowest} slowest statements"));
            foreach (var (statement, elapsed, cpu) in profile.Statements.OrderByDescending(s => s.Elapsed).Take(slowest))
            {
                string head = string.Join(" ", statement.Split('\n').Where(l => !l.StartsWith("--", StringComparison.Ordinal)).Take(3).Select(l => l.Trim()));
                string comment = statement.Split('\n').LastOrDefault(l => l.StartsWith("--", StringComparison.Ordinal)) ?? string.Empty;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {elapsed.TotalSeconds,7:0.000} s (CPU {cpu.TotalSeconds,7:0.000} s)  {Shorten(comment, 60)} | {Shorten(head, 140)}"));
            }
        }
    }

    /// <summary>Runs the trial's slowest statement again under <c>EXPLAIN ANALYZE</c> and prints DuckDB's profile.</summary>
    private static void Explain(DuckDBConnection connection, string trial, OmopRunProfile profile, TextWriter output)
    {
        // 1: the slowest statement; a table name: the statement creating it (when the profile has one).
        string? table = Environment.GetEnvironmentVariable(ExplainVariable);
        var (statement, _, _) = table != "1" && profile.Statements.Any(s => s.Statement.Contains("TABLE " + table + " ", StringComparison.Ordinal))
            ? profile.Statements.First(s => s.Statement.Contains("TABLE " + table + " ", StringComparison.Ordinal))
            : profile.Statements.MaxBy(s => s.Elapsed);
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN ANALYZE " + string.Join("\n", statement.Split('\n').Where(l => !l.StartsWith("--", StringComparison.Ordinal)));
        using var reader = command.ExecuteReader();
        output.WriteLine(trial + ": EXPLAIN ANALYZE of the slowest statement");
        while (reader.Read())
        {
            output.WriteLine(reader.GetValue(reader.FieldCount - 1));
        }
    }

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..length] + "…";

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
