using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Eligibility.Evaluation;
using Eligibility.Explanation;

namespace Eligibility.Compilation.Nodes;

/// <summary><c>all</c>, <c>any</c> and <c>atLeast</c> under Kleene logic (docs/semantics.md).</summary>
internal sealed class CompositeNode : RuleNode
{
    private readonly RuleNode[] parts;
    private readonly int n;

    public CompositeNode(string kind, IReadOnlyList<RuleNode> parts, int n)
        : base(kind)
    {
        this.parts = parts.ToArray();
        this.n = kind switch { "all" => this.parts.Length, "any" => 1, _ => n };
    }

    public override bool IsJudgementOnly => parts.All(p => p.IsJudgementOnly);

    public override bool CanBeUnknown => parts.Any(p => p.CanBeUnknown);

    public override IReadOnlyList<RuleNode> Children => parts;

    public override string Describe()
    {
        string head = Kind switch
        {
            "all" => "all of",
            "any" => "any of",
            _ => string.Create(CultureInfo.InvariantCulture, $"at least {n} of"),
        };
        return head + ": " + string.Join("; ", parts.Select(p => "(" + p.Describe() + ")"));
    }

    public override Decision Decide(EvaluationContext context)
    {
        int trueCount = 0, unknownCount = 0;
        bool allPending = true;
        foreach (var part in parts)
        {
            var d = part.Decide(context);
            if (d.Truth.IsTrue) trueCount++;
            else if (d.Truth.IsUnknown)
            {
                unknownCount++;
                allPending &= d.PendingJudgement;
            }
        }

        Truth truth = Combine(trueCount, unknownCount);
        return new Decision(truth, truth.IsUnknown && allPending);
    }

    /// <summary>At least n true ⇒ true; too few could still be true ⇒ false; else unknown. With n = all / 1 this is Kleene AND / OR.</summary>
    private Truth Combine(int trueCount, int unknownCount) =>
        trueCount >= n ? Truth.True : trueCount + unknownCount < n ? Truth.False : Truth.Unknown;

    protected override NodeResult Run(EvaluationContext context)
    {
        var results = new NodeResult[parts.Length];
        int trueCount = 0, unknownCount = 0;
        for (int i = 0; i < parts.Length; i++)
        {
            results[i] = parts[i].Evaluate(context);
            if (results[i].Truth.IsTrue) trueCount++;
            else if (results[i].Truth.IsUnknown) unknownCount++;
        }

        Truth truth = Combine(trueCount, unknownCount);
        IEnumerable<NodeResult> shown = truth.IsUnknown
            ? results.Where(r => r.Truth.IsUnknown)
            : Kind == "all" && truth.IsFalse ? results.Where(r => r.Truth.IsFalse)
            : Kind == "any" && truth.IsTrue ? results.Where(r => r.Truth.IsTrue)
            : results;
        string summary = Kind == "atLeast"
            ? string.Create(CultureInfo.InvariantCulture, $"{trueCount} of {parts.Length} met, {n} needed") + (truth.IsUnknown ? string.Create(CultureInfo.InvariantCulture, $", {unknownCount} unknown") : string.Empty) + ": "
            : string.Empty;
        var unknowns = results.Where(r => r.Truth.IsUnknown).ToList();
        return new NodeResult(truth, () => summary + Phrase.Join(shown.Select(r => r.Explanation)))
        {
            Parts = results,
            PendingJudgement = truth.IsUnknown && unknowns.All(r => r.PendingJudgement),
            Missing = truth.IsUnknown ? MissingOf(unknowns) : System.Array.Empty<string>(),
            Questions = truth.IsUnknown ? unknowns.SelectMany(r => r.Questions).Distinct().ToList() : System.Array.Empty<string>(),
        };
    }

    /// <summary>
    /// What would decide an unknown result: under <c>all</c> everything the unknown parts lack; under <c>any</c> (and
    /// <c>atLeast</c>) the parts are alternatives, so their needs become one item, "A or B".
    /// </summary>
    private IReadOnlyList<string> MissingOf(List<NodeResult> unknowns)
    {
        if (Kind == "all")
        {
            return unknowns.SelectMany(r => r.Missing).Distinct().ToList();
        }

        var alternatives = unknowns.Where(r => r.Missing.Count > 0).Select(r => string.Join(" and ", r.Missing)).Distinct().ToList();
        return alternatives.Count <= 1 ? alternatives : new[] { string.Join(" or ", alternatives) };
    }

    /// <summary>How many parts must hold (all: every part; any: one). Read by the SQL back end.</summary>
    internal int AtLeast => n;
}
