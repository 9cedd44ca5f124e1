using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Eligibility.Cli.Input;
using Eligibility.Diagnostics;
using Eligibility.Fhir;
using Eligibility.Patients;

namespace Eligibility.Cli.Screening;

/// <summary>
/// What screening one record gave: NDJSON rows to write and, unless it is an error row, one result per trial.
/// <see cref="Codes"/> are the record's codes no screened rule file recognises (merged into the summary in input order,
/// so the first display seen does not depend on thread timing); <see cref="CodesNotListed"/> is set when the record was
/// evaluated but its codes could not be listed (an internal error that costs the summary, never the record's rows).
/// <see cref="AnswerWarnings"/> are the record's investigator answers that no screened criterion can use (ELIG3005-3007,
/// positioned inside the record); <see cref="AnswersNotChecked"/> is set when that check itself failed (an internal error
/// that, again, never costs the record its rows).
/// </summary>
internal sealed record ScreenOutcome(ScreenItem Item, IReadOnlyList<string> Rows, IReadOnlyList<TrialDecision> Results, bool IsError, bool IsInternalError, bool CodesNotListed = false)
{
    public IReadOnlyList<Diagnostic> AnswerWarnings { get; init; } = [];

    public bool AnswersNotChecked { get; init; }

    public IReadOnlyList<UnrecognisedCode> Codes { get; init; } = [];
}

/// <summary>What the summary needs of one patient × trial: the verdict and each criterion's outcome, in the trial's
/// criteria order (<see cref="TrialEvaluator.Criteria"/>).</summary>
internal sealed record TrialDecision(Verdict Verdict, Outcome[] Outcomes)
{
    public static TrialDecision Of(EvaluationResult result)
    {
        var outcomes = new Outcome[result.Criteria.Count];
        for (int i = 0; i < outcomes.Length; i++)
        {
            outcomes[i] = result.Criteria[i].Outcome;
        }

        return new TrialDecision(result.Verdict, outcomes);
    }
}

/// <summary>
/// An ordered parallel pipeline with a bounded window: one producer reads records lazily, up to <c>parallel</c> workers
/// read and evaluate them, and the consumer receives outcomes strictly in input order. At most <see cref="Window"/>
/// records are in flight, so memory stays flat however long the input is. Whatever happens to one record — bad input,
/// or an exception anywhere in reading, mapping or evaluating it — becomes that record's error row (an internal error
/// row for an exception: a bug) and the run goes on. A stop request ends the reading; the records already in flight are
/// finished and handed to the consumer.
/// </summary>
internal sealed class ScreenPipeline
{
    /// <summary>
    /// A test hook: called for each record before it is read, on the worker; whatever it throws is treated like any
    /// unexpected failure of that record. Scoped to the caller's async flow, so parallel tests do not see each other's.
    /// </summary>
    internal static readonly AsyncLocal<Action<ScreenItem>?> Fault = new();

    private readonly IReadOnlyList<TrialEvaluator> trials;
    private readonly DateOnly? asOf;
    private readonly DateOnly today;
    private readonly int parallel;
    private readonly bool listCodes;
    private readonly InputLimits limits;
    private readonly ScreenDetail detail;

    /// <param name="trials">The trials, in the order their rows are written.</param>
    /// <param name="asOf">The <c>--as-of</c> date, if given.</param>
    /// <param name="today">The as-of date of records that give none.</param>
    /// <param name="parallel">The worker count.</param>
    /// <param name="listCodes">Whether each record's unrecognised codes are listed.</param>
    /// <param name="limits">The limits one record is read within (default <see cref="InputLimits.Default"/>).</param>
    /// <param name="detail">How much of each result a row carries (default <see cref="ScreenDetail.Full"/>).</param>
    public ScreenPipeline(IReadOnlyList<TrialEvaluator> trials, DateOnly? asOf, DateOnly today, int parallel, bool listCodes = true, InputLimits? limits = null, ScreenDetail detail = ScreenDetail.Full)
    {
        this.detail = detail;
        this.trials = trials;
        this.listCodes = listCodes;
        this.limits = limits ?? InputLimits.Default;
        this.asOf = asOf;
        this.today = today;
        this.parallel = Math.Max(1, parallel);
        Window = Math.Max(16, this.parallel * 8);
    }

    /// <summary>How many records may be read ahead of the one being written.</summary>
    public int Window { get; }

