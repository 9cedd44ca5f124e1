using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading;
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
/// An ordered parallel pipeline with a bounded window: one producer thread reads records lazily, <c>parallel</c> worker
/// threads read and evaluate them, and the caller's thread receives outcomes strictly in input order. At most
/// <see cref="Window"/> records are in flight, so memory stays flat however long the input is. Whatever happens to one
/// record — bad input, or an exception anywhere in reading, mapping or evaluating it — becomes that record's error row
/// (an internal error row for an exception: a bug) and the run goes on. A stop request ends the reading; the records
/// already in flight are finished and handed to the consumer.
/// </summary>
/// <remarks>
/// The threads are the pipeline's own, not the thread pool's, and hand records over in runs: a worker takes every
/// record waiting (up to its share of the window) at once, and the consumer takes every finished record at the head
/// of the window at once, so a thread sleeps and wakes about once per run rather than once per record. A record is
/// never held back to make a run longer: with input that trickles in (a pipe), each record goes out as soon as it is read.
/// </remarks>
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
        // 16 records per worker: with 8 the reader and the workers were woken (and contended for the one lock) every few
        // records; a longer window lets each side run longer between hand-overs, still a bounded few MB. (A stop still
        // finishes what is in flight, so the window is also how far past a stop a run goes.)
        Window = Math.Max(32, this.parallel * 16);
    }

    /// <summary>How many records may be read ahead of the one being written.</summary>
    public int Window { get; }

    /// <summary>
    /// Screens <paramref name="items"/>, handing each outcome to <paramref name="consume"/> in input order, on the
    /// calling thread. When <paramref name="stop"/> is cancelled no further record is read; those in flight are still
    /// consumed. An exception of the input (the enumeration) is thrown once the records read before it are consumed;
    /// one of <paramref name="consume"/> ends the run at once.
    /// </summary>
    /// <returns>Whether every record was read and consumed (false when stopped before the end of the input).</returns>
    public bool Run(IEnumerable<ScreenItem> items, Action<ScreenOutcome> consume, CancellationToken stop = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(consume);
        var flow = new Flow(Window, parallel, Fault.Value, this);
        using var wake = stop.Register(flow.Stop);
        var producer = new Thread(() => flow.Produce(items, stop)) { IsBackground = true, Name = "screen reader" };
        var workers = new Thread[parallel];
        for (int i = 0; i < workers.Length; i++)
        {
            workers[i] = new Thread(flow.Work) { IsBackground = true, Name = "screen worker" };
        }

        producer.Start();
        foreach (var worker in workers)
        {
            worker.Start();
        }

        try
        {
            return flow.Consume(consume);
        }
        finally
        {
            // Ends the threads when the consumer stops early (it threw): nothing more is read, and nothing waits.
            flow.Close();
        }
    }

    /// <summary>
    /// The records in flight: a ring of <see cref="Window"/> slots, and the counts that say which are read, taken by a
    /// worker and consumed (positions in the input, so slot = position % window). One lock guards the counts; a worker
    /// fills its records' slots outside it.
    /// </summary>
    private sealed class Flow(int window, int workers, Action<ScreenItem>? fault, ScreenPipeline pipeline)
    {
        /// <summary>The most records one worker takes at once: a run long enough that handing over costs little, short
        /// enough that a worker with a slow record holds few others back.</summary>
        private const int MaxRun = 8;

        private readonly object gate = new();
        private readonly ScreenItem?[] inputs = new ScreenItem?[window];
        private readonly ScreenOutcome?[] outcomes = new ScreenOutcome?[window];
        private long read;      // records placed in the ring
        private long taken;     // records a worker has taken
        private long consumed;  // records handed to the consumer
        private bool ended;     // the producer is done: end of input, a stop, or an error of the input
        private bool readAll;   // the input was read to its end
        private bool stopping;  // a stop was requested: nothing more is placed in the ring
        private bool closed;    // the consumer has returned: every thread ends
        private ExceptionDispatchInfo? inputError;
        private ExceptionDispatchInfo? workerError; // a failure outside any record's own handling: a bug
        private int idleWorkers;
        private bool producerWaiting;
        private bool consumerWaiting;

        public void Stop()
        {
            lock (gate)
            {
                stopping = true;
                Monitor.PulseAll(gate);
            }
        }

        public void Close()
        {
            lock (gate)
            {
                closed = true;
                stopping = true;
                Monitor.PulseAll(gate);
            }
        }

        public void Produce(IEnumerable<ScreenItem> items, CancellationToken stop)
        {
            bool all = false;
            ExceptionDispatchInfo? error = null;
            try
            {
                all = ProduceAll(items, stop);
            }
#pragma warning disable CA1031 // handed to the consumer, which rethrows it
            catch (Exception ex)
#pragma warning restore CA1031
            {
                error = ExceptionDispatchInfo.Capture(ex);
            }

            lock (gate)
            {
                ended = true;
                readAll = all;
                inputError = error;
                Monitor.PulseAll(gate);
            }
        }

        private bool ProduceAll(IEnumerable<ScreenItem> items, CancellationToken stop)
        {
            foreach (var item in items)
            {
                if (stop.IsCancellationRequested)
                {
                    return false;
                }

                lock (gate)
                {
                    while (read - consumed >= window && !stopping)
                    {
                        producerWaiting = true;
                        Monitor.Wait(gate);
                        producerWaiting = false;
                    }

                    if (stopping)
                    {
                        return false; // not in flight: a resumed run reads it again
                    }

                    inputs[read % window] = item;
                    read++;
                    if (idleWorkers > 0)
                    {
                        Monitor.PulseAll(gate); // every waiter checks again; Pulse could wake the consumer instead of a worker
                    }
                }
            }

            return true;
        }

        public void Work()
        {
            var run = new ScreenItem[MaxRun];
            var done = new ScreenOutcome[MaxRun];
            while (true)
            {
                long first;
                int count;
                lock (gate)
                {
                    // After a stop the producer places nothing more: what is in the ring is all there is to do.
                    while (taken == read && !ended && !stopping && !closed)
                    {
                        idleWorkers++;
                        Monitor.Wait(gate);
                        idleWorkers--;
                    }

                    if (taken == read || closed)
                    {
                        return;
                    }

                    // A fair share of what waits, so the other workers get records too; at least one.
                    long waiting = read - taken;
                    count = (int)Math.Clamp(waiting / workers, 1, MaxRun);
                    first = taken;
                    taken += count;
                    for (int i = 0; i < count; i++)
                    {
                        run[i] = inputs[(first + i) % window]!;
                    }
                }

                try
                {
                    for (int i = 0; i < count; i++)
                    {
                        done[i] = pipeline.Process(run[i], fault);
                        run[i] = null!;
                    }
                }
#pragma warning disable CA1031 // Process turns every failure of a record into its row; one that escapes it is handed to the consumer, which rethrows it
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    lock (gate)
                    {
                        workerError ??= ExceptionDispatchInfo.Capture(ex);
                        Monitor.PulseAll(gate);
                    }

                    return;
                }

                lock (gate)
                {
                    for (int i = 0; i < count; i++)
                    {
                        outcomes[(first + i) % window] = done[i];
                        done[i] = null!;
                    }

                    if (consumerWaiting && first == consumed)
                    {
                        Monitor.PulseAll(gate);
                    }
                }
            }
        }

        public bool Consume(Action<ScreenOutcome> consume)
        {
            var ready = new ScreenOutcome[window];
            while (true)
            {
                int count = 0;
                lock (gate)
                {
                    while (outcomes[consumed % window] is null)
                    {
                        workerError?.Throw();
                        if (consumed == read && (ended || stopping))
                        {
                            if (inputError is { } error && !stopping)
                            {
                                error.Throw();
                            }

                            return readAll;
                        }

                        consumerWaiting = true;
                        Monitor.Wait(gate);
                        consumerWaiting = false;
                    }

                    while (count < window && outcomes[(consumed + count) % window] is { } outcome)
                    {
                        ready[count++] = outcome;
                    }
                }

                // The records stay in the window until they are consumed: it bounds what is read ahead of the writer.
                for (int i = 0; i < count; i++)
                {
                    var outcome = ready[i];
                    ready[i] = null!;
                    consume(outcome);
                }

                lock (gate)
                {
                    for (int i = 0; i < count; i++)
                    {
                        outcomes[consumed % window] = null;
                        inputs[consumed % window] = null;
                        consumed++;
                    }

                    if (producerWaiting)
                    {
                        Monitor.PulseAll(gate);
                    }
                }
            }
        }
    }

    private ScreenOutcome Process(ScreenItem item, Action<ScreenItem>? fault)
    {
        try
        {
            fault?.Invoke(item);
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
            if (!AnyUnrecognised(patient))
            {
                return ([], true); // the common case: no collection to build (it would come out empty)
            }

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

    /// <summary>Whether some coded record of the patient has no coding any screened trial recognises: only then can
    /// <see cref="UnrecognisedCodes"/> list anything, so a record without one skips building it.</summary>
    private bool AnyUnrecognised(PatientRecord patient) =>
        AnyUnrecognised(patient.Conditions) || AnyUnrecognised(patient.Procedures) || AnyUnrecognised(patient.Medications)
        || AnyUnrecognised(patient.Immunizations) || AnyUnrecognised(patient.Observations);

    private bool AnyUnrecognised<T>(IReadOnlyList<T> records)
        where T : ClinicalRecord
    {
        foreach (var record in records)
        {
            if (record.Codes.Count > 0 && !Recognised(record.Codes))
            {
                return true;
            }
        }

        return false;
    }

    private bool Recognised(IReadOnlyList<Coding> codes)
    {
        foreach (var coding in codes)
        {
            foreach (var trial in trials)
            {
                if (trial.Recognises(coding))
                {
                    return true;
                }
            }
        }

        return false;
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
