using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Eligibility.Testing;
using Eligibility.Fhir;
using Eligibility.Patients;

namespace Eligibility.Fuzz;

/// <summary>
/// One fuzz target: an entry point that reads untrusted bytes, and the promises it makes about them. A broken promise
/// throws (an unhandled exception of the product, or a <see cref="FuzzInvariantException"/>): the engine records a crash.
/// </summary>
public abstract class FuzzTarget
{
    /// <summary>The targets, by the name fuzz.sh takes.</summary>
    public static IReadOnlyDictionary<string, Func<FuzzTarget>> All { get; } = new Dictionary<string, Func<FuzzTarget>>(StringComparer.Ordinal)
    {
        ["rules"] = () => new RulesTarget(),
        ["patient"] = () => new PatientTarget(),
        ["fhir"] = () => new FhirTarget(),
        ["cases"] = () => new CasesTarget(),
    };

    /// <summary>The name fuzz.sh takes (also the findings folder's name).</summary>
    public abstract string Name { get; }

    /// <summary>The largest input worth fuzzing with (libFuzzer -max_len): the seeds are smaller.</summary>
    public virtual int MaxLength => 64 * 1024;

    /// <summary>Runs once before the first input: loads the reference trials and sample patients.</summary>
    public virtual void Prepare()
    {
        _ = ReferenceData.Trials;
        _ = ReferenceData.Patients;
    }

    /// <summary>Feeds one input to the entry point and checks its promises.</summary>
    /// <param name="input">The bytes, as the engine gave them.</param>
    public abstract void Run(byte[] input);
}

/// <summary>(1) The rule-file compiler: <see cref="RuleCompiler.Compile(Stream, string?, CompileOptions?)"/>; what compiles is evaluated.</summary>
public sealed class RulesTarget : FuzzTarget
{
    private const string FileName = "FUZZ-1.json";

    /// <inheritdoc/>
    public override string Name => "rules";

    /// <inheritdoc/>
    public override void Run(byte[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var text = new InputText(input);
        using var stream = new MemoryStream(input, writable: false);
        var result = RuleCompiler.Compile(stream, FileName);
        text.CheckDiagnostics(result.Diagnostics, FileName);
        if (result.HasErrors != (result.Evaluator is null))
        {
            throw new FuzzInvariantException("evaluator-despite-errors", $"HasErrors={result.HasErrors} but Evaluator is {(result.Evaluator is null ? "null" : "set")}");
        }

        if (result.Evaluator is { } evaluator)
        {
            foreach (var patient in ReferenceData.Patients)
            {
                Checks.Evaluate(evaluator, patient, patient.AsOf ?? Checks.DefaultAsOf);
            }
        }
    }
}

/// <summary>(2) The native patient reader: <see cref="PatientReader.Read(byte[], string?)"/>; what reads is evaluated against the reference trials.</summary>
public sealed class PatientTarget : FuzzTarget
{
    private const string FileName = "fuzz-patient.json";

    /// <inheritdoc/>
    public override string Name => "patient";

    /// <inheritdoc/>
    public override void Run(byte[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var text = new InputText(input);
        var result = PatientReader.Read(input, FileName);
        Checks.PatientResult(result, text, FileName);
    }
}

/// <summary>(3) The FHIR bundle reader: <see cref="FhirBundleReader.Read(byte[], string?)"/>; what reads is evaluated against the reference trials.</summary>
public sealed class FhirTarget : FuzzTarget
{
    private const string FileName = "fuzz-bundle.json";

    /// <inheritdoc/>
    public override string Name => "fhir";

    /// <inheritdoc/>
    public override void Run(byte[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var text = new InputText(input);
        var result = FhirBundleReader.Read(input, FileName);

        // The reader turns a defect in its mapping into one diagnostic at (1,1) instead of throwing; for the fuzzer that
        // is still a defect (bad input should get a specific, positioned diagnostic), so it counts as a crash.
        if (result.Diagnostics.FirstOrDefault(d => d.Message.StartsWith("the bundle could not be mapped: ", StringComparison.Ordinal)) is { } defect)
        {
            throw new FuzzInvariantException("fhir-mapping-defect", InputText.Escape(defect.ToString()), Checks.ExceptionTypeIn(defect.Message));
        }

        Checks.PatientResult(result, text, FileName);
    }
}

/// <summary>
/// (4) The example-case reader of the tool (internal <c>CaseFileReader.Read</c>, which reads a file): the input is
/// written to <c>FUZZ.cases.json</c> in a private temporary folder that also holds the reference rule files,
/// <c>p.json</c> (a native patient) and <c>bundle.json</c> (a FHIR bundle), so "rules" and "patientFile" can resolve.
/// </summary>
public sealed class CasesTarget : FuzzTarget
{
    private string? folder;
    private string? path;

    /// <inheritdoc/>
    public override string Name => "cases";

    /// <inheritdoc/>
    public override void Prepare()
    {
        base.Prepare();
        folder = Path.Combine(Path.GetTempPath(), "eligibility-fuzz-cases-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        foreach (string rule in Directory.GetFiles(ReferenceData.Folder("rules"), "*.json"))
        {
            File.Copy(rule, Path.Combine(folder, Path.GetFileName(rule)), overwrite: true);
        }

        File.Copy(Directory.GetFiles(ReferenceData.Folder("patients"), "*.json").Order(StringComparer.Ordinal).First(), Path.Combine(folder, "p.json"), overwrite: true);
        File.Copy(Directory.GetFiles(ReferenceData.Folder("fhir"), "*.json").Order(StringComparer.Ordinal).First(), Path.Combine(folder, "bundle.json"), overwrite: true);
        path = Path.Combine(folder, "FUZZ.cases.json");
        string created = folder;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(created, recursive: true);
            }
            catch (IOException)
            {
            }
        };
    }

