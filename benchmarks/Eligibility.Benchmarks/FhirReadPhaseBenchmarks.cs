using System;
using System.Linq;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Eligibility.Fhir;
using Hl7.Fhir.Serialization;

namespace Eligibility.Benchmarks;

/// <summary>
/// Where the time of a FHIR read goes, one operation being the read of all five sample bundles: the whole read (the
/// baseline) against its steps on their own — the layout scan, and the Firely parse of the entries eligibility uses with
/// the reader's own validating deserializer. Firely without validation is a reference point only: the reader never
/// uses it (validation is what turns bad FHIR into positioned diagnostics).
/// </summary>
[MemoryDiagnoser]
public class FhirReadPhaseBenchmarks
{
    private static readonly FhirJsonDeserializer Unvalidated = new(new DeserializerSettings { Validator = null });

    private byte[][] bundles = [];
    private (byte[] Utf8, EntryLayout[] Used)[] used = [];

    /// <summary>Loads the bundles, checks that each reads without errors and finds the entries the reader parses.</summary>
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
    }

    /// <summary>The whole read: scan, parse, map, diagnostics.</summary>
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

    /// <summary>The Firely parse of the used entries, with the reader's validating deserializer.</summary>
    [Benchmark]
    public int FirelyParse() => ParseUsed(BundleMapper.Deserializer);

    /// <summary>Reference only: the same parse with Firely's validation switched off, which the reader never does.</summary>
    [Benchmark]
    public int FirelyParseUnvalidated() => ParseUsed(Unvalidated);

    private int ParseUsed(FhirJsonDeserializer deserializer)
    {
        int parsed = 0;
        foreach (var (utf8, entries) in used)
        {
            foreach (var entry in entries)
            {
                var reader = new Utf8JsonReader(utf8.AsSpan(entry.Start, entry.Length), BundleLayout.ReaderOptions);
                if (deserializer.TryDeserializeResource(ref reader, out var resource, out _) && resource is not null)
                {
                    parsed++;
                }
            }
        }

        return parsed;
    }
}
