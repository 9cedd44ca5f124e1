using System;
using System.Collections.Generic;
using System.IO;
using Eligibility.Cli.Output;
using Eligibility.Diagnostics;

namespace Eligibility.Cli.Input;

/// <summary>
/// Compiles rule files once per run (keyed by full path), all with the run's <see cref="CompileOptions"/> (the
/// terminology loaded from <c>--terminology</c>), so a file used by several case files is compiled once.
/// </summary>
internal sealed class RuleFiles
{
    private readonly Dictionary<string, CompilationResult> cache = new(StringComparer.Ordinal);

    /// <summary>Creates the cache; every compile uses <paramref name="options"/> (default: no terminology).</summary>
    public RuleFiles(CompileOptions? options = null) => Options = options ?? CompileOptions.Default;

    /// <summary>The options every rule file of the run is compiled with.</summary>
    public CompileOptions Options { get; }

    /// <summary>Compiles (or returns the cached result for) the rule file at <paramref name="path"/>.</summary>
    public CompilationResult Compile(string path)
    {
        string key = Path.GetFullPath(path);
        if (!cache.TryGetValue(key, out var result))
        {
            result = RuleCompiler.CompileFile(path, Options);
            cache[key] = result;
        }

        return result;
    }

    /// <summary>
    /// Compiles a rule file a command needs: prints its diagnostics (MSBuild lines) to stderr and, when it has errors,
    /// throws so the command exits 2.
    /// </summary>
    public TrialEvaluator LoadOrThrow(string path, CliConsole console)
    {
        if (!File.Exists(path))
        {
            console.Error.WriteLine(DiagnosticOutput.FileError(path, DiagnosticCodes.FileUnreadable, "the rule file does not exist").ToString());
            throw new CliInputException($"cannot read the rule file {path}");
        }

        InputPaths.RefuseLockFile(path, console);
        var result = Compile(path);
        DiagnosticOutput.WriteAll(console.Error, result.Diagnostics);
        return result.Evaluator ?? throw new CliInputException($"the rule file {path} has errors; nothing was evaluated");
    }
}
