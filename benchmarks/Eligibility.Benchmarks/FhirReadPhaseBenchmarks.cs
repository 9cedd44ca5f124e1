using System;
using System.Linq;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Eligibility.Fhir;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Eligibility.Benchmarks;

/// <summary>
/// Where the time of a FHIR read goes, one operation being the read of all five sample bundles: the whole read (the
/// baseline) against its steps on their own — the raw <c>Utf8JsonReader</c> scan (the floor), the layout scan, the fast
/// reader's parse of the entries eligibility uses (what every read does; for the samples it takes every entry), and the
/// Firely path a resource the fast reader leaves still gets: the whole read that way, Firely's parse without a validator
/// (its first parse), and the check of the parsed resources that decides whether the validating parse is needed
/// (<c>LiteralValidator.WouldPass</c>; for the samples it never is). The validating parse of every used entry is a
/// reference point: it is what every read did before the reader parsed without a validator first.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class FhirReadPhaseBenchmarks
{
    private byte[][] bundles = [];
    private (byte[] Utf8, EntryLayout[] Used)[] used = [];
    private Resource[] parsed = [];

    /// <summary>Loads the bundles, checks that each reads without errors, finds the entries the reader parses and parses
    /// them once for <see cref="CheckParsed"/>.</summary>
    [GlobalSetup]
    public void Setup()
    {
        bundles = SampleData.Trials().Select(SampleData.BundleBytes).ToArray();
        used = bundles.Select(b =>
        {
            SampleData.ReadBundle(b, "bundle");
            var entries = BundleLayout.Scan(BundleLayout.WithoutBom(b)).Entries
                .Where(e => e.Start >= 0 && e.ResourceType is { } type && BundleMapper.UsedTypes.Contains(type)).ToArray();
            return (b, entries);
        }).ToArray();
        if (used.Any(u => u.Utf8.Length != BundleLayout.WithoutBom(u.Utf8).Length))
        {
            throw new InvalidOperationException("the entry offsets assume bundles without a byte order mark");
        }

        parsed = used.SelectMany(u => u.Used.Select(e =>
        {
            var reader = new Utf8JsonReader(u.Utf8.AsSpan(e.Start, e.Length), BundleLayout.ReaderOptions);
            return BundleMapper.UncheckedDeserializer.TryDeserializeResource(ref reader, out var resource, out _)
                ? resource : throw new InvalidOperationException("a sample resource has parse issues");
        })).ToArray();
        if (!parsed.All(LiteralValidator.WouldPass))
        {
            throw new InvalidOperationException("a sample resource needs the validating parse; the phases would not add up");
        }

        if (FastParse() != parsed.Length)
        {
            throw new InvalidOperationException("the fast reader leaves a sample resource to Firely; the phases would not add up");
        }
    }

    /// <summary>The whole read: scan, parse (the fast reader; Firely for a resource it leaves, for the samples none),
    /// map, diagnostics.</summary>
    [Benchmark(Baseline = true)]
    public int Read()
    {
        int observations = 0;
        foreach (var bundle in bundles)
        {
            observations += FhirBundleReader.Read(bundle, null).Patient!.Observations.Count;
        }

        return observations;
    }

    /// <summary>The same reads as <see cref="Read"/> five times over, each bundle five times in a row (A A A A A B B …)
    /// instead of in turn: one operation is 25 reads, so it is 5 × <see cref="Read"/> when the order does not matter. What
    /// it shows: how much of <see cref="Read"/>'s cost per bundle, above <see cref="ReadBenchmarks"/>' (which reads one
    /// bundle again and again), comes from reading different bundles in turn (caches and branch history warm for one
    /// bundle, not for five) rather than from the operation.</summary>
    [Benchmark]
    public int ReadEachFiveTimes()
    {
        int observations = 0;
        foreach (var bundle in bundles)
        {
            for (int i = 0; i < 5; i++)
            {
                observations += FhirBundleReader.Read(bundle, null).Patient!.Observations.Count;
            }
        }

        return observations;
    }

    /// <summary><see cref="RawScan()"/> five times over, each bundle five times in a row: 5 × <see cref="RawScan()"/> when the
    /// order does not matter (see <see cref="ReadEachFiveTimes"/>).</summary>
    [Benchmark]
    public int RawScanEachFiveTimes()
    {
        int tokens = 0;
        foreach (var bundle in bundles)
        {
            for (int i = 0; i < 5; i++)
            {
                tokens += RawScan(bundle);
            }
        }

        return tokens;
    }

    /// <summary>The layout scan alone: one forward pass over every token, entry offsets, resource types and ids.</summary>
    [Benchmark]
    public int Scan()
    {
        int entries = 0;
        foreach (var bundle in bundles)
        {
            entries += BundleLayout.Scan(bundle).Entries.Count;
        }

        return entries;
    }

    /// <summary>The input limits' own scan (<see cref="Eligibility.Patients.InputLimits.Check"/>): a pass the read made
    /// before the layout pass until the limits were checked in that pass (a read of the samples no longer runs it).</summary>
    [Benchmark]
    public int LimitCheck()
    {
        int clean = 0;
        foreach (var bundle in bundles)
        {
            clean += Eligibility.Patients.InputLimits.Default.Check(bundle, null) is null ? 1 : 0;
        }

        return clean;
    }

    /// <summary>The floor of any read: <see cref="Utf8JsonReader"/> reading every token of the five bundles, building nothing.</summary>
    [Benchmark]
    public int RawScan()
    {
        int tokens = 0;
        foreach (var bundle in bundles)
        {
            tokens += RawScan(bundle);
        }

        return tokens;
    }

    /// <summary>The fast reader's parse of the used entries: the POCOs built straight from the JSON.</summary>
    [Benchmark]
    public int FastParse()
    {
        int count = 0;
        foreach (var (utf8, entries) in used)
        {
            foreach (var entry in entries)
            {
                if (FastResourceReader.TryRead(utf8.AsSpan(entry.Start, entry.Length), entry.ResourceType!) is not null)
                {
                    count++;
                }
            }
        }

        return count;
    }

    /// <summary>The whole read with Firely's parse of every used entry instead of the fast reader (the read before it).</summary>
    [Benchmark]
    public int ReadFirely()
    {
        int observations = 0;
        foreach (var bundle in bundles)
        {
            observations += FhirBundleReader.Read(bundle, null, ResourceParsing.Firely, null).Patient!.Observations.Count;
        }

        return observations;
    }

    /// <summary>Reads every token of one bundle with <see cref="Utf8JsonReader"/>; the number of tokens.</summary>
    /// <param name="utf8">The bundle.</param>
    /// <returns>How many tokens it has.</returns>
    public static int RawScan(byte[] utf8)
    {
        var reader = new Utf8JsonReader(utf8, BundleLayout.ReaderOptions);
        int tokens = 0;
        while (reader.Read())
        {
            tokens++;
        }

        return tokens;
    }

    /// <summary>Firely's parse of the used entries without a validator: the first Firely parse of a resource the fast
    /// reader leaves (and of every resource before the fast reader).</summary>
    [Benchmark]
    public int FirelyParse() => ParseUsed(BundleMapper.UncheckedDeserializer);

    /// <summary>The check of every parsed resource that decides whether it needs the validating parse.</summary>
    [Benchmark]
    public int CheckParsed() => parsed.Count(LiteralValidator.WouldPass);

    /// <summary>Reference: the validating parse of every used entry (what each read did before; now only for resources
    /// that fail the check).</summary>
    [Benchmark]
    public int FirelyParseValidating() => ParseUsed(BundleMapper.Deserializer);

    private int ParseUsed(FhirJsonDeserializer deserializer)
    {
        int count = 0;
        foreach (var (utf8, entries) in used)
        {
            foreach (var entry in entries)
            {
                var reader = new Utf8JsonReader(utf8.AsSpan(entry.Start, entry.Length), BundleLayout.ReaderOptions);
                if (deserializer.TryDeserializeResource(ref reader, out var resource, out _) && resource is not null)
                {
                    count++;
                }
            }
        }

        return count;
    }
}