    /// <inheritdoc/>
    public override void Run(byte[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (path is null)
        {
            Prepare();
        }

        File.WriteAllBytes(path!, input);
        using var text = new InputText(input);
        var file = CaseFileReader.Read(path!);
        text.CheckDiagnostics(file.AllDiagnostics, path);
        text.CheckPosition(file.RulesPosition.Line, file.RulesPosition.Column, "the position of 'rules'");
        foreach (var c in file.Cases)
        {
            text.CheckPosition(c.Line, c.Column, $"the position of case {c.Pointer}");
            text.CheckPointer(c.Pointer, $"case {c.Pointer}");
            foreach (var expected in c.ExpectedCriteria)
            {
                text.CheckPosition(expected.Line, expected.Column, $"the position of {expected.Pointer}");
                text.CheckPointer(expected.Pointer, $"expected outcome {expected.Pointer}");
            }

            if (c.CanRun)
            {
                foreach (var trial in ReferenceData.Trials)
                {
                    Checks.Evaluate(trial, c.Patient!, c.AsOf!.Value);
                }
            }
        }
    }
}

/// <summary>The checks the targets share.</summary>
internal static class Checks
{
    /// <summary>The date evaluated at when a record gives none.</summary>
    public static readonly DateOnly DefaultAsOf = new(2026, 1, 15);

    /// <summary>A patient read result: diagnostics positioned in the input, a record exactly when there is no error, and
    /// a record that every reference trial can evaluate.</summary>
    public static void PatientResult(PatientReadResult result, InputText text, string fileName)
    {
        text.CheckDiagnostics(result.Diagnostics, fileName);
        if (result.HasErrors != (result.Patient is null))
        {
            throw new FuzzInvariantException("record-despite-errors", $"HasErrors={result.HasErrors} but Patient is {(result.Patient is null ? "null" : "set")}");
        }

        if (result.Patient is not { } patient)
        {
            return;
        }

        foreach (var assessment in patient.Assessments)
        {
            if (assessment.Position is { } at && string.Equals(at.File, fileName, StringComparison.Ordinal))
            {
                text.CheckPosition(at.Line, at.Column, $"the position of the assessment at {InputText.Escape(at.Pointer)}");
                text.CheckPointer(at.Pointer, "an assessment's position");
            }
        }

        foreach (var trial in ReferenceData.Trials)
        {
            Evaluate(trial, patient, patient.AsOf ?? DefaultAsOf);
        }
    }

    /// <summary>Evaluates, and writes the result as JSON (which must parse back): neither may throw.</summary>
    public static void Evaluate(TrialEvaluator trial, PatientRecord patient, DateOnly asOf)
    {
        var result = trial.Evaluate(patient, asOf);
        if (result.Criteria.Count != trial.Criteria.Count)
        {
            throw new FuzzInvariantException("criteria-lost", $"{trial.Trial.Id}: {result.Criteria.Count} results for {trial.Criteria.Count} criteria");
        }

        string json = ResultJson.ToJson(result, indented: false);
        try
        {
            using var _ = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FuzzInvariantException("result-json-malformed", $"{trial.Trial.Id}: {ex.Message}");
        }
    }

    /// <summary>"The bundle could not be mapped: …" does not name the exception; its message, with the quoted values
    /// (which are the fuzzer's) taken out, is the best key.</summary>
    public static string ExceptionTypeIn(string message)
    {
        string rest = message["the bundle could not be mapped: ".Length..];
        rest = System.Text.RegularExpressions.Regex.Replace(rest, "'[^']*'", "'…'", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
        rest = System.Text.RegularExpressions.Regex.Replace(rest, "[0-9]+", "N", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
        return string.Join(' ', rest.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(10));
    }
}

/// <summary>The reference trials (compiled once) and sample patients, copied beside the fuzzer by its project.</summary>
internal static class ReferenceData
{
    private static readonly Lazy<IReadOnlyList<TrialEvaluator>> LazyTrials = new(LoadTrials);
    private static readonly Lazy<IReadOnlyList<PatientRecord>> LazyPatients = new(LoadPatients);

    public static IReadOnlyList<TrialEvaluator> Trials => LazyTrials.Value;

    public static IReadOnlyList<PatientRecord> Patients => LazyPatients.Value;

    public static string Folder(string name) => Path.Combine(AppContext.BaseDirectory, "data", name);

    private static List<TrialEvaluator> LoadTrials()
    {
        var list = new List<TrialEvaluator>();
        foreach (string file in Directory.GetFiles(Folder("rules"), "*.json").Order(StringComparer.Ordinal))
        {
            var result = RuleCompiler.CompileFile(file, new CompileOptions { UseLockFile = false });
            list.Add(result.Evaluator ?? throw new InvalidOperationException($"the reference trial {file} does not compile: {string.Join("; ", result.Diagnostics)}"));
        }

        return list;
    }

    private static List<PatientRecord> LoadPatients()
    {
        var list = new List<PatientRecord>();
        foreach (string file in Directory.GetFiles(Folder("patients"), "*.json").Order(StringComparer.Ordinal))
        {
            var result = PatientReader.ReadFile(file);
            list.Add(result.Patient ?? throw new InvalidOperationException($"the sample patient {file} does not read: {string.Join("; ", result.Diagnostics)}"));
        }

        return list;
    }
}
