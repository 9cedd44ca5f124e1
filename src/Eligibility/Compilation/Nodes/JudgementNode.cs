using Eligibility.Evaluation;
using Eligibility.Patients;
using Eligibility.Explanation;
using Eligibility.Time;

namespace Eligibility.Compilation.Nodes;

/// <summary>
/// A judgement item (consent, investigator opinion, …): unknown — outcome review — unless an assessment answers it
/// (docs/semantics.md). The innermost enclosing ID with an answer wins; the latest answer on or before as-of counts; an
/// answer older than the criterion's answer validity counts as unanswered, and the explanation says it expired.
/// </summary>
internal sealed class JudgementNode : RuleNode
{
    private readonly string? question;
    private readonly IsoDuration? validity;

    public JudgementNode(string? question, IsoDuration? validity = null)
        : base("judgement")
    {
        this.question = question;
        this.validity = validity;
    }

    public override bool IsJudgementOnly => true;

    /// <summary>An unanswered judgement is pending review, never unknown in the computable sense.</summary>
    public override bool CanBeUnknown => false;

    public override string Describe() =>
        "judgement: " + (question ?? "investigator's assessment") + (validity is { } v ? $" (answers valid for {v.ToPhrase()})" : string.Empty);

    /// <summary>
    /// The IDs that enclose this judgement, innermost first, ending at the criterion: an answer to any of them counts, the
    /// innermost winning. Fixed when the trial's evaluator is built (the tree is static).
    /// </summary>
    internal string[] ScopeIds { get; private set; } = System.Array.Empty<string>();

    /// <summary>Sets <see cref="ScopeIds"/>; called once per node while the evaluator is built, before any evaluation.</summary>
    internal void SetScope(string[] scopeIds) => ScopeIds = scopeIds;

    public override Decision Decide(EvaluationContext context)
    {
        var answer = context.AnswerFor(ScopeIds);
        return answer is null || ExpiryOf(answer, context.AsOf) != Expiry.Valid
            ? new Decision(Truth.Unknown, PendingJudgement: true)
            : Decision.Of(answer.Value);
    }

    /// <summary>Whether an answer still counts: always without a validity; else undated or older than it does not.</summary>
    private Expiry ExpiryOf(Assessment answer, System.DateOnly asOf) =>
        validity is not { } valid ? Expiry.Valid
        : answer.Date is not { } given ? Expiry.Undated
        : valid.AddTo(given) < asOf ? Expiry.Expired
        : Expiry.Valid;

    protected override NodeResult Run(EvaluationContext context)
    {
        var answer = context.AnswerFor(ScopeIds);
        string what = question ?? "investigator's judgement";
        if (answer is null)
        {
            return new NodeResult(Truth.Unknown, () => $"Needs review: {what} (no assessment recorded for {context.TrialId}/{ScopeIds[0]})")
            {
                PendingJudgement = true,
                Questions = new[] { what },
            };
        }

        string when = answer.Date is { } d ? " on " + Phrase.Date(d) : string.Empty;
        string by = answer.By is null ? string.Empty : " by " + answer.By;
        var fact = new FactUsed
        {
            Concept = "assessment",
            Date = answer.Date,
            Source = answer.Source,
            Detail = (answer.Value ? "met" : "not met") + by + when,
        };
        var expiry = ExpiryOf(answer, context.AsOf);
        if (expiry != Expiry.Valid && validity is { } valid)
        {
            string expired = expiry == Expiry.Undated ? "it is undated, so its age cannot be checked"
                : $"answers are valid for {valid.ToPhrase()}, so it expired on {Phrase.Date(valid.AddTo(answer.Date!.Value))}";
            return new NodeResult(Truth.Unknown, () => $"Needs review: {what} (the answer '{(answer.Value ? "met" : "not met")}'{by}{when}{Phrase.Source(answer.Source)} no longer counts: {expired})")
            {
                PendingJudgement = true,
                Facts = new[] { fact },
                Questions = new[] { what },
            };
        }

        return NodeResult.Of(
            Truth.From(answer.Value),
            () => $"Assessed{by}{when}{Phrase.Source(answer.Source)}: {what} — {(answer.Value ? "met" : "not met")}",
            new[] { fact });
    }

    private enum Expiry
    {
        Valid,
        Undated,
        Expired,
    }

    /// <summary>How long an answer stays valid, when limited. Read by the SQL back end.</summary>
    internal IsoDuration? Validity => validity;
}
