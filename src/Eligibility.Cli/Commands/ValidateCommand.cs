using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text;
using Eligibility.Cli.Input;
using Eligibility.Cli.Output;
using Eligibility.Testing;
using Eligibility.Diagnostics;

namespace Eligibility.Cli.Commands;

/// <summary><c>eligibility validate</c>: checks rule files and example-case files, as MSBuild lines or SARIF 2.1.0.</summary>
internal sealed class ValidateCommand : CliCommand
{
    private readonly Argument<string[]> paths = new("PATH") { Description = "Rule files, example-case files (*.cases.json) or folders (searched recursively).", Arity = ArgumentArity.OneOrMore };
    private readonly Option<string> format = new("--format") { Description = "text (one MSBuild-style line per diagnostic, on stderr) or sarif (SARIF 2.1.0 for code scanning).", DefaultValueFactory = _ => "text", HelpName = "text|sarif" };
    private readonly Option<string?> output = new("--output") { Description = "With --format sarif: write the SARIF log to FILE instead of stdout.", HelpName = "FILE" };
    private readonly Option<bool> warningsAsErrors = new("--warnings-as-errors") { Description = "Treat warnings as errors (reported as errors; exit 1). Information (info) is never promoted." };
    private readonly Option<string[]> terminology = TerminologyInput.CreateOption();
    private readonly Option<bool> allowOutsidePaths = new("--allow-outside-paths") { Description = "Let case files name rule and patient files outside their repository (the git work tree holding them, else their folder); refused by default (ELIG4010)." };

    public ValidateCommand(CliConsole console)
        : base("validate", "Check rule files and their example-case files; exit 1 on any error.", console)
    {
        format.AcceptOnlyFromAmong("text", "sarif");
        Arguments.Add(paths);
        Options.Add(format);
        Options.Add(output);
        Options.Add(warningsAsErrors);
        Options.Add(terminology);
        Options.Add(allowOutsidePaths);
        LimitOptions.AddTo(this);
    }

    public override IReadOnlyList<(string CommandLine, string Comment)> Examples { get; } =
    [
        ("eligibility validate rules", "Every rule file and *.cases.json under rules/, one line per problem"),
        ("eligibility validate rules/NCT07077486.json --warnings-as-errors", "One file, strictly"),
        ("eligibility validate rules --format sarif --output eligibility.sarif", "SARIF 2.1.0 for GitHub code scanning"),
        ("eligibility validate rules --terminology vocab/", "Compile with your OMOP vocabulary (vocab/, not shipped): also reports codes it does not know and stale lock files"),
    ];

    protected override int Execute(ParseResult parseResult)
    {
        bool strict = parseResult.GetValue(warningsAsErrors);
        bool sarif = parseResult.GetValue(format) == "sarif";
        string? sarifFile = parseResult.GetValue(output);
        if (sarifFile is not null && !sarif)
        {
            throw new CliInputException("--output is only used with --format sarif");
        }

        var files = InputPaths.Expand(parseResult.GetRequiredValue(paths), Console);
        if (files.Count == 0)
        {
            throw new CliInputException("no rule files or example-case files found");
        }

        var ruleFiles = new RuleFiles(TerminologyInput.Load(parseResult.GetValue(terminology), Console));
        var caseOptions = new CaseFileOptions { Limits = LimitOptions.Read(parseResult), AllowOutsidePaths = parseResult.GetValue(allowOutsidePaths) };
        var diagnostics = new List<Diagnostic>();
        var reported = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var file in files.Where(f => f.Kind == JsonFileKind.RuleFile))
        {
            reported.Add(Path.GetFullPath(file.Path));
            diagnostics.AddRange(ruleFiles.Compile(file.Path).Diagnostics);
        }

        foreach (var file in files.Where(f => f.Kind == JsonFileKind.CaseFile))
        {
            var check = CaseFileValidator.Validate(file.Path, ruleFiles.Compile, caseOptions);
            diagnostics.AddRange(check.Diagnostics);

            // A rule file reached only through a case file is checked too, once.
            if (check.RulesPath is { } rules && File.Exists(rules) && reported.Add(Path.GetFullPath(rules)))
            {
                diagnostics.AddRange(ruleFiles.Compile(rules).Diagnostics);
            }
        }

        var final = diagnostics.Select(d => DiagnosticOutput.Promote(d, strict)).ToList();
        DiagnosticOutput.WriteAll(Console.Error, final);
        int errors = final.Count(d => d.Severity == DiagnosticSeverity.Error);
        int warnings = final.Count(d => d.Severity == DiagnosticSeverity.Warning);
        int info = final.Count(d => d.Severity == DiagnosticSeverity.Info);
        int checkedFiles = reported.Count + files.Count(f => f.Kind == JsonFileKind.CaseFile);
        string summary = CliConsole.Format($"{checkedFiles} file(s) checked: {errors} error(s), {warnings} warning(s), {info} info");
        if (sarif)
        {
            string log = SarifLog.Write(final);
            if (sarifFile is null)
            {
                Console.Out.Write(log);
            }
            else
            {
                string? dir = Path.GetDirectoryName(Path.GetFullPath(sarifFile));
                if (dir is not null)
                {
                    Directory.CreateDirectory(dir);
                }

                File.WriteAllText(sarifFile, log, new UTF8Encoding(false));
            }

            Console.Error.WriteLine(summary);
        }
        else
        {
            Console.Out.WriteLine(summary);
        }

        return errors > 0 ? ExitCodes.Failed : ExitCodes.Success;
    }
}
