using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using Eligibility.Cli.Input;
using Eligibility.Cli.Omop;
using Eligibility.Cli.Output;
using Eligibility.Cli.Screening;
using Spectre.Console;

namespace Eligibility.Cli.Commands;

/// <summary>
/// <c>eligibility screen</c>: many patients against one or more trials, streamed, in parallel, NDJSON out in input order.
/// With <c>--out FILE</c> the rows go to <c>FILE.partial</c>, renamed to <c>FILE</c> when every record has its rows;
/// checkpoints in <c>FILE.partial.state</c> let <c>--resume</c> finish an interrupted run.
/// </summary>
internal sealed class ScreenCommand : CliCommand
{
    /// <summary>How often, at most, a run writing to a file records a checkpoint (milliseconds); less often when writing one takes long.</summary>
    private const int CheckpointMilliseconds = 200;

    /// <summary>A checkpoint may take at most this share of the run's time: the interval is at least this many times the last one's cost.</summary>
    private const int CheckpointCostFactor = 20;

    /// <summary>A test hook: handed the run's <see cref="StopSignals"/> once they are listened for, so a test can stop the run as a signal would.</summary>
    internal static readonly AsyncLocal<Action<StopSignals>?> Started = new();

    private readonly Option<string[]> rules = new("--rules") { Description = "Rule files or folders of them (one result per patient per trial).", Required = true, AllowMultipleArgumentsPerToken = true, HelpName = "PATH" };
    private readonly Option<string> patients = new("--patients") { Description = "NDJSON (one native record or FHIR Bundle per line; - for stdin), a folder of patient files, or a FHIR Bulk Data export (a folder of Patient.ndjson, Observation.ndjson, …: one Bundle per Patient).", HelpName = "PATH" };
    private readonly Option<string?> omop = new("--omop") { Description = "Screen an OMOP CDM 5.4 database in SQL instead of --patients: duckdb:PATH (a DuckDB file) or a PostgreSQL connection string (Host=…;Database=…).", HelpName = "CONNECTION" };
    private readonly Option<string?> cdmSchema = new("--cdm-schema") { Description = "With --omop: the schema holding the CDM tables. Default: the database's default schema.", HelpName = "NAME" };
    private readonly Option<DateOnly?> asOf = AsOfDate.CreateOption("The screening date for every patient. Default: each record's asOf, else today.");
    private readonly Option<string?> outFile = new("--out") { Description = "Write the NDJSON results to FILE instead of stdout (as FILE.partial until every record is done).", HelpName = "FILE" };
    private readonly Option<int?> parallel = new("--parallel") { Description = "Worker count. Default: all cores. The output is the same for any count.", HelpName = "N" };
    private readonly Option<string?> summaryFile = new("--summary") { Description = "Also write the summary as JSON to FILE: counts, attrition per criterion, and every code no rule file recognises.", HelpName = "FILE" };
    private readonly Option<string?> reportFile = new("--report") { Description = "Also write the summary as one self-contained HTML page to FILE (.html): per trial a funnel of patients remaining after each criterion, per-criterion bars and the tables.", HelpName = "FILE" };
    private readonly Option<bool> resume = new("--resume") { Description = "Finish an interrupted run: the same command, with --resume, continues FILE.partial of --out where it stopped." };
    private readonly Option<string[]> terminology = TerminologyInput.CreateOption();
    private readonly Option<string> detail = new("--detail")
    {
        Description = "What each row carries: verdict (the verdict only), criteria (the verdict, each criterion's id and outcome, and the missing facts) or full (the whole evaluate --format json result, with explanations).",
        DefaultValueFactory = _ => "criteria",
        HelpName = "verdict|criteria|full",
    };

    public ScreenCommand(CliConsole console)
        : base("screen", "Screen many patients against trials: NDJSON results in input order; an attrition summary and the codes no rule file recognises on stderr.", console)
    {
        parallel.CustomParser = r =>
        {
            string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : string.Empty;
            if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) && n >= 1)
            {
                return n;
            }

