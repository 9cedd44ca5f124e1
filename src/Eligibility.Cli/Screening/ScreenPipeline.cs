using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Eligibility.Cli.Input;
using Eligibility.Diagnostics;

namespace Eligibility.Cli.Screening;

/// <summary>
/// What screening one record gave: NDJSON rows to write and, unless it is an error row, one result per trial.
/// <see cref="CodesNotListed"/> is set when the record was evaluated but its codes could not be added to the
/// unrecognised-codes list (an internal error that costs the summary, never the record's rows).
/// <see cref="AnswerWarnings"/> are the record's investigator answers that no screened criterion can use (ELIG3005-3007,
/// positioned inside the record); <see cref="AnswersNotChecked"/> is set when that check itself failed (an internal error
/// that, again, never costs the record its rows).
/// </summary>
internal sealed record ScreenOutcome(ScreenItem Item, IReadOnlyList<string> Rows, IReadOnlyList<EvaluationResult> Results, bool IsError, bool IsInternalError, bool CodesNotListed = false)
{
    public IReadOnlyList<Diagnostic> AnswerWarnings { get; init; } = [];

    public bool AnswersNotChecked { get; init; }
}

/// <summary>
/// An ordered parallel pipeline with a bounded window: one producer reads records lazily, up to <c>parallel</c> workers
/// read and evaluate them, and the consumer receives outcomes strictly in input order. At most <see cref="Window"/>
/// records are in flight, so memory stays flat however long the input is. Each record that is evaluated is also added
/// to the (thread-safe) unrecognised-codes collector, when one is given.
/// </summary>
internal sealed class ScreenPipeline
{
    private readonly IReadOnlyList<TrialEvaluator> trials;
    private readonly DateOnly? asOf;
    private readonly DateOnly today;
    private readonly int parallel;
    private readonly UnrecognisedCodes? unrecognised;

    public ScreenPipeline(IReadOnlyList<TrialEvaluator> trials, DateOnly? asOf, DateOnly today, int parallel, UnrecognisedCodes? unrecognised = null)
    {
        this.trials = trials;
        this.unrecognised = unrecognised;
        this.asOf = asOf;
        this.today = today;
        this.parallel = Math.Max(1, parallel);
        Window = Math.Max(16, this.parallel * 8);
    }

    /// <summary>How many records may be read ahead of the one being written.</summary>
    public int Window { get; }

    public void Run(IEnumerable<ScreenItem> items, Action<ScreenOutcome> consume) =>
        RunAsync(items, consume).GetAwaiter().GetResult();

    private async Task RunAsync(IEnumerable<ScreenItem> items, Action<ScreenOutcome> consume)
    {
        var scheduler = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, parallel).ConcurrentScheduler;
        var channel = Channel.CreateBounded<Task<ScreenOutcome>>(new BoundedChannelOptions(Window)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });

        var producer = Task.Run(async () =>
        {
            try
            {
                foreach (var item in items)
                {
                    var work = Task.Factory.StartNew(() => Process(item), CancellationToken.None, TaskCreationOptions.None, scheduler);
                    await channel.Writer.WriteAsync(work).ConfigureAwait(false);
                }

                channel.Writer.Complete();
            }
#pragma warning disable CA1031 // handed to the consumer, which rethrows it
            catch (Exception ex)
#pragma warning restore CA1031
            {
                channel.Writer.Complete(ex);
            }
        });

        await foreach (var work in channel.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            consume(await work.ConfigureAwait(false));
        }

        await producer.ConfigureAwait(false);
        await channel.Reader.Completion.ConfigureAwait(false);
    }

    private ScreenOutcome Process(ScreenItem item)
    {
        if (item.ReadError is { } readError || item.Bytes is null)
        {
            return Error(item, item.ReadError ?? "the record could not be read", internalError: false);
        }

        var read = PatientInput.Read(item.Bytes, item.File);
        if (read.Patient is not { } patient)
        {
            var first = read.Diagnostics.FirstOrDefault(d => d.IsError);
            return Error(item, first is null ? "the record could not be read" : Describe(first), internalError: false);
        }

        var rows = new List<string>(trials.Count);
        var results = new List<EvaluationResult>(trials.Count);
        var (date, _) = AsOfDate.Resolve(asOf, patient, today);
        foreach (var trial in trials)
        {
            try
            {
                var result = trial.Evaluate(patient, date);
                results.Add(result);
                rows.Add(ResultJson.ToJson(result, indented: false));
            }
#pragma warning disable CA1031 // one record's failure must not end a long run: it becomes an error row, and the exit code says 3
            catch (Exception ex)
#pragma warning restore CA1031
            {
                return Error(item, $"internal error evaluating {trial.Trial.Id}: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}", internalError: true);
            }
        }

        bool listed = TryListCodes(patient);
        var (warnings, answersChecked) = CheckAnswers(patient);
        return new ScreenOutcome(item, rows, results, false, false, CodesNotListed: !listed)
        {
            AnswerWarnings = warnings,
            AnswersNotChecked = !answersChecked,
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

    /// <summary>Adds the record's codes to the unrecognised-codes list; a failure there must not cost the record its rows.</summary>
    private bool TryListCodes(Eligibility.Patients.PatientRecord patient)
    {
        if (unrecognised is null)
        {
            return true;
        }

        try
        {
            unrecognised.Add(patient);
            return true;
        }
#pragma warning disable CA1031 // reported as an internal error (exit 3) by the command; the record's results are still written
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    /// <summary>"ELIG0001: message (column 57)" — the position is inside the record (its line, or its file).</summary>
    private static string Describe(Diagnostic d)
    {
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
                w.WriteString("file", file);
            }
            else
            {
                w.WriteNumber("line", item.Line);
            }

            w.WriteString("error", message);
            w.WriteEndObject();
        }

        return new ScreenOutcome(item, [Encoding.UTF8.GetString(stream.ToArray())], [], true, internalError);
    }
}
