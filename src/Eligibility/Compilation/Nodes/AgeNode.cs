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
    private readonly Bounds otherBounds; // the bounds without "gt", made once

    public AgeNode(Bounds bounds)
        : base("age")
    {
        this.bounds = bounds;
        otherBounds = bounds with { Gt = null };
    }

    public override string Describe() => "age " + Phrase.Symbols(bounds, "years") + " at the as-of date";

    protected override NodeResult Run(EvaluationContext context)
    {
        if (context.Patient.BirthDate is not { } birth)
        {
            return NodeResult.Unknown("Age unknown: no birth date recorded", "birth date");
        }

        int age = context.AgeAt(context.AsOf)!.Value;
        bool ok = Satisfied(birth, context.AsOf, age, out bool olderThan);
        string spoken = olderThan && bounds.Gt is { } gt
            ? string.Create(CultureInfo.InvariantCulture, $" (older than {gt} from the day after the {Phrase.Number(gt)}th birthday)")
            : string.Empty;
        var fact = new FactUsed { Concept = "age", Value = age, Unit = "a", Date = birth, Detail = "born " + Phrase.Date(birth) };
        return NodeResult.Of(
            Truth.From(ok),
            () => string.Create(CultureInfo.InvariantCulture, $"Age {age} (born {Phrase.Date(birth)}) on {Phrase.Date(context.AsOf)} is {(ok ? string.Empty : "not ")}{Phrase.Bounds(bounds, "years")}{spoken}"),
            new[] { fact });
    }

    public override Decision Decide(EvaluationContext context) =>
        context.Patient.BirthDate is { } birth ? Decision.Of(Satisfied(birth, context.AsOf, context.AgeAt(context.AsOf)!.Value, out _)) : Decision.Unknown;

    /// <summary>Whether the age meets the bounds; <paramref name="olderThan"/> when only "> N" read as spoken makes it.</summary>
    private bool Satisfied(System.DateOnly birth, System.DateOnly asOf, int age, out bool olderThan)
    {
        olderThan = false;
        if (Phrase.Satisfies(bounds, age))
        {
            return true;
        }

        if (bounds.Gt is { } gt && gt == decimal.Truncate(gt) && age == gt && !IsBirthday(birth, asOf)
            && Phrase.Satisfies(otherBounds, age))
        {
            // "> 18" holds on any day after the 18th birthday, though the completed years are still 18.
            olderThan = true;
            return true;
        }

        return false;
    }

    private static bool IsBirthday(System.DateOnly birth, System.DateOnly on) => Eligibility.Time.Age.InYears(birth, on) != Eligibility.Time.Age.InYears(birth, on.AddDays(-1));

    /// <summary>The age bounds. Read by the SQL back end.</summary>
    internal Bounds Bounds => bounds;
}
