using Eligibility.Evaluation;

namespace Eligibility.Compilation.Nodes;

/// <summary>
/// A compiled rule: built once from the rule model with every concept, unit factor and window length resolved,
/// then evaluated many times. Immutable, so one instance serves concurrent evaluations.
/// </summary>
internal abstract class RuleNode
{
    protected RuleNode(string kind) => Kind = kind;

    public string Kind { get; }

    public string? Id { get; set; }

    public string? Text { get; set; }

    /// <summary>Whether every leaf beneath is a judgement (nothing computable).</summary>
    public virtual bool IsJudgementOnly => false;

    /// <summary>
    /// Whether some patient record can leave the computable part of this rule unknown (not merely pending judgement).
    /// False only where docs/semantics.md makes it impossible: a closed-world search ("absent means not present") in which
    /// every matching record decides. A safe over-approximation: true unless provably unreachable.
    /// </summary>
    public virtual bool CanBeUnknown => true;

    /// <summary>The nested rules, in order (none for leaves).</summary>
    public virtual System.Collections.Generic.IReadOnlyList<RuleNode> Children => System.Array.Empty<RuleNode>();

    /// <summary>What the rule checks, in English, for clinical review of the encoding.</summary>
    public abstract string Describe();

    /// <summary>Evaluates the rule with explanations, facts and missing data (<see cref="NodeResult"/>).</summary>
    public NodeResult Evaluate(EvaluationContext context)
    {
        var result = Run(context);
        result.Id = Id;
        result.Kind = Kind;
        result.Text = Text;
        return result;
    }

    /// <summary>
    /// The verdict path: the same truth value and pending-judgement flag as <see cref="Evaluate"/>, computed without
    /// explanations, facts, missing lists or closures — allocation-free. Each node shares its deciding logic with
    /// <see cref="Run"/> (the same record selection and comparison helpers), and tests check the two agree.
    /// </summary>
    public abstract Decision Decide(EvaluationContext context);

    protected abstract NodeResult Run(EvaluationContext context);
}
