using Eligibility.Evaluation;
using Eligibility.Explanation;

namespace Eligibility.Compilation.Nodes;

/// <summary>
/// A judgement item (consent, investigator opinion, …): unknown — outcome review — unless an assessment answers it
/// (docs/semantics.md). The innermost enclosing ID with an answer wins; the latest answer on or before as-of counts.
/// </summary>
internal sealed class JudgementNode : RuleNode
{
    private readonly string? question;

    public JudgementNode(string? question)
        : base("judgement") => this.question = question;

    public override bool IsJudgementOnly => true;

    /// <summary>An unanswered judgement is pending review, never unknown in the computable sense.</summary>
    public override bool CanBeUnknown => false;

    public override string Describe() => "judgement: " + (question ?? "investigator's assessment");

    protected override NodeResult Run(EvaluationContext context, Scope scope)
    {
        var answer = context.AnswerFor(scope);
        string what = question ?? "investigator's judgement";
        if (answer is null)
        {
            return new NodeResult(Truth.Unknown, $"Needs review: {what} (no assessment recorded for {context.TrialId}/{scope.Id})")
            {
                PendingJudgement = true,
            };
        }

        string when = answer.Date is { } d ? " on " + Phrase.Date(d) : string.Empty;
        string by = answer.By is null ? string.Empty : " by " + answer.By;
        return NodeResult.Of(
            Truth.From(answer.Value),
            $"Assessed{by}{when}{Phrase.Source(answer.Source)}: {what} — {(answer.Value ? "met" : "not met")}");
    }
}
