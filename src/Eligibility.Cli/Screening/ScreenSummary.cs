using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Spectre.Console;

namespace Eligibility.Cli.Screening;

/// <summary>
/// The attrition summary of a screen: per trial, counts by verdict and, per criterion, how many patients it excluded
/// (outcome fail), left unknown or left for review; plus the error rows. Counts only, so its size does not grow with the input.
/// </summary>
internal sealed class ScreenSummary
{
    private readonly IReadOnlyList<TrialEvaluator> trials;
    private readonly Dictionary<Verdict, int>[] verdicts;
    private readonly Dictionary<string, int[]>[] criteria; // id → [fail, unknown, review]

    public ScreenSummary(IReadOnlyList<TrialEvaluator> trials)
    {
        this.trials = trials;
        verdicts = trials.Select(_ => new Dictionary<Verdict, int> { [Verdict.Eligible] = 0, [Verdict.Ineligible] = 0, [Verdict.Undetermined] = 0 }).ToArray();
        criteria = trials.Select(t => t.Criteria.ToDictionary(c => c.Id, _ => new int[3], StringComparer.Ordinal)).ToArray();
    }

    public int Records { get; private set; }

    public int Evaluated { get; private set; }

    public int ErrorRows { get; private set; }

    public int InternalErrors { get; private set; }

    public void Add(ScreenOutcome outcome)
    {
        Records++;
        if (outcome.IsError)
        {
            ErrorRows++;
            if (outcome.IsInternalError)
            {
                InternalErrors++;
            }

            return;
        }

        Evaluated++;
        for (int t = 0; t < trials.Count; t++)
        {
            var result = outcome.Results[t];
            verdicts[t][result.Verdict]++;
            foreach (var c in result.Criteria)
            {
                if (c.Id is null || !criteria[t].TryGetValue(c.Id, out var row))
                {
                    continue;
                }

                switch (c.Outcome)
                {
                    case Outcome.Fail: row[0]++; break;
                    case Outcome.Unknown: row[1]++; break;
                    case Outcome.Review: row[2]++; break;
                }
            }
        }
    }

    public int Count(int trial, Verdict verdict) => verdicts[trial][verdict];

    public (int Excluded, int Unknown, int Review) Count(int trial, string criterionId)
    {
        var row = criteria[trial][criterionId];
        return (row[0], row[1], row[2]);
    }

    public void Write(IAnsiConsole console, TimeSpan elapsed, int blankLines)
    {
        console.WriteLine();
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Screened {Records} record(s) against {trials.Count} trial(s) in {elapsed.TotalSeconds:0.0} s: {Evaluated} evaluated, {ErrorRows} error row(s)")
            + (blankLines > 0 ? string.Create(CultureInfo.InvariantCulture, $", {blankLines} blank line(s) skipped") : string.Empty) + ".");
        for (int t = 0; t < trials.Count; t++)
        {
            var trial = trials[t].Trial;
            console.WriteLine();
            console.MarkupLine($"[bold]{Markup.Escape(trial.Id)}[/] — {Markup.Escape(trial.Title)}");
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  eligible {Count(t, Verdict.Eligible)}, ineligible {Count(t, Verdict.Ineligible)}, undetermined {Count(t, Verdict.Undetermined)}, error rows {ErrorRows}"));
            var table = new Table().Border(TableBorder.Rounded);
            table.AddColumn("Criterion");
            table.AddColumn("Type");
            table.AddColumn(new TableColumn("Excluded (fail)").RightAligned());
            table.AddColumn(new TableColumn("Unknown").RightAligned());
            table.AddColumn(new TableColumn("Review").RightAligned());
            foreach (var c in trials[t].Criteria)
            {
                var (excluded, unknown, review) = Count(t, c.Id);
                table.AddRow(
                    Markup.Escape(c.Id),
                    c.Type == CriterionType.Inclusion ? "incl" : "excl",
                    excluded.ToString(CultureInfo.InvariantCulture),
                    unknown.ToString(CultureInfo.InvariantCulture),
                    review.ToString(CultureInfo.InvariantCulture));
            }

            console.Write(table);
        }
    }
}
