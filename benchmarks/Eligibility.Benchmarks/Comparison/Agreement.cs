using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Eligibility.Patients;

namespace Eligibility.Benchmarks.Comparison;

/// <summary>
/// Checks that the three comparison points give the same answer, criterion by criterion, on every patient: the library
/// (the 14-criterion file), the RulesEngine workflow over extracted fields and the hand-written criteria. The answers
/// must be equal as three-valued truths: where the record gives the fact all three compare it, and where it does not the
/// library's unknown must be the field the other two leave <c>null</c>. The library's verdict path
/// (<see cref="TrialEvaluator.Decide(PatientIndex, DateOnly, Span{Outcome})"/>) is checked too: its outcomes must be the
/// ones evaluation gives, criterion by criterion, and its verdict the same.
/// </summary>
public static class Agreement
{
    /// <summary>Evaluates every patient all three ways.</summary>
    /// <param name="patients">The records.</param>
    /// <param name="library">The 14-criterion file compiled (<see cref="Nct14.Compile"/>).</param>
    /// <param name="rulesEngine">The workflow.</param>
    /// <param name="asOf">The as-of date.</param>
    /// <returns>The tallies and the first disagreement, if any.</returns>
    public static AgreementReport Check(IReadOnlyList<PatientRecord> patients, TrialEvaluator library, RulesEngineWorkflow rulesEngine, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(patients);
        ArgumentNullException.ThrowIfNull(library);
        ArgumentNullException.ThrowIfNull(rulesEngine);
        var report = new AgreementReport { Patients = patients.Count };
        Span<Truth> byLibrary = stackalloc Truth[Nct14.Count];
        Span<Truth> byRulesEngine = stackalloc Truth[Nct14.Count];
        Span<Truth> byHand = stackalloc Truth[Nct14.Count];
        var scratch = new PatientFields();
        var outcomes = new Outcome[library.Criteria.Count];
        foreach (var patient in patients)
        {
            var result = library.Evaluate(patient, asOf);
            var verdict = library.Decide(PatientIndex.Build(patient), asOf, outcomes);
            if (VerdictPathDifference(patient.Id ?? "?", result, verdict, outcomes) is { } pathDifference)
            {
                report.Disagreements++;
                report.FirstDisagreement ??= pathDifference;
                continue;
            }

            for (int i = 0; i < Nct14.Count; i++)
            {
                byLibrary[i] = result.Criteria[i].Truth;
            }

            var fields = new PatientFields();
            FieldExtractor.Fill(patient, asOf, fields);
            rulesEngine.Execute(fields, byRulesEngine);
            HandWritten.Evaluate(patient, asOf, scratch, byHand);
            if (Compare(patient.Id ?? "?", byLibrary, byRulesEngine, byHand) is { } disagreement)
            {
                report.Disagreements++;
                report.FirstDisagreement ??= disagreement + Environment.NewLine + "library: " + result.Criteria[Index(disagreement)].Explanation;
            }

            report.Tally(byLibrary);
        }

        return report;
    }