            r.AddError($"--parallel: '{text}' is not a worker count (1 or more)");
            return null;
        };
        Options.Add(rules);
        Options.Add(patients);
        Options.Add(omop);
        Options.Add(cdmSchema);
        Options.Add(asOf);
        Options.Add(outFile);
        Options.Add(parallel);
        Options.Add(summaryFile);
        Options.Add(reportFile);
        Options.Add(resume);
        Options.Add(terminology);
        detail.AcceptOnlyFromAmong(ScreenRows.Names);
        Options.Add(detail);
        LimitOptions.AddTo(this);
        Validators.Add(r =>
        {
            bool hasPatients = r.GetResult(patients) is not null, hasOmop = r.GetResult(omop) is not null;
            if (hasPatients == hasOmop)
            {
                r.AddError(hasPatients ? "--patients and --omop cannot be combined: give one input" : "Option '--patients' is required (or --omop CONNECTION).");
            }
            else if (hasOmop && r.GetResult(resume) is not null)
            {
                r.AddError("--resume is not available with --omop: an OMOP screen runs as a whole");
            }
            else if (!hasOmop && r.GetResult(cdmSchema) is not null)
            {
                r.AddError("--cdm-schema needs --omop");
            }
        });
    }

    public override IReadOnlyList<(string CommandLine, string Comment)> Examples { get; } =
    [
        ("eligibility screen --rules rules --patients samples/patients.ndjson --out results.ndjson", "Every trial under rules/ against every line of the sample NDJSON (the 15 sample patients)"),
        ("eligibility screen --rules rules --patients samples/patients.ndjson --out results.ndjson --summary summary.json --report screening.html", "The summary also as JSON and as one HTML page: a funnel and per-criterion bars per trial"),
        ("eligibility screen --rules rules --patients samples/fhir/ --as-of 2026-01-15", "A folder of patient files (native or FHIR Bundles) on one screening date"),
        ("eligibility screen --rules rules/NCT07077486.json --patients samples/patients/ --out results.ndjson", "One trial; answers recorded for the other trials are counted as answer warnings (ELIG3005)"),
        ("eligibility screen --rules rules --patients samples/patients.ndjson --detail verdict --out verdicts.ndjson", "One short row per patient and trial: where it comes from, the trial, the patient, the date and the verdict (--detail full: every explanation)"),
        ("eligibility omop-generate --rules rules --persons 1000 --as-of 2026-03-01 --out duckdb:cdm.duckdb && eligibility screen --omop duckdb:cdm.duckdb --rules rules --as-of 2026-03-01 --detail verdict --summary summary.json > rows.ndjson", "Every trial in SQL over an OMOP CDM database in DuckDB (here a synthetic one of 1,000 persons)"),
        ("cat samples/patients.ndjson | eligibility screen --rules rules --patients - --parallel 4 | grep '\"verdict\":\"eligible\"'", "From stdin, four workers, keep the eligible"),
        ("eligibility screen --rules rules --patients samples/patients.ndjson --terminology vocab/ --summary summary.json", "Bindings expanded from your OMOP vocabulary (vocab/ stands for your Athena download; it is not shipped)"),
    ];

    protected override int Execute(ParseResult parseResult)
    {
        var ruleFiles = InputPaths.Expand(parseResult.GetRequiredValue(rules), Console).Where(f => f.Kind == JsonFileKind.RuleFile).ToList();
        if (ruleFiles.Count == 0)
        {
            throw new CliInputException("no rule files found in --rules");
        }

        var limits = LimitOptions.Read(parseResult);

        if (parseResult.GetValue(omop) is null && parseResult.GetValue(patients) is { } patientsPath)
        {
            PatientSource.PrepareReaderIfFhir(patientsPath);
        }

        string[] terminologyPaths = parseResult.GetValue(terminology) ?? [];
        var compiler = new RuleFiles(TerminologyInput.Load(terminologyPaths, Console));
        var trials = ruleFiles.Select(f => compiler.LoadOrThrow(f.Path, Console)).ToList();
        if (parseResult.GetValue(omop) is { } connection)
        {
            var omopDetail = ScreenRows.Parse(parseResult.GetValue(detail) ?? "criteria") ?? ScreenDetail.Criteria;
            return OmopScreen.Run(Console, ruleFiles.Select((f, i) => (f.Path, trials[i])).ToList(), new OmopScreen.Request(
                connection, parseResult.GetValue(cdmSchema), parseResult.GetValue(asOf), parseResult.GetValue(parallel), omopDetail,
                parseResult.GetValue(outFile), parseResult.GetValue(summaryFile), parseResult.GetValue(reportFile), compiler.Options.Terminology?.Description));
        }

        var source = PatientSource.Open(parseResult.GetValue(patients)!, limits.MaxRecordBytes);
        DateOnly? fixedAsOf = parseResult.GetValue(asOf);
        int workers = parseResult.GetValue(parallel) ?? Environment.ProcessorCount;
        string? outPath = parseResult.GetValue(outFile);
        string? summaryPath = parseResult.GetValue(summaryFile);
        string? reportPath = parseResult.GetValue(reportFile);
        string? terminologyDescription = compiler.Options.Terminology?.Description;
        var rowDetail = ScreenRows.Parse(parseResult.GetValue(detail) ?? "criteria") ?? ScreenDetail.Criteria;
        bool resuming = parseResult.GetValue(resume);
        if (resuming && outPath is null)
        {
            throw new CliInputException("--resume needs --out FILE: it finishes the interrupted run that was writing FILE.partial");
        }

        if (resuming && !source.CanReadAgain)
        {
            throw new CliInputException($"--resume needs the patients input to be a file or a folder: {(source.Path == "-" ? "standard input" : source.Path)} cannot be read again from where the run stopped");
        }

        // A run can be resumed when it writes to a file and its input can be read again: only then is a state kept.
        var inputs = outPath is not null && source.CanReadAgain
            ? ScreenInputs.Describe(ruleFiles.Select(f => f.Path).ToList(), source, fixedAsOf, terminologyPaths, terminologyDescription, limits, rowDetail)
            : null;
        string? statePath = inputs is null ? null : ScreenState.StatePath(outPath!);

        DateOnly today = Console.Today;
        ScreenState? previous = null;
        if (resuming)
        {
            string partial = ScreenState.PartialPath(outPath!);
            previous = ScreenState.Read(statePath!);
            if (previous is null)
            {
                if (File.Exists(outPath) && !File.Exists(partial))
                {
                    Console.Error.WriteLine($"Nothing to resume: {outPath} is complete (there is no {partial}).");
                    return ExitCodes.Success;
                }

                throw new CliInputException($"nothing to resume: there is no {statePath}, the state an interrupted run writing {outPath} leaves; run without --resume");
            }

            var differences = ScreenInputs.Differences(previous.Inputs, inputs!);
            if (differences.Count > 0)
            {
                throw new CliInputException($"cannot resume {partial}: the inputs are not those of the interrupted run: {string.Join("; ", differences)}. Give the same inputs as the interrupted run, or start again without --resume");
            }

            today = previous.Today;
        }

        var summary = new ScreenSummary(trials, source.Path);
        var position = default(InputPosition);
        string? lastRecord = null;
        if (previous is not null)
        {
            try
            {
                if (previous.Summary is { } counts)
                {
                    summary.Restore(counts);
                }
            }
            catch (FormatException ex)
            {
                throw new CliInputException($"cannot resume: the state file {statePath} is damaged ({ex.Message}); start again without --resume", ex);
            }

            position = previous.Position;
            lastRecord = previous.LastRecord;
        }

        string asOfText = fixedAsOf is { } d ? $"{AsOfDate.Format(d)} (from --as-of)" : $"each record's asOf, else today ({AsOfDate.Format(today)})";
        Console.Error.WriteLine($"Screening {source.Path} against {string.Join(", ", trials.Select(t => t.Trial.Id))} with {workers} worker(s); as-of: {asOfText}.");
        if (previous is not null)
        {
            string where = source.IsBulk ? $"{position.Offset} record(s) of the export" : source.IsFolder ? $"{position.Offset} file(s)" : $"through line {position.Lines}";
            Console.Error.WriteLine($"Resuming {ScreenState.PartialPath(outPath!)}: {summary.Records} record(s) were screened ({where}) before the run stopped.");
        }

        ScreenOutput? output;
        try
        {
            // A fresh run's state is written before its output is created, so that whenever it is killed it can be resumed.
            output = OpenOutput(outPath, previous, summaryPath, reportPath, () =>
            {
                if (statePath is not null)
                {
                    ScreenState.Write(statePath, new ScreenState { Inputs = inputs!, Today = today, Position = position, OutputBytes = 0, LastRecord = null }, summary);
                }
            });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"cannot write {ScreenState.PartialPath(outPath!)}: {ex.Message}", ex);
        }

        var pipeline = new ScreenPipeline(trials, fixedAsOf, today, workers, limits: limits, detail: rowDetail);
        var sinceCheckpoint = Stopwatch.StartNew();
        long checkpointInterval = CheckpointMilliseconds;
        void Checkpoint(bool complete)
        {
            sinceCheckpoint.Restart();
            if (output is null)
            {
                return;
            }

            long bytes = output.Flush(durable: statePath is not null);
            if (statePath is not null)
            {
                ScreenState.Write(statePath, new ScreenState { Inputs = inputs!, Today = today, Position = position, OutputBytes = bytes, LastRecord = lastRecord, Complete = complete }, summary);
            }

            // The state grows with the distinct codes of the input: however large it gets, checkpoints stay a small cost.
            checkpointInterval = Math.Max(CheckpointMilliseconds, CheckpointCostFactor * sinceCheckpoint.ElapsedMilliseconds);
            sinceCheckpoint.Restart();
        }

        Exception? writeError = null;
        using var signals = new StopSignals(name => Console.Error.WriteLine($"{name}: stopping — finishing the records in flight, then writing what is done."));
        using var stopRun = CancellationTokenSource.CreateLinkedTokenSource(signals.Token);
        Started.Value?.Invoke(signals);
        void Consume(ScreenOutcome outcome)
        {
            if (writeError is not null)
            {
                return;
            }

            try
            {
                foreach (string row in outcome.Rows)
                {
                    output!.Write(row);
                }

                summary.Add(outcome);
                position = outcome.Item.Next;
                lastRecord = ScreenState.RecordOf(outcome.Item);
                summary.BlankLines = position.BlankLines;
                // A line too long to read is written out at once: reading the rest of it may take a while.
                if (position.InLongLine || sinceCheckpoint.ElapsedMilliseconds >= checkpointInterval)
                {
                    Checkpoint(complete: false);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                writeError = ex;
                stopRun.Cancel();
            }
        }

        var clock = Stopwatch.StartNew();
        bool readAll = true;
        try
        {
            if (previous?.Complete != true)
            {
                var items = source.Items(System.Console.OpenStandardInput, position);
                // A progress bar on stderr when it is a terminal — unless the results are going to that same terminal.
                if (Console.ErrorIsTerminal && !(outPath is null && Console.OutIsTerminal))
                {
                    var progress = Console.CreateError().Progress().AutoClear(true).Columns(
                        new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn());
                    progress.Start(ctx =>
                    {
                        var task = ctx.AddTask("Screening", maxValue: Math.Max(1, source.Total));
                        task.IsIndeterminate = source.Total == 0;
                        readAll = pipeline.Run(items, outcome =>
                        {
                            Consume(outcome);
                            task.Value = outcome.Item.Progress;
                        }, stopRun.Token);
                        task.Value = task.MaxValue;
                    });
                }
                else
                {
                    readAll = pipeline.Run(items, Consume, stopRun.Token);
                }
            }

            string? stopped = writeError is not null ? $"the results could not be written ({writeError.Message.ReplaceLineEndings(" ")})"
                : !readAll ? $"interrupted by {signals.Received ?? "a stop request"}"
                : source.Stopped;
            bool complete = stopped is null;
            if (complete && previous?.Complete != true)
            {
                summary.BlankLines = source.BlankLines;
            }

            if (writeError is null)
            {
                try
                {
                    Checkpoint(complete);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    writeError = ex;
                    stopped = $"the results could not be written ({ex.Message.ReplaceLineEndings(" ")})";
                    complete = false;
                }
            }

            summary.Stopped = stopped;

            summary.Write(Console.CreateError(), clock.Elapsed);
            if (summaryPath is not null)
            {
                WriteFile(summaryPath, summary.ToJson(terminologyDescription), complete);
            }

            if (reportPath is not null)
            {
                string reportAsOf = fixedAsOf is { } fixedDate ? $"{AsOfDate.Format(fixedDate)} (from --as-of)" : "each record's asOf, else the day of the run";
                WriteFile(reportPath, ScreenReport.Render(summary, new ScreenReport.Run(source.Path, reportAsOf, summary.BlankLines, terminologyDescription) { Stopped = stopped }), complete);
            }

            if (complete)
            {
                try
                {
                    output?.Complete();
                    if (statePath is not null)
                    {
                        File.Delete(statePath);
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new CliInputException($"cannot rename {ScreenState.PartialPath(outPath!)} to {outPath}: {ex.Message}; run the same command with --resume to finish", ex);
                }
            }

            // A line with no end would stop a resumed run at the same place: only other stops are worth resuming.
            bool resumable = statePath is not null && !source.StoppedAtEndlessLine;
            return ExitCode(summary, stopped, signals.Received is not null && !readAll, outPath, resumable);
        }
        finally
        {
            output?.Dispose();
        }
    }

    /// <summary>
    /// The output of this run: stdout, a fresh <c>FILE.partial</c>, or the interrupted run's, cut to its last checkpoint.
    /// Files an earlier run left under the names this run writes are removed first, so that nothing from an older run
    /// looks like this one's result. Null when a completed run's output was already renamed (only its state was left).
    /// A fresh run's state is written (<paramref name="writeInitialState"/>) before its output is created.
    /// </summary>
    private ScreenOutput? OpenOutput(string? outPath, ScreenState? previous, string? summaryPath, string? reportPath, Action writeInitialState)
    {
        if (outPath is null)
        {
            DeleteStale(summaryPath, reportPath);
            return ScreenOutput.ToWriter(Console.Out);
        }

        string partial = ScreenState.PartialPath(outPath);
        if (previous is null)
        {
            if (File.Exists(partial))
            {
                Console.Error.WriteLine($"Starting afresh: {partial}, left by an earlier run, is replaced (--resume would have continued it).");
            }

            DeleteStale(outPath, summaryPath, reportPath, ScreenState.StatePath(outPath));
            writeInitialState();
            return ScreenOutput.Create(outPath);
        }

        if (previous.Complete && !File.Exists(partial) && File.Exists(outPath))
        {
            return null; // it stopped after renaming its output: only the summaries and the state are left to do
        }

        DeleteStale(outPath, summaryPath, reportPath);
        return ScreenOutput.Reopen(outPath, previous.OutputBytes, previous.LastRecord);
    }

    /// <summary>Writes a summary file (as <c>FILE.partial</c> only, when the run is incomplete); a file that cannot be written is an input error.</summary>
    private static void WriteFile(string path, string text, bool complete)
    {
        try
        {
            ScreenOutput.WriteFile(path, text, complete);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"cannot write {path}: {ex.Message}", ex);
        }
    }

    private static void DeleteStale(params string?[] paths)
    {
        foreach (string? path in paths)
        {
            if (path is not null && File.Exists(path))
            {
                File.Delete(path);
            }
        }
    }

    private int ExitCode(ScreenSummary summary, string? stopped, bool interrupted, string? outPath, bool resumable)
    {
        if (stopped is not null)
        {
            string partial = outPath is null ? string.Empty : ScreenState.PartialPath(outPath);
            string rest = outPath is null ? string.Empty
                : resumable ? $"; the results so far are in {partial}: run the same command with --resume to finish"
                : $"; the results so far are in {partial}";
            if (interrupted)
            {
                Console.Error.WriteLine($"eligibility: {stopped}{rest}.");
                return ExitCodes.Interrupted;
            }

            Console.WriteError(stopped + rest);
            return ExitCodes.BadInput;
        }

        int exit = ExitCodes.Success;
        if (summary.InternalErrors > 0)
        {
            Console.Error.WriteLine($"eligibility: internal error: {summary.InternalErrors} record(s) could not be evaluated (see their error rows)");
            exit = ExitCodes.InternalError;
        }

        if (summary.AnswersNotChecked > 0)
        {
            Console.Error.WriteLine($"eligibility: internal error: the answers of {summary.AnswersNotChecked} record(s) could not be checked (their results were written)");
            exit = ExitCodes.InternalError;
        }

        if (summary.CodesNotListed > 0)
        {
            Console.Error.WriteLine($"eligibility: internal error: the codes of {summary.CodesNotListed} record(s) could not be checked for the unrecognised-codes list (their results were written)");
            exit = ExitCodes.InternalError;
        }

        return exit;
    }
}
