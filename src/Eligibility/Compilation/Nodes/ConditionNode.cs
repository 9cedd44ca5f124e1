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

        return c.ClinicalStatus is null || ActiveStatuses.Contains(c.ClinicalStatus, StringComparer.OrdinalIgnoreCase);
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

    protected override NodeResult Run(EvaluationContext context, Scope scope)
    {
        var asOf = context.AsOf;
        DateWindow? w = window is { } d && mode != EventMode.OnsetBefore ? DateWindow.Before(asOf, d) : null;
        DateOnly? latestOnset = mode == EventMode.OnsetBefore ? window!.Value.SubtractFrom(asOf) : null;
        var findings = new EventFindings();
        foreach (var c in context.Patient.Conditions)
        {
            if (!Counts(c) || concept.Matcher.Match(c.Codes) is null || except.Any(e => e.Matcher.Match(c.Codes) is not null))
            {
                continue;
            }

            if (c.Onset is { } onsetDate && onsetDate > asOf)
            {
                continue; // recorded after as-of: ignored
            }

            string code = c.Codes.Count > 0 ? (c.Codes[0].Display is { } display ? c.Codes[0].Code + " " + display : c.Codes[0].Code) : "?";
            string onsetText = c.Onset is { } o ? "onset " + Phrase.Date(o) : "onset not recorded";
            string abatementText = c.Abatement is { } a ? ", abated " + Phrase.Date(a) : string.Empty;
            string described = $"[{code}] {onsetText}{abatementText}{(c.ClinicalStatus is null ? string.Empty : ", " + c.ClinicalStatus)}{Phrase.Source(c.Reference)}";
            var fact = new FactUsed { Concept = concept.Name, Date = c.Onset, Source = c.Reference, Detail = described };
            switch (mode)
            {
                case EventMode.History:
                    findings.Hit(described, fact);
                    break;
                case EventMode.Active:
                    if (IsActiveAt(c, asOf) == true) findings.Hit(described, fact);
                    break;
                case EventMode.OccurredWithin:
                    if (c.Onset is not { } onset) findings.Undecided(described, fact);
                    else if (w!.Value.Contains(onset)) findings.Hit(described, fact);
                    break;
                case EventMode.OnsetBefore:
                    if (c.Onset is not { } started) findings.Undecided(described, fact);
                    else if (started <= latestOnset!.Value) findings.Hit(described, fact);
                    break;
                default:
                    ActiveWithin(c, w!.Value, asOf, described, fact, findings);
                    break;
            }
        }

        string within = w is { } ww ? $" between {Phrase.Date(ww.Start)} and {Phrase.Date(ww.End)}"
            : mode == EventMode.Active ? " active on " + Phrase.Date(asOf)
            : " with onset on or before " + Phrase.Date(latestOnset ?? asOf);
        return findings.Result(
            $"Found {concept.Label}",
            $"No {concept.Label} record{within}",
            absentUnknown,
            concept.Label + (mode == EventMode.OnsetBefore ? " onset date" : w is null ? " history" : " within the last " + window!.Value.ToPhrase()));
    }

    /// <summary>The episode [onset, abatement or as-of] intersects the window; a resolved episode with no abatement date ends when unknown.</summary>
    private static void ActiveWithin(ConditionRecord c, DateWindow w, DateOnly asOf, string described, FactUsed fact, EventFindings findings)
    {
        if (c.Onset is not { } onset)
        {
            if (IsActiveAt(c, asOf) == true && c.ClinicalStatus is not null)
            {
                findings.Hit(described, fact); // active now, so active inside any window ending at as-of
            }
            else
            {
                findings.Undecided(described, fact);
            }

            return;
        }

        DateOnly? end = c.Abatement ?? (c.ClinicalStatus is null || ActiveStatuses.Contains(c.ClinicalStatus, StringComparer.OrdinalIgnoreCase) ? asOf : null);
        if (end is { } e)
        {
            if (w.Intersects(onset, e)) findings.Hit(described, fact);
        }
        else if (w.Contains(onset))
        {
            findings.Hit(described, fact);
        }
        else
        {
            findings.Undecided(described + " (resolved, but no abatement date)", fact);
        }
    }
}
