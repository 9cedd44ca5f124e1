using System;
using System.Collections.Generic;
using System.Linq;
using Eligibility.Binding;
using Eligibility.Evaluation;
using Eligibility.Explanation;
using Eligibility.Model;
using Eligibility.Patients;
using Eligibility.Time;
using Eligibility.Units;

namespace Eligibility.Compilation.Nodes;

/// <summary>
/// Medication exposure (SEMANTICS "Medication exposure"): each record of real exposure is an interval
/// <c>[start, end]</c>, no end meaning ongoing. <c>within</c> (washout): an interval intersects the window, doses not
/// extended; <c>current</c>: one contains as-of, each dose extended by how long it lasts (<c>exposureLasts</c>, a
/// request's dosing interval); <c>stableFor</c>: every drug taken in the window taken throughout it at one unchanged
/// dose, which must satisfy the dose bounds.
/// </summary>
internal sealed class MedicationNode : RuleNode
{
    private readonly BoundConcept concept;
    private readonly MedicationMode mode;
    private readonly IsoDuration? window;
    private readonly Bounds? dose;
    private readonly string? doseUnit;
    private readonly bool prednisoneEquivalent;
    private readonly IsoDuration? longerThan;
    private readonly bool onlyIfCurrent;
    private readonly bool absentUnknown;

    public MedicationNode(BoundConcept concept, MedicationMode mode, IsoDuration? window, Bounds? dose, string? doseUnit, bool prednisoneEquivalent, IsoDuration? longerThan, bool onlyIfCurrent, bool absentUnknown)
        : base("medication")
    {
        this.concept = concept;
        this.mode = mode;
        this.window = window;
        this.dose = dose;
        this.doseUnit = doseUnit;
        this.prednisoneEquivalent = prednisoneEquivalent;
        this.longerThan = longerThan;
        this.onlyIfCurrent = onlyIfCurrent;
        this.absentUnknown = absentUnknown;
    }

    private string DoseText => dose is null ? string.Empty : " at " + (prednisoneEquivalent ? "a prednisone-equivalent " : "a ") + "daily dose " + Phrase.Symbols(dose, doseUnit!);

    public override string Describe()
    {
        string core = mode switch
        {
            MedicationMode.Current => $"currently on {concept.Label}{DoseText}",
            MedicationMode.Ever => $"{concept.Label} ever taken{DoseText}" + (longerThan is { } e ? $" for more than {e.ToPhrase()} in total" : string.Empty),
            MedicationMode.Stable => $"{concept.Label} taken throughout the last {window!.Value.ToPhrase()} at one unchanged dose (every drug of it taken in that time)" + (dose is null ? string.Empty : ", that dose " + Phrase.Symbols(dose, doseUnit!) + (prednisoneEquivalent ? " prednisone-equivalent" : string.Empty)),
            _ => $"{concept.Label} taken within the last {window!.Value.ToPhrase()}{DoseText}" + (longerThan is { } l ? $" for more than {l.ToPhrase()}" : string.Empty),
        };
        string condition = !onlyIfCurrent ? string.Empty : mode == MedicationMode.Stable ? $"if {concept.Label} was taken in the last {window!.Value.ToPhrase()}: " : $"if currently on {concept.Label}: ";
        string lasting = concept.ExposureLasts is { } lasts && mode is MedicationMode.Current or MedicationMode.Stable ? $" (a dose counts for {lasts.ToPhrase()})"
            : concept.MemberExposureLasts.Count > 0 && mode is MedicationMode.Current or MedicationMode.Stable ? " (intermittent drugs: each dose counts for as long as it lasts)" : string.Empty;
        return condition + core + lasting + (absentUnknown ? "; no record means unknown" : string.Empty);
    }

