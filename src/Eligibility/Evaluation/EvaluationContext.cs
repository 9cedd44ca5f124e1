using System;
using Eligibility.Binding;
using Eligibility.Patients;
using Eligibility.Time;

namespace Eligibility.Evaluation;

/// <summary>
/// One evaluation: a patient (indexed), an as-of date and the trial. A small value passed down the compiled nodes, so
/// neither evaluation nor the verdict path allocates one; compiled nodes are immutable and read only from here. Nothing
/// here reads the clock.
/// </summary>
internal readonly struct EvaluationContext
{
    public EvaluationContext(PatientIndex index, DateOnly asOf, string trialId)
    {
        Index = index;
        AsOf = asOf;
        TrialId = trialId;
    }

    public PatientIndex Index { get; }

    public PatientRecord Patient => Index.Record;

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
    public ObservationRecord? Latest(BoundConcept concept, DateWindow window, Func<ObservationRecord, bool> usable) =>
        LatestAt(concept, window, usable) is var i and >= 0 ? Patient.Observations[i] : null;

    /// <summary><see cref="Latest"/> as a position in the record's observations (-1 when none).</summary>
    public int LatestAt(BoundConcept concept, DateWindow window, Func<ObservationRecord, bool> usable) =>
        Index.Latest(concept.Matcher, window, usable);

    /// <summary>
    /// The latest answer (dated on or before as-of) to the innermost of <paramref name="scopeIds"/> (innermost first,
    /// ending at the criterion) that has one.
    /// </summary>
    public Assessment? AnswerFor(string[] scopeIds)
    {
        if (!Index.HasAnswers)
        {
            return null;
        }

        foreach (var id in scopeIds)
        {
            if (Index.AnswerTo(TrialId, id, AsOf) is { } answer)
            {
                return answer;
            }
        }

        return null;
    }
}
