using System;
using System.Collections.Generic;
using Eligibility.Binding;
using Eligibility.Patients;
using Eligibility.Time;

namespace Eligibility.Evaluation;

/// <summary>
/// One evaluation: a patient, an as-of date and the trial. Created per call, never shared between threads;
/// compiled nodes are immutable and read only from here. Nothing here reads the clock.
/// </summary>
internal sealed class EvaluationContext
{
    private Dictionary<string, Assessment>? answers;

    public EvaluationContext(PatientRecord patient, DateOnly asOf, string trialId)
    {
        Patient = patient;
        AsOf = asOf;
        TrialId = trialId;
    }

    public PatientRecord Patient { get; }

    public DateOnly AsOf { get; }

    public string TrialId { get; }

    public int? AgeAt(DateOnly date) => Patient.BirthDate is { } b ? Age.InYears(b, date) : null;

    public static bool CountsAsResult(string? status) => status is null
        || status.Equals("final", StringComparison.OrdinalIgnoreCase)
        || status.Equals("amended", StringComparison.OrdinalIgnoreCase)
        || status.Equals("corrected", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The most recent valid result of the concept dated inside the window that satisfies <paramref name="usable"/>
    /// (docs/semantics.md "Which data is used"): final/amended/corrected only, nothing after as-of. Ties go to the later record.
    /// </summary>
    public ObservationRecord? Latest(BoundConcept concept, DateWindow window, Func<ObservationRecord, bool> usable)
    {
        ObservationRecord? best = null;
        var observations = Patient.Observations;
        for (int i = 0; i < observations.Count; i++)
        {
            var o = observations[i];
            if (o.Date is not { } date || !window.Contains(date) || !CountsAsResult(o.Status) || !usable(o))
            {
                continue;
            }

            if (concept.Matcher.Match(o.Codes) is null)
            {
                continue;
            }

            if (best is null || date >= best.Date!.Value)
            {
                best = o;
            }
        }

        return best;
    }

    /// <summary>The latest answer (dated on or before as-of) to the innermost scope that has one.</summary>
    public Assessment? AnswerFor(Scope scope)
    {
        answers ??= IndexAnswers();
        for (Scope? s = scope; s is not null; s = s.Parent)
        {
            if (answers.TryGetValue(TrialId + "/" + s.Id, out var answer))
            {
                return answer;
            }
        }

        return null;
    }

    private Dictionary<string, Assessment> IndexAnswers()
    {
        var index = new Dictionary<string, Assessment>(StringComparer.OrdinalIgnoreCase);
        foreach (var a in Patient.Assessments)
        {
            if (a.Date is { } d && d > AsOf)
            {
                continue;
            }

            // Latest dated answer wins; an undated answer only stands in when nothing dated exists.
            if (!index.TryGetValue(a.Criterion, out var existing)
                || (existing.Date ?? DateOnly.MinValue) <= (a.Date ?? DateOnly.MinValue))
            {
                index[a.Criterion] = a;
            }
        }

        return index;
    }
}
