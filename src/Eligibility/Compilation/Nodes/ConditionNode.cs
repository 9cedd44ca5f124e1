using System;
using System.Collections.Generic;
using System.Linq;
using Eligibility.Binding;
using Eligibility.Evaluation;
using Eligibility.Explanation;
using Eligibility.Model;
using Eligibility.Patients;
using Eligibility.Time;

namespace Eligibility.Compilation.Nodes;

/// <summary>
/// Conditions (docs/semantics.md "Conditions and procedures"): history, active at as-of, occurred within a window, or active
/// within a window; refuted and entered-in-error records never count; an exception removes matching records only.
/// </summary>
internal sealed class ConditionNode : RuleNode
{
    private static readonly string[] ActiveStatuses = { "active", "recurrence", "relapse" };

    private readonly BoundConcept concept;
    private readonly EventMode mode;
    private readonly IsoDuration? window;
    private readonly IReadOnlyList<BoundConcept> except;
    private readonly bool absentUnknown;
    private LastWindow lastWindow;

    public ConditionNode(BoundConcept concept, EventMode mode, IsoDuration? window, IReadOnlyList<BoundConcept> except, bool absentUnknown)
        : base("condition")
    {
        this.concept = concept;
        this.mode = mode;
        this.window = window;
        this.except = except;
        this.absentUnknown = absentUnknown;
    }

    /// <summary>History and "active" decide on every matching record (an undated one is history, and active unless
    /// its status says otherwise), so only absence could be unknown; the windowed modes leave undated records undecided.</summary>
    public override bool CanBeUnknown => absentUnknown || mode is not (EventMode.History or EventMode.Active);

    public static bool Counts(ConditionRecord c) =>
        !(string.Equals(c.VerificationStatus, "refuted", StringComparison.OrdinalIgnoreCase)
          || string.Equals(c.VerificationStatus, "entered-in-error", StringComparison.OrdinalIgnoreCase)
          || string.Equals(c.ClinicalStatus, "entered-in-error", StringComparison.OrdinalIgnoreCase)
          || string.Equals(c.Status, "entered-in-error", StringComparison.OrdinalIgnoreCase));

    /// <summary>Active at the date: clinical status active/recurrence/relapse (or unstated), begun, and not abated before it.</summary>
    public static bool? IsActiveAt(ConditionRecord c, DateOnly date)
    {
        if (c.Onset is { } onset && onset > date)
        {
            return false;
        }

        if (c.Abatement is { } abatement && abatement < date)
        {
            return false;
        }

        return c.ClinicalStatus is null || EventFindings.IsOneOf(c.ClinicalStatus, ActiveStatuses);
    }

    public override string Describe()
    {
        string exceptText = except.Count == 0 ? string.Empty : " (except " + string.Join(", ", except.Select(e => e.Name)) + ")";
        string absent = absentUnknown ? "; no record means unknown" : string.Empty;
        return mode switch
        {
            EventMode.Active => $"active {concept.Label} condition{exceptText}{absent}",
            EventMode.OccurredWithin => $"{concept.Label} with onset within the last {window!.Value.ToPhrase()}{exceptText}{absent}",
            EventMode.ActiveWithin => $"{concept.Label} active at any time within the last {window!.Value.ToPhrase()}{exceptText}{absent}",
            EventMode.OnsetBefore => $"{concept.Label} with onset at least {window!.Value.ToPhrase()} before the as-of date{exceptText}{absent}",
            _ => $"history of {concept.Label}{exceptText}{absent}",
        };
    }

    public override Decision Decide(EvaluationContext context)
    {
        var tally = default(EventTally);
        Search(context, ref tally, null);
        return Decision.Of(tally.Truth(absentUnknown));
    }

    protected override NodeResult Run(EvaluationContext context)
    {
        var asOf = context.AsOf;
        var (w, latestOnset) = Windows(asOf);
        var findings = new EventFindings();
        var tally = default(EventTally);
        Search(context, ref tally, findings);
        string within = w is { } ww ? $" between {Phrase.Date(ww.Start)} and {Phrase.Date(ww.End)}"
            : mode == EventMode.Active ? " active on " + Phrase.Date(asOf)
            : " with onset on or before " + Phrase.Date(latestOnset ?? asOf);
        return findings.Result(
            $"Found {concept.Label}",
            $"No {concept.Label} record{within}",
            absentUnknown,
            concept.Label + (mode == EventMode.OnsetBefore ? " onset date" : w is null ? " history" : " within the last " + window!.Value.ToPhrase()));
    }

