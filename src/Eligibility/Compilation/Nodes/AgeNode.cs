using System.Globalization;
using Eligibility.Evaluation;
using Eligibility.Explanation;
using Eligibility.Model;

namespace Eligibility.Compilation.Nodes;

/// <summary>Age in completed years at as-of against literal bounds.</summary>
internal sealed class AgeNode : RuleNode
{
    private readonly Bounds bounds;

    public AgeNode(Bounds bounds)
        : base("age") => this.bounds = bounds;

    public override string Describe() => "age " + Phrase.Symbols(bounds, "years") + " at the as-of date";

    protected override NodeResult Run(EvaluationContext context, Scope scope)
    {
        if (context.Patient.BirthDate is not { } birth)
        {
            return NodeResult.Unknown("Age unknown: no birth date recorded", "birth date");
        }

        int age = context.AgeAt(context.AsOf)!.Value;
        bool ok = Phrase.Satisfies(bounds, age);
        var fact = new FactUsed { Concept = "age", Value = age, Unit = "a", Date = birth, Detail = "born " + Phrase.Date(birth) };
        return NodeResult.Of(
            Truth.From(ok),
            string.Create(CultureInfo.InvariantCulture, $"Age {age} (born {Phrase.Date(birth)}) on {Phrase.Date(context.AsOf)} is {(ok ? string.Empty : "not ")}{Phrase.Bounds(bounds, "years")}"),
            new[] { fact });
    }
}
