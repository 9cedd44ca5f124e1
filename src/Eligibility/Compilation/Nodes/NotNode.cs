using Eligibility.Evaluation;

namespace Eligibility.Compilation.Nodes;

/// <summary>Kleene NOT: unknown stays unknown.</summary>
internal sealed class NotNode : RuleNode
{
    private readonly RuleNode part;

    public NotNode(RuleNode part)
        : base("not") => this.part = part;

    public override bool IsJudgementOnly => part.IsJudgementOnly;

    public override bool CanBeUnknown => part.CanBeUnknown;

    public override System.Collections.Generic.IReadOnlyList<RuleNode> Children => new[] { part };

    public override string Describe() => "not (" + part.Describe() + ")";

    public override Decision Decide(EvaluationContext context)
    {
        var inner = part.Decide(context);
        return new Decision(!inner.Truth, inner.PendingJudgement);
    }

    protected override NodeResult Run(EvaluationContext context)
    {
        var inner = part.Evaluate(context);
        return new NodeResult(!inner.Truth, () => inner.Explanation)
        {
            Parts = new[] { inner },
            PendingJudgement = inner.PendingJudgement,
            Missing = inner.Missing,
            Questions = inner.Questions,
        };
    }
}
