using BenchmarkDotNet.Attributes;
using Eligibility.Fhir;
using Eligibility.Patients;

namespace Eligibility.Benchmarks;

/// <summary>
/// Reading one patient: the trial's native eligible sample (the baseline) against the trial's FHIR bundle, from bytes
/// already in memory. The bundle is the larger file (a realistic EHR export: Encounter, Practitioner, Medication
/// resources, contained resources), so the ratio is the price of FHIR input per patient, not per byte.
/// </summary>
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

    /// <summary>The FHIR R4 bundle: layout scan, Firely parse of each used resource, mapping.</summary>
    [Benchmark]
    public PatientReadResult Fhir() => FhirBundleReader.Read(bundle, null);
}