/// <summary>
/// The read's phases timed by CPU time and counted in bytes allocated, outside BenchmarkDotNet, so two builds can be
/// compared in alternating processes under load (CPU time moves less than wall time on a shared machine; allocation not
/// at all): <c>--read-loop N</c> reads the five sample bundles N times per repetition, five repetitions per phase, and
/// prints each phase's best CPU µs and its bytes allocated per bundle — the raw <see cref="Utf8JsonReader"/> scan, the
/// layout scan, the layout scan with the fast reader's parse of the used entries, and the whole read (mapping and
/// diagnostics included).
/// </summary>
internal static class ReadLoop
{
    public const string Switch = "--read-loop";

    public static int Run(int rounds)
    {
        var bundles = SampleData.Trials().Select(SampleData.BundleBytes).ToArray();
        var phases = new (string Name, Func<byte[], int> Step)[]
        {
            ("raw scan", FhirReadPhaseBenchmarks.RawScan),
            ("layout scan", b => BundleLayout.Scan(b).Entries.Count),
            ("scan + fast parse", b => BundleLayout.Scan(b, parseResources: true).Entries.Count),
            ("whole read", b => FhirBundleReader.Read(b, null).Patient!.Observations.Count),
        };
        Console.WriteLine($"| phase | CPU µs per bundle (best of 5 × {rounds} × 5 bundles) | bytes allocated per bundle |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (name, step) in phases)
        {
            int sink = 0;
            for (int i = 0; i < Math.Max(50, rounds / 10); i++)
            {
                foreach (var b in bundles)
                {
                    sink += step(b); // warm up (tiered JIT)
                }
            }

            double best = double.MaxValue;
            long bytes = 0;
            for (int repetition = 0; repetition < 5; repetition++)
            {
                var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
                long allocated = GC.GetAllocatedBytesForCurrentThread();
                for (int r = 0; r < rounds; r++)
                {
                    foreach (var b in bundles)
                    {
                        sink += step(b);
                    }
                }

                bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (rounds * bundles.Length);
                best = Math.Min(best, (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / (rounds * bundles.Length));
            }

            Console.WriteLine(FormattableString.Invariant($"| {name} | {best:F1} | {bytes:N0} |{(sink == 0 ? " (nothing read)" : string.Empty)}"));
        }

        return 0;
    }
}
