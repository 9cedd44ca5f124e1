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
    private readonly bool listCodes;
    private readonly string input;
    private readonly Dictionary<Verdict, int>[] verdicts;
    private readonly Dictionary<string, int[]>[] criteria; // id → [fail, unknown, review]
    private readonly int[][] firstFailure; // per trial: patients whose first failing criterion (protocol order) is k; [n] = none
    private readonly Dictionary<string, int> answerCodes = AnswerCodes.ToDictionary(c => c, _ => 0, StringComparer.Ordinal);
    private readonly List<string> firstAnswerWarnings = [];
    private readonly Dictionary<(string Kind, string System, string Code), CodeCount> codes = [];

    /// <param name="trials">The trials screened, in the order given.</param>
    /// <param name="input">The patients input as given (an NDJSON file, a folder, or <c>-</c>): where answer warnings of NDJSON lines point.</param>
    /// <param name="listCodes">Whether the codes no rule file recognises are listed.</param>
    public ScreenSummary(IReadOnlyList<TrialEvaluator> trials, string input = "-", bool listCodes = true)
    {
        this.trials = trials;
        this.listCodes = listCodes;
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

    /// <summary>The first <see cref="FirstAnswerWarnings"/> answer warnings, positioned in the input (file or NDJSON line), as MSBuild-style lines.</summary>
    public IReadOnlyList<string> FirstAnswerWarningLines => firstAnswerWarnings;

    /// <summary>Blank NDJSON lines skipped (set by the command: those before the last record written, or all of them at the end).</summary>
    public int BlankLines { get; set; }

    /// <summary>Why the run ended before every record was screened (interrupted, or the input could not be read on); null when complete.</summary>
    public string? Stopped { get; set; }

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
                firstAnswerWarnings.Add(SafeText.Clean(InInput(warning, outcome.Item).ToString()));
            }
        }

        foreach (var code in outcome.Codes)
        {
            var key = (SafeText.Clean(code.Kind), SafeText.Clean(code.System), SafeText.Clean(code.Code));
            if (codes.TryGetValue(key, out var count))
            {
                count.Patients += code.Patients;
            }
            else
            {
                // In input order: the display kept is the first one in the input, whatever the worker count.
                codes[key] = new CodeCount(SafeText.CleanOrNull(code.Display), code.Patients);
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
            firstFailure[t][FirstFailure(result.Outcomes)]++;
            var list = trials[t].Criteria;
            for (int k = 0; k < result.Outcomes.Length && k < list.Count; k++)
            {
                if (!criteria[t].TryGetValue(list[k].Id, out var row))
                {
                    continue;
                }

                switch (result.Outcomes[k])
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

    /// <summary>The index, in the trial's protocol order, of the first criterion that fails; the criteria count when none
    /// fails. Outcomes are in the trial's criteria order (<see cref="TrialDecision"/>).</summary>
    private static int FirstFailure(Outcome[] outcomes)
    {
        int i = Array.IndexOf(outcomes, Outcome.Fail);
        return i < 0 ? outcomes.Length : i;
    }

    /// <summary>
    /// A warning about a record, positioned in the input: an NDJSON line's position is its line in the file; a Bundle
    /// made from a Bulk FHIR export's lines places it at the line of the resource it is about.
    /// </summary>
    private Diagnostic InInput(Diagnostic d, ScreenItem item) =>
        item.Origin(d) is var (file, line, column) ? new Diagnostic(d.Code, d.Severity, d.Message, file, line, column, d.Pointer)
        : item.File is not null
        ? new Diagnostic(d.Code, d.Severity, d.Message, d.File ?? item.File, d.Line, d.Column, d.Pointer)
        : new Diagnostic(d.Code, d.Severity, d.Message, input, d.Line > 0 ? item.Line + d.Line - 1 : item.Line, d.Line > 0 ? d.Column : 1, d.Pointer);

    /// <summary>The text summary (stderr): the counts and <paramref name="elapsed"/>, then per trial the verdicts and the attrition table, the answer warnings and the unrecognised codes.</summary>
    public void Write(IAnsiConsole console, TimeSpan elapsed)
    {
        console.WriteLine();
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Screened {Records} record(s) against {trials.Count} trial(s) in {elapsed.TotalSeconds:0.0} s: {Evaluated} evaluated, {ErrorRows} error row(s)")
            + (BlankLines > 0 ? string.Create(CultureInfo.InvariantCulture, $", {BlankLines} blank line(s) skipped") : string.Empty) + ".");
        if (Stopped is { } stopped)
        {
            console.Profile.Out.Writer.WriteLine("Incomplete: " + stopped + ". The counts below are of the records screened so far.");
        }

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
    public string ToJson(string? terminology)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, ResultJson.Options(indented: true)))
        {
            w.WriteStartObject();
            w.WriteNumber("records", Records);
            w.WriteNumber("evaluated", Evaluated);
            w.WriteNumber("errorRows", ErrorRows);
            w.WriteNumber("internalErrors", InternalErrors);
            w.WriteNumber("blankLines", BlankLines);
            WriteStringOrNull(w, "stopped", Stopped);
            WriteStringOrNull(w, "terminology", terminology);

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
                w.WriteStringValue(d);
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

    /// <summary>The unrecognised codes, most patients first, then by kind, system and code (empty when none were collected).</summary>
    public IReadOnlyList<UnrecognisedCount> Unrecognised() =>
        codes.Select(kv => new UnrecognisedCount(kv.Key.Kind, kv.Key.System, kv.Key.Code, kv.Value.Display, kv.Value.Patients))
            .OrderByDescending(c => c.Patients)
            .ThenBy(c => c.Kind, StringComparer.Ordinal)
            .ThenBy(c => c.System, StringComparer.Ordinal)
            .ThenBy(c => c.Code, StringComparer.Ordinal)
            .ToList();

    private static void WriteStringOrNull(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, SafeText.Clean(value));
        }
    }

    /// <summary>The top <see cref="TopUnrecognised"/> unrecognised codes as a table, then "… and N more".</summary>
    private void WriteUnrecognised(IAnsiConsole console)
    {
        if (!listCodes)
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

    /// <summary>
    /// Writes every count as JSON (the state a resumed run starts from): the same object <see cref="Restore"/> reads.
    /// </summary>
    public void WriteState(Utf8JsonWriter w)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteStartObject();
        w.WriteNumber("records", Records);
        w.WriteNumber("evaluated", Evaluated);
        w.WriteNumber("errorRows", ErrorRows);
        w.WriteNumber("internalErrors", InternalErrors);
        w.WriteNumber("codesNotListed", CodesNotListed);
        w.WriteNumber("answersNotChecked", AnswersNotChecked);
        w.WriteNumber("answerWarnings", AnswerWarnings);
        w.WriteNumber("blankLines", BlankLines);
        w.WriteStartObject("answerCodes");
        foreach (string code in AnswerCodes)
        {
            w.WriteNumber(code, AnswerWarningsWith(code));
        }

        w.WriteEndObject();
        w.WriteStartArray("firstAnswerWarnings");
        foreach (string line in firstAnswerWarnings)
        {
            w.WriteStringValue(line);
        }

        w.WriteEndArray();
        w.WriteStartArray("trials");
        for (int t = 0; t < trials.Count; t++)
        {
            w.WriteStartObject();
            w.WriteString("trial", trials[t].Trial.Id);
            w.WriteStartArray("verdicts");
            foreach (var verdict in VerdictOrder)
            {
                w.WriteNumberValue(Count(t, verdict));
            }

            w.WriteEndArray();
            w.WriteStartArray("criteria");
            foreach (var c in trials[t].Criteria)
            {
                w.WriteStartArray();
                foreach (int n in criteria[t][c.Id])
                {
                    w.WriteNumberValue(n);
                }

                w.WriteEndArray();
            }

            w.WriteEndArray();
            w.WriteStartArray("firstFailure");
            foreach (int n in firstFailure[t])
            {
                w.WriteNumberValue(n);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("codes");
        foreach (var (key, count) in codes)
        {
            w.WriteStartArray();
            w.WriteStringValue(key.Kind);
            w.WriteStringValue(key.System);
            w.WriteStringValue(key.Code);
            if (count.Display is null)
            {
                w.WriteNullValue();
            }
            else
            {
                w.WriteStringValue(count.Display);
            }

            w.WriteNumberValue(count.Patients);
            w.WriteEndArray();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Sets every count from <paramref name="state"/> (written by <see cref="WriteState"/> for the same trials).</summary>
    /// <exception cref="FormatException">The state is not of this summary's shape (other trials, other criteria).</exception>
    public void Restore(JsonElement state)
    {
        try
        {
            Records = state.GetProperty("records").GetInt32();
            Evaluated = state.GetProperty("evaluated").GetInt32();
            ErrorRows = state.GetProperty("errorRows").GetInt32();
            InternalErrors = state.GetProperty("internalErrors").GetInt32();
            CodesNotListed = state.GetProperty("codesNotListed").GetInt32();
            AnswersNotChecked = state.GetProperty("answersNotChecked").GetInt32();
            AnswerWarnings = state.GetProperty("answerWarnings").GetInt32();
            BlankLines = state.GetProperty("blankLines").GetInt32();
            foreach (string code in AnswerCodes)
            {
                answerCodes[code] = state.GetProperty("answerCodes").GetProperty(code).GetInt32();
            }

            firstAnswerWarnings.Clear();
            firstAnswerWarnings.AddRange(state.GetProperty("firstAnswerWarnings").EnumerateArray().Select(e => e.GetString() ?? string.Empty));
            var trialStates = state.GetProperty("trials").EnumerateArray().ToList();
            if (trialStates.Count != trials.Count)
            {
                throw new FormatException("the state names other trials");
            }

            for (int t = 0; t < trials.Count; t++)
            {
                var trialState = trialStates[t];
                if (trialState.GetProperty("trial").GetString() != trials[t].Trial.Id)
                {
                    throw new FormatException("the state names other trials");
                }

                var verdictCounts = trialState.GetProperty("verdicts").EnumerateArray().Select(e => e.GetInt32()).ToList();
                var criterionCounts = trialState.GetProperty("criteria").EnumerateArray().ToList();
                var failures = trialState.GetProperty("firstFailure").EnumerateArray().Select(e => e.GetInt32()).ToList();
                if (verdictCounts.Count != VerdictOrder.Length || criterionCounts.Count != trials[t].Criteria.Count || failures.Count != firstFailure[t].Length)
                {
                    throw new FormatException("the state's counts do not fit the trial's criteria");
                }

                for (int v = 0; v < VerdictOrder.Length; v++)
                {
                    verdicts[t][VerdictOrder[v]] = verdictCounts[v];
                }

                for (int k = 0; k < criterionCounts.Count; k++)
                {
                    var row = criterionCounts[k].EnumerateArray().Select(e => e.GetInt32()).ToArray();
                    if (row.Length != 3)
                    {
                        throw new FormatException("the state's counts do not fit the trial's criteria");
                    }

                    criteria[t][trials[t].Criteria[k].Id] = row;
                }

                failures.CopyTo(firstFailure[t]);
            }

            codes.Clear();
            foreach (var entry in state.GetProperty("codes").EnumerateArray())
            {
                var fields = entry.EnumerateArray().ToList();
                if (fields.Count != 5)
                {
                    throw new FormatException("the state's codes are not [kind, system, code, display, patients]");
                }

                codes[(fields[0].GetString()!, fields[1].GetString()!, fields[2].GetString()!)] = new CodeCount(fields[3].GetString(), fields[4].GetInt32());
            }
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or ArgumentNullException)
        {
            throw new FormatException("the state's counts are damaged: " + ex.Message, ex);
        }
    }

    /// <summary>How many patients carry an unrecognised code, and the first display the input gave it.</summary>
    /// <summary>A code no rule file recognised, merged over the whole input (the library's <see cref="UnrecognisedCode"/> is per call).</summary>
    internal sealed record UnrecognisedCount(string Kind, string System, string Code, string? Display, int Patients);

    private sealed class CodeCount(string? display, int patients)
    {
        public string? Display { get; } = display;

        public int Patients { get; set; } = patients;
    }
}
