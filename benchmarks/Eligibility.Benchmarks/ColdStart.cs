using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Eligibility.Benchmarks.Comparison;
using Eligibility.Diagnostics;
using Eligibility.Loading;
using Eligibility.Patients;
using Eligibility.Schema;
using Eligibility.Units;

namespace Eligibility.Benchmarks;

/// <summary>
/// Cold start as a process, not in a warm benchmark loop: <c>--cold-start MODE</c> does one mode's first piece of work
/// in this fresh process and prints how long it took; <c>--cold-start-report [N]</c> runs every mode N times (default
/// 10), each run a new process, interleaved, and prints the median, minimum and maximum. Modes: <c>library</c> compiles
/// <c>rules/NCT07077486.json</c>, reads the trial's native eligible sample and evaluates it; <c>library-14</c> does the
/// same with the 14-criterion file of the side-by-side comparison (<see cref="Nct14"/>); <c>library-phases</c> does the
/// <c>library</c> mode's compile in parts, on one thread and in order, timing each one-time cost (parse, schema load,
/// schema check, model, UCUM table, then the rest); <c>rulesengine</c> builds the
/// 14-rule RulesEngine workflow (<see cref="RulesEngineWorkflow"/>) and runs it once on an eligible patient's fields.
/// </summary>
public static class ColdStart
{
    /// <summary>The switch for one measured run.</summary>
    public const string Switch = "--cold-start";

    /// <summary>The switch for the report over N runs per mode.</summary>
    public const string ReportSwitch = "--cold-start-report";

    private static readonly string[] Modes = ["library", "library-14", "library-phases", "rulesengine"];

    /// <summary>One measured run; prints <c>cold-start mode=… since_process_start_ms=… in_main_ms=… work_ms=…</c>.</summary>
    /// <param name="mode">The mode.</param>
    /// <param name="mainEntered">A stopwatch started first thing in <c>Main</c>.</param>
    /// <returns>The exit code: 0, or 2 for an unknown mode.</returns>
    public static int Run(string mode, Stopwatch mainEntered)
    {
        ArgumentNullException.ThrowIfNull(mainEntered);
        var steps = new List<(string Name, double Ms)>();
        var work = Stopwatch.StartNew();
        var step = Stopwatch.StartNew();
        void Done(string name)
        {
            steps.Add((name, step.Elapsed.TotalMilliseconds));
            step.Restart();
        }

        string outcome;
        switch (mode)
        {
            case "library" or "library-14":
                var evaluator = Compile(mode);
                Done("compile");
                var patient = SampleData.ReadNative(SampleData.NativePatientBytes(Nct14.Trial), Nct14.Trial + "-eligible.json");
                Done("read");
                outcome = evaluator.Evaluate(patient, SampleData.AsOf).Verdict.ToString();
                Done("evaluate");
                break;
            case "library-phases":
                // The library mode's compile in its parts, each one-time cost paid in turn (one thread, in order).
                byte[] bytes = File.ReadAllBytes(SampleData.PathOf("rules", Nct14.Trial + ".json"));
                using (var source = JsonSource.Read(bytes, new DiagnosticSink(Nct14.Trial + ".json", bytes), "rule files")!)
                {
                    Done("parse");
                    SchemaValidator.Preload(SchemaKind.RuleFile);
                    Done("schema_load");
                    SchemaValidator.Validate(source.Root, SchemaKind.RuleFile, source.Text);
                    Done("schema_check");
                    RuleFileReader.Read(new JsonObjectReader(source.Root, string.Empty));
                    Done("model");
                }

                UnitConverter.Instance.IsValid("mg/dL", out _);
                Done("ucum");
                var compiled = RuleCompiler.Compile(bytes, Nct14.Trial + ".json", CompileOptions.Default, null, overlap: false);
                Done("bind");
                outcome = compiled.Succeeded ? "compiled" : "failed";
                break;
            case "rulesengine":
                var workflow = new RulesEngineWorkflow();
                Done("build");
                var fields = new PatientFields
                {
                    Age = 45, Sle = true, Ild = true, Fev1Fvc = 72, Dlco = 55, AltUln = 0.6m, AstUln = 0.5m, Egfr = 95,
                    Hemoglobin = 128, Wbc = 6.1m, Platelets = 240, Mi6Months = false, Rituximab = false, Belimumab = false,
                };
                Span<Truth> truths = stackalloc Truth[Nct14.Count];
                workflow.Execute(fields, truths);
                Done("execute");
                outcome = string.Join(",", truths.ToArray());
                break;
            default:
                Console.Error.WriteLine($"{Switch}: unknown mode '{mode}' (one of {string.Join(", ", Modes)})");
                return 2;
        }

        double workMs = work.Elapsed.TotalMilliseconds;
        double inMainMs = mainEntered.Elapsed.TotalMilliseconds;
        double sinceStartMs = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;

        // After the clock stopped: the same compile again in the now warm process, to show what the first one paid for
        // loading and JIT-compiling rather than for compiling the file.
        if (mode is "library" or "library-14")
        {
            step.Restart();
            Compile(mode);
            Done("compile_again");
        }
        string stepText = string.Concat(steps.Select(s => string.Create(CultureInfo.InvariantCulture, $" {s.Name}_ms={s.Ms:0.0}")));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cold-start mode={mode} since_process_start_ms={sinceStartMs:0.0} in_main_ms={inMainMs:0.0} work_ms={workMs:0.0}{stepText} outcome={outcome}"));
        return 0;
    }

