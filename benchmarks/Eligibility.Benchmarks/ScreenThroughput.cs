using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;

namespace Eligibility.Benchmarks;

/// <summary>
/// End-to-end <c>eligibility screen</c>, measured as a process (like <see cref="ColdStart"/>): a population of N
/// patients made from the five reference samples (each copy with its own patient and resource ids), written three ways —
/// native records as NDJSON, FHIR bundles as NDJSON, and a FHIR Bulk Data export folder (one NDJSON file per resource
/// type, references rewritten to <c>Type/id</c>) — each screened against the five reference trials with
/// <c>--detail verdict</c>, under <c>/usr/bin/time</c> for the wall time and the peak resident memory.
/// <c>--screen-throughput TOOL N...</c>; TOOL is the published <c>eligibility</c> executable, or several separated by
/// commas for an alternating A/B run (see <see cref="Run"/> for the environment variables). Exits 1 when a run fails,
/// writes an error row, or does not write one row per patient and trial.
/// </summary>
internal static class ScreenThroughput
{
    public const string Switch = "--screen-throughput";

    public static int Run(string tool, IReadOnlyList<int> counts)
    {
        // TOOL may name several published builds separated by commas ("old,new"): each input is then screened by each
        // build in turn, ELIGIBILITY_SCREEN_ROUNDS times (default 1), alternating, so an A/B comparison sees the same load.
        string[] tools = tool.Split(',', StringSplitOptions.RemoveEmptyEntries);
        foreach (string t in tools)
        {
            if (!File.Exists(t))
            {
                Console.Error.WriteLine($"{Switch}: no tool at '{t}' (publish src/Eligibility.Cli first)");
                return 2;
            }
        }

        if (!File.Exists("/usr/bin/time"))
        {
            Console.Error.WriteLine($"{Switch}: needs GNU time at /usr/bin/time (Debian: apt-get install time)");
            return 2;
        }

        // ELIGIBILITY_SCREEN_INPUTS=bundles (or native, bulk; comma-separated) runs only those inputs;
        // ELIGIBILITY_SCREEN_DATA=DIR writes the generated population under DIR/N, keeps it and reuses it on the next run.
        int rounds = int.TryParse(Environment.GetEnvironmentVariable("ELIGIBILITY_SCREEN_ROUNDS"), NumberStyles.None, CultureInfo.InvariantCulture, out int r) && r > 0 ? r : 1;
        string[]? only = Environment.GetEnvironmentVariable("ELIGIBILITY_SCREEN_INPUTS")?.Split(',', StringSplitOptions.RemoveEmptyEntries);
        string? keep = Environment.GetEnvironmentVariable("ELIGIBILITY_SCREEN_DATA");
        int status = 0;
        Console.WriteLine("| input | patients | MB | wall s | patients/s | MB/s | peak RSS MB | rows | error rows |" + (tools.Length > 1 ? " build |" : string.Empty));
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|" + (tools.Length > 1 ? "---|" : string.Empty));
        foreach (int count in counts)
        {
            string dir = keep is null
                ? Path.Combine(Path.GetTempPath(), "screen-throughput-" + count.ToString(CultureInfo.InvariantCulture))
                : Path.Combine(keep, count.ToString(CultureInfo.InvariantCulture));
            bool reuse = keep is not null && File.Exists(Path.Combine(dir, "complete"));
            Directory.CreateDirectory(dir);
            try
            {
                if (!reuse)
                {
                    Write(dir, count);
                    File.WriteAllText(Path.Combine(dir, "complete"), string.Empty);
                }

                foreach (var (key, name, input) in new[] { ("native", "native NDJSON", "native.ndjson"), ("bundles", "FHIR bundles NDJSON", "bundles.ndjson"), ("bulk", "Bulk FHIR folder", "bulk") })
                {
                    if (only is not null && !only.Contains(key, StringComparer.Ordinal))
                    {
                        continue;
                    }

                    string path = Path.Combine(dir, input);
                    long bytes = File.Exists(path) ? new FileInfo(path).Length : Directory.GetFiles(path).Sum(f => new FileInfo(f).Length);
                    for (int round = 0; round < rounds; round++)
                    {
                        for (int b = 0; b < tools.Length; b++)
                        {
                            var (wall, rssKb, rows, errors, exit) = Screen(tools[b], path, Path.Combine(dir, "out.ndjson"));
                            double mb = bytes / 1e6;
                            if (exit != 0 || errors != 0 || rows != count * (long)SampleData.Trials().Count())
                            {
                                status = 1; // measured the wrong thing: every patient must give one row per trial
                            }

                            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                                $"| {name} | {count:N0} | {mb:F1} | {wall:F1} | {count / wall:N0} | {mb / wall:F1} | {rssKb / 1024.0:F0} | {rows:N0} | {errors:N0}{(exit == 0 ? string.Empty : $" (exit {exit})")} |{(tools.Length > 1 ? $" {tools[b]} |" : string.Empty)}"));
                        }
                    }
                }
            }
            finally
            {
                if (keep is null)
                {
                    Directory.Delete(dir, recursive: true);
                }
                else
                {
                    File.Delete(Path.Combine(dir, "out.ndjson"));
                }
            }
        }

        return status;
    }

    private static (double Wall, long RssKb, long Rows, long Errors, int Exit) Screen(string tool, string patients, string output)
    {
        var start = new ProcessStartInfo("/usr/bin/time")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var rules = SampleData.Trials().Select(t => SampleData.PathOf("rules", t + ".json"));
        foreach (string a in new[] { "-f", "TIME %e %M", tool, "screen", "--rules" }.Concat(rules).Concat(["--patients", patients, "--detail", "verdict", "--out", output]))
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        string err = process.StandardError.ReadToEnd();
        process.WaitForExit();
        string line = err.Split('\n').Last(l => l.StartsWith("TIME ", StringComparison.Ordinal));
        string[] parts = line.Split(' ');
        long rows = 0, errors = 0;
        foreach (string row in File.Exists(output) ? File.ReadLines(output) : [])
        {
            rows++;
            errors += row.Contains("\"error\":", StringComparison.Ordinal) ? 1 : 0;
        }

        return (double.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture), rows, errors, process.ExitCode);
    }

    private static void Write(string dir, int count)
    {
        var trials = SampleData.Trials().ToArray();
        var natives = trials.Select(t => JsonNode.Parse(SampleData.NativePatientBytes(t))!.AsObject()).ToArray();
        var bundles = trials.Select(t => JsonNode.Parse(SampleData.BundleBytes(t))!.AsObject()).ToArray();
        string bulk = Path.Combine(dir, "bulk");
        Directory.CreateDirectory(bulk);
        var byType = new Dictionary<string, StreamWriter>(StringComparer.Ordinal);
        using (var native = new StreamWriter(Path.Combine(dir, "native.ndjson")))
        using (var bundleOut = new StreamWriter(Path.Combine(dir, "bundles.ndjson")))
        {
            for (int i = 0; i < count; i++)
            {
                string suffix = "-" + i.ToString(CultureInfo.InvariantCulture);
                var record = natives[i % natives.Length].DeepClone().AsObject();
                record["id"] = "p" + suffix;
                native.WriteLine(record.ToJsonString());

                var (bundle, urls) = Copy(bundles[i % bundles.Length], suffix);
                var entries = bundle["entry"]!.AsArray();
                bundleOut.WriteLine(bundle.ToJsonString());
                foreach (var entry in entries)
                {
                    var resource = entry!["resource"]!.AsObject();
                    Rewrite(resource, urls);
                    string type = (string)resource["resourceType"]!;
                    if (!byType.TryGetValue(type, out var writer))
                    {
                        writer = new StreamWriter(Path.Combine(bulk, type + ".ndjson"));
                        byType[type] = writer;
                    }

                    writer.WriteLine(resource.ToJsonString());
                }
            }
        }

        foreach (var writer in byType.Values)
        {
            writer.Dispose();
        }
    }

    /// <summary>Copy <paramref name="suffix"/> (<c>-12</c>) of a sample bundle: every resource gets its own id (the sample's id
    /// and the suffix); <c>Urls</c> gives, for each entry's fullUrl, the <c>Type/id</c> a reference to it becomes in a Bulk
    /// export. <see cref="ScreenSplit"/> screens the same copies.</summary>
    internal static (JsonObject Bundle, Dictionary<string, string> Urls) Copy(JsonObject sample, string suffix)
    {
        var bundle = sample.DeepClone().AsObject();
        var urls = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in bundle["entry"]!.AsArray())
        {
            var resource = entry!["resource"]!.AsObject();
            string id = (string?)resource["id"] + suffix;
            resource["id"] = id;
            if ((string?)entry["fullUrl"] is { } url)
            {
                urls[url] = (string)resource["resourceType"]! + "/" + id;
            }
        }

        return (bundle, urls);
    }

    /// <summary>Replaces every string that is a bundle entry's fullUrl (a reference by urn:uuid) with <c>Type/id</c>.</summary>
    private static void Rewrite(JsonNode node, Dictionary<string, string> urls)
    {
        if (node is JsonObject o)
        {
            foreach (var (key, value) in o.ToList())
            {
                if (value is JsonValue v && v.TryGetValue(out string? s) && urls.TryGetValue(s, out var reference))
                {
                    o[key] = reference;
                }
                else if (value is not null)
                {
                    Rewrite(value, urls);
                }
            }
        }
        else if (node is JsonArray a)
        {
            foreach (var item in a)
            {
                if (item is not null)
                {
                    Rewrite(item, urls);
                }
            }
        }
    }
}
