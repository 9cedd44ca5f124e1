using System;
using System.Collections.Generic;
using System.Linq;
using Eligibility.Diagnostics;
using Eligibility.Patients;

namespace Eligibility;

/// <summary>
/// Checks the investigator's answers in a patient record against the trials being evaluated: an answer naming a trial
/// none of them is, a criterion or part the trial lacks, or a part with no judgement beneath it would otherwise be
/// ignored silently. Each finding is a warning positioned at the answer in the patient file (native record or FHIR).
/// </summary>
public static class AnswerCheck
{
    /// <summary>Warnings for the answers of <paramref name="patient"/> that no criterion of <paramref name="trials"/> can use.</summary>
    /// <param name="patient">The patient record.</param>
    /// <param name="trials">The trials the record is evaluated against.</param>
    /// <returns>One warning per such answer (ELIG3005, ELIG3006, ELIG3007), in record order.</returns>
    public static IReadOnlyList<Diagnostic> Check(PatientRecord patient, IEnumerable<TrialEvaluator> trials)
    {
        ArgumentNullException.ThrowIfNull(patient);
        ArgumentNullException.ThrowIfNull(trials);
        var byId = new Dictionary<string, TrialEvaluator>(StringComparer.OrdinalIgnoreCase);
        foreach (var t in trials)
        {
            byId.TryAdd(t.Trial.Id, t);
        }

        var warnings = new List<Diagnostic>();
        foreach (var a in patient.Assessments)
        {
            int slash = a.Criterion.IndexOf('/', StringComparison.Ordinal);
            string trialId = slash < 0 ? a.Criterion : a.Criterion[..slash];
            string target = slash < 0 ? string.Empty : a.Criterion[(slash + 1)..];
            if (!byId.TryGetValue(trialId, out var trial))
            {
                warnings.Add(Warn(a, DiagnosticCodes.AnswerUnknownTrial,
                    $"the answer to '{a.Criterion}' names trial '{trialId}', which is none of the trials evaluated ({string.Join(", ", byId.Keys)}); it is not used — check the trial ID"));
            }
            else if (!trial.HasTarget(target))
            {
                warnings.Add(Warn(a, DiagnosticCodes.AnswerUnknownCriterion,
                    $"the answer to '{a.Criterion}' names '{target}', which trial {trial.Trial.Id} does not have; it is not used — check the criterion ID"));
            }
            else if (!trial.HasJudgementAt(target))
            {
                warnings.Add(Warn(a, DiagnosticCodes.AnswerNotJudgement,
                    $"the answer to '{a.Criterion}' names a criterion part that is computed, with no judgement beneath it; it is not used (answers never override computed parts)"));
            }
        }

        return warnings;
    }

    private static Diagnostic Warn(Assessment a, string code, string message) => new()
    {
        Code = code,
        Severity = DiagnosticSeverity.Warning,
        Message = message,
        File = a.Position?.File,
        Line = a.Position?.Line ?? 0,
        Column = a.Position?.Column ?? 0,
        Pointer = a.Position?.Pointer,
    };
}
