using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace Eligibility.Cli.Screening;

/// <summary>
/// The attrition summary of a screen: per trial, counts by verdict and, per criterion, how many patients it excluded
/// (outcome fail), left unknown or left for review; plus the error rows; plus the codes in the input that no rule file
/// recognises (one entry per distinct code, so its size grows with the input's vocabulary, not its length).
/// </summary>
internal sealed class ScreenSummary
{
    /// <summary>How many unrecognised codes the text summary shows; the JSON summary lists them all.</summary>
    public const int TopUnrecognised = 20;

    private readonly IReadOnlyList<TrialEvaluator> trials;
    private readonly UnrecognisedCodes? unrecognised;
    private readonly Dictionary<Verdict, int>[] verdicts;
    private readonly Dictionary<string, int[]>[] criteria; // id → [fail, unknown, review]

    public ScreenSummary(IReadOnlyList<TrialEvaluator> trials, UnrecognisedCodes? unrecognised = null)
    {
        this.trials = trials;
        this.unrecognised = unrecognised;
        verdicts = trials.Select(_ => new Dictionary<Verdict, int> { [Verdict.Eligible] = 0, [Verdict.Ineligible] = 0, [Verdict.Undetermined] = 0 }).ToArray();
        criteria = trials.Select(t => t.Criteria.ToDictionary(c => c.Id, _ => new int[3], StringComparer.Ordinal)).ToArray();
    }

    public int Records { get; private set; }

    public int Evaluated { get; private set; }

    public int ErrorRows { get; private set; }

    public int InternalErrors { get; private set; }

    /// <summary>Records evaluated whose codes could not be added to the unrecognised-codes list (an internal error).</summary>
    public int CodesNotListed { get; private set; }

    public void Add(ScreenOutcome outcome)
    {
        Records++;
        if (outcome.CodesNotListed)
        {
            CodesNotListed++;
        }

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

        WriteUnrecognised(console);
    }

    /// <summary>
    /// Writes the summary as JSON (for scripts): the counts, per trial the verdicts and the attrition table, and every
    /// unrecognised code. Deterministic for the same input: no timings.
    /// </summary>
    public string ToJson(int blankLines, string? terminology)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, ResultJson.Options(indented: true)))
        {
            w.WriteStartObject();
            w.WriteNumber("records", Records);
            w.WriteNumber("evaluated", Evaluated);
            w.WriteNumber("errorRows", ErrorRows);
            w.WriteNumber("internalErrors", InternalErrors);
            w.WriteNumber("blankLines", blankLines);
            if (terminology is null)
            {
                w.WriteNull("terminology");
            }
            else
            {
                w.WriteString("terminology", terminology);
            }

            w.WriteStartArray("trials");
            for (int t = 0; t < trials.Count; t++)
            {
                w.WriteStartObject();
                w.WriteString("trial", trials[t].Trial.Id);
                w.WriteString("title", trials[t].Trial.Title);
                w.WriteStartObject("verdicts");
                foreach (var verdict in new[] { Verdict.Eligible, Verdict.Ineligible, Verdict.Undetermined })
                {
                    w.WriteNumber(ResultJson.Name(verdict), Count(t, verdict));
                }

                w.WriteEndObject();
                w.WriteStartArray("criteria");
                foreach (var c in trials[t].Criteria)
                {
                    var (excluded, unknown, review) = Count(t, c.Id);
                    w.WriteStartObject();
                    w.WriteString("id", c.Id);
                    w.WriteString("type", c.Type == CriterionType.Inclusion ? "inclusion" : "exclusion");
                    w.WriteNumber("excluded", excluded);
                    w.WriteNumber("unknown", unknown);
                    w.WriteNumber("review", review);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("unrecognisedCodes");
            foreach (var code in Unrecognised())
            {
                w.WriteStartObject();
                w.WriteString("system", code.System);
                w.WriteString("code", code.Code);
                if (code.Display is null)
                {
                    w.WriteNull("display");
                }
                else
                {
                    w.WriteString("display", code.Display);
                }

                w.WriteString("kind", code.Kind);
                w.WriteNumber("patients", code.Patients);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>The unrecognised codes, most patients first (empty when none were collected).</summary>
    public IReadOnlyList<UnrecognisedCode> Unrecognised() => unrecognised?.ToList() ?? [];

    /// <summary>The top <see cref="TopUnrecognised"/> unrecognised codes as a table, then "… and N more".</summary>
    private void WriteUnrecognised(IAnsiConsole console)
    {
        if (unrecognised is null)
        {
            return;
        }

        var codes = Unrecognised();
        console.WriteLine();
        if (codes.Count == 0)
        {
            console.WriteLine("Unrecognised codes: none. Every coded record in the input matches a concept of a rule file.");
            return;
        }

        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Unrecognised codes: {codes.Count} code(s) in the input match no concept of any rule file:"));
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("System");
        table.AddColumn("Code");
        table.AddColumn("Display");
        table.AddColumn("Kind");
        table.AddColumn(new TableColumn("Patients").RightAligned());
        foreach (var code in codes.Take(TopUnrecognised))
        {
            table.AddRow(
                Markup.Escape(code.System),
                Markup.Escape(code.Code),
                Markup.Escape(code.Display ?? string.Empty),
                code.Kind,
                code.Patients.ToString(CultureInfo.InvariantCulture));
        }

        console.Write(table);
        if (codes.Count > TopUnrecognised)
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"… and {codes.Count - TopUnrecognised} more (--summary FILE lists them all)"));
        }
    }
}
