using System;
using System.Collections.Generic;
using System.Linq;
using Eligibility.Model;

namespace Eligibility.Testing;

/// <summary>
/// Case coverage of one rule file. For every top-level criterion it counts the cases that made it pass, fail, come out
/// unknown or need review. Coverage is the fraction of (computable criterion × {pass, fail, unknown}) cells that at
/// least one case reached; judgement-only criteria (<see cref="CriterionInfo.IsJudgementOnly"/>) are shown but not
/// counted, a criterion that no record can make unknown (<see cref="CriterionInfo.CanBeUnknown"/>) has no unknown cell,
/// and a review outcome covers no cell.
/// </summary>
internal sealed class Coverage
{
    /// <summary>The outcomes whose cells count.</summary>
    public static readonly Outcome[] Cells = [Outcome.Pass, Outcome.Fail, Outcome.Unknown];

    private readonly Dictionary<string, Dictionary<Outcome, int>> counts = new(StringComparer.Ordinal);

    public Coverage(string rulesPath, TrialEvaluator evaluator)
    {
        RulesPath = rulesPath;
        Trial = evaluator.Trial;
        Criteria = evaluator.Criteria;
        foreach (var c in Criteria)
        {
            counts[c.Id] = new Dictionary<Outcome, int> { [Outcome.Pass] = 0, [Outcome.Fail] = 0, [Outcome.Unknown] = 0, [Outcome.Review] = 0 };
        }
    }

    public string RulesPath { get; }

    public TrialInfo Trial { get; }

    public IReadOnlyList<CriterionInfo> Criteria { get; }

    public int Cases { get; private set; }

    public void Add(EvaluationResult result)
    {
        Cases++;
        foreach (var c in result.Criteria)
        {
            if (c.Id is { } id && counts.TryGetValue(id, out var row))
            {
                row[c.Outcome]++;
            }
        }
    }

    public int Count(string id, Outcome outcome) => counts[id][outcome];

    /// <summary>The cells a criterion has: none when judgement only; pass and fail, and unknown where a record can reach it.</summary>
    public static IEnumerable<Outcome> CellsOf(CriterionInfo criterion) =>
        criterion.IsJudgementOnly ? [] : Cells.Where(o => o != Outcome.Unknown || criterion.CanBeUnknown);

    public int TotalCells => Criteria.Sum(c => CellsOf(c).Count());

    public int CoveredCells => Criteria.Sum(c => CellsOf(c).Count(o => counts[c.Id][o] > 0));

    /// <summary>Covered cells as a percentage; 100 when there is nothing computable.</summary>
    public double Percent => TotalCells == 0 ? 100.0 : 100.0 * CoveredCells / TotalCells;

    /// <summary>The criterion's cells that no case reached.</summary>
    public IEnumerable<Outcome> Missing(CriterionInfo criterion) => CellsOf(criterion).Where(o => counts[criterion.Id][o] == 0);

    /// <summary>"INCL01 unknown", … — the cells no case reached, over every criterion.</summary>
    public IEnumerable<string> Gaps() =>
        Criteria.SelectMany(c => Missing(c).Select(o => c.Id + " " + ResultJson.Name(o)));
}
