using System;
using System.Collections.Generic;
using System.CommandLine;
using Eligibility.Cli.Input;
using Eligibility.Cli.Output;
using Eligibility.Cli.Screening;
using Eligibility.Fhir;

namespace Eligibility.Cli.Commands;

/// <summary><c>eligibility evaluate</c>: one patient against one trial, as a table, JSON, Markdown or printable HTML.</summary>
internal sealed class EvaluateCommand : CliCommand
{
    private readonly Option<string> rules = new("--rules") { Description = "The rule file (rules/<TrialId>.json).", Required = true, HelpName = "FILE" };
    private readonly Option<string> patient = new("--patient") { Description = "The patient: a native patient record or a FHIR R4 Bundle (JSON).", Required = true, HelpName = "FILE" };
    private readonly Option<DateOnly?> asOf = AsOfDate.CreateOption("The screening date. Default: the patient record's asOf, else today (the tool says which it used).");
    private readonly Option<string> format = new("--format")
    {
        Description = "text (a table; colour only on a terminal without NO_COLOR), json (the result object, for scripts), markdown (for a ticket) or html (one printable, self-contained page).",
        DefaultValueFactory = _ => "text",
        HelpName = "text|json|markdown|html",
    };

    private readonly Option<string[]> terminology = TerminologyInput.CreateOption();

    public EvaluateCommand(CliConsole console)
        : base("evaluate", "Evaluate one patient against one trial's rule file and explain every criterion.", console)
    {
        format.AcceptOnlyFromAmong("text", "json", "markdown", "html");
        Options.Add(rules);
        Options.Add(patient);
        Options.Add(asOf);
        Options.Add(format);
        Options.Add(terminology);
        LimitOptions.AddTo(this);
    }

    public override IReadOnlyList<(string CommandLine, string Comment)> Examples { get; } =
    [
        ("eligibility evaluate --rules rules/NCT07077486.json --patient samples/patients/NCT07077486-no-rhc.json", "The headline (verdict and what remains) on top, then one row per criterion"),
        ("eligibility evaluate --rules rules/NCT07077486.json --patient samples/fhir/NCT07077486-bundle.json --as-of 2026-01-15 --format json", "A FHIR Bundle, a fixed screening date, JSON for scripts"),
        ("eligibility evaluate --rules rules/NCT07008196.json --patient samples/patients/NCT07008196-no-weight.json --format html > report.html", "A page a coordinator can open and print"),
        ("eligibility evaluate --rules rules/NCT07077486.json --patient samples/patients/NCT07077486-eligible.json --terminology vocab/", "SNOMED CT and RxNorm bindings also match descendants, from your OMOP vocabulary (vocab/ stands for your Athena download; it is not shipped)"),
    ];

    protected override int Execute(ParseResult parseResult)
    {
        string rulesPath = parseResult.GetRequiredValue(rules);
        string patientPath = parseResult.GetRequiredValue(patient);
        string outputFormat = parseResult.GetValue(format) ?? "text";

        PatientSource.PrepareReaderIfFhir(patientPath);

        var ruleFiles = new RuleFiles(TerminologyInput.Load(parseResult.GetValue(terminology), Console));
        var evaluator = ruleFiles.LoadOrThrow(rulesPath, Console);
        var read = PatientInput.ReadFile(patientPath, LimitOptions.Read(parseResult));
        DiagnosticOutput.WriteAll(Console.Error, read.Diagnostics);
        var record = read.Patient ?? throw new CliInputException($"cannot read the patient record {patientPath}");

        // Answers that name a trial, criterion or computed part this trial cannot use would be ignored silently.
        DiagnosticOutput.WriteAll(Console.Error, AnswerCheck.Check(record, [evaluator]));

        var (date, source) = AsOfDate.Resolve(parseResult.GetValue(asOf), record, Console.Today);
        var result = evaluator.Evaluate(record, date);
        var report = new ReportModel(evaluator.Trial, result, source);
        switch (outputFormat)
        {
            case "json":
                Console.Out.WriteLine(ResultJson.ToJson(result));
                break;
            case "markdown":
                Console.Out.Write(MarkdownReport.Render(report));
                break;
            case "html":
                Console.Out.Write(HtmlReport.Render(report));
                break;
            default:
                TextReport.Write(Console.CreateOut(), report);
                break;
        }

        if (outputFormat != "text")
        {
            Console.Error.WriteLine($"as-of {AsOfDate.Format(date)} ({AsOfDate.Describe(source)})");
        }

        return ExitCodes.Success;
    }
}
