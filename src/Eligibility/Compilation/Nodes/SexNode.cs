using System.Collections.Generic;
using System.Linq;
using Eligibility.Evaluation;
using Eligibility.Patients;

namespace Eligibility.Compilation.Nodes;

/// <summary>Administrative sex is one of the listed values; unknown when not recorded.</summary>
internal sealed class SexNode : RuleNode
{
    private readonly HashSet<AdministrativeSex> allowed;
    private readonly string listed;

    public SexNode(IReadOnlyList<AdministrativeSex> allowed, string listed)
        : base("sex")
    {
        this.allowed = allowed.ToHashSet();
        this.listed = listed;
    }

    public override string Describe() => "sex is " + listed;

    public override Decision Decide(EvaluationContext context) =>
        context.Patient.Sex == AdministrativeSex.Unknown ? Decision.Unknown : Decision.Of(allowed.Contains(context.Patient.Sex));

    protected override NodeResult Run(EvaluationContext context)
    {
        var sex = context.Patient.Sex;
        if (sex == AdministrativeSex.Unknown)
        {
            return NodeResult.Unknown("Sex not recorded", "sex");
        }

        bool ok = allowed.Contains(sex);
        string name = sex.ToString().ToLowerInvariant();
        return NodeResult.Of(Truth.From(ok), () => $"Sex {name} is {(ok ? string.Empty : "not ")}{listed}", new[] { new FactUsed { Concept = "sex", Detail = name } });
    }

    /// <summary>The sexes that meet the rule. Read by the SQL back end.</summary>
    internal IReadOnlySet<AdministrativeSex> Allowed => allowed;
}
