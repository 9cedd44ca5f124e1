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
/// <c>library</c> mode's compile in parts, on one thread and in order, timing each one-time cost (parse, reading the
/// schema document, building its objects, the schema load, converting the file to Json.NET tokens, NJsonSchema's
/// <c>JsonSchema</c> class constructor (reflection over its properties, which the check's first type test would run), the schema check,
/// model, UCUM table, then the rest); <c>rulesengine</c> builds the
/// 14-rule RulesEngine workflow (<see cref="RulesEngineWorkflow"/>) and runs it once on an eligible patient's fields.
/// <c>library-phases</c> also prints each step's CPU time on the main thread (<see cref="ThreadCpu"/>, much less disturbed
/// by other processes than wall time) and the time and methods it spent JIT-compiling (<see cref="System.Runtime.JitInfo"/>).
/// <c>--cold-start MODE --jit</c> also counts the methods the JIT compiled in each step, by namespace (<see cref="JitCounter"/>;
/// the listener slows the run, so its times are not the cold start's). <c>--cold-start-report N --published</c> first
/// publishes this program twice, JIT-compiled and ReadyToRun (<see cref="PublishHosts"/>), and runs every mode under both,
/// interleaved; <c>--cold-start-report N HOST...</c> does the same with hosts already published (inside the checkout).
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
    public static int Run(string mode, Stopwatch mainEntered) => Run(mode, mainEntered, countJit: false);

    /// <summary>As <see cref="Run(string, Stopwatch)"/>; with <paramref name="countJit"/>, also prints the methods JIT-compiled per step.</summary>
    /// <param name="mode">The mode.</param>
    /// <param name="mainEntered">A stopwatch started first thing in <c>Main</c>.</param>
    /// <param name="countJit">Whether to count JIT-compiled methods (<see cref="JitCounter"/>).</param>
    /// <returns>The exit code: 0, or 2 for an unknown mode.</returns>
    public static int Run(string mode, Stopwatch mainEntered, bool countJit)
    {
        ArgumentNullException.ThrowIfNull(mainEntered);
        using var jit = countJit ? new JitCounter() : null;
        var steps = new List<(string Name, double Ms)>();
        var jitSteps = new List<(string Name, int Methods)>();

        // library-phases only (the other modes keep the harness of the comparison as it was): each step's CPU time on this
        // thread, and the time and methods it spent JIT-compiling there.
        var perStep = mode == "library-phases" ? new List<(string Name, double CpuMs, double JitMs, long Methods)>() : null;
        double threadCpuAt = perStep is null ? 0 : ThreadCpu.Milliseconds();
        var jitAt = perStep is null ? TimeSpan.Zero : System.Runtime.JitInfo.GetCompilationTime(currentThread: true);
        long jitCountAt = perStep is null ? 0 : System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: true);
        var work = Stopwatch.StartNew();
        var step = Stopwatch.StartNew();
        double cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
        void Done(string name)
        {
            steps.Add((name, step.Elapsed.TotalMilliseconds));
            if (perStep is not null)
            {
                double threadCpuNow = ThreadCpu.Milliseconds();
                var jitNow = System.Runtime.JitInfo.GetCompilationTime(currentThread: true);
                long jitCountNow = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: true);
                perStep.Add((name, threadCpuNow - threadCpuAt, (jitNow - jitAt).TotalMilliseconds, jitCountNow - jitCountAt));
                (jitAt, jitCountAt, threadCpuAt) = (jitNow, jitCountNow, threadCpuNow);
            }

            if (jit is not null)
            {
                jitSteps.Add((name, jit.TakeStep()));
            }

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
                    var rewritten = SchemaLoader.LoadRewritten("rule-file.schema.json");
                    Done("schema_read");
                    SchemaObjectBuilder.Build(rewritten);
                    Done("schema_objects");
                    SchemaValidator.Preload(SchemaKind.RuleFile);
                    Done("schema_load");
                    SchemaValidator.ToToken(source.Root);
                    Done("schema_tokens");
                    System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(NJsonSchema.JsonSchema).TypeHandle);
                    Done("schema_statics");
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
        var self = Process.GetCurrentProcess();
        double sinceStartMs = (DateTime.Now - self.StartTime).TotalMilliseconds;
        double cpuMs = self.TotalProcessorTime.TotalMilliseconds;
        double workCpuMs = cpuMs - cpuAtStart;
        double jitMs = System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds;
        long jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount();

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
            $"cold-start mode={mode} since_process_start_ms={sinceStartMs:0.0} in_main_ms={inMainMs:0.0} work_ms={workMs:0.0} cpu_ms={cpuMs:0.0} work_cpu_ms={workCpuMs:0.0} jit_ms={jitMs:0.0}{stepText} jit_methods={jitMethods} outcome={outcome}"));
        if (perStep is not null)
        {
            // Thread CPU time is what a step cost this thread, much less disturbed by other processes than its wall time.
            Console.WriteLine("per step on this thread, cpu ms / jit ms (methods jitted): "
                + string.Join(", ", perStep.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Name} {s.CpuMs:0.0}/{s.JitMs:0.0} ({s.Methods})")))
                + string.Create(CultureInfo.InvariantCulture, $"; in all {perStep.Sum(s => s.CpuMs):0.0}/{perStep.Sum(s => s.JitMs):0.0} ({perStep.Sum(s => s.Methods)})"));
        }

        if (jit is not null)
        {
            jit.Settle();
            Console.WriteLine("jit methods compiled per step: " + string.Join(", ", jitSteps.Select(s => $"{s.Name} {s.Methods}")));
            Console.WriteLine(jit.ByNamespace());
        }

        return 0;
    }

    /// <summary>Runs every mode <paramref name="runs"/> times as fresh processes of this program and prints the statistics.</summary>
    /// <param name="runs">Runs per mode.</param>
    /// <returns>The exit code: 0, or 1 when a run failed.</returns>
    public static int Report(int runs) => Report(runs, []);

    /// <summary>
    /// Runs every mode <paramref name="runs"/> times under each host (a published copy of this program: its apphost or
    /// its DLL), each run a fresh process, interleaved host by host and mode by mode, and prints the statistics per host
    /// and mode. No hosts: this program itself.
    /// </summary>
    /// <param name="runs">Runs per host and mode.</param>
    /// <param name="hosts">Paths of the hosts; each is named after its folder in the table.</param>
    /// <returns>The exit code: 0, or 1 when a run failed.</returns>
    public static int Report(int runs, IReadOnlyList<string> hosts)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        var commands = new List<(string Name, string File, string Prefix)>();
        if (hosts.Count == 0)
        {
            // This program again: the apphost, or `dotnet <dll>` when started through the dotnet host.
            string self = Environment.ProcessPath!;
            string prefix = Path.GetFileNameWithoutExtension(self) == "dotnet" ? $"\"{typeof(ColdStart).Assembly.Location}\" " : string.Empty;
            commands.Add((string.Empty, self, prefix));
        }
        else
        {
            foreach (string host in hosts)
            {
                string full = Path.GetFullPath(host);
                if (!File.Exists(full))
                {
                    Console.Error.WriteLine($"{ReportSwitch}: host '{host}' not found");
                    return 2;
                }

                string name = Path.GetFileName(Path.GetDirectoryName(full)) + "/";
                commands.Add(full.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? (name, "dotnet", $"\"{full}\" ") : (name, full, string.Empty));
            }
        }

        var keys = commands.SelectMany(c => Modes.Select(m => c.Name + m)).ToList();
        var samples = keys.ToDictionary(k => k, _ => new List<Dictionary<string, double>>());
        for (int run = 0; run < runs; run++)
        {
            foreach (string mode in Modes)
            {
                foreach (var (name, file, prefix) in commands)
                {
                    var start = new ProcessStartInfo(file, prefix + Switch + " " + mode) { RedirectStandardOutput = true, UseShellExecute = false };
                    var wall = Stopwatch.StartNew();
                    using var process = Process.Start(start)!;
                    string output = process.StandardOutput.ReadToEnd();
                    process.WaitForExit();
                    double wallMs = wall.Elapsed.TotalMilliseconds;
                    var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("cold-start ", StringComparison.Ordinal));
                    if (process.ExitCode != 0 || line is null)
                    {
                        Console.Error.WriteLine($"cold start run of {name}{mode} failed (exit code {process.ExitCode}): {output}");
                        return 1;
                    }

                    var values = line.Split(' ').Select(p => p.Split('=', 2)).Where(p => p.Length == 2 && p[0].EndsWith("_ms", StringComparison.Ordinal))
                        .ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
                    values["spawn_to_exit_ms"] = wallMs;
                    samples[name + mode].Add(values);
                }
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cold start, {runs} fresh processes per mode, ms: median (min–max)"));
        Console.WriteLine();
        Console.WriteLine("| mode | measure | ms |");
        Console.WriteLine("|---|---|---|");
        foreach (string key in keys)
        {
            foreach (string measure in samples[key][0].Keys)
            {
                Console.WriteLine($"| {key} | {Measures.GetValueOrDefault(measure, measure)} | {Stats(samples[key].Select(v => v[measure]))} |");
            }
        }

        if (commands.Count > 1 || commands[0].Name.Length > 0)
        {
            // The comparison the issue asks for, per host: process start to done, library against RulesEngine.
            Console.WriteLine();
            Console.WriteLine("| host | library | rulesengine | library ÷ rulesengine (medians) |");
            Console.WriteLine("|---|---:|---:|---:|");
            foreach (var (name, _, _) in commands)
            {
                double library = Median(samples[name + "library"].Select(v => v["since_process_start_ms"]));
                double engine = Median(samples[name + "rulesengine"].Select(v => v["since_process_start_ms"]));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name.TrimEnd('/')} | {library:0} | {engine:0} | {library / engine:0.00} |"));
            }
        }

        return 0;
    }

    /// <summary>
    /// Publishes this program (its project, found from the repository root) twice for this machine's runtime identifier,
    /// framework-dependent: JIT-compiled into <c>bin/cold-start/jit</c> and ReadyToRun into <c>bin/cold-start/r2r</c> of
    /// the project (everything in it, the library, Json.NET, NJsonSchema and RulesEngine alike; inside the checkout, where
    /// the hosts find the rule files), and returns the two apphosts.
    /// </summary>
    /// <returns>The hosts, or null when a publish failed (its output is printed).</returns>
    public static IReadOnlyList<string>? PublishHosts()
    {
        string project = SampleData.PathOf("benchmarks", "Eligibility.Benchmarks", "Eligibility.Benchmarks.csproj");
        string directory = Path.Combine(Path.GetDirectoryName(project)!, "bin", "cold-start");
        string rid = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
        var hosts = new List<string>();
        foreach (var (name, readyToRun) in new[] { ("jit", "false"), ("r2r", "true") })
        {
            string output = Path.Combine(Path.GetFullPath(directory), name);
            var start = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { "publish", project, "-c", "Release", "-r", rid, "--self-contained", "false", "-p:PublishReadyToRun=" + readyToRun, "-o", output, "--nologo", "-v", "quiet" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            Console.Error.WriteLine($"publishing {name} ({rid}, PublishReadyToRun={readyToRun}) into {output}");
            using var process = Process.Start(start)!;
            var errors = process.StandardError.ReadToEndAsync();
            string log = process.StandardOutput.ReadToEnd() + errors.GetAwaiter().GetResult();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                Console.Error.WriteLine(log);
                return null;
            }

            hosts.Add(Path.Combine(output, OperatingSystem.IsWindows() ? "Eligibility.Benchmarks.exe" : "Eligibility.Benchmarks"));
        }

        return hosts;
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
        ["schema_read_ms"] = "… read and rewrite the rule-file schema (Json.NET)",
        ["schema_objects_ms"] = "… build its NJsonSchema objects",
        ["schema_load_ms"] = "… load the schema again, warm (the validator's own copy)",
        ["schema_tokens_ms"] = "… convert the rule file to Json.NET tokens",
        ["schema_statics_ms"] = "… NJsonSchema's JsonSchema statics (its class constructor reflects over the type; the check's first type test runs it)",
        ["schema_check_ms"] = "… the schema check (NJsonSchema; conversion again, warm)",
        ["cpu_ms"] = "CPU time of the process, all threads, start → done",
        ["work_cpu_ms"] = "CPU time of the work, all threads",
        ["jit_ms"] = "time spent JIT-compiling, all threads, start → done (JitInfo)",
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
        return string.Create(CultureInfo.InvariantCulture, $"{Median(sorted):0} ({sorted[0]:0}–{sorted[^1]:0})");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

/// <summary>
/// Counts the methods the JIT compiles in this process for their first use (the runtime's <c>MethodLoadVerbose</c>
/// events of jitted code at optimization tiers 1–3: minimal-opts, optimized, quick-jitted tier 0), by namespace: what a
/// cold start spends its compiling on. Recompilations of methods already running (tier 1, and the instrumented tiers of
/// dynamic PGO) are counted apart, by tier. Methods precompiled ReadyToRun and used as they are do not appear.
/// </summary>
internal sealed class JitCounter : System.Diagnostics.Tracing.EventListener
{
    private const int MethodLoadVerbose = 143;
    private const int Jitted = 0x8;
    private const int MinOptJitted = 1;
    private const int QuickJitted = 3;
    private readonly Dictionary<string, int> byNamespace = new(StringComparer.Ordinal);
    private readonly SortedDictionary<int, int> byTier = [];
    private readonly object gate = new();
    private int total;
    private int recompiled;
    private int counted;

    /// <summary>Waits until no new JIT event has arrived for a while (events are delivered late, on another thread), then
    /// returns the methods compiled since the last step.</summary>
    /// <returns>The methods JIT-compiled since the previous call.</returns>
    public int TakeStep()
    {
        Settle();
        lock (gate)
        {
            int step = total - counted;
            counted = total;
            return step;
        }
    }

    /// <summary>Waits until no JIT event has arrived for 300 ms.</summary>
    public void Settle()
    {
        int last = -1;
        while (true)
        {
            System.Threading.Thread.Sleep(300);
            lock (gate)
            {
                if (total == last)
                {
                    return;
                }

                last = total;
            }
        }
    }

    /// <summary>The counts by namespace (two levels), largest first.</summary>
    /// <returns>One line.</returns>
    public string ByNamespace()
    {
        lock (gate)
        {
            return $"jit methods compiled for first use in all, {total} (and {recompiled} recompilations; all compilations by the events' optimization tier, "
                + string.Join(", ", byTier.Select(p => $"tier {p.Key}: {p.Value}")) + "), by namespace: "
                + string.Join(", ", byNamespace.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value}"));
        }
    }

    /// <inheritdoc/>
    protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x10);
        }
    }

    /// <inheritdoc/>
    protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs eventData)
    {
        if (eventData.EventId != MethodLoadVerbose || eventData.Payload is null || eventData.PayloadNames is null)
        {
            return;
        }

        int flags = Convert.ToInt32(eventData.Payload[eventData.PayloadNames.IndexOf("MethodFlags")], CultureInfo.InvariantCulture);
        if ((flags & Jitted) == 0)
        {
            return;
        }

        int tier = (flags >> 7) & 0x7;
        lock (gate)
        {
            byTier[tier] = byTier.GetValueOrDefault(tier) + 1;
        }

        if (tier is < MinOptJitted or > QuickJitted)
        {
            lock (gate)
            {
                recompiled++;
            }

            return;
        }

        string type = eventData.Payload[eventData.PayloadNames.IndexOf("MethodNamespace")] as string ?? "?";
        string[] parts = type.Split('.', 3);
        string key = parts.Length >= 2 ? parts[0] + "." + parts[1] : parts[0];
        lock (gate)
        {
            total++;
            byNamespace[key] = byNamespace.GetValueOrDefault(key) + 1;
        }
    }
}

/// <summary>The calling thread's CPU time (Linux <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>; 0 elsewhere).</summary>
internal static class ThreadCpu
{
    private const int ClockThreadCpuTime = 3;

    /// <summary>The calling thread's CPU time so far, in milliseconds; 0 when not on Linux.</summary>
    /// <returns>The time.</returns>
    public static double Milliseconds()
    {
        if (!OperatingSystem.IsLinux() || ClockGetTime(ClockThreadCpuTime, out var time) != 0)
        {
            return 0;
        }

        return (time.Seconds * 1000.0) + (time.Nanoseconds / 1_000_000.0);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    [System.Runtime.InteropServices.DefaultDllImportSearchPaths(System.Runtime.InteropServices.DllImportSearchPath.SafeDirectories)]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
