using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Eligibility.Fhir;
using Eligibility.Patients;

namespace Eligibility.Benchmarks;

/// <summary>
/// Reading one patient: the trial's native eligible sample (the baseline) against the trial's FHIR bundle, from bytes
/// already in memory. The bundle is the larger file (a realistic EHR export: Encounter, Practitioner, Medication
/// resources, contained resources), so the ratio is the price of FHIR input per patient, not per byte.
/// </summary>
[BenchmarkDotNet.Attributes.MinColumn]
public class ReadBenchmarks : TrialBenchmarks
{
    private byte[] native = [];
    private byte[] bundle = [];

    /// <summary>Loads both files and checks that each reads without errors.</summary>
    [GlobalSetup]
    public void Setup()
    {
        native = SampleData.NativePatientBytes(Trial);
        bundle = SampleData.BundleBytes(Trial);
        SampleData.ReadNative(native, Trial + "-eligible.json");
        SampleData.ReadBundle(bundle, Trial + "-bundle.json");
    }

    /// <summary>The native patient record format (docs/patient-format.md).</summary>
    [Benchmark(Baseline = true)]
    public PatientReadResult Native() => PatientReader.Read(native, null);

    /// <summary>The FHIR R4 bundle as every read does it: layout scan, the fast reader's POCOs (Firely's parse for a
    /// resource it does not take; for the samples, none), mapping.</summary>
    [Benchmark]
    public PatientReadResult Fhir() => FhirBundleReader.Read(bundle, null);

    /// <summary>The floor of any FHIR read: <see cref="Utf8JsonReader"/> reading every token of the bundle, building nothing.</summary>
    [Benchmark]
    public int FhirRawScan() => FhirReadPhaseBenchmarks.RawScan(bundle);

    /// <summary>The FHIR R4 bundle read with Firely's parse of every used resource instead of the fast reader (the read
    /// before the fast reader; what a resource the fast reader leaves still gets).</summary>
    [Benchmark]
    public PatientReadResult FhirFirely() => FhirBundleReader.Read(bundle, null, ResourceParsing.Firely, null);
}
