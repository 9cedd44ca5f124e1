using Eligibility.Evaluation;
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

    protected override NodeResult Run(EvaluationContext context, Scope scope)
    {
        var answer = context.AnswerFor(scope);
        string what = question ?? "investigator's judgement";
        if (answer is null)
        {
            return new NodeResult(Truth.Unknown, () => $"Needs review: {what} (no assessment recorded for {context.TrialId}/{scope.Id})")
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
        if (validity is { } valid)
        {
            string? expired = answer.Date is not { } given ? "it is undated, so its age cannot be checked"
                : valid.AddTo(given) < context.AsOf ? $"answers are valid for {valid.ToPhrase()}, so it expired on {Phrase.Date(valid.AddTo(given))}"
                : null;
            if (expired is not null)
            {
                return new NodeResult(Truth.Unknown, () => $"Needs review: {what} (the answer '{(answer.Value ? "met" : "not met")}'{by}{when}{Phrase.Source(answer.Source)} no longer counts: {expired})")
                {
                    PendingJudgement = true,
                    Facts = new[] { fact },
                    Questions = new[] { what },
                };
            }
        }

        return NodeResult.Of(
            Truth.From(answer.Value),
            () => $"Assessed{by}{when}{Phrase.Source(answer.Source)}: {what} — {(answer.Value ? "met" : "not met")}",
            new[] { fact });
    }
}
