using System;
using System.Collections.Generic;
using System.Linq;
using Eligibility.Binding;
using Eligibility.Compilation;
using Eligibility.Compilation.Nodes;
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

    // The criteria's rules and types in criteria order, as arrays: the verdict path reads them without interface calls.
    private readonly RuleNode[] rules;
    private readonly CriterionType[] types;
    private readonly CodeMatcher recognised;
    private readonly HashSet<string> targets = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> judgementTargets = new(StringComparer.OrdinalIgnoreCase);

    internal TrialEvaluator(TrialInfo trial, IReadOnlyList<CompiledCriterion> criteria, IEnumerable<BoundConcept>? concepts = null)
    {
        Trial = trial;
        // Every code any concept binds (expanded), in one frozen set: "does this trial know this code?" is one lookup.
        recognised = new CodeMatcher();
        var bound = concepts?.ToList() ?? [];
        foreach (var concept in bound)
        {
            foreach (var (system, code, _) in concept.Matcher.Entries())
            {
                recognised.Add(system, code, concept.Name);
            }
        }

        recognised.Freeze();

        // Each concept's matcher gets a slot in the trial's code table, so a patient index resolves the trial's concepts
        // in one pass over the patient's codes (PatientIndex), the first time this trial asks about the patient.
        Codes = CodeTable.Over(bound.Select(c => c.Matcher));
        foreach (var c in criteria)
        {
            IndexTargets(c.Info.Id, c.Rule);
            SetScopes(c.Rule, new List<string> { c.Info.Id });
        }
        // Inclusion first, then exclusion, each in file order (docs/cli.md).
        this.criteria = criteria.Where(c => c.Info.Type == CriterionType.Inclusion)
            .Concat(criteria.Where(c => c.Info.Type == CriterionType.Exclusion)).ToList();
        Criteria = this.criteria.Select(c => c.Info).ToList();
        rules = this.criteria.Select(c => c.Rule).ToArray();
        types = this.criteria.Select(c => c.Info.Type).ToArray();
    }

    /// <summary>The trial's code table (<c>null</c> when the trial binds no concept).</summary>
    internal CodeTable? Codes { get; }

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
    /// Gives every judgement the IDs enclosing it, innermost first, ending at the criterion: where its answer is looked
    /// up. The tree is static, so this is done once here and evaluation builds no scope.
    /// </summary>
    private static void SetScopes(Compilation.Nodes.RuleNode node, List<string> enclosing)
    {
        if (node.Id is not null)
        {
            enclosing.Add(node.Id);
        }

        if (node is Compilation.Nodes.JudgementNode judgement)
        {
            var ids = enclosing.ToArray();
            Array.Reverse(ids);
            judgement.SetScope(ids);
        }

        foreach (var child in node.Children)
        {
            SetScopes(child, enclosing);
        }

        if (node.Id is not null)
        {
            enclosing.RemoveAt(enclosing.Count - 1);
        }
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

    /// <summary>The earliest as-of date <see cref="Evaluate(PatientRecord, DateOnly)"/> accepts: 1900-01-01. Patient records and example cases
    /// with an earlier <c>asOf</c> are refused when read.</summary>
    public static DateOnly EarliestAsOf { get; } = new(1900, 1, 1);

    /// <summary>The latest as-of date <see cref="Evaluate(PatientRecord, DateOnly)"/> accepts: 2999-12-31.</summary>
    public static DateOnly LatestAsOf { get; } = new(2999, 12, 31);

    /// <summary>Whether <paramref name="asOf"/> lies within <see cref="EarliestAsOf"/>..<see cref="LatestAsOf"/>.</summary>
    /// <param name="asOf">A screening date.</param>
    /// <returns><c>true</c> when <see cref="Evaluate(PatientRecord, DateOnly)"/> accepts it.</returns>
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
        CheckAsOf(asOf);
        return Evaluate(PatientIndex.Build(patient), asOf);
    }

    /// <summary>
    /// Evaluates every criterion for an indexed patient as of <paramref name="asOf"/>: the same results as
    /// <see cref="Evaluate(PatientRecord, DateOnly)"/> on the index's record. Build the index once
    /// (<see cref="PatientIndex.Build"/>) and pass it to every trial the patient is screened against.
    /// </summary>
    /// <param name="patient">The indexed patient record.</param>
    /// <param name="asOf">The screening date: data after it is ignored, windows end on it. It must lie within
    /// <see cref="EarliestAsOf"/>..<see cref="LatestAsOf"/> (<see cref="IsValidAsOf"/>).</param>
    /// <returns>The verdict and per-criterion results.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="asOf"/> is outside the accepted range.</exception>
    public EvaluationResult Evaluate(PatientIndex patient, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(patient);
        CheckAsOf(asOf);
        var context = new EvaluationContext(patient, asOf, Trial.Id);
        var results = new List<CriterionResult>(criteria.Count);
        var tally = default(OutcomeTally);
        foreach (var c in criteria)
        {
            var node = c.Rule.Evaluate(context);
            var result = ToResult(node, c.Info.Type, c.Info.Id, c.Info.Text);
            tally.Add(result.Outcome);
            results.Add(result);
        }

        return new EvaluationResult
        {
            TrialId = Trial.Id,
            PatientId = patient.Record.Id,
            AsOf = asOf,
            Verdict = tally.Verdict,
            Criteria = results,
            NeedsReview = results.Where(r => r.Outcome == Outcome.Review).Select(r => r.Id!).ToList(),
            Missing = results.Where(r => r.Outcome == Outcome.Unknown).SelectMany(r => r.Missing).Distinct(StringComparer.Ordinal).ToList(),
            Questions = results.Where(r => r.Outcome == Outcome.Review).SelectMany(r => r.Questions).Distinct(StringComparer.Ordinal).ToList(),
        };
    }

    /// <summary>
    /// The verdict path: each criterion's outcome, in <see cref="Criteria"/> order, into <paramref name="outcomes"/>, and
    /// the verdict — exactly what <see cref="Evaluate(PatientIndex, DateOnly)"/> gives, computed without explanations,
    /// facts or missing lists. With a prebuilt <see cref="PatientIndex"/> it allocates nothing (rules of the
    /// <c>expression</c> kind excepted).
    /// </summary>
    /// <param name="patient">The indexed patient record (build it once and share it across trials).</param>
    /// <param name="asOf">The screening date, within <see cref="EarliestAsOf"/>..<see cref="LatestAsOf"/>.</param>
    /// <param name="outcomes">Receives one outcome per criterion; its length must be the number of <see cref="Criteria"/>.</param>
    /// <returns>The verdict.</returns>
    /// <exception cref="ArgumentException"><paramref name="outcomes"/> is not as long as <see cref="Criteria"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="asOf"/> is outside the accepted range.</exception>
    public Verdict Decide(PatientIndex patient, DateOnly asOf, Span<Outcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(patient);
        CheckAsOf(asOf);
        var rules = this.rules;
        var types = this.types;
        if (outcomes.Length != rules.Length)
        {
            throw new ArgumentException($"the span has {outcomes.Length} places; the trial has {rules.Length} criteria", nameof(outcomes));
        }

        var context = new EvaluationContext(patient, asOf, Trial.Id);
        var tally = default(OutcomeTally);
        for (int i = 0; i < rules.Length; i++)
        {
            var decision = rules[i].Decide(context);
            var outcome = OutcomeOf(decision.Truth, types[i], decision.PendingJudgement);
            outcomes[i] = outcome;
            tally.Add(outcome);
        }

        return tally.Verdict;
    }

    /// <summary>
    /// The verdict path for a record not yet indexed: indexes it, then <see cref="Decide(PatientIndex, DateOnly, Span{Outcome})"/>.
    /// Screening one patient against several trials, build the <see cref="PatientIndex"/> once instead.
    /// </summary>
    /// <param name="patient">The patient record.</param>
    /// <param name="asOf">The screening date, within <see cref="EarliestAsOf"/>..<see cref="LatestAsOf"/>.</param>
    /// <param name="outcomes">Receives one outcome per criterion; its length must be the number of <see cref="Criteria"/>.</param>
    /// <returns>The verdict.</returns>
    /// <exception cref="ArgumentException"><paramref name="outcomes"/> is not as long as <see cref="Criteria"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="asOf"/> is outside the accepted range.</exception>
    public Verdict Decide(PatientRecord patient, DateOnly asOf, Span<Outcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(patient);
        CheckAsOf(asOf);
        return Decide(PatientIndex.Build(patient), asOf, outcomes);
    }

    private static void CheckAsOf(DateOnly asOf)
    {
        if (!IsValidAsOf(asOf))
        {
            throw new ArgumentOutOfRangeException(nameof(asOf), asOf, $"the as-of date must lie between {EarliestAsOf:yyyy-MM-dd} and {LatestAsOf:yyyy-MM-dd}");
        }
    }

    /// <summary>The verdict from the criteria's outcomes: any fail ⇒ ineligible; else any unknown ⇒ undetermined; else any review ⇒ review; else eligible.</summary>
    private struct OutcomeTally
    {
        private bool fail, unknown, review;

        public void Add(Outcome outcome)
        {
            fail |= outcome == Outcome.Fail;
            unknown |= outcome == Outcome.Unknown;
            review |= outcome == Outcome.Review;
        }

        public readonly Verdict Verdict => fail ? Verdict.Ineligible : unknown ? Verdict.Undetermined : review ? Verdict.Review : Verdict.Eligible;
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

    /// <summary>The compiled criteria, inclusion first, in file order (read by the SQL back end).</summary>
    internal IReadOnlyList<CompiledCriterion> CompiledCriteria => criteria;
}
