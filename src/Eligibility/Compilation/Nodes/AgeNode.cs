using System.Globalization;
using Eligibility.Evaluation;
using Eligibility.Explanation;
using Eligibility.Model;

namespace Eligibility.Compilation.Nodes;

/// <summary>
/// Age as it is spoken, against literal bounds: a person is N from the Nth birthday until the day before the next, so
/// <c>gte</c>, <c>lte</c> and <c>lt</c> compare completed years, while <c>gt N</c> ("older than N") holds from the day
/// after the Nth birthday — an 18½-year-old is "> 18".
/// </summary>
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
        string spoken = string.Empty;
        if (!ok && bounds.Gt is { } gt && gt == decimal.Truncate(gt) && age == gt && !IsBirthday(birth, context.AsOf)
            && Phrase.Satisfies(bounds with { Gt = null }, age))
        {
            // "> 18" holds on any day after the 18th birthday, though the completed years are still 18.
            ok = true;
            spoken = string.Create(CultureInfo.InvariantCulture, $" (older than {gt} from the day after the {Phrase.Number(gt)}th birthday)");
        }
        var fact = new FactUsed { Concept = "age", Value = age, Unit = "a", Date = birth, Detail = "born " + Phrase.Date(birth) };
        return NodeResult.Of(
            Truth.From(ok),
            () => string.Create(CultureInfo.InvariantCulture, $"Age {age} (born {Phrase.Date(birth)}) on {Phrase.Date(context.AsOf)} is {(ok ? string.Empty : "not ")}{Phrase.Bounds(bounds, "years")}{spoken}"),
            new[] { fact });
    }

    private static bool IsBirthday(System.DateOnly birth, System.DateOnly on) => Eligibility.Time.Age.InYears(birth, on) != Eligibility.Time.Age.InYears(birth, on.AddDays(-1));
}