    protected override NodeResult Run(EvaluationContext context, Scope scope)
    {
        var records = Exposure.Select(concept, context);
        if (mode == MedicationMode.Stable)
        {
            return Stable(records, context.AsOf);
        }

        if (onlyIfCurrent)
        {
            // Whether the treatment applies at all: any dose counts here, the dose bound belongs to the criterion proper.
            var current = Exposed(records, context.AsOf, new DateWindow(context.AsOf, context.AsOf), null, applyDose: false, extend: true);
            if (current.Truth.IsFalse)
            {
                return NodeResult.Of(Truth.True, () => $"Not currently on {concept.Label}, so the condition does not apply");
            }

            if (current.Truth.IsUnknown)
            {
                return current;
            }
        }

        return mode switch
        {
            MedicationMode.Current => Exposed(records, context.AsOf, new DateWindow(context.AsOf, context.AsOf), null, extend: true),
            MedicationMode.Within => Exposed(records, context.AsOf, DateWindow.Before(context.AsOf, window!.Value), longerThan),
            _ => Exposed(records, context.AsOf, new DateWindow(DateOnly.MinValue, context.AsOf), longerThan),
        };
    }

    private static string Interval(MedicationRecord m) =>
        m.Start is { } s && m.End == s ? "on " + Phrase.Date(s)
        : (m.Start is { } start ? "from " + Phrase.Date(start) : "start not recorded") + (m.End is { } e ? " to " + Phrase.Date(e) : " (ongoing)");

    /// <summary>"prednisolone 20 mg/d (20 mg/d prednisone-equivalent) from 2026-01-02 (MedicationRequest/a)", with how long a dose lasts when it matters.</summary>
    private string Describe(MedicationRecord m, string member, decimal? converted = null, DateOnly? lastDay = null)
    {
        string dose = m.DailyDose is { } d ? Phrase.Quantity(d.Value, d.Unit) + " " : string.Empty;
        if (converted is { } c && prednisoneEquivalent)
        {
            dose = dose.TrimEnd() + $" ({Phrase.Number(c)} {Phrase.Unit(doseUnit!)} prednisone-equivalent) ";
        }

        string lasting = lastDay is not null && m.End is { } end && Exposure.Extension(m, concept, member) is { } ext
            ? $", a dose counting for {ext.ToPhrase()}, so through {Phrase.Date(Exposure.AddSaturating(ext, end))}"
            : string.Empty;
        return $"{member} {dose}{Interval(m)}{lasting}{Phrase.Source(m.Reference)}";
    }

    private static FactUsed Fact(MedicationRecord m, string member) =>
        new() { Concept = member, Value = m.DailyDose?.Value, Unit = m.DailyDose?.Unit, Date = m.Start, Source = m.Reference, Detail = Interval(m) };

    /// <summary>The daily dose in the rule's unit (prednisone-equivalent when asked), or why it is not known.</summary>
    private decimal? DailyDose(MedicationRecord m, string member, out string? problem)
    {
        problem = null;
        if (m.DailyDose is not { } q)
        {
            problem = "no daily dose recorded";
            return null;
        }

        string unit = doseUnit ?? q.Unit;
        if (!UnitConverter.Instance.TryConvert(q.Value, q.Unit, unit, null, out decimal value, out string? error))
        {
            problem = $"dose {q} cannot be converted to {unit} ({error})";
            return null;
        }

        if (prednisoneEquivalent)
        {
            if (!concept.PrednisoneEquivalence.TryGetValue(member, out decimal factor))
            {
                problem = $"no prednisone equivalence declared for {member}";
                return null;
            }

            value *= factor;
        }

        return value;
    }

