using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text;
using Eligibility.Cli.Input;
using Eligibility.Cli.Output;
using Eligibility.Cli.Rendering;
using Eligibility.Testing;
using Eligibility.Diagnostics;

namespace Eligibility.Cli.Commands;

/// <summary><c>eligibility render</c>: writes <c>&lt;out&gt;/&lt;TrialId&gt;.md</c> per rule file; <c>--check</c> verifies them for CI.</summary>
internal sealed class RenderCommand : CliCommand
{
    private static readonly UTF8Encoding Utf8 = new(false);

    private readonly Argument<string[]> paths = new("PATH") { Description = "Rule files or folders of them (example-case files are skipped).", Arity = ArgumentArity.OneOrMore };
    private readonly Option<string> outDir = new("--out") { Description = "The folder to write <TrialId>.md into.", DefaultValueFactory = _ => Path.Combine("docs", "trials"), HelpName = "DIR" };
    private readonly Option<bool> check = new("--check") { Description = "Write nothing; exit 1 if a rendering on disk is missing or differs (for CI)." };
    private readonly Option<string[]> terminology = TerminologyInput.CreateOption();

    public RenderCommand(CliConsole console)
        : base("render", "Render rule files as Markdown for clinical review: each criterion's source text beside what the rule checks.", console)
    {
        Arguments.Add(paths);
        Options.Add(outDir);
        Options.Add(check);
        Options.Add(terminology);
    }

    public override IReadOnlyList<(string CommandLine, string Comment)> Examples { get; } =
    [
        ("eligibility render rules", "Write docs/trials/<TrialId>.md for every rule file under rules/"),
        ("eligibility render rules/NCT07077486.json --out build/trials", "One file, elsewhere"),
        ("eligibility render rules --check", "In CI: fail if docs/trials is out of date"),
    ];

    protected override int Execute(ParseResult parseResult)
    {
        string dir = parseResult.GetValue(outDir) ?? Path.Combine("docs", "trials");
        bool checkOnly = parseResult.GetValue(check);
        var files = InputPaths.Expand(parseResult.GetRequiredValue(paths), Console).Where(f => f.Kind == JsonFileKind.RuleFile).ToList();
        if (files.Count == 0)
        {
            throw new CliInputException("no rule files found");
        }

        // Compile everything first: a broken rule file writes nothing.
        var ruleFiles = new RuleFiles(TerminologyInput.Load(parseResult.GetValue(terminology), Console));
        var rendered = new List<(string Target, string Text)>();
        bool broken = false;
        foreach (var file in files)
        {
            var result = ruleFiles.Compile(file.Path);
            DiagnosticOutput.WriteAll(Console.Error, result.Diagnostics);
            if (result.Evaluator is { } evaluator)
            {
                rendered.Add((Path.Combine(dir, evaluator.Trial.Id + ".md"), TrialMarkdown.Render(evaluator, file.Path)));
            }
            else
            {
                broken = true;
            }
        }

        if (broken)
        {
            throw new CliInputException("rule files have errors; nothing was rendered");
        }

        var clash = rendered.GroupBy(r => Path.GetFullPath(r.Target), System.StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
        {
            throw new CliInputException($"two rule files have the same trial ID and would both be rendered to {clash.First().Target}");
        }

        int stale = 0;
        foreach (var (target, text) in rendered)
        {
            string? current = ExistingFile.ReadText(target, "renderings", Console);
            if (checkOnly)
            {
                if (current != text)
                {
                    stale++;
                    string why = current is null ? "is missing" : "is out of date";
                    Console.Error.WriteLine(new Diagnostic(
                        code: ToolDiagnosticCodes.RenderingOutOfDate,
                        severity: DiagnosticSeverity.Error,
                        message: $"the rendering {why}; run 'eligibility render' and commit the result",
                        file: target).ToString());
                }
                else
                {
                    Console.Out.WriteLine($"{target}: up to date");
                }

                continue;
            }

            if (current == text)
            {
                Console.Out.WriteLine($"{target}: unchanged");
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
            File.WriteAllText(target, text, Utf8);
            Console.Out.WriteLine($"{target}: written");
        }

        return stale > 0 ? ExitCodes.Failed : ExitCodes.Success;
    }
}
