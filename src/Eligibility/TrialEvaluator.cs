using System;
using System.Collections.Generic;
using System.Linq;
using Eligibility.Binding;
using Eligibility.Compilation;
using Eligibility.Evaluation;
using Eligibility.Model;
using Eligibility.Patients;

namespace Eligibility;

/// <summary>
/// A compiled trial: built once by <see cref="RuleCompiler"/>, then evaluated against any number of patients.
/// Immutable and thread-safe; evaluation reads no clock and no global state — the as-of date is an input.
/// </summary>
public sealed class TrialEvaluator
{
    private readonly IReadOnlyList<CompiledCriterion> criteria;
    private readonly CodeMatcher recognised;
    private readonly HashSet<string> targets = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> judgementTargets = new(StringComparer.OrdinalIgnoreCase);

    internal TrialEvaluator(TrialInfo trial, IReadOnlyList<CompiledCriterion> criteria, IEnumerable<BoundConcept>? concepts = null)
    {
        Trial = trial;
        // Every code any concept binds (expanded), in one frozen set: "does this trial know this code?" is one lookup.
        recognised = new CodeMatcher();
        foreach (var concept in concepts ?? Array.Empty<BoundConcept>())
        {
            foreach (var (system, code, _) in concept.Matcher.Entries())
            {
                recognised.Add(system, code, concept.Name);
            }
        }

        recognised.Freeze();
        foreach (var c in criteria)
        {
            IndexTargets(c.Info.Id, c.Rule);
        }
        // Inclusion first, then exclusion, each in file order (docs/cli.md).
        this.criteria = criteria.Where(c => c.Info.Type == CriterionType.Inclusion)
            .Concat(criteria.Where(c => c.Info.Type == CriterionType.Exclusion)).ToList();
        Criteria = this.criteria.Select(c => c.Info).ToList();
    }

    /// <summary>The trial's metadata.</summary>
    public TrialInfo Trial { get; }

    /// <summary>The criteria, inclusion first, in file order, with a description of what each checks.</summary>
    public IReadOnlyList<CriterionInfo> Criteria { get; }

    /// <summary>Whether the criterion or nested part ID exists (case-insensitive, as answers are matched).</summary>
    internal bool HasTarget(string id) => targets.Contains(id);

    /// <summary>Whether an answer to this criterion or part can decide something: a judgement lies beneath it.</summary>
    internal bool HasJudgementAt(string id) => judgementTargets.Contains(id);

    /// <summary>Records every criterion and part ID, and which have a judgement beneath; returns whether this node does.</summary>
    private bool IndexTargets(string? id, Compilation.Nodes.RuleNode node)
    {
        bool judgement = node is Compilation.Nodes.JudgementNode;
        foreach (var child in node.Children)
        {
            judgement |= IndexTargets(child.Id, child);
        }

        if (id is not null)
        {
            targets.Add(id);
            if (judgement)
            {
                judgementTargets.Add(id);
            }
        }

        return judgement;
    }

    /// <summary>
    /// Whether any concept of this trial's rule file matches the coding (after expansion: descendants, value sets, lock
    /// file; ICD-10 and ATC by prefix). Thread-safe.
    /// </summary>
    /// <param name="coding">A code from a patient record.</param>
    /// <returns><c>true</c> when some concept binds it.</returns>
    public bool Recognises(Coding coding)
    {
        ArgumentNullException.ThrowIfNull(coding);
        return recognised.Match(coding) is not null;
    }

    /// <summary>The earliest as-of date <see cref="Evaluate"/> accepts: 1900-01-01. Patient records and example cases
    /// with an earlier <c>asOf</c> are refused when read.</summary>
    public static DateOnly EarliestAsOf { get; } = new(1900, 1, 1);

    /// <summary>The latest as-of date <see cref="Evaluate"/> accepts: 2999-12-31.</summary>
    public static DateOnly LatestAsOf { get; } = new(2999, 12, 31);

    /// <summary>Whether <paramref name="asOf"/> lies within <see cref="EarliestAsOf"/>..<see cref="LatestAsOf"/>.</summary>
    /// <param name="asOf">A screening date.</param>
    /// <returns><c>true</c> when <see cref="Evaluate"/> accepts it.</returns>
    public static bool IsValidAsOf(DateOnly asOf) => asOf >= EarliestAsOf && asOf <= LatestAsOf;