    /// <summary>Runs every mode <paramref name="runs"/> times as fresh processes and prints the statistics.</summary>
    /// <param name="runs">Runs per mode.</param>
    /// <returns>The exit code: 0, or 1 when a run failed.</returns>
    public static int Report(int runs)
    {
        // This program again: the apphost, or `dotnet <dll>` when started through the dotnet host.
        string self = Environment.ProcessPath!;
        string prefix = Path.GetFileNameWithoutExtension(self) == "dotnet" ? $"\"{typeof(ColdStart).Assembly.Location}\" " : string.Empty;
        var samples = Modes.ToDictionary(m => m, _ => new List<Dictionary<string, double>>());
        for (int run = 0; run < runs; run++)
        {
            foreach (string mode in Modes)
            {
                var start = new ProcessStartInfo(self, prefix + Switch + " " + mode) { RedirectStandardOutput = true, UseShellExecute = false };
                var wall = Stopwatch.StartNew();
                using var process = Process.Start(start)!;
                string output = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                double wallMs = wall.Elapsed.TotalMilliseconds;
                var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("cold-start ", StringComparison.Ordinal));
                if (process.ExitCode != 0 || line is null)
                {
                    Console.Error.WriteLine($"cold start run of {mode} failed (exit code {process.ExitCode}): {output}");
                    return 1;
                }

                var values = line.Split(' ').Select(p => p.Split('=', 2)).Where(p => p.Length == 2 && p[0].EndsWith("_ms", StringComparison.Ordinal))
                    .ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
                values["spawn_to_exit_ms"] = wallMs;
                samples[mode].Add(values);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cold start, {runs} fresh processes per mode, ms: median (min–max)"));
        Console.WriteLine();
        Console.WriteLine("| mode | measure | ms |");
        Console.WriteLine("|---|---|---|");
        foreach (string mode in Modes)
        {
            foreach (string key in samples[mode][0].Keys)
            {
                Console.WriteLine($"| {mode} | {Measures.GetValueOrDefault(key, key)} | {Stats(samples[mode].Select(v => v[key]))} |");
            }
        }

        return 0;
    }

    private static readonly Dictionary<string, string> Measures = new()
    {
        ["since_process_start_ms"] = "process start → done (Process.StartTime)",
        ["in_main_ms"] = "Main entered → done",
        ["work_ms"] = "the work alone",
        ["compile_ms"] = "… compile the rule file",
        ["read_ms"] = "… read the sample patient",
        ["evaluate_ms"] = "… evaluate it",
        ["compile_again_ms"] = "(after: the same compile again, warm)",
        ["parse_ms"] = "… parse the rule file (System.Text.Json)",
        ["schema_load_ms"] = "… load the rule-file schema",
        ["schema_check_ms"] = "… the schema check",
        ["model_ms"] = "… read the model",
        ["ucum_ms"] = "… load the UCUM table",
        ["bind_ms"] = "… the rest, in sequence (binding, nodes; parse and check again, warm)",
        ["build_ms"] = "… build the workflow and engine",
        ["execute_ms"] = "… first execution",
        ["spawn_to_exit_ms"] = "spawn → exit (seen by the parent)",
    };

    /// <summary>Compiles the mode's rule file (read from disk, or the 14-criterion file written in memory).</summary>
    private static TrialEvaluator Compile(string mode)
    {
        string text = mode == "library" ? File.ReadAllText(SampleData.PathOf("rules", Nct14.Trial + ".json")) : Nct14.RuleFileText();
        return SampleData.Evaluator(RuleCompiler.CompileText(text, Nct14.Trial + ".json"), Nct14.Trial);
    }

    private static string Stats(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        return string.Create(CultureInfo.InvariantCulture, $"{median:0} ({sorted[0]:0}–{sorted[^1]:0})");
    }
}
