using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Eligibility.Fhir;
using Eligibility.Patients;

namespace Eligibility.Benchmarks;

/// <summary>
/// <c>--screen-split N [ROUNDS [BATCH]]</c>: where the per-patient work of <c>eligibility screen --detail verdict</c> over
/// FHIR bundles goes, on one thread, in that thread's CPU time (<c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>, so other
/// processes on the machine do not count; the clock's own cost at each phase boundary, measured first, is taken off) and
/// in the bytes it allocates. The N bundles are the copies <see cref="ScreenThroughput"/> screens (copy <c>i</c> of the
/// five reference samples, every resource id suffixed), all made before any timing and settled in the oldest generation.
/// Three phases, each timed on its own: <b>read</b> — the bundle's bytes to a <see cref="PatientRecord"/>
/// (<see cref="PatientInput.Read(byte[], string?, InputLimits?)"/>: layout scan, parse, map); <b>decide</b> — one
/// <see cref="PatientIndex"/> and the five trials' <c>Decide</c>; <b>write</b> — the five verdict rows as the tool makes
/// them (<c>ScreenRows.VerdictRow</c>: <see cref="ResultJson.WriteVerdict"/> after the row's <c>{"line":N,</c> prefix)
/// written as UTF-8 to a null stream. Beside them, not in the shares, the <b>raw scan</b> of the same bytes (every
/// token read with <see cref="Utf8JsonReader"/>, nothing built): the floor of any read; and the <b>check floor</b>
/// (<see cref="CheckFloor"/>): the floor of a read that would map straight from the JSON and leave the same resources to
/// Firely. BATCH bundles go through each phase at a time: 1 (the default) is what each of the
/// tool's workers does, one record read, decided and written before the next; a larger batch keeps that many records
/// alive through the read's collections (the first version of this harness used 250, which charged the promotion of
/// the batch's records and inputs to reading). The per-record checks the tool runs besides (investigator answers no
/// trial uses, codes no trial recognises) are not included. The process runs workstation GC, so a collection runs on
/// the thread that triggers it and is counted in the phase that allocated. Issue 14's target is
/// that reading take no more than half of the time.
/// </summary>
internal static class ScreenSplit
{
    public const string Switch = "--screen-split";