    /// <summary>Evaluates every criterion for the patient as of <paramref name="asOf"/>.</summary>
    /// <param name="patient">The patient record.</param>
    /// <param name="asOf">The screening date: data after it is ignored, windows end on it. It must lie within
    /// <see cref="EarliestAsOf"/>..<see cref="LatestAsOf"/> (<see cref="IsValidAsOf"/>).</param>
    /// <returns>The verdict and per-criterion results.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="asOf"/> is outside the accepted range.</exception>
    public EvaluationResult Evaluate(PatientRecord patient, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(patient);
        if (!IsValidAsOf(asOf))
        {
            throw new ArgumentOutOfRangeException(nameof(asOf), asOf, $"the as-of date must lie between {EarliestAsOf:yyyy-MM-dd} and {LatestAsOf:yyyy-MM-dd}");
        }

        var context = new EvaluationContext(patient, asOf, Trial.Id);
        var results = new List<CriterionResult>(criteria.Count);
        foreach (var c in criteria)
        {
            var node = c.Rule.Evaluate(context, new Scope(c.Info.Id, null));
            results.Add(ToResult(node, c.Info.Type, c.Info.Id, c.Info.Text));
        }

        Verdict verdict = results.Any(r => r.Outcome == Outcome.Fail) ? Verdict.Ineligible
            : results.Any(r => r.Outcome == Outcome.Unknown) ? Verdict.Undetermined
            : results.Any(r => r.Outcome == Outcome.Review) ? Verdict.Review
            : Verdict.Eligible;
        return new EvaluationResult
        {
            TrialId = Trial.Id,
            PatientId = patient.Id,
            AsOf = asOf,
            Verdict = verdict,
            Criteria = results,
            NeedsReview = results.Where(r => r.Outcome == Outcome.Review).Select(r => r.Id!).ToList(),
            Missing = results.Where(r => r.Outcome == Outcome.Unknown).SelectMany(r => r.Missing).Distinct(StringComparer.Ordinal).ToList(),
            Questions = results.Where(r => r.Outcome == Outcome.Review).SelectMany(r => r.Questions).Distinct(StringComparer.Ordinal).ToList(),
        };
    }

    /// <summary>docs/semantics.md: inclusion true ⇒ pass, false ⇒ fail; exclusion the reverse; unknown ⇒ review when only judgement is pending.</summary>
    internal static Outcome OutcomeOf(Truth truth, CriterionType type, bool pendingJudgement)
    {
        if (truth.IsUnknown)
        {
            return pendingJudgement ? Outcome.Review : Outcome.Unknown;
        }

        return truth.IsTrue == (type == CriterionType.Inclusion) ? Outcome.Pass : Outcome.Fail;
    }

    /// <param name="node">The node's result.</param>
    /// <param name="type">The criterion's type (reported on every part).</param>
    /// <param name="id">The criterion or part ID.</param>
    /// <param name="text">The source wording.</param>
    /// <param name="negated">
    /// Whether an odd number of <c>not</c>s lie above: a part's outcome says what it does for the criterion, so under a
    /// <c>not</c> in an inclusion ("not pregnant") a false "pregnant" part passes.
    /// </param>
    private static CriterionResult ToResult(NodeResult node, CriterionType type, string? id, string? text, bool negated = false)
    {
        var effective = negated ? (type == CriterionType.Inclusion ? CriterionType.Exclusion : CriterionType.Inclusion) : type;
        bool childrenNegated = node.Kind == "not" ? !negated : negated;
        return new CriterionResult
        {
            Id = id,
            Type = type,
            Kind = node.Kind,
            Text = text,
            Outcome = OutcomeOf(node.Truth, effective, node.PendingJudgement),
            Truth = node.Truth,
            Node = node,
            Facts = node.Facts,
            Missing = node.Missing,
            Questions = node.Questions,
            Parts = node.Parts.Select(p => ToResult(p, type, p.Id, p.Text, childrenNegated)).ToList(),
        };
    }
}
