using System.Text.Json;
using Eligibility.Patients;
using Eligibility.Tests.Robustness;
using Eligibility.Tests.Support;

namespace Eligibility.Tests.Evaluation;

/// <summary>
/// The repository's rule files and patients for the verdict-path tests: every reference trial (rules/*.json) and the test
/// trial DEMO-1, every sample patient (samples/patients/*.json, samples/patients.ndjson) and every example case's patient
/// (rules/*.cases.json), each with the as-of date it was written for. Read once per test run.
/// </summary>
internal static class VerdictPathData
{
    private static readonly Lazy<IReadOnlyList<(string Name, TrialEvaluator Trial)>> LazyTrials = new(LoadTrials);
    private static readonly Lazy<IReadOnlyList<(string Name, PatientRecord Patient, DateOnly AsOf)>> LazyPatients = new(LoadPatients);

    public static IReadOnlyList<(string Name, TrialEvaluator Trial)> Trials => LazyTrials.Value;

    /// <summary>The five reference trials only.</summary>
    public static IEnumerable<(string Name, TrialEvaluator Trial)> ReferenceTrials => Trials.Where(t => t.Name != "DEMO-1");

    public static IReadOnlyList<(string Name, PatientRecord Patient, DateOnly AsOf)> Patients => LazyPatients.Value;

    /// <summary>The sample patients (samples/patients), without the example cases.</summary>
    public static IEnumerable<(string Name, PatientRecord Patient, DateOnly AsOf)> Samples => Patients.Where(p => p.Name.StartsWith("samples/", StringComparison.Ordinal));

    /// <summary>Every criterion outcome and the verdict of <see cref="TrialEvaluator.Evaluate(PatientRecord, DateOnly)"/>
    /// against <see cref="TrialEvaluator.Decide(PatientIndex, DateOnly, Span{Outcome})"/>, and the full JSON of
    /// Evaluate(record) against Evaluate(index); the first difference described, or <c>null</c>.</summary>
    public static string? Difference(TrialEvaluator trial, PatientRecord patient, DateOnly asOf, PatientIndex? index = null)
    {
        index ??= PatientIndex.Build(patient);
        var byRecord = trial.Evaluate(patient, asOf);
        var byIndex = trial.Evaluate(index, asOf);
        string recordJson = ResultJson.ToJson(byRecord, ResultDetail.Full);
        string indexJson = ResultJson.ToJson(byIndex, ResultDetail.Full);
        if (recordJson != indexJson)
        {
            return $"Evaluate(index) differs from Evaluate(record):\n{recordJson}\n---\n{indexJson}";
        }

        var outcomes = new Outcome[trial.Criteria.Count];
        var verdict = trial.Decide(index, asOf, outcomes);
        for (int i = 0; i < outcomes.Length; i++)
        {
            if (outcomes[i] != byRecord.Criteria[i].Outcome)
            {
                return $"criterion {byRecord.Criteria[i].Id}: Decide {outcomes[i]}, Evaluate {byRecord.Criteria[i].Outcome} ({byRecord.Criteria[i].Explanation})";
            }
        }

        return verdict == byRecord.Verdict ? null : $"verdict: Decide {verdict}, Evaluate {byRecord.Verdict}";
    }

    private static IReadOnlyList<(string, TrialEvaluator)> LoadTrials()
    {
        string root = InputRobustnessTests.RepositoryRoot();
        var trials = Directory.GetFiles(Path.Combine(root, "rules"), "*.json")
            .Where(f => !f.EndsWith(".cases.json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => (Path.GetFileNameWithoutExtension(f), RuleCompiler.CompileFile(f).EnsureSuccess()))
            .ToList();
        trials.Add(("DEMO-1", TestTrial.Demo1()));
        return trials;
    }

    private static IReadOnlyList<(string, PatientRecord, DateOnly)> LoadPatients()
    {
        string root = InputRobustnessTests.RepositoryRoot();
        var fallback = new DateOnly(2026, 1, 15);
        var patients = new List<(string, PatientRecord, DateOnly)>();
        foreach (var file in Directory.GetFiles(Path.Combine(root, "samples", "patients"), "*.json").Order(StringComparer.Ordinal))
        {
            var p = PatientReader.ReadFile(file).EnsureSuccess();
            patients.Add(("samples/patients/" + Path.GetFileName(file), p, p.AsOf ?? fallback));
        }

        int line = 0;
        foreach (var text in File.ReadLines(Path.Combine(root, "samples", "patients.ndjson")))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var p = PatientReader.Read(text).EnsureSuccess();
            patients.Add(($"samples/patients.ndjson:{line}", p, p.AsOf ?? fallback));
        }

        foreach (var file in Directory.GetFiles(Path.Combine(root, "rules"), "*.cases.json").Order(StringComparer.Ordinal))
        {
            using var cases = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var c in cases.RootElement.GetProperty("cases").EnumerateArray())
            {
                if (!c.TryGetProperty("patient", out var patient))
                {
                    continue;
                }

                var p = PatientReader.Read(patient.GetRawText()).EnsureSuccess();
                var asOf = c.TryGetProperty("asOf", out var a) ? DateOnly.Parse(a.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : p.AsOf ?? fallback;
                patients.Add(($"{Path.GetFileName(file)}: {c.GetProperty("name").GetString()}", p, asOf));
            }
        }

        return patients;
    }
}
