using Eligibility.Compilation.Nodes;
using Eligibility.Model;

namespace Eligibility.Compilation;

/// <summary>A criterion with its compiled rule.</summary>
internal sealed class CompiledCriterion
{
    public CompiledCriterion(CriterionModel model, RuleNode rule)
    {
        Info = new CriterionInfo
        {
            Id = model.Id,
            Type = model.Type,
            Text = model.Text,
            Note = model.Note,
            Checks = rule.Describe(),
            IsJudgementOnly = rule.IsJudgementOnly,
        };
        Rule = rule;
    }

    public CriterionInfo Info { get; }

    public RuleNode Rule { get; }
}
