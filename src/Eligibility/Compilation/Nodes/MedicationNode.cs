using System;
using System.Buffers;
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

    public override Decision Decide(EvaluationContext context)
    {
        if (!context.Index.MayHaveMedication(concept.Matcher))
        {
            return Decision.Of(Absent());
        }

        if (mode == MedicationMode.Stable)
        {
            return Decision.Of(Stable(context, null));
        }

        if (onlyIfCurrent)
        {
            var current = Exposed(context, Current(context.AsOf), null, applyDose: false, extend: true, null);
            if (current.IsFalse)
            {
                return Decision.True;
            }

            if (current.IsUnknown)
            {
                return Decision.Unknown;
            }
        }

        var (w, minimum, extend) = Search(context.AsOf);
        return Decision.Of(Exposed(context, w, minimum, applyDose: true, extend, null));
    }

    protected override NodeResult Run(EvaluationContext context)
    {
        if (mode == MedicationMode.Stable)
        {
            var stable = new Wording();
            Stable(context, stable);
            return stable.Result!;
        }

        if (onlyIfCurrent)
        {
            // Whether the treatment applies at all: any dose counts here, the dose bound belongs to the criterion proper.
            var wording = new Wording();
            var current = Exposed(context, Current(context.AsOf), null, applyDose: false, extend: true, wording);
            if (current.IsFalse)
            {
                return NodeResult.Of(Truth.True, () => $"Not currently on {concept.Label}, so the condition does not apply");
            }

            if (current.IsUnknown)
            {
                return wording.Result!;
            }
        }

        var (w, minimum, extend) = Search(context.AsOf);
        var words = new Wording();
        Exposed(context, w, minimum, applyDose: true, extend, words);
        return words.Result!;
    }

    private static DateWindow Current(DateOnly asOf) => new(asOf, asOf);

    /// <summary>The window, minimum total and dose extension of the non-stable modes.</summary>
    private (DateWindow Window, IsoDuration? Minimum, bool Extend) Search(DateOnly asOf) => mode switch
    {
        MedicationMode.Current => (Current(asOf), null, true),
        MedicationMode.Within => (DateWindow.Before(asOf, window!.Value), longerThan, false),
        _ => (new DateWindow(DateOnly.MinValue, asOf), longerThan, false),
    };

    /// <summary>The truth when no record of the concept exists at all: as <see cref="Exposed"/> and <see cref="Stable"/> find it.</summary>
    private Truth Absent() =>
        mode == MedicationMode.Stable ? (onlyIfCurrent ? Truth.True : absentUnknown ? Truth.Unknown : Truth.False)
        : absentUnknown ? Truth.Unknown // "if currently on it" too: whether it applies is then unknown
        : onlyIfCurrent ? Truth.True : Truth.False;

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

    /// <summary>The daily dose in the rule's unit (prednisone-equivalent when asked), or <c>null</c> and why not (worded by <see cref="ProblemText"/>).</summary>
    private decimal? DailyDose(MedicationRecord m, string member, out DoseProblem problem)
    {
        problem = DoseProblem.None;
        if (m.DailyDose is not { } q)
        {
            problem = DoseProblem.NoDose;
            return null;
        }

        if (!UnitConverter.Instance.TryConvert(q.Value, q.Unit, doseUnit ?? q.Unit, null, out decimal value, out _))
        {
            problem = DoseProblem.NotConvertible;
            return null;
        }

        if (prednisoneEquivalent)
        {
            if (!concept.PrednisoneEquivalence.TryGetValue(member, out decimal factor))
            {
                problem = DoseProblem.NoEquivalence;
                return null;
            }

            value *= factor;
        }

        return value;
    }

    private string ProblemText(MedicationRecord m, string member, DoseProblem problem)
    {
        if (problem == DoseProblem.NotConvertible && m.DailyDose is { } q)
        {
            string unit = doseUnit ?? q.Unit;
            UnitConverter.Instance.TryConvert(q.Value, q.Unit, unit, null, out _, out string? error);
            return $"dose {q} cannot be converted to {unit} ({error})";
        }

        return problem == DoseProblem.NoEquivalence ? $"no prednisone equivalence declared for {member}" : "no daily dose recorded";
    }

    /// <summary>
    /// Exposure intersecting the window: records dated inside it (each dose extended when <paramref name="extend"/> —
    /// "currently using" — never for washouts), at a dose inside the bounds, for longer than <paramref name="minimum"/> in
    /// total when given. Both paths run this one search; it words its result into <paramref name="wording"/> only when given.
    /// </summary>
    private Truth Exposed(EvaluationContext context, DateWindow w, IsoDuration? minimum, bool applyDose, bool extend, Wording? wording)
    {
        var asOf = context.AsOf;
        var medications = context.Patient.Medications;
        var matched = context.Index.MedicationMembers(concept.Matcher);
        if (matched is null)
        {
            medications = [];
        }

        var findings = wording is null ? null : new EventFindings();
        var counted = wording is null || minimum is null ? null : new List<string>();
        var tally = default(EventTally);
        Entry[]? rented = null;
        Span<Entry> qualifying = minimum is null ? default
            : medications.Count <= StackEntries ? stackalloc Entry[StackEntries]
            : (rented = ArrayPool<Entry>.Shared.Rent(medications.Count));
        int qualified = 0;
        for (int i = 0; i < medications.Count; i++)
        {
            var m = medications[i];
            if (Exposure.MemberOf(m, matched![i], asOf) is not { } member)
            {
                continue;
            }

            if (m.Start is not { } start || Exposure.LastDay(m, concept, member, asOf, extend) is not { } end)
            {
                EventFindings.Add(ref tally, findings, false, wording is null ? string.Empty : Describe(m, member) + " (no usable date)", wording is null ? null! : Fact(m, member));
                continue;
            }

            if (!w.Intersects(start, end))
            {
                continue;
            }

            decimal? converted = null;
            if (dose is not null && applyDose)
            {
                converted = DailyDose(m, member, out var problem);
                if (converted is not { } d)
                {
                    EventFindings.Add(ref tally, findings, false, wording is null ? string.Empty : Describe(m, member) + " (" + ProblemText(m, member, problem) + ")", wording is null ? null! : Fact(m, member));
                    continue;
                }

                if (!Phrase.Satisfies(dose, d))
                {
                    continue;
                }
            }

            string described = wording is null ? string.Empty : Describe(m, member, converted, extend ? end : null);
            if (minimum is not null)
            {
                qualifying[qualified++] = new Entry(i, start < w.Start ? w.Start : start, end);
                counted?.Add(described);
            }

            EventFindings.Add(ref tally, findings, minimum is null, described, wording is null ? null! : Fact(m, member));
        }

        try
        {
            if (minimum is { } min)
            {
                int days = CoveredDays(qualifying[..qualified]);
                int needed = w.End.DayNumber - min.SubtractFrom(w.End).DayNumber;
                if (days > needed || qualified > 0)
                {
                    bool more = days > needed;
                    if (wording is not null)
                    {
                        wording.Result = WordTotal(w, min, days, more, counted!);
                    }

                    return Truth.From(more);
                }
            }

            if (wording is not null)
            {
                string missing = concept.Label + (mode is MedicationMode.Current or MedicationMode.Ever ? " exposure dates" : " exposure within the last " + window!.Value.ToPhrase());
                wording.Result = findings!.Result($"On {concept.Label}{DoseText}", $"No {concept.Label}{DoseText}{RangeText(w)}", absentUnknown, missing);
            }

            return tally.Truth(absentUnknown);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<Entry>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The explanation of a total exposure compared with its minimum (its own method: the closures would
    /// otherwise be allocated on the verdict path too).</summary>
    private NodeResult WordTotal(DateWindow w, IsoDuration min, int days, bool more, List<string> counted)
    {
        string range = RangeText(w);
        string which = counted.Count == 0 ? string.Empty : ": " + string.Join("; ", counted);
        return more
            ? NodeResult.Of(Truth.True, () => $"{concept.Label}{DoseText} for {days} days{range}, more than {min.ToPhrase()}{which}")
            : NodeResult.Of(Truth.False, () => $"{concept.Label}{DoseText} for only {days} days{range}, not more than {min.ToPhrase()}{which}");
    }

    private static string RangeText(DateWindow w) =>
        w.Start == w.End ? " on " + Phrase.Date(w.End) : w.Start == DateOnly.MinValue ? " on or before " + Phrase.Date(w.End) : $" between {Phrase.Date(w.Start)} and {Phrase.Date(w.End)}";

    /// <summary>
    /// SEMANTICS "Stable regimen for D": every drug of the regimen taken at any time inside the window (each dose
    /// extended by how long it lasts) was taken throughout the window at one unchanged dose, inside the dose bounds.
    /// Starting, stopping or changing one inside the window breaks stability. None taken: not met — or, for "stable if
    /// on it" (<c>onlyIfCurrent</c>), met. Both paths run this; it words its result into <paramref name="wording"/> only when given.
    /// </summary>
    private Truth Stable(EvaluationContext context, Wording? wording)
    {
        var asOf = context.AsOf;
        var w = DateWindow.Before(asOf, window!.Value);
        var medications = context.Patient.Medications;
        var results = wording is null ? null : new List<(Truth Truth, string Text)>();
        var facts = wording is null ? null : new List<FactUsed>();
        Entry[]? rented = null;
        Span<Entry> inWindow = medications.Count <= StackEntries ? stackalloc Entry[StackEntries] : (rented = ArrayPool<Entry>.Shared.Rent(medications.Count));
        Truth truth = Truth.True;
        bool any = false;
        try
        {
            for (int first = 0; first < medications.Count; first++)
            {
                // Each drug (member) once, in the order it first appears, with its records in record order.
                if (Exposure.MemberOf(medications[first], concept, asOf) is not { } member || SeenBefore(medications, first, member, asOf))
                {
                    continue;
                }

                int count = 0, undated = 0;
                List<MedicationRecord>? undatedRecords = wording is null ? null : new List<MedicationRecord>();
                for (int i = first; i < medications.Count; i++)
                {
                    var m = medications[i];
                    if (!string.Equals(Exposure.MemberOf(m, concept, asOf), member, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    if (m.Start is not { } start || Exposure.LastDay(m, concept, member, asOf, extend: true) is not { } last)
                    {
                        undated++;
                        undatedRecords?.Add(m);
                        facts?.Add(Fact(m, member));
                    }
                    else if (w.Intersects(start, last))
                    {
                        inWindow[count++] = new Entry(i, start, last);
                        facts?.Add(Fact(m, member));
                    }
                }

                if (count == 0)
                {
                    if (undated > 0)
                    {
                        any = true;
                        truth &= Truth.Unknown;
                        results?.Add((Truth.Unknown, WordUndated(member, undatedRecords!)));
                    }

                    continue;
                }

                any = true;
                var entries = inWindow[..count];
                var finding = StableFinding(medications, entries, undated, w, member, out decimal firstDose);
                var one = finding is Stability.Stable ? Truth.True
                    : finding is Stability.DoseUnknown or Stability.StableButUndated ? Truth.Unknown
                    : Truth.False;
                truth &= one;
                if (results is not null)
                {
                    results.Add((one, WordStable(medications, entries, undated, w, member, finding, firstDose)));
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<Entry>.Shared.Return(rented);
            }
        }

        if (!any)
        {
            truth = Absent();
        }

        if (wording is not null)
        {
            wording.Result = WordStableResult(w, truth, any, results!, facts!);
        }

        return truth;
    }

    private string WordUndated(string member, List<MedicationRecord> undated)
    {
        var described = new List<string>(undated.Count);
        foreach (var m in undated)
        {
            described.Add(Describe(m, member));
        }

        return $"{member} has records without a start date, so whether it was taken in the window is unknown ({string.Join(", ", described)})";
    }

    private bool SeenBefore(IReadOnlyList<MedicationRecord> medications, int index, string member, DateOnly asOf)
    {
        for (int i = 0; i < index; i++)
        {
            if (string.Equals(Exposure.MemberOf(medications[i], concept, asOf), member, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>One drug's records in the window (sorted here by start): covered throughout, at one known dose inside the bounds?</summary>
    private Stability StableFinding(IReadOnlyList<MedicationRecord> medications, Span<Entry> entries, int undated, DateWindow w, string member, out decimal firstDose)
    {
        entries.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        bool problem = false, haveDose = false, changed = false;
        firstDose = 0m;
        foreach (var e in entries)
        {
            if (DailyDose(medications[e.Record], member, out _) is { } d)
            {
                if (!haveDose)
                {
                    firstDose = d;
                    haveDose = true;
                }
                else if (d != firstDose)
                {
                    changed = true;
                }
            }
            else
            {
                problem = true;
            }
        }

        if (!Covers(entries, w))
        {
            return Stability.NotCovered;
        }

        bool needDose = dose is not null || entries.Length > 1;
        if (needDose && problem)
        {
            return Stability.DoseUnknown;
        }

        if (changed)
        {
            return Stability.DoseChanged;
        }

        if (dose is not null && !Phrase.Satisfies(dose, firstDose))
        {
            return Stability.DoseOutside;
        }

        return undated > 0 ? Stability.StableButUndated : Stability.Stable;
    }

    private string WordStable(IReadOnlyList<MedicationRecord> medications, Span<Entry> entries, int undated, DateWindow w, string member, Stability finding, decimal firstDose)
    {
        var parts = new List<string>(entries.Length);
        string? problem = null;
        foreach (var e in entries)
        {
            var m = medications[e.Record];
            var converted = DailyDose(m, member, out var p);
            if (converted is null)
            {
                problem ??= ProblemText(m, member, p);
            }

            parts.Add(Describe(m, member, dose is null ? null : converted, e.Last));
        }

        string described = string.Join(", ", parts);
        switch (finding)
        {
            case Stability.NotCovered:
                string how = entries[0].Start > w.Start ? $"started inside the window (first on {Phrase.Date(entries[0].Start)})" : "not taken throughout the window (stopped or interrupted)";
                return $"{described}: {how}";
            case Stability.DoseUnknown:
                return $"{described}: {problem}";
            case Stability.DoseChanged:
                return $"{described}: the dose changed within the window";
            case Stability.DoseOutside:
                string equivalent = prednisoneEquivalent ? " prednisone-equivalent" : string.Empty;
                return $"{described}: stable, but the{equivalent} dose {Phrase.Number(firstDose)} {Phrase.Unit(doseUnit!)} is not {Phrase.Bounds(dose!, doseUnit!)}";
            default:
                return $"{described}: one unchanged dose throughout" +
                    (undated > 0 ? $", but {undated} other {member} record(s) have no start date" : string.Empty);
        }
    }

    private NodeResult WordStableResult(DateWindow w, Truth truth, bool any, List<(Truth Truth, string Text)> results, List<FactUsed> facts)
    {
        string range = $"{Phrase.Date(w.Start)} to {Phrase.Date(w.End)}";
        if (!any)
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
        var shown = results.Where(r => r.Truth == truth).ToList();
        string verdict = truth.IsTrue ? "stable" : truth.IsFalse ? "not stable" : "cannot tell whether stable";
        return new NodeResult(truth, () => $"{concept.Label} from {range} {verdict}: " + string.Join("; ", shown.Select(r => r.Text)))
        {
            Facts = facts,
            Missing = truth.IsUnknown ? new[] { concept.Label + " doses and dates within the last " + window!.Value.ToPhrase() } : Array.Empty<string>(),
        };
    }

    private static bool Covers(ReadOnlySpan<Entry> intervals, DateWindow w)
    {
        DateOnly reached = w.Start.AddDays(-1);
        foreach (var e in intervals)
        {
            if (e.Start > reached.AddDays(1))
            {
                return false;
            }

            if (e.Last > reached)
            {
                reached = e.Last;
            }
        }

        return reached >= w.End;
    }

    /// <summary>Days covered by the union of the intervals (sorted here by start).</summary>
    private static int CoveredDays(Span<Entry> intervals)
    {
        intervals.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        int days = 0;
        DateOnly? reached = null;
        foreach (var e in intervals)
        {
            DateOnly from = reached is { } r && r >= e.Start ? r.AddDays(1) : e.Start;
            if (e.Last >= from)
            {
                days += e.Last.DayNumber - from.DayNumber + 1;
                reached = e.Last;
            }
        }

        return days;
    }

    private const int StackEntries = 32;

    /// <summary>A medication record (its position in the record) as an interval of exposure.</summary>
    private readonly record struct Entry(int Record, DateOnly Start, DateOnly Last);

    /// <summary>Where the explaining path leaves its result.</summary>
    private sealed class Wording
    {
        public NodeResult? Result { get; set; }
    }

    private enum DoseProblem
    {
        None,
        NoDose,
        NotConvertible,
        NoEquivalence,
    }

    private enum Stability
    {
        Stable,
        StableButUndated,
        NotCovered,
        DoseUnknown,
        DoseChanged,
        DoseOutside,
    }

    /// <summary>The medication concept. Read by the SQL back end.</summary>
    internal BoundConcept Concept => concept;

    /// <summary>How exposure is searched. Read by the SQL back end.</summary>
    internal MedicationMode Mode => mode;

    /// <summary>The window of the mode, when it has one. Read by the SQL back end.</summary>
    internal IsoDuration? Window => window;

    /// <summary>The daily dose bounds, if any. Read by the SQL back end.</summary>
    internal Bounds? Dose => dose;

    /// <summary>The unit of the daily dose bounds. Read by the SQL back end.</summary>
    internal string? DoseUnit => doseUnit;

    /// <summary>Whether doses are compared as prednisone equivalents. Read by the SQL back end.</summary>
    internal bool PrednisoneEquivalent => prednisoneEquivalent;

    /// <summary>The minimum total exposure, if any. Read by the SQL back end.</summary>
    internal IsoDuration? LongerThan => longerThan;

    /// <summary>Whether the rule applies only to patients on the drug. Read by the SQL back end.</summary>
    internal bool OnlyIfCurrent => onlyIfCurrent;

    /// <summary>Whether no record means unknown (else false). Read by the SQL back end.</summary>
    internal bool AbsentUnknown => absentUnknown;
}