    /// <summary>The first criterion on which the three answers differ, described, or <c>null</c> when they agree.</summary>
    /// <param name="patient">The patient's id, for the message.</param>
    /// <param name="library">The library's truths.</param>
    /// <param name="rulesEngine">The workflow's truths.</param>
    /// <param name="handWritten">The hand-written truths.</param>
    /// <returns>"patient p12, criterion alt (EXCL01): library true, RulesEngine true, hand-written unknown", or <c>null</c>.</returns>
    public static string? Compare(string patient, ReadOnlySpan<Truth> library, ReadOnlySpan<Truth> rulesEngine, ReadOnlySpan<Truth> handWritten)
    {
        for (int i = 0; i < Nct14.Count; i++)
        {
            if (library[i] != rulesEngine[i] || library[i] != handWritten[i])
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"patient {patient}, criterion {Nct14.Names[i]} ({Nct14.Criteria[i].Id}): library {library[i]}, RulesEngine {rulesEngine[i]}, hand-written {handWritten[i]}");
            }
        }

        return null;
    }

    /// <summary>Where the verdict path's outcomes or verdict differ from the evaluation's, described, or <c>null</c>.</summary>
    /// <param name="patient">The patient's id, for the message.</param>
    /// <param name="evaluated">What <see cref="TrialEvaluator.Evaluate(PatientRecord, DateOnly)"/> gave.</param>
    /// <param name="verdict">The verdict path's verdict.</param>
    /// <param name="outcomes">The verdict path's outcomes.</param>
    /// <returns>"patient p3, criterion alt (EXCL01): verdict path fail, evaluation pass", or <c>null</c>.</returns>
    public static string? VerdictPathDifference(string patient, EvaluationResult evaluated, Verdict verdict, ReadOnlySpan<Outcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(evaluated);
        for (int i = 0; i < outcomes.Length; i++)
        {
            if (outcomes[i] != evaluated.Criteria[i].Outcome)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"patient {patient}, criterion {Nct14.Names[i]} ({Nct14.Criteria[i].Id}): verdict path {ResultJson.Name(outcomes[i])}, evaluation {ResultJson.Name(evaluated.Criteria[i].Outcome)}");
            }
        }

        return verdict == evaluated.Verdict ? null
            : string.Create(CultureInfo.InvariantCulture, $"patient {patient}: verdict path {ResultJson.Name(verdict)}, evaluation {ResultJson.Name(evaluated.Verdict)}");
    }

    private static int Index(string disagreement)
    {
        for (int i = 0; i < Nct14.Count; i++)
        {
            if (disagreement.Contains($"criterion {Nct14.Names[i]} (", StringComparison.Ordinal))
            {
                return i;
            }
        }

        return 0;
    }
}

/// <summary>What <see cref="Agreement.Check"/> found: per criterion, how often the library said true, false and unknown.</summary>
public sealed class AgreementReport
{
    private readonly int[,] counts = new int[Nct14.Count, 3];

    /// <summary>The patients evaluated.</summary>
    public int Patients { get; init; }

    /// <summary>Patients on which the three disagreed on at least one criterion.</summary>
    public int Disagreements { get; internal set; }

    /// <summary>The first disagreement, with the library's explanation; <c>null</c> when all agree.</summary>
    public string? FirstDisagreement { get; internal set; }

    /// <summary>Criterion results the record decides (true or false): the ones compared as values.</summary>
    public int Comparable => Enumerable.Range(0, Nct14.Count).Sum(i => counts[i, 0] + counts[i, 1]);

    /// <summary>How often the library gave <paramref name="truth"/> for criterion <paramref name="criterion"/>.</summary>
    /// <param name="criterion">The criterion's index in <see cref="Nct14.Criteria"/>.</param>
    /// <param name="truth">The truth value.</param>
    /// <returns>The count.</returns>
    public int Count(int criterion, Truth truth) => counts[criterion, truth.IsTrue ? 0 : truth.IsFalse ? 1 : 2];

    internal void Tally(ReadOnlySpan<Truth> truths)
    {
        for (int i = 0; i < truths.Length; i++)
        {
            counts[i, truths[i].IsTrue ? 0 : truths[i].IsFalse ? 1 : 2]++;
        }
    }

    /// <summary>A table: criterion, true, false, unknown; then the totals.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"criterion",-12} {"true",7} {"false",7} {"unknown",7}");
        for (int i = 0; i < Nct14.Count; i++)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{Nct14.Names[i],-12} {counts[i, 0],7} {counts[i, 1],7} {counts[i, 2],7}");
        }

        text.Append(CultureInfo.InvariantCulture,
            $"{Patients} patients, {Patients * Nct14.Count} criterion results, {Comparable} decided by the record (compared as values), {Disagreements} patients with a disagreement");
        return text.ToString();
    }
}