    /// <summary>
    /// Exposure intersecting the window: records dated inside it (each dose extended when <paramref name="extend"/> —
    /// "currently using" — never for washouts), at a dose inside the bounds, for longer than <paramref name="minimum"/> in total when given.
    /// </summary>
    private NodeResult Exposed(List<(MedicationRecord Record, string Member)> records, DateOnly asOf, DateWindow w, IsoDuration? minimum, bool applyDose = true, bool extend = false)
    {
        var findings = new EventFindings();
        var qualifying = new List<(DateOnly Start, DateOnly End)>();
        var counted = new List<string>();
        foreach (var (m, member) in records)
        {
            var fact = Fact(m, member);
            if (m.Start is not { } start || Exposure.LastDay(m, concept, member, asOf, extend) is not { } end)
            {
                findings.Undecided(Describe(m, member) + " (no usable date)", fact);
                continue;
            }

            if (!w.Intersects(start, end))
            {
                continue;
            }

            decimal? converted = null;
            if (dose is not null && applyDose)
            {
                converted = DailyDose(m, member, out string? problem);
                if (converted is not { } d)
                {
                    findings.Undecided(Describe(m, member) + " (" + problem + ")", fact);
                    continue;
                }

                if (!Phrase.Satisfies(dose, d))
                {
                    continue;
                }
            }

            string described = Describe(m, member, converted, extend ? end : null);
            if (minimum is null)
            {
                findings.Hit(described, fact);
            }
            else
            {
                qualifying.Add((start < w.Start ? w.Start : start, end));
                counted.Add(described);
                findings.Undecided(described, fact);
            }
        }

        string range = w.Start == w.End ? " on " + Phrase.Date(w.End) : w.Start == DateOnly.MinValue ? " on or before " + Phrase.Date(w.End) : $" between {Phrase.Date(w.Start)} and {Phrase.Date(w.End)}";
        string missing = concept.Label + (mode is MedicationMode.Current or MedicationMode.Ever ? " exposure dates" : " exposure within the last " + window!.Value.ToPhrase());
        if (minimum is { } min)
        {
            int days = CoveredDays(qualifying);
            int needed = w.End.DayNumber - min.SubtractFrom(w.End).DayNumber;
            string which = counted.Count == 0 ? string.Empty : ": " + string.Join("; ", counted);
            if (days > needed)
            {
                return NodeResult.Of(Truth.True, () => $"{concept.Label}{DoseText} for {days} days{range}, more than {min.ToPhrase()}{which}");
            }

            if (qualifying.Count > 0)
            {
                return NodeResult.Of(Truth.False, () => $"{concept.Label}{DoseText} for only {days} days{range}, not more than {min.ToPhrase()}{which}");
            }
        }

        return findings.Result($"On {concept.Label}{DoseText}", $"No {concept.Label}{DoseText}{range}", absentUnknown, missing);
    }

