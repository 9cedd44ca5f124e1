using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Eligibility.Diagnostics;
using Spectre.Console;

namespace Eligibility.Cli.Screening;

/// <summary>
/// The attrition summary of a screen: per trial, counts by verdict (eligible, review, undetermined, ineligible) and, per
/// criterion in protocol order, how many patients it left for review, left unknown or excluded (outcome fail) and how
/// many remain — not failed by it or any criterion before it; plus the error rows; plus the investigator answers no
/// screened criterion can use (ELIG3005-3007); plus the codes in the input that no rule file recognises (one entry per
/// distinct code, so its size grows with the input's vocabulary, not its length).
/// </summary>
internal sealed class ScreenSummary
{
    /// <summary>How many unrecognised codes the text summary shows; the JSON summary lists them all.</summary>
    public const int TopUnrecognised = 20;

    /// <summary>How many answer warnings the summaries quote (positioned lines); all are counted.</summary>
    public const int FirstAnswerWarnings = 5;

    /// <summary>The verdicts in the order every summary lists them.</summary>
    public static readonly Verdict[] VerdictOrder = [Verdict.Eligible, Verdict.Review, Verdict.Undetermined, Verdict.Ineligible];

    /// <summary>The answer warning codes, in the order the summaries count them.</summary>
    public static readonly string[] AnswerCodes = [DiagnosticCodes.AnswerUnknownTrial, DiagnosticCodes.AnswerUnknownCriterion, DiagnosticCodes.AnswerNotJudgement];

    private readonly IReadOnlyList<TrialEvaluator> trials;
    private readonly UnrecognisedCodes? unrecognised;
    private readonly string input;
    private readonly Dictionary<Verdict, int>[] verdicts;
    private readonly Dictionary<string, int[]>[] criteria; // id → [fail, unknown, review]
    private readonly int[][] firstFailure; // per trial: patients whose first failing criterion (protocol order) is k; [n] = none
    private readonly Dictionary<string, int> answerCodes = AnswerCodes.ToDictionary(c => c, _ => 0, StringComparer.Ordinal);
    private readonly List<Diagnostic> firstAnswerWarnings = [];

    /// <param name="trials">The trials screened, in the order given.</param>
    /// <param name="unrecognised">The unrecognised-codes collector, if codes are listed.</param>
    /// <param name="input">The patients input as given (an NDJSON file, a folder, or <c>-</c>): where answer warnings of NDJSON lines point.</param>
    public ScreenSummary(IReadOnlyList<TrialEvaluator> trials, UnrecognisedCodes? unrecognised = null, string input = "-")
    {
        this.trials = trials;
        this.unrecognised = unrecognised;
        this.input = input == "-" ? "<stdin>" : input;
        verdicts = trials.Select(_ => VerdictOrder.ToDictionary(v => v, _ => 0)).ToArray();
        criteria = trials.Select(t => t.Criteria.ToDictionary(c => c.Id, _ => new int[3], StringComparer.Ordinal)).ToArray();
        firstFailure = trials.Select(t => new int[t.Criteria.Count + 1]).ToArray();
    }

    public IReadOnlyList<TrialEvaluator> Trials => trials;

    public int Records { get; private set; }

    public int Evaluated { get; private set; }

    public int ErrorRows { get; private set; }

    public int InternalErrors { get; private set; }

    /// <summary>Records evaluated whose codes could not be added to the unrecognised-codes list (an internal error).</summary>
    public int CodesNotListed { get; private set; }

    /// <summary>Records evaluated whose answers could not be checked (an internal error).</summary>
    public int AnswersNotChecked { get; private set; }

    /// <summary>Investigator answers no screened criterion can use (ELIG3005-3007), over all records.</summary>
    public int AnswerWarnings { get; private set; }

    /// <summary>The first <see cref="FirstAnswerWarnings"/> answer warnings, positioned in the input (file or NDJSON line).</summary>
    public IReadOnlyList<Diagnostic> FirstAnswerWarningLines => firstAnswerWarnings;

    /// <summary>Answer warnings per code (ELIG3005, ELIG3006, ELIG3007).</summary>
    public int AnswerWarningsWith(string code) => answerCodes.GetValueOrDefault(code);