    /// <summary>
    /// Screens <paramref name="items"/>, handing each outcome to <paramref name="consume"/> in input order. When
    /// <paramref name="stop"/> is cancelled no further record is read; those in flight are still consumed.
    /// </summary>
    /// <returns>Whether every record was read and consumed (false when stopped before the end of the input).</returns>
    public bool Run(IEnumerable<ScreenItem> items, Action<ScreenOutcome> consume, CancellationToken stop = default) =>
        RunAsync(items, consume, stop).GetAwaiter().GetResult();

    private async Task<bool> RunAsync(IEnumerable<ScreenItem> items, Action<ScreenOutcome> consume, CancellationToken stop)
    {
        var scheduler = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, parallel).ConcurrentScheduler;
        var channel = Channel.CreateBounded<Task<ScreenOutcome>>(new BoundedChannelOptions(Window)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });

        bool readToEnd = false;
        var producer = Task.Run(async () =>
        {
            try
            {
                foreach (var item in items)
                {
                    if (stop.IsCancellationRequested)
                    {
                        channel.Writer.TryComplete();
                        return;
                    }

                    var work = Task.Factory.StartNew(() => Process(item), CancellationToken.None, TaskCreationOptions.None, scheduler);
                    // Started means in flight: it is queued even after a stop (the consumer drains the queue).
                    await channel.Writer.WriteAsync(work).ConfigureAwait(false);
                }

                Volatile.Write(ref readToEnd, true);
                channel.Writer.TryComplete();
            }
#pragma warning disable CA1031 // handed to the consumer, which rethrows it
            catch (Exception ex)
#pragma warning restore CA1031
            {
                channel.Writer.TryComplete(ex);
            }
        });

        var reader = channel.Reader;
        while (true)
        {
            bool more;
            try
            {
                more = await reader.WaitToReadAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }

            if (!more)
            {
                break;
            }

            while (reader.TryRead(out var work))
            {
                consume(await work.ConfigureAwait(false));
            }
        }

        if (stop.IsCancellationRequested)
        {
            // The records in flight are finished and written. The reader may be blocked on a pipe or a terminal: it is
            // left behind, and what it would read next is not in flight.
            while (reader.TryRead(out var work))
            {
                consume(await work.ConfigureAwait(false));
            }

            return Volatile.Read(ref readToEnd) && reader.Completion.IsCompletedSuccessfully;
        }

        await producer.ConfigureAwait(false);
        await reader.Completion.ConfigureAwait(false);
        return true;
    }

    private ScreenOutcome Process(ScreenItem item)
    {
        try
        {
            Fault.Value?.Invoke(item);
            return Screen(item);
        }
#pragma warning disable CA1031 // one record's failure must not end a long run: it becomes an internal error row, and the exit code says 3
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Error(item, InternalError("screening the record", ex), internalError: true);
        }
    }

    private ScreenOutcome Screen(ScreenItem item)
    {
        if (item.ReadError is { } readError || item.Bytes is null)
        {
            return Error(item, item.ReadError ?? "the record could not be read", internalError: false);
        }

        var read = PatientInput.Read(item.Bytes, item.File, limits);
        if (read.Patient is not { } patient)
        {
            var first = read.Diagnostics.FirstOrDefault(d => d.IsError);
            return Error(item, first is null ? "the record could not be read" : Describe(first, item), internalError: false);
        }

        string prefix = RowPrefix(item);
        var rows = new List<string>(trials.Count);
        var results = new List<TrialDecision>(trials.Count);
        var (date, _) = AsOfDate.Resolve(asOf, patient, today);
        // One index of the record serves every trial; the verdict detail needs no results, only the verdict path.
        var index = PatientIndex.Build(patient);
        foreach (var trial in trials)
        {
            try
            {
                if (detail == ScreenDetail.Verdict)
                {
                    var outcomes = new Outcome[trial.Criteria.Count];
                    var verdict = trial.Decide(index, date, outcomes);
                    results.Add(new TrialDecision(verdict, outcomes));
                    rows.Add(ScreenRows.VerdictRow(prefix, trial.Trial.Id, patient.Id, date, verdict));
                }
                else
                {
                    var result = trial.Evaluate(index, date);
                    results.Add(TrialDecision.Of(result));
                    rows.Add(ScreenRows.Row(prefix, result, detail));
                }
            }
#pragma warning disable CA1031 // one record's failure must not end a long run: it becomes an error row, and the exit code says 3
            catch (Exception ex)
#pragma warning restore CA1031
            {
                return Error(item, InternalError("evaluating " + trial.Trial.Id, ex), internalError: true);
            }
        }

        var (codes, listed) = ListCodes(patient);
        var (warnings, answersChecked) = CheckAnswers(patient);
        return new ScreenOutcome(item, rows, results, false, false, CodesNotListed: !listed)
        {
            AnswerWarnings = warnings,
            AnswersNotChecked = !answersChecked,
            Codes = codes,
        };
    }

    /// <summary>The record's answers that no screened trial can use; a failure here must not cost the record its rows either.</summary>
    private (IReadOnlyList<Diagnostic> Warnings, bool Checked) CheckAnswers(Eligibility.Patients.PatientRecord patient)
    {
        if (patient.Assessments.Count == 0)
        {
            return ([], true);
        }

        try
        {
            return (AnswerCheck.Check(patient, trials), true);
        }
#pragma warning disable CA1031 // reported as an internal error (exit 3) by the command; the record's results are still written
        catch (Exception)
#pragma warning restore CA1031
        {
            return ([], false);
        }
    }

    /// <summary>The record's codes no screened rule file recognises; a failure here must not cost the record its rows.</summary>
    private (IReadOnlyList<UnrecognisedCode> Codes, bool Listed) ListCodes(Eligibility.Patients.PatientRecord patient)
    {
        if (!listCodes)
        {
            return ([], true);
        }

        try
        {
            var one = new UnrecognisedCodes(trials);
            one.Add(patient);
            return (one.ToList(), true);
        }
#pragma warning disable CA1031 // reported as an internal error (exit 3) by the command; the record's results are still written
        catch (Exception)
#pragma warning restore CA1031
        {
            return ([], false);
        }
    }

    /// <summary>
    /// The start of every row of a record, naming where it came from: <c>{"line":12,</c>, <c>{"file":"in/a.json",</c>,
    /// or for a line of a file (a Bulk FHIR export) <c>{"file":"export/Patient.ndjson","line":12,</c>.
    /// </summary>
    internal static string RowPrefix(ScreenItem item)
    {
        string line = "\"line\":" + item.Line.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",";
        return item.File is { } file
            ? "{\"file\":\"" + JsonEncodedText.Encode(SafeText.Clean(file), JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString() + "\"," + (item.Line > 0 ? line : string.Empty)
            : "{" + line;
    }

    /// <summary>The error text of a record that failed unexpectedly: a bug, said so, with the exception's type and message.</summary>
    private static string InternalError(string what, Exception ex) =>
        (ex is EligibilityBugException ? $"internal error: {ex.Message}" : $"internal error {what}: {ex.GetType().Name}: {ex.Message}").ReplaceLineEndings(" ")
        + " (this is a bug in eligibility, not a problem with the record: please report it)";

    /// <summary>
    /// "ELIG0001: message (column 57)" — the position is inside the record (its line, or its file); for a Bundle made
    /// from a Bulk FHIR export, the line of the export holding the resource: "… (export/Observation.ndjson(4,57))".
    /// </summary>
    internal static string Describe(Diagnostic d, ScreenItem? item = null)
    {
        if (item?.Origin(d) is var (file, line, column))
        {
            return d.Code + ": " + d.Message + FormattableString.Invariant($" ({file}({line},{column}))");
        }

        string at = d.Line switch
        {
            <= 0 => string.Empty,
            1 => FormattableString.Invariant($" (column {d.Column})"),
            _ => FormattableString.Invariant($" (line {d.Line}, column {d.Column})"),
        };
        return d.Code + ": " + d.Message + at;
    }

    private static ScreenOutcome Error(ScreenItem item, string message, bool internalError)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, ResultJson.Options(indented: false)))
        {
            w.WriteStartObject();
            if (item.File is { } file)
            {
                w.WriteString("file", SafeText.Clean(file));
            }

            if (item.File is null || item.Line > 0)
            {
                w.WriteNumber("line", item.Line);
            }

            w.WriteString("error", SafeText.Clean(message));
            w.WriteEndObject();
        }

        return new ScreenOutcome(item, [Encoding.UTF8.GetString(stream.ToArray())], [], true, internalError);
    }
}
