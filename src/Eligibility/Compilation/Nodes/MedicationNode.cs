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
/// Medication exposure (SEMANTICS.md): each record is an interval <c>[start, end]</c>, no end meaning ongoing.
/// <c>within</c>: an interval intersects the window; <c>current</c>: one contains as-of; <c>stableFor</c>: continuously
/// exposed over the whole window at one unchanged dose (per drug), which must satisfy the dose bounds.
/// </summary>
internal sealed class MedicationNode : RuleNode
{
    private static readonly string[] NeverCount = { "entered-in-error", "cancelled", "not-taken" };

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
            MedicationMode.Stable => $"on {concept.Label} continuously at one unchanged dose for the last {window!.Value.ToPhrase()}" + (dose is null ? string.Empty : ", that dose " + Phrase.Symbols(dose, doseUnit!) + (prednisoneEquivalent ? " prednisone-equivalent" : string.Empty)),
            _ => $"{concept.Label} taken within the last {window!.Value.ToPhrase()}{DoseText}" + (longerThan is { } l ? $" for more than {l.ToPhrase()}" : string.Empty),
        };
        return (onlyIfCurrent ? $"if currently on {concept.Label}: " : string.Empty) + core + (absentUnknown ? "; no record means unknown" : string.Empty);
    }

    protected override NodeResult Run(EvaluationContext context, Scope scope)
    {
        var records = new List<(MedicationRecord Record, string Member)>();
        foreach (var m in context.Patient.Medications)
        {
            if (m.Status is { } s && NeverCount.Contains(s, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            if (concept.Matcher.Match(m.Codes) is { } member && !(m.Start > context.AsOf))
            {
                records.Add((m, member));
            }
        }

        if (onlyIfCurrent)
        {
            // Whether the treatment applies at all: any dose counts here, the dose bound belongs to the criterion proper.
            var current = Exposure(records, context.AsOf, new DateWindow(context.AsOf, context.AsOf), null, applyDose: false);
            if (current.Truth.IsFalse)
            {
                return NodeResult.Of(Truth.True, $"Not currently on {concept.Label}, so the condition does not apply");
            }

            if (current.Truth.IsUnknown)
            {
                return current;
            }
        }

        return mode switch
        {
            MedicationMode.Current => Exposure(records, context.AsOf, new DateWindow(context.AsOf, context.AsOf), null),
            MedicationMode.Within => Exposure(records, context.AsOf, DateWindow.Before(context.AsOf, window!.Value), longerThan),
            MedicationMode.Ever => Exposure(records, context.AsOf, new DateWindow(DateOnly.MinValue, context.AsOf), longerThan),
            _ => Stable(records, context.AsOf),
        };
    }

    private static string Interval(MedicationRecord m) =>
        (m.Start is { } s ? "from " + Phrase.Date(s) : "start not recorded") + (m.End is { } e ? " to " + Phrase.Date(e) : " (ongoing)");

    private string Describe(MedicationRecord m, string member) =>
        $"{member} {(m.DailyDose is { } d ? Phrase.Quantity(d.Value, d.Unit) + " " : string.Empty)}{Interval(m)}{Phrase.Source(m.Reference)}";

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

    private NodeResult Exposure(List<(MedicationRecord Record, string Member)> records, DateOnly asOf, DateWindow w, IsoDuration? minimum, bool applyDose = true)
    {
        var findings = new EventFindings();
        var qualifying = new List<(DateOnly Start, DateOnly End)>();
        foreach (var (m, member) in records)
        {
            string described = Describe(m, member);
            var fact = Fact(m, member);
            if (m.Start is not { } start)
            {
                findings.Undecided(described + " (no usable date)", fact);
                continue;
            }

            DateOnly end = m.End is { } e && e < asOf ? e : asOf;
            if (!w.Intersects(start, end))
            {
                continue;
            }

            if (dose is not null && applyDose)
            {
                decimal? d = DailyDose(m, member, out string? problem);
                if (d is null)
                {
                    findings.Undecided(described + " (" + problem + ")", fact);
                    continue;
                }

                if (!Phrase.Satisfies(dose, d.Value))
                {
                    continue;
                }
            }

            if (minimum is null)
            {
                findings.Hit(described, fact);
            }
            else
            {
                qualifying.Add((start < w.Start ? w.Start : start, end));
                findings.Undecided(described, fact);
            }
        }

        string range = w.Start == w.End ? " on " + Phrase.Date(w.End) : w.Start == DateOnly.MinValue ? " on or before " + Phrase.Date(w.End) : $" between {Phrase.Date(w.Start)} and {Phrase.Date(w.End)}";
        string missing = concept.Name + (mode is MedicationMode.Current or MedicationMode.Ever ? " exposure dates" : " exposure within " + window);
        if (minimum is { } min)
        {
            int days = CoveredDays(qualifying);
            int needed = w.End.DayNumber - min.SubtractFrom(w.End).DayNumber;
            if (days > needed)
            {
                return NodeResult.Of(Truth.True, $"{concept.Label}{DoseText} for {days} days{range}, more than {min.ToPhrase()}");
            }

            if (qualifying.Count > 0)
            {
                return NodeResult.Of(Truth.False, $"{concept.Label}{DoseText} for only {days} days{range}, not more than {min.ToPhrase()}");
            }
        }

        return findings.Result($"On {concept.Label}{DoseText}", $"No {concept.Label}{DoseText}{range}", absentUnknown, missing);
    }

    private NodeResult Stable(List<(MedicationRecord Record, string Member)> records, DateOnly asOf)
    {
        var w = DateWindow.Before(asOf, window!.Value);
        var results = new List<(Truth Truth, string Text, List<FactUsed> Facts)>();
        foreach (var group in records.GroupBy(r => r.Member))
        {
            var inWindow = new List<MedicationRecord>();
            var facts = new List<FactUsed>();
            bool undated = false;
            foreach (var (m, _) in group)
            {
                if (m.Start is not { } start)
                {
                    undated = true;
                    facts.Add(Fact(m, group.Key));
                    continue;
                }

                DateOnly end = m.End is { } e && e < asOf ? e : asOf;
                if (w.Intersects(start, end))
                {
                    inWindow.Add(m);
                    facts.Add(Fact(m, group.Key));
                }
            }

            if (inWindow.Count == 0)
            {
                results.Add((undated ? Truth.Unknown : Truth.False, $"{group.Key} {(undated ? "has records without dates" : "not taken in the window")}", facts));
                continue;
            }

            string described = string.Join(", ", inWindow.Select(m => Describe(m, group.Key)));
            var covered = inWindow.OrderBy(m => m.Start).Select(m => (m.Start!.Value, m.End is { } e && e < asOf ? e : asOf)).ToList();
            if (!Covers(covered, w))
            {
                results.Add((undated ? Truth.Unknown : Truth.False, $"{described}: not continuous over the whole window", facts));
                continue;
            }

            var doses = new List<decimal>();
            string? problem = null;
            foreach (var m in inWindow)
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

            bool needDose = dose is not null || inWindow.Count > 1;
            if (needDose && problem is not null)
            {
                results.Add((Truth.Unknown, $"{described}: {problem}", facts));
                continue;
            }

            if (doses.Distinct().Count() > 1)
            {
                results.Add((Truth.False, $"{described}: the dose changed within the window", facts));
                continue;
            }

            if (dose is not null && !Phrase.Satisfies(dose, doses[0]))
            {
                string equivalent = prednisoneEquivalent ? " prednisone-equivalent" : string.Empty;
                results.Add((Truth.False, $"{described}: stable, but the{equivalent} dose {Phrase.Number(doses[0])} {Phrase.Unit(doseUnit!)} is not {Phrase.Bounds(dose, doseUnit!)}", facts));
                continue;
            }

            string doseNote = doses.Count > 0 && prednisoneEquivalent ? $" ({Phrase.Number(doses[0])} {Phrase.Unit(doseUnit!)} prednisone-equivalent)" : string.Empty;
            results.Add((Truth.True, $"{described}: one unchanged dose{doseNote} throughout", facts));
        }

        string range = $"{Phrase.Date(w.Start)} to {Phrase.Date(w.End)}";
        if (results.Count == 0)
        {
            return absentUnknown
                ? NodeResult.Unknown($"No {concept.Label} record from {range} (absence is unknown for this criterion)", concept.Name + " exposure within " + window)
                : NodeResult.Of(Truth.False, $"No {concept.Label} record from {range} (the record is taken as complete)");
        }

        Truth truth = results.Aggregate(Truth.False, (t, r) => t | r.Truth);
        var shown = results.Where(r => r.Truth == truth).ToList();
        var node = new NodeResult(truth, $"Stable {concept.Label} from {range}: " + string.Join("; ", shown.Select(r => r.Text)))
        {
            Facts = results.SelectMany(r => r.Facts).ToList(),
            Missing = truth.IsUnknown ? new[] { concept.Name + " doses and dates within " + window } : Array.Empty<string>(),
        };
        return node;
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
