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
            CanBeUnknown = rule.CanBeUnknown,
            PartIds = PartIdsOf(rule),
        };
        Rule = rule;
    }

    public CriterionInfo Info { get; }

    public RuleNode Rule { get; }

    private static System.Collections.Generic.List<string> PartIdsOf(RuleNode rule)
    {
        var ids = new System.Collections.Generic.List<string>();
        void Walk(RuleNode node)
        {
            foreach (var child in node.Children)
            {
                if (child.Id is { } id)
                {
                    ids.Add(id);
                }

                Walk(child);
            }
        }

        Walk(rule);
        return ids;
    }
}
