using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using Eligibility.Cli.Input;
using Eligibility.Cli.Output;
using Eligibility.Cli.Screening;
using Spectre.Console;

namespace Eligibility.Cli.Commands;

/// <summary><c>eligibility screen</c>: many patients against one or more trials, streamed, in parallel, NDJSON out in input order.</summary>
internal sealed class ScreenCommand : CliCommand
{
    private readonly Option<string[]> rules = new("--rules") { Description = "Rule files or folders of them (one result per patient per trial).", Required = true, AllowMultipleArgumentsPerToken = true, HelpName = "PATH" };
    private readonly Option<string> patients = new("--patients") { Description = "NDJSON (one native record or FHIR Bundle per line; - for stdin) or a folder of patient files.", Required = true, HelpName = "PATH" };
    private readonly Option<DateOnly?> asOf = AsOfDate.CreateOption("The screening date for every patient. Default: each record's asOf, else today.");
    private readonly Option<string?> outFile = new("--out") { Description = "Write the NDJSON results to FILE instead of stdout.", HelpName = "FILE" };
    private readonly Option<int?> parallel = new("--parallel") { Description = "Worker count. Default: all cores.", HelpName = "N" };
    private readonly Option<string?> summaryFile = new("--summary") { Description = "Also write the summary as JSON to FILE: counts, attrition per criterion, and every code no rule file recognises.", HelpName = "FILE" };
    private readonly Option<string?> reportFile = new("--report") { Description = "Also write the summary as one self-contained HTML page to FILE (.html): per trial a funnel of patients remaining after each criterion, per-criterion bars and the tables.", HelpName = "FILE" };
    private readonly Option<string[]> terminology = TerminologyInput.CreateOption();

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
        Options.Add(asOf);
        Options.Add(outFile);
        Options.Add(parallel);
        Options.Add(summaryFile);
        Options.Add(reportFile);
        Options.Add(terminology);
    }

    public override IReadOnlyList<(string CommandLine, string Comment)> Examples { get; } =
    [
        ("eligibility screen --rules rules --patients samples/patients.ndjson --out results.ndjson", "Every trial under rules/ against every line of the sample NDJSON (the 15 sample patients)"),
        ("eligibility screen --rules rules --patients samples/patients.ndjson --out results.ndjson --summary summary.json --report screening.html", "The summary also as JSON and as one HTML page: a funnel and per-criterion bars per trial"),
        ("eligibility screen --rules rules --patients samples/fhir/ --as-of 2026-01-15", "A folder of patient files (native or FHIR Bundles) on one screening date"),
        ("eligibility screen --rules rules/NCT07077486.json --patients samples/patients/ --out results.ndjson", "One trial; answers recorded for the other trials are counted as answer warnings (ELIG3005)"),
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

        var compiler = new RuleFiles(TerminologyInput.Load(parseResult.GetValue(terminology), Console));
        var trials = ruleFiles.Select(f => compiler.LoadOrThrow(f.Path, Console)).ToList();
        var source = PatientSource.Open(parseResult.GetRequiredValue(patients));
        DateOnly? fixedAsOf = parseResult.GetValue(asOf);
        int workers = parseResult.GetValue(parallel) ?? Environment.ProcessorCount;
        string? summaryPath = parseResult.GetValue(summaryFile);
        var unrecognised = new UnrecognisedCodes(trials);
        var pipeline = new ScreenPipeline(trials, fixedAsOf, Console.Today, workers, unrecognised);
        var summary = new ScreenSummary(trials, unrecognised, source.Path);

        string? reportPath = parseResult.GetValue(reportFile);
        string asOfText = fixedAsOf is { } d ? $"{AsOfDate.Format(d)} (from --as-of)" : $"each record's asOf, else today ({AsOfDate.Format(Console.Today)})";
        Console.Error.WriteLine($"Screening {source.Path} against {string.Join(", ", trials.Select(t => t.Trial.Id))} with {workers} worker(s); as-of: {asOfText}.");

        string? outPath = parseResult.GetValue(outFile);
        TextWriter output = outPath is null ? Console.Out : new StreamWriter(outPath, false, new UTF8Encoding(false), 1 << 16);
        var clock = Stopwatch.StartNew();
        try
        {
            var items = source.Items(System.Console.OpenStandardInput);
            // A progress bar on stderr when it is a terminal — unless the results are going to that same terminal.
            if (Console.ErrorIsTerminal && !(outPath is null && Console.OutIsTerminal))
            {
                var progress = Console.CreateError().Progress().AutoClear(true).Columns(
                    new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn());
                progress.Start(ctx =>
                {
                    var task = ctx.AddTask("Screening", maxValue: Math.Max(1, source.Total));
                    task.IsIndeterminate = source.Total == 0;
                    pipeline.Run(items, outcome =>
                    {
                        Consume(outcome, output, summary);
                        task.Value = outcome.Item.Progress;
                    });
                    task.Value = task.MaxValue;
                });
            }
            else
            {
                pipeline.Run(items, outcome => Consume(outcome, output, summary));
            }

            output.Flush();
        }
        finally
        {
            if (outPath is not null)
            {
                output.Dispose();
            }
        }

        summary.Write(Console.CreateError(), clock.Elapsed, source.BlankLines);
        if (summaryPath is not null)
        {
            WriteFile(summaryPath, summary.ToJson(source.BlankLines, compiler.Options.Terminology?.Description));
        }

        if (reportPath is not null)
        {
            string reportAsOf = fixedAsOf is { } fixedDate ? $"{AsOfDate.Format(fixedDate)} (from --as-of)" : "each record's asOf, else the day of the run";
            WriteFile(reportPath, ScreenReport.Render(summary, new ScreenReport.Run(source.Path, reportAsOf, source.BlankLines, compiler.Options.Terminology?.Description)));
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

    private static void WriteFile(string path, string text)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        File.WriteAllText(path, text, new UTF8Encoding(false));
    }

    private static void Consume(ScreenOutcome outcome, TextWriter output, ScreenSummary summary)
    {
        foreach (string row in outcome.Rows)
        {
            output.Write(row);
            output.Write('\n');
        }

        summary.Add(outcome);
    }
}