    /// <summary>The window the windowed modes look in, and the latest onset "onset before" accepts.</summary>
    private (DateWindow? Window, DateOnly? LatestOnset) Windows(DateOnly asOf) =>
        (window is { } d && mode != EventMode.OnsetBefore ? lastWindow.Before(asOf, d) : null,
         mode == EventMode.OnsetBefore ? window!.Value.SubtractFrom(asOf) : null);

    /// <summary>
    /// The one search both paths run: every record that counts, matches and is not excepted, recorded after as-of
    /// ignored, classified by the mode; worded into <paramref name="findings"/> only when it is given.
    /// </summary>
    private void Search(EvaluationContext context, ref EventTally tally, EventFindings? findings)
    {
        if (context.Index.ConditionMembers(concept.Matcher) is not { } members)
        {
            return;
        }

        var asOf = context.AsOf;
        var (w, latestOnset) = Windows(asOf);
        var conditions = context.Patient.Conditions;
        for (int i = 0; i < conditions.Count; i++)
        {
            var c = conditions[i];
            if (!Counts(c) || members[i] is null || EventFindings.AnyMatches(except, c.Codes))
            {
                continue;
            }

            if (c.Onset is { } onsetDate && onsetDate > asOf)
            {
                continue; // recorded after as-of: ignored
            }

            var found = Classify(c, asOf, w, latestOnset);
            if (found == Found.None)
            {
                continue;
            }

            string described = string.Empty;
            FactUsed fact = null!;
            if (findings is not null)
            {
                string code = c.Codes.Count > 0 ? (c.Codes[0].Display is { } display ? c.Codes[0].Code + " " + display : c.Codes[0].Code) : "?";
                string onsetText = c.Onset is { } o ? "onset " + Phrase.Date(o) : "onset not recorded";
                string abatementText = c.Abatement is { } a ? ", abated " + Phrase.Date(a) : string.Empty;
                described = $"[{code}] {onsetText}{abatementText}{(c.ClinicalStatus is null ? string.Empty : ", " + c.ClinicalStatus)}{Phrase.Source(c.Reference)}";
                fact = new FactUsed { Concept = concept.Name, Date = c.Onset, Source = c.Reference, Detail = described };
                if (found == Found.UndecidedResolved)
                {
                    described += " (resolved, but no abatement date)";
                }
            }

            EventFindings.Add(ref tally, findings, found == Found.Hit, described, fact);
        }
    }

    /// <summary>Whether a selected record qualifies under the mode, might (undated), or does not.</summary>
    private Found Classify(ConditionRecord c, DateOnly asOf, DateWindow? w, DateOnly? latestOnset)
    {
        switch (mode)
        {
            case EventMode.History:
                return Found.Hit;
            case EventMode.Active:
                return IsActiveAt(c, asOf) == true ? Found.Hit : Found.None;
            case EventMode.OccurredWithin:
                return c.Onset is not { } onset ? Found.Undecided : w!.Value.Contains(onset) ? Found.Hit : Found.None;
            case EventMode.OnsetBefore:
                return c.Onset is not { } started ? Found.Undecided : started <= latestOnset!.Value ? Found.Hit : Found.None;
            default:
                return ActiveWithin(c, w!.Value, asOf);
        }
    }

    /// <summary>The episode [onset, abatement or as-of] intersects the window; a resolved episode with no abatement date ends when unknown.</summary>
    private static Found ActiveWithin(ConditionRecord c, DateWindow w, DateOnly asOf)
    {
        if (c.Onset is not { } onset)
        {
            // Active now, so active inside any window ending at as-of.
            return IsActiveAt(c, asOf) == true && c.ClinicalStatus is not null ? Found.Hit : Found.Undecided;
        }

        DateOnly? end = c.Abatement ?? (c.ClinicalStatus is null || EventFindings.IsOneOf(c.ClinicalStatus, ActiveStatuses) ? asOf : null);
        if (end is { } e)
        {
            return w.Intersects(onset, e) ? Found.Hit : Found.None;
        }

        return w.Contains(onset) ? Found.Hit : Found.UndecidedResolved;
    }

    private enum Found
    {
        None,
        Hit,
        Undecided,
        UndecidedResolved,
    }

    /// <summary>The condition concept. Read by the SQL back end.</summary>
    internal BoundConcept Concept => concept;

    /// <summary>How the condition is searched. Read by the SQL back end.</summary>
    internal EventMode Mode => mode;

    /// <summary>The window of the mode, when it has one. Read by the SQL back end.</summary>
    internal IsoDuration? Window => window;

    /// <summary>Concepts whose records never count. Read by the SQL back end.</summary>
    internal IReadOnlyList<BoundConcept> Except => except;

    /// <summary>Whether no record means unknown (else false). Read by the SQL back end.</summary>
    internal bool AbsentUnknown => absentUnknown;
}
