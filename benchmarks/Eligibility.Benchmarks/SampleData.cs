using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Eligibility.Fhir;
using Eligibility.Patients;

namespace Eligibility.Benchmarks;

/// <summary>
/// The repository's reference data: the rule files in <c>rules/</c>, the native samples in <c>samples/patients/</c> and the
/// FHIR bundles in <c>samples/fhir/</c>. Every loader checks that its input reads without errors, so a benchmark can never
/// silently measure the error path.
/// </summary>
public static class SampleData
{
    /// <summary>The screening date the samples were prepared for (their <c>"asOf"</c>, samples/README.md); never the clock.</summary>
    public static readonly DateOnly AsOf = new(2026, 1, 15);

    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>The reference trials: every <c>rules/*.json</c> that is not a <c>.cases.json</c>, by id, sorted.</summary>
    /// <returns>The trial ids, e.g. <c>NCT07077486</c>.</returns>
    public static IEnumerable<string> Trials() =>
        Directory.EnumerateFiles(Path.Combine(Root.Value, "rules"), "*.json")
            .Select(Path.GetFileName)
            .Where(name => !name!.EndsWith(".cases.json", StringComparison.Ordinal))
            .Select(name => Path.GetFileNameWithoutExtension(name!))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The path of a file in the repository.</summary>
    /// <param name="parts">The path below the repository root, one segment per argument.</param>
    /// <returns>The full path; the file is required to exist.</returns>
    public static string PathOf(params string[] parts)
    {
        string path = Path.Combine([Root.Value, .. parts]);
        return File.Exists(path) ? path : throw new FileNotFoundException("benchmark input missing", path);
    }

    /// <summary>The trial's rule file as text.</summary>
    public static string RuleText(string trial) => File.ReadAllText(PathOf("rules", trial + ".json"));

    /// <summary>The trial's native eligible sample patient, UTF-8.</summary>
    public static byte[] NativePatientBytes(string trial) => File.ReadAllBytes(PathOf("samples", "patients", trial + "-eligible.json"));

    /// <summary>The trial's FHIR bundle, UTF-8.</summary>
    public static byte[] BundleBytes(string trial) => File.ReadAllBytes(PathOf("samples", "fhir", trial + "-bundle.json"));

    /// <summary>Compiles the trial's rule file; throws when it has errors.</summary>
    public static TrialEvaluator Compile(string trial) => Evaluator(RuleCompiler.CompileText(RuleText(trial), trial + ".json"), trial);

    /// <summary>The evaluator of a compilation; throws when it failed.</summary>
    /// <param name="result">The compilation.</param>
    /// <param name="what">What was compiled, for the message.</param>
    public static TrialEvaluator Evaluator(CompilationResult result, string what)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Evaluator ?? throw new InvalidOperationException(
            $"{what} does not compile: {string.Join("; ", result.Diagnostics.Where(d => d.IsError))}");
    }

    /// <summary>Reads a native patient record; throws when it has errors.</summary>
    public static PatientRecord ReadNative(byte[] utf8, string what) => Patient(PatientReader.Read(utf8, what), what);

    /// <summary>Reads a FHIR bundle; throws when it has errors.</summary>
    public static PatientRecord ReadBundle(byte[] utf8, string what) => Patient(FhirBundleReader.Read(utf8, what), what);

    private static PatientRecord Patient(PatientReadResult read, string what) =>
        read.Patient is { } patient && !read.HasErrors ? patient
            : throw new InvalidOperationException($"{what} does not read: {string.Join("; ", read.Diagnostics.Where(d => d.IsError))}");

    /// <summary>Walks up from the build output until <c>Eligibility.sln</c> is found: BenchmarkDotNet runs each benchmark
    /// from a generated project in another directory, so the current directory says nothing.</summary>
    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Eligibility.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Eligibility.sln not found above " + AppContext.BaseDirectory);
    }
}
