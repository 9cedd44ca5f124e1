using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Eligibility.Codes;
using Eligibility.Diagnostics;

namespace Eligibility.Benchmarks;

/// <summary>
/// The reference rule files compiled against the synthetic vocabulary (<see cref="SyntheticVocabulary"/>), checked so that
/// no benchmark measures an error path or an expansion that did not happen.
/// </summary>
public static class TerminologyData
{
    /// <summary>Fewer codes than this added to a rule file by the vocabulary means the expansion did not do its work.</summary>
    public const int MinimumCodesAdded = 1_000;

    /// <summary>Loads the synthetic vocabulary (writing it first if needed) and wraps it in compile options.</summary>
    /// <returns>Options that expand every SNOMED CT, RxNorm and ATC binding with the vocabulary.</returns>
    public static CompileOptions Options() => new() { Terminology = SyntheticVocabulary.Load(SyntheticVocabulary.Folder()) };

    /// <summary>
    /// Compiles a rule file from text; throws when it has errors and, with a terminology, when a listed code is missing
    /// from the vocabulary or fewer than <see cref="MinimumCodesAdded"/> codes were added.
    /// </summary>
    /// <param name="trial">The trial, for messages.</param>
    /// <param name="text">The rule file.</param>
    /// <param name="options">With or without a terminology.</param>
    /// <returns>The evaluator and the compilation (its lock file text holds the expansion).</returns>
    public static (TrialEvaluator Evaluator, CompilationResult Result) Compile(string trial, string text, CompileOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = RuleCompiler.CompileText(text, null, options);
        var evaluator = SampleData.Evaluator(result, trial);
        if (options.Terminology is null)
        {
            return (evaluator, result);
        }

        if (result.Diagnostics.FirstOrDefault(d => d.Code == DiagnosticCodes.CodeNotInVocabulary) is { } missing)
        {
            throw new InvalidOperationException($"{trial}: a listed code is not in the synthetic vocabulary: {missing}");
        }

        var (added, _) = CodesAdded(result);
        return added >= MinimumCodesAdded ? (evaluator, result)
            : throw new InvalidOperationException($"{trial}: the vocabulary added only {added} codes");
    }

    /// <summary>What the vocabulary added to a compiled rule file, read from its lock file text.</summary>
    /// <param name="result">A compilation with a terminology.</param>
    /// <returns>Codes added summed over the concepts, and distinct (system, code) pairs among them.</returns>
    public static (int Added, int Distinct) CodesAdded(CompilationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.LockFileText is not { } text)
        {
            return (0, 0);
        }

        using var document = JsonDocument.Parse(text);
        int added = 0;
        var distinct = new HashSet<(string, string)>();
        foreach (var concept in document.RootElement.GetProperty("concepts").EnumerateObject())
        {
            foreach (var system in concept.Value.GetProperty("codes").EnumerateObject())
            {
                foreach (var code in system.Value.EnumerateObject())
                {
                    added++;
                    distinct.Add((system.Name, code.Name));
                }
            }
        }

        return (added, distinct.Count);
    }

    /// <summary>Throws unless every patient evaluates to the same result (as JSON) against both evaluators of each pair.</summary>
    /// <param name="pairs">Each trial compiled without and with the terminology.</param>
    /// <param name="patients">The records to compare with.</param>
    public static void RequireSameResults(IEnumerable<(TrialEvaluator Without, TrialEvaluator With)> pairs, IReadOnlyList<Patients.PatientRecord> patients)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(patients);
        foreach (var (without, with) in pairs)
        {
            foreach (var patient in patients)
            {
                string a = ResultJson.ToJson(without.Evaluate(patient, SampleData.AsOf), indented: false);
                string b = ResultJson.ToJson(with.Evaluate(patient, SampleData.AsOf), indented: false);
                if (!string.Equals(a, b, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"{without.Trial.Id}: patient {patient.Id} evaluates differently with the synthetic vocabulary; the comparison would not be like for like");
                }
            }
        }
    }
}
