using System;
using System.Collections.Generic;
using System.IO;
using Eligibility.Cli.Output;

namespace Eligibility.Cli.Input;

/// <summary>Compiles rule files once per run (keyed by full path), so a file used by several case files is compiled once.</summary>
internal sealed class RuleFiles
{
    private readonly Dictionary<string, CompilationResult> cache = new(StringComparer.Ordinal);

    /// <summary>Compiles (or returns the cached result for) the rule file at <paramref name="path"/>.</summary>
    public CompilationResult Compile(string path)
    {
        string key = Path.GetFullPath(path);
        if (!cache.TryGetValue(key, out var result))
        {
            result = RuleCompiler.CompileFile(path);
            cache[key] = result;
        }

        return result;
    }

    /// <summary>
    /// Compiles a rule file a command needs: prints its diagnostics (MSBuild lines) to stderr and, when it has errors,
    /// throws so the command exits 2.
    /// </summary>
    public static TrialEvaluator LoadOrThrow(string path, CliConsole console)
    {
        if (!File.Exists(path))
        {
            console.Error.WriteLine(DiagnosticOutput.FileError(path, Eligibility.Diagnostics.DiagnosticCodes.FileUnreadable, "the rule file does not exist").ToString());
            throw new CliInputException($"cannot read the rule file {path}");
        }

        var result = RuleCompiler.CompileFile(path);
        DiagnosticOutput.WriteAll(console.Error, result.Diagnostics);
        return result.Evaluator ?? throw new CliInputException($"the rule file {path} has errors; nothing was evaluated");
    }
}