    /// <summary>Runs it: <paramref name="count"/> bundles per round, <paramref name="rounds"/> rounds after a warm-up,
    /// <paramref name="batch"/> bundles at a time through each phase (1: each patient read, decided and written before the
    /// next, as each of the tool's workers does).</summary>
    public static int Run(int count, int rounds, int batch = 1)
    {
        var samples = SampleData.Trials().Select(t => JsonNode.Parse(SampleData.BundleBytes(t))!.AsObject()).ToArray();
        var trials = SampleData.Trials().Select(SampleData.Compile).ToArray();
        var sink = new StreamWriter(Stream.Null, new UTF8Encoding(false));
        var utf8 = Inputs(samples, count);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect(); // the inputs settle in the oldest generation before any timing
        long clockCost = ClockCost();
        Console.WriteLine($"{count:N0} FHIR bundles per round ({utf8.Sum(b => (long)b.Length) / 1024.0 / 1024.0:F0} MB, made beforehand), one thread, {batch} at a time through each phase; {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC; a phase boundary costs {clockCost} ns (taken off); a warm-up round first");
        Console.WriteLine("| round | read µs | decide µs | write µs | total µs | read share | decide share | write share | read KB | decide KB | write KB | patients/s per core | raw scan µs | read ÷ raw scan | check floor µs | floor ÷ raw scan |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var shares = new List<double>();
        for (int round = 0; round <= rounds; round++)
        {
            // Round 0 is the warm-up (the JIT's tiers, the reader's caches), not printed: a whole round, as a shorter one left
            // the first printed round still slower (under load the JIT's background tiering lags).
            var totals = Screen(utf8, trials, sink, batch, clockCost);
            if (totals is null)
            {
                return 1;
            }

            if (round == 0)
            {
                continue;
            }

            var (cpu, bytes, n) = totals.Value;
            double all = cpu[0] + cpu[1] + cpu[2];
            shares.Add(cpu[0] / all);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {round} | {cpu[0] / 1e3 / n:F1} | {cpu[1] / 1e3 / n:F1} | {cpu[2] / 1e3 / n:F1} | {all / 1e3 / n:F1} | {cpu[0] / all:P1} | {cpu[1] / all:P1} | {cpu[2] / all:P1} | {bytes[0] / 1024.0 / n:F1} | {bytes[1] / 1024.0 / n:F1} | {bytes[2] / 1024.0 / n:F1} | {n / (all / 1e9):N0} | {cpu[3] / 1e3 / n:F1} | {(double)cpu[0] / cpu[3]:F2} | {cpu[4] / 1e3 / n:F1} | {(double)cpu[4] / cpu[3]:F2} |"));
        }

        shares.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"read share, median of {rounds} round(s): {shares[shares.Count / 2]:P1} (target: at most 50 %)"));
        Console.WriteLine("raw scan: Utf8JsonReader reading every token of the same bytes, building nothing (the floor of any read), timed on its own and not in the shares");
        Console.WriteLine("check floor: the layout scan and the fast reader's check of every used entry, building nothing (the least a read that maps straight from the JSON and leaves the same resources to Firely must do), timed on its own and not in the shares");
        return 0;
    }

    /// <summary>The <paramref name="count"/> copies' bytes, made once before any timing (the same for every round).</summary>
    private static byte[][] Inputs(JsonObject[] samples, int count)
    {
        var utf8 = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            string suffix = "-" + i.ToString(CultureInfo.InvariantCulture);
            utf8[i] = Encoding.UTF8.GetBytes(ScreenThroughput.Copy(samples[i % samples.Length], suffix).Bundle.ToJsonString());
        }

        return utf8;
    }

    /// <summary>Screens the copies, <paramref name="batch"/> at a time through each phase; per phase (read, decide, write)
    /// the thread CPU nanoseconds (less the clock's own cost) and the bytes allocated, or <c>null</c> (with a message) when
    /// a bundle does not read.</summary>
    private static (long[] Cpu, long[] Bytes, int Count)? Screen(byte[][] utf8, TrialEvaluator[] trials, StreamWriter sink, int batch, long clockCost)
    {
        int count = utf8.Length;
        long[] cpu = new long[5], bytes = new long[5];
        var records = new PatientRecord[batch];
        var verdicts = new Verdict[batch * trials.Length];
        long t = ThreadCpu.Nanoseconds(), a = GC.GetAllocatedBytesForCurrentThread();
        for (int first = 0; first < count; first += batch)
        {
            int n = Math.Min(batch, count - first);
            for (int i = 0; i < n; i++)
            {
                if (PatientInput.Read(utf8[first + i]).Patient is not { } patient)
                {
                    Console.Error.WriteLine($"{Switch}: generated bundle {first + i} does not read");
                    return null;
                }

                records[i] = patient;
            }

            Step(0);
            for (int i = 0; i < n; i++)
            {
                var index = PatientIndex.Build(records[i]);
                for (int k = 0; k < trials.Length; k++)
                {
                    verdicts[(i * trials.Length) + k] = trials[k].Decide(index, SampleData.AsOf, new Outcome[trials[k].Criteria.Count]);
                }
            }

            Step(1);
            for (int i = 0; i < n; i++)
            {
                string prefix = "{\"line\":" + (first + i + 1).ToString(CultureInfo.InvariantCulture) + ",";
                for (int k = 0; k < trials.Length; k++)
                {
                    sink.Write(VerdictRow(prefix, trials[k].Trial.Id, records[i].Id, verdicts[(i * trials.Length) + k]));
                    sink.Write('\n');
                }
            }

            sink.Flush();
            Array.Clear(records);
            Step(2);
            for (int i = 0; i < n; i++)
            {
                FhirReadPhaseBenchmarks.RawScan(utf8[first + i]);
            }

            Step(3);
            for (int i = 0; i < n; i++)
            {
                if (CheckFloor(utf8[first + i]) != 0)
                {
                    Console.Error.WriteLine($"{Switch}: the fast reader's check refuses an entry of generated bundle {first + i}");
                    return null;
                }
            }

            Step(4);
        }

        return (cpu, bytes, count);

        void Step(int phase)
        {
            long now = ThreadCpu.Nanoseconds(), allocated = GC.GetAllocatedBytesForCurrentThread();
            cpu[phase] += now - t - clockCost;
            bytes[phase] += allocated - a;
            (t, a) = (ThreadCpu.Nanoseconds(), GC.GetAllocatedBytesForCurrentThread());
        }
    }

    /// <summary>The floor of a read that would map straight from the JSON and leave the same resources to Firely (so that
    /// records and diagnostics stay the same): one pass over every token of the bundle, in which each entry's resource of a
    /// type eligibility uses is checked by the fast reader as strictly as a read checks it, building nothing
    /// (<c>FastResourceReader.Check</c>). No layout, POCO or record is made, so a real read costs more. The answer is the
    /// number of resources the check refuses; a bundle of the copies has none.</summary>
    internal static int CheckFloor(byte[] utf8)
    {
        int refused = 0;
        var reader = new Utf8JsonReader(utf8, BundleLayout.ReaderOptions);
        while (reader.Read())
        {
            // { "entry": [ { "resource": { — the resource's "{" is at depth 3.
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 3 || !reader.ValueTextEquals("resource"u8)
                || !reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                continue;
            }

            var ahead = reader;
            if (ahead.Read() && ahead.ValueTextEquals("resourceType"u8) && ahead.Read() && ahead.GetString() is { } type
                && BundleMapper.UsedTypes.Contains(type))
            {
                if (!FastResourceReader.Check(ref reader, type))
                {
                    refused++;
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return refused;
    }

    /// <summary>What one phase boundary costs the thread (two clock reads and two allocation counts), so that it is taken
    /// off each phase: the median of 21 runs of 10,000.</summary>
    private static long ClockCost()
    {
        var costs = new long[21];
        for (int run = 0; run < costs.Length; run++)
        {
            long start = ThreadCpu.Nanoseconds(), sum = 0;
            for (int i = 0; i < 10_000; i++)
            {
                sum += ThreadCpu.Nanoseconds() + GC.GetAllocatedBytesForCurrentThread() + ThreadCpu.Nanoseconds() + GC.GetAllocatedBytesForCurrentThread();
            }

            costs[run] = (ThreadCpu.Nanoseconds() - start) / 10_000;
            GC.KeepAlive(sum);
        }

        Array.Sort(costs);
        return costs[costs.Length / 2];
    }

    private static readonly ArrayBufferWriter<byte> RowBuffer = new(256);

    private static readonly Utf8JsonWriter RowWriter = new(RowBuffer, ResultJson.Options(indented: false));

    /// <summary>The row <c>ScreenRows.VerdictRow</c> (src/Eligibility.Cli) makes, made the same way: one buffer and writer
    /// (the tool keeps one per thread), reset for each row.</summary>
    private static string VerdictRow(string prefix, string trialId, string? patientId, Verdict verdict)
    {
        RowBuffer.ResetWrittenCount();
        RowWriter.Reset();
        ResultJson.WriteVerdict(RowWriter, trialId, patientId, SampleData.AsOf, verdict);
        RowWriter.Flush();
        return string.Create(prefix.Length + Encoding.UTF8.GetCharCount(RowBuffer.WrittenSpan[1..]), prefix, static (span, prefix) =>
        {
            prefix.AsSpan().CopyTo(span);
            Encoding.UTF8.GetChars(RowBuffer.WrittenSpan[1..], span[prefix.Length..]);
        });
    }

    /// <summary>The calling thread's CPU time (Linux: the clock's id differs elsewhere).</summary>
    private static class ThreadCpu
    {
        private const int ClockThreadCpuTime = 3; // CLOCK_THREAD_CPUTIME_ID

        public static long Nanoseconds() =>
            ClockGetTime(ClockThreadCpuTime, out var now) == 0 ? (now.Seconds * 1_000_000_000L) + now.Nanoseconds
            : throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");

        [DllImport("libc", EntryPoint = "clock_gettime")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        private static extern int ClockGetTime(int clock, out TimeSpec time);

        [StructLayout(LayoutKind.Sequential)]
        private struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }
    }
}