    /// <summary>
    /// SEMANTICS "Stable regimen for D": every drug of the regimen taken at any time inside the window (each dose
    /// extended by how long it lasts) was taken throughout the window at one unchanged dose, inside the dose bounds.
    /// Starting, stopping or changing one inside the window breaks stability. None taken: not met — or, for "stable if
    /// on it" (<c>onlyIfCurrent</c>), met.
    /// </summary>
    private NodeResult Stable(List<(MedicationRecord Record, string Member)> records, DateOnly asOf)
    {
        var w = DateWindow.Before(asOf, window!.Value);
        string range = $"{Phrase.Date(w.Start)} to {Phrase.Date(w.End)}";
        var results = new List<(Truth Truth, string Text)>();
        var facts = new List<FactUsed>();
        foreach (var group in records.GroupBy(r => r.Member))
        {
            var inWindow = new List<(MedicationRecord Record, DateOnly Start, DateOnly Last)>();
            var undated = new List<MedicationRecord>();
            foreach (var (m, _) in group)
            {
                if (m.Start is not { } start || Exposure.LastDay(m, concept, group.Key, asOf, extend: true) is not { } last)
                {
                    undated.Add(m);
                    facts.Add(Fact(m, group.Key));
                }
                else if (w.Intersects(start, last))
                {
                    inWindow.Add((m, start, last));
                    facts.Add(Fact(m, group.Key));
                }
            }

            if (inWindow.Count == 0)
            {
                if (undated.Count > 0)
                {
                    results.Add((Truth.Unknown, $"{group.Key} has records without a start date, so whether it was taken in the window is unknown ({string.Join(", ", undated.Select(m => Describe(m, group.Key)))})"));
                }

                continue;
            }

            inWindow.Sort((a, b) => a.Start.CompareTo(b.Start));
            var doses = new List<decimal>();
            string? problem = null;
            foreach (var (m, _, _) in inWindow)
            {
                if (DailyDose(m, group.Key, out string? p) is { } d)
                {
                    doses.Add(d);
                }
                else
                {
                    problem ??= p;
                }
            }

            string described = string.Join(", ", inWindow.Select(r => Describe(r.Record, group.Key, dose is null ? null : DailyDose(r.Record, group.Key, out _), r.Last)));
            if (!Covers(inWindow.Select(r => (r.Start, r.Last)).ToList(), w))
            {
                string how = inWindow[0].Start > w.Start ? $"started inside the window (first on {Phrase.Date(inWindow[0].Start)})" : "not taken throughout the window (stopped or interrupted)";
                results.Add((Truth.False, $"{described}: {how}"));
                continue;
            }

            bool needDose = dose is not null || inWindow.Count > 1;
            if (needDose && problem is not null)
            {
                results.Add((Truth.Unknown, $"{described}: {problem}"));
                continue;
            }

            if (doses.Distinct().Count() > 1)
            {
                results.Add((Truth.False, $"{described}: the dose changed within the window"));
                continue;
            }

            if (dose is not null && !Phrase.Satisfies(dose, doses[0]))
            {
                string equivalent = prednisoneEquivalent ? " prednisone-equivalent" : string.Empty;
                results.Add((Truth.False, $"{described}: stable, but the{equivalent} dose {Phrase.Number(doses[0])} {Phrase.Unit(doseUnit!)} is not {Phrase.Bounds(dose, doseUnit!)}"));
                continue;
            }

            results.Add((undated.Count > 0 ? Truth.Unknown : Truth.True, $"{described}: one unchanged dose throughout" +
                (undated.Count > 0 ? $", but {undated.Count} other {group.Key} record(s) have no start date" : string.Empty)));
        }

        if (results.Count == 0)
        {
            if (onlyIfCurrent)
            {
                return NodeResult.Of(Truth.True, () => $"No {concept.Label} taken from {range}, so the condition does not apply");
            }

            return absentUnknown
                ? NodeResult.Unknown(() => $"No {concept.Label} record from {range} (absence is unknown for this criterion)", concept.Label + " exposure within the last " + window!.Value.ToPhrase())
                : NodeResult.Of(Truth.False, () => $"No {concept.Label} record from {range} (the record is taken as complete)");
        }

        // Every drug taken must be stable: Kleene AND over the drugs.
        Truth truth = results.Aggregate(Truth.True, (t, r) => t & r.Truth);
        var shown = results.Where(r => r.Truth == truth).ToList();
        string verdict = truth.IsTrue ? "stable" : truth.IsFalse ? "not stable" : "cannot tell whether stable";
        return new NodeResult(truth, () => $"{concept.Label} from {range} {verdict}: " + string.Join("; ", shown.Select(r => r.Text)))
        {
            Facts = facts,
            Missing = truth.IsUnknown ? new[] { concept.Label + " doses and dates within the last " + window!.Value.ToPhrase() } : Array.Empty<string>(),
        };
    }

    private static bool Covers(List<(DateOnly Start, DateOnly End)> intervals, DateWindow w)
    {
        DateOnly reached = w.Start.AddDays(-1);
        foreach (var (start, end) in intervals)
        {
            if (start > reached.AddDays(1))
            {
                return false;
            }

            if (end > reached)
            {
                reached = end;
            }
        }

        return reached >= w.End;
    }

    private static int CoveredDays(List<(DateOnly Start, DateOnly End)> intervals)
    {
        int days = 0;
        DateOnly? reached = null;
        foreach (var (start, end) in intervals.OrderBy(i => i.Start))
        {
            DateOnly from = reached is { } r && r >= start ? r.AddDays(1) : start;
            if (end >= from)
            {
                days += end.DayNumber - from.DayNumber + 1;
                reached = end;
            }
        }

        return days;
    }
}
