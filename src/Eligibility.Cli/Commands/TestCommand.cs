using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using Eligibility.Cli.Input;
using Eligibility.Cli.Output;
using Eligibility.Cli.Testing;
using Eligibility.Testing;

namespace Eligibility.Cli.Commands;

/// <summary><c>eligibility test</c>: runs the example cases of rule files, prints failures and a coverage table.</summary>
internal sealed class TestCommand : CliCommand
{
    private readonly Argument<string[]> paths = new("PATH") { Description = "Example-case files (*.cases.json), rule files (their <name>.cases.json beside them is run) or folders (searched recursively).", Arity = ArgumentArity.OneOrMore };
    private readonly Option<double?> minCoverage = new("--min-coverage") { Description = "Fail (exit 1) when a rule file's case coverage is below PERCENT (0–100).", HelpName = "PERCENT" };
    private readonly Option<string[]> terminology = TerminologyInput.CreateOption();
    private readonly Option<bool> allowOutsidePaths = new("--allow-outside-paths") { Description = "Let case files name rule and patient files outside their repository (the git work tree holding them, else their folder); refused by default (ELIG4010)." };

    public TestCommand(CliConsole console)
        : base("test", "Run the example cases that accompany rule files; ends with 'N passed, N failed'.", console)
    {
        minCoverage.CustomParser = r =>
        {
            string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : string.Empty;
            if (double.TryParse(text.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= 0 && v <= 100)
            {
                return v;
            }

            r.AddError($"--min-coverage: '{text}' is not a percentage from 0 to 100");
            return null;
        };
        Arguments.Add(paths);
        Options.Add(minCoverage);
        Options.Add(terminology);
        Options.Add(allowOutsidePaths);
        LimitOptions.AddTo(this);
    }

    public override IReadOnlyList<(string CommandLine, string Comment)> Examples { get; } =
    [
        ("eligibility test rules", "Every *.cases.json under rules/, with a coverage table per rule file"),
        ("eligibility test rules/NCT07077486.cases.json", "One trial's cases"),
        ("eligibility test rules --min-coverage 100", "Fail unless every computable criterion has a passing, a failing and an unknown case"),
        ("eligibility test rules --terminology vocab/", "Run the cases with bindings expanded from your OMOP vocabulary (vocab/, not shipped) instead of the lock files"),
    ];

    protected override int Execute(ParseResult parseResult)
    {
        var plan = TestPlan.From(InputPaths.Expand(parseResult.GetRequiredValue(paths), Console));
        var ruleFiles = new RuleFiles(TerminologyInput.Load(parseResult.GetValue(terminology), Console));
        var coverage = new Dictionary<string, Coverage>(System.StringComparer.Ordinal);
        var reportedRuleErrors = new HashSet<string>(System.StringComparer.Ordinal);
        var report = new TestReport(Console);
        int passed = 0, failed = 0, internalErrors = 0;
        var caseOptions = new CaseFileOptions { Limits = LimitOptions.Read(parseResult), AllowOutsidePaths = parseResult.GetValue(allowOutsidePaths) };

        foreach (string casePath in plan.CaseFiles)
        {
            var file = CaseFileReader.Read(casePath, caseOptions);
            DiagnosticOutput.WriteAll(Console.Error, file.AllDiagnostics.Where(d => !d.IsError));
            if (file.IsUnusable)
            {
                DiagnosticOutput.WriteAll(Console.Error, file.Diagnostics.Where(d => d.IsError));
                report.Unusable(casePath, file.Diagnostics.Where(d => d.IsError));
                failed++;
                continue;
            }

            var compiled = ruleFiles.Compile(file.RulesPath!);
            if (compiled.Evaluator is not { } evaluator)
            {
                if (reportedRuleErrors.Add(Path.GetFullPath(file.RulesPath!)))
                {
                    DiagnosticOutput.WriteAll(Console.Error, compiled.Diagnostics);
                }

                var problem = CaseFileValidator.RulesInvalid(file);
                Console.Error.WriteLine(problem.ToString());
                report.Unusable(casePath, [problem]);
                failed += System.Math.Max(1, file.Cases.Count);
                continue;
            }

            string key = Path.GetFullPath(file.RulesPath!);
            if (!coverage.TryGetValue(key, out var cov))
            {
                coverage[key] = cov = new Coverage(file.RulesPath!, evaluator);
            }

            var ids = CriterionIds.Of(evaluator);
            int filePassed = 0, fileFailed = 0;
            foreach (var exampleCase in file.Cases)
            {
                CaseRun run;
                try
                {
                    run = CaseRunner.Run(exampleCase, evaluator, ids, casePath);
                }
#pragma warning disable CA1031 // one case's internal failure must not end the run: it is reported, counted, and the exit code says 3
                catch (System.Exception ex)
#pragma warning restore CA1031
                {
                    EligibilityCli.WriteInternalError(Console, new EligibilityBugException($"internal error running case '{exampleCase.Name}' of {casePath}: {ex.GetType().Name}: {ex.Message}", ex));
                    report.InternalError(casePath, exampleCase, $"{ex.GetType().Name}: {ex.Message}");
                    internalErrors++;
                    fileFailed++;
                    continue;
                }

                DiagnosticOutput.WriteAll(Console.Error, run.Problems);
                if (run.Result is { } result)
                {
                    cov.Add(result);
                }

                if (run.Passed)
                {
                    filePassed++;
                }
                else
                {
                    fileFailed++;
                    report.Failure(casePath, run);
                }
            }

            report.FileSummary(casePath, file.RulesPath!, filePassed, fileFailed);
            passed += filePassed;
            failed += fileFailed;
        }

        // Rule files with no case file still get a (empty) coverage table.
        foreach (string rulesPath in plan.RuleFiles)
        {
            string key = Path.GetFullPath(rulesPath);
            if (coverage.ContainsKey(key))
            {
                continue;
            }

            var compiled = ruleFiles.Compile(rulesPath);
            if (compiled.Evaluator is { } evaluator)
            {
                Console.Error.WriteLine($"{rulesPath}: warning: no example cases (expected {Path.ChangeExtension(rulesPath, null)}{InputPaths.CasesSuffix})");
                coverage[key] = new Coverage(rulesPath, evaluator);
            }
            else if (reportedRuleErrors.Add(key))
            {
                DiagnosticOutput.WriteAll(Console.Error, compiled.Diagnostics);
                failed++;
            }
        }

        var tables = coverage.Values.OrderBy(c => c.RulesPath, System.StringComparer.Ordinal).ToList();
        report.Coverage(tables);

        bool belowBar = false;
        if (parseResult.GetValue(minCoverage) is { } bar)
        {
            foreach (var c in tables.Where(c => c.Percent + 1e-9 < bar))
            {
                belowBar = true;
                Console.Error.WriteLine(CliConsole.Format($"{c.RulesPath}: error: case coverage {c.Percent:0.0}% is below --min-coverage {bar:0.##}% (missing: {string.Join(", ", c.Gaps())})"));
            }
        }

        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{passed} passed, {failed} failed"));
        if (internalErrors > 0)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"eligibility: internal error: {internalErrors} case(s) could not be run ({EligibilityCli.BugNote})"));
            return ExitCodes.InternalError;
        }

        return failed > 0 || belowBar ? ExitCodes.Failed : ExitCodes.Success;
    }
}
