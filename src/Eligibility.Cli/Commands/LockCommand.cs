using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Eligibility.Cli.Input;
using Eligibility.Cli.Output;
using Eligibility.Testing;
using Eligibility.Diagnostics;

namespace Eligibility.Cli.Commands;

/// <summary>
/// <c>eligibility lock</c>: compiles rule files with a terminology and writes each one's lock file
/// (<c>&lt;TrialId&gt;.lock.json</c> beside it), pinning the codes its SNOMED CT, RxNorm, ATC and value-set bindings
/// expand to, so that the file evaluates the same way where the terminology is not available. <c>--check</c> verifies
/// the lock files for CI.
/// </summary>
internal sealed class LockCommand : CliCommand
{
    private static readonly UTF8Encoding Utf8 = new(false);

    private readonly Argument<string[]> paths = new("PATH") { Description = "Rule files or folders of them (example-case files and lock files are skipped).", Arity = ArgumentArity.OneOrMore };
    private readonly Option<string[]> terminology = TerminologyInput.CreateOption(
        "Required. The terminology to expand the bindings with: an OMOP vocabulary folder (Athena's CONCEPT.csv, CONCEPT_ANCESTOR.csv, CONCEPT_RELATIONSHIP.csv), FHIR ValueSet files or folders of them. Repeat for more.");

    private readonly Option<bool> check = new("--check") { Description = "Write nothing; exit 1 if a lock file is missing or differs from what would be written (for CI)." };

    public LockCommand(CliConsole console)
        : base("lock", "Pin the codes each rule file's bindings expand to with a terminology, in <TrialId>.lock.json beside it.", console)
    {
        Arguments.Add(paths);
        Options.Add(terminology);
        Options.Add(check);
    }

    public override IReadOnlyList<(string CommandLine, string Comment)> Examples { get; } =
    [
        ("eligibility lock rules --terminology vocab/", "Write rules/<TrialId>.lock.json for every rule file under rules/, from your OMOP vocabulary (vocab/ stands for your Athena download; it is not shipped)"),
        ("eligibility lock rules/NCT07077486.json --terminology vocab/ --terminology valuesets/", "One file, with the vocabulary and a folder of your FHIR ValueSets (e.g. exported from VSAC)"),
        ("eligibility lock rules --terminology vocab/ --check", "In CI, where your vocabulary is kept (vocab/, not shipped): fail if a lock file is missing or out of date"),
    ];

    protected override int Execute(ParseResult parseResult)
    {
        var terminologyPaths = parseResult.GetValue(terminology);
        if (terminologyPaths is not { Length: > 0 })
        {
            throw new CliInputException("lock needs --terminology PATH: the OMOP vocabulary folder and/or FHIR ValueSets to expand the bindings with");
        }

        bool checkOnly = parseResult.GetValue(check);
        var files = InputPaths.Expand(parseResult.GetRequiredValue(paths), Console).Where(f => f.Kind == JsonFileKind.RuleFile).ToList();
        if (files.Count == 0)
        {
            throw new CliInputException("no rule files found");
        }

        var loaded = TerminologyInput.LoadTerminology(terminologyPaths, Console)!;

        // The existing lock file is not read: it is what is being replaced (and a broken one must not stop its repair).
        var options = new CompileOptions { Terminology = loaded, UseLockFile = false };

        // Compile everything first: a rule file with errors writes nothing.
        var locks = new List<(string Target, string Text)>();
        bool broken = false;
        foreach (var file in files)
        {
            var result = RuleCompiler.CompileFile(file.Path, options);
            DiagnosticOutput.WriteAll(Console.Error, result.Diagnostics);
            if (result.HasErrors || result.LockFileText is not { } text)
            {
                broken = true;
                continue;
            }

            locks.Add((RuleCompiler.LockFilePath(file.Path), text.ReplaceLineEndings("\n")));
        }

        if (broken)
        {
            Console.Error.WriteLine("eligibility: error: rule files have errors; no lock file was written");
            return ExitCodes.Failed;
        }

        int stale = 0;
        foreach (var (target, text) in locks)
        {
            string? current = ExistingFile.ReadText(target, "lock files", Console)?.ReplaceLineEndings("\n");
            string pinned = Pinned(text);
            if (checkOnly)
            {
                if (current == text)
                {
                    Console.Out.WriteLine($"{target}: up to date ({pinned})");
                    continue;
                }

                stale++;
                string why = current is null ? "is missing" : "is out of date: the bindings or the terminology changed since it was written";
                Console.Error.WriteLine(new Diagnostic(
                    code: ToolDiagnosticCodes.LockFileOutOfDate,
                    severity: DiagnosticSeverity.Error,
                    message: $"the lock file {why}; run 'eligibility lock' with the same --terminology and commit the result",
                    file: target).ToString());
                continue;
            }

            if (current == text)
            {
                Console.Out.WriteLine($"{target}: unchanged ({pinned})");
                continue;
            }

            File.WriteAllText(target, text, Utf8);
            Console.Out.WriteLine($"{target}: written ({pinned})");
        }

        return stale > 0 ? ExitCodes.Failed : ExitCodes.Success;
    }

    /// <summary>"3 concepts pinned": the number of concepts the lock file holds.</summary>
    private static string Pinned(string lockText)
    {
        int count = 0;
        using (var doc = JsonDocument.Parse(lockText))
        {
            if (doc.RootElement.TryGetProperty("concepts", out var concepts) && concepts.ValueKind == JsonValueKind.Object)
            {
                count = concepts.EnumerateObject().Count();
            }
        }

        return count == 1 ? "1 concept pinned" : string.Create(CultureInfo.InvariantCulture, $"{count} concepts pinned");
    }
}