    public void Add(ScreenOutcome outcome)
    {
        Records++;
        if (outcome.CodesNotListed)
        {
            CodesNotListed++;
        }

        if (outcome.AnswersNotChecked)
        {
            AnswersNotChecked++;
        }

        foreach (var warning in outcome.AnswerWarnings)
        {
            AnswerWarnings++;
            answerCodes[warning.Code] = answerCodes.GetValueOrDefault(warning.Code) + 1;
            if (firstAnswerWarnings.Count < FirstAnswerWarnings)
            {
                firstAnswerWarnings.Add(InInput(warning, outcome.Item));
            }
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
            verdicts[t][result.Verdict] = verdicts[t].GetValueOrDefault(result.Verdict) + 1;
            firstFailure[t][FirstFailure(trials[t], result)]++;
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

    public int Count(int trial, Verdict verdict) => verdicts[trial].GetValueOrDefault(verdict);

    public (int Excluded, int Unknown, int Review) Count(int trial, string criterionId)
    {
        var row = criteria[trial][criterionId];
        return (row[0], row[1], row[2]);
    }

    /// <summary>
    /// The funnel: patients evaluated that no criterion among the first <paramref name="k"/> of the trial's criteria in
    /// protocol order (inclusion, then exclusion, each in file order) failed; <c>Remaining(t, 0)</c> is every patient
    /// evaluated and <c>Remaining(t, n)</c> those no criterion failed (eligible, review and undetermined).
    /// </summary>
    public int Remaining(int trial, int k)
    {
        int failed = 0;
        for (int i = 0; i < k && i < firstFailure[trial].Length - 1; i++)
        {
            failed += firstFailure[trial][i];
        }

        return Evaluated - failed;
    }

    /// <summary>"eligible 3, review 1, undetermined 2, ineligible 4".</summary>
    public string VerdictCounts(int trial) =>
        string.Join(", ", VerdictOrder.Select(v => ResultJson.Name(v) + " " + Count(trial, v).ToString(CultureInfo.InvariantCulture)));

    /// <summary>The index, in the trial's protocol order, of the first criterion the result fails; the criteria count when none fails.</summary>
    private static int FirstFailure(TrialEvaluator trial, EvaluationResult result)
    {
        // A result lists the criteria in the trial's order (inclusion first, each in file order): compare by position,
        // falling back to the IDs should the two ever differ.
        var criteria = trial.Criteria;
        var results = result.Criteria;
        for (int i = 0; i < results.Count; i++)
        {
            if (results[i].Outcome != Outcome.Fail)
            {
                continue;
            }

            if (i < criteria.Count && string.Equals(criteria[i].Id, results[i].Id, StringComparison.Ordinal))
            {
                return i;
            }

            for (int k = 0; k < criteria.Count; k++)
            {
                if (results.Any(r => r.Outcome == Outcome.Fail && string.Equals(r.Id, criteria[k].Id, StringComparison.Ordinal)))
                {
                    return k;
                }
            }

            return criteria.Count;
        }

        return criteria.Count;
    }

    /// <summary>A warning about a record, positioned in the input: an NDJSON line's position is its line in the file.</summary>
    private Diagnostic InInput(Diagnostic d, ScreenItem item) => item.File is not null
        ? d with { File = d.File ?? item.File }
        : d with { File = input, Line = d.Line > 0 ? item.Line + d.Line - 1 : item.Line, Column = d.Line > 0 ? d.Column : 1 };

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
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {VerdictCounts(t)}, error rows {ErrorRows}"));
            var table = new Table().Border(TableBorder.Rounded);
            table.AddColumn("Criterion");
            table.AddColumn("Type");
            table.AddColumn(new TableColumn("Review").RightAligned());
            table.AddColumn(new TableColumn("Unknown").RightAligned());
            table.AddColumn(new TableColumn("Excluded (fail)").RightAligned());
            table.AddColumn(new TableColumn("Remaining").RightAligned());
            for (int k = 0; k < trials[t].Criteria.Count; k++)
            {
                var c = trials[t].Criteria[k];
                var (excluded, unknown, review) = Count(t, c.Id);
                table.AddRow(
                    Markup.Escape(c.Id),
                    c.Type == CriterionType.Inclusion ? "incl" : "excl",
                    review.ToString(CultureInfo.InvariantCulture),
                    unknown.ToString(CultureInfo.InvariantCulture),
                    excluded.ToString(CultureInfo.InvariantCulture),
                    Remaining(t, k + 1).ToString(CultureInfo.InvariantCulture));
            }

            console.Write(table);
        }

        WriteAnswerWarnings(console);
        WriteUnrecognised(console);
    }

    /// <summary>
    /// "Answer warnings: none." or the count, by code, and the first few positioned lines — written as plain lines, never
    /// wrapped, so editors and problem matchers read them like any MSBuild-style diagnostic.
    /// </summary>
    private void WriteAnswerWarnings(IAnsiConsole console)
    {
        var writer = console.Profile.Out.Writer;
        writer.WriteLine();
        if (AnswerWarnings == 0)
        {
            writer.WriteLine("Answer warnings: none. Every investigator's answer names a judgement of a screened trial.");
            return;
        }

        string codes = string.Join(", ", AnswerCodes.Where(c => AnswerWarningsWith(c) > 0)
            .Select(c => c + " " + AnswerWarningsWith(c).ToString(CultureInfo.InvariantCulture)));
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Answer warnings: {AnswerWarnings} answer(s) named a trial or criterion that does not exist, or a computed part, and were not used ({codes}). The first {firstAnswerWarnings.Count}:"));
        foreach (var d in firstAnswerWarnings)
        {
            writer.WriteLine("  " + d);
        }
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
                foreach (var verdict in VerdictOrder)
                {
                    w.WriteNumber(ResultJson.Name(verdict), Count(t, verdict));
                }

                w.WriteEndObject();
                w.WriteStartArray("criteria");
                for (int k = 0; k < trials[t].Criteria.Count; k++)
                {
                    var c = trials[t].Criteria[k];
                    var (excluded, unknown, review) = Count(t, c.Id);
                    w.WriteStartObject();
                    w.WriteString("id", c.Id);
                    w.WriteString("type", c.Type == CriterionType.Inclusion ? "inclusion" : "exclusion");
                    w.WriteNumber("review", review);
                    w.WriteNumber("unknown", unknown);
                    w.WriteNumber("excluded", excluded);
                    w.WriteNumber("remaining", Remaining(t, k + 1));
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("answerWarnings");
            w.WriteNumber("count", AnswerWarnings);
            w.WriteStartObject("codes");
            foreach (string code in AnswerCodes)
            {
                w.WriteNumber(code, AnswerWarningsWith(code));
            }

            w.WriteEndObject();
            w.WriteStartArray("first");
            foreach (var d in firstAnswerWarnings)
            {
                w.WriteStringValue(d.ToString());
            }

            w.WriteEndArray();
            w.WriteEndObject();
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
