using System.Collections.Generic;
using System.Linq;
using Eligibility.Diagnostics;

namespace Eligibility;

/// <summary>The outcome of compiling a rule file: every diagnostic found, and the evaluator when there were no errors.</summary>
public sealed class CompilationResult
{
    internal CompilationResult(IReadOnlyList<Diagnostic> diagnostics, TrialEvaluator? evaluator)
    {
        Diagnostics = diagnostics;
        Evaluator = evaluator;
    }

    /// <summary>All errors and warnings, in the order found (JSON, then schema, then binding).</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>Whether any diagnostic is an error (then <see cref="Evaluator"/> is <c>null</c>).</summary>
    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    /// <summary>The compiled evaluator, or <c>null</c> when the file has errors.</summary>
    public TrialEvaluator? Evaluator { get; }

    /// <summary>
    /// When the file was compiled with a terminology (<see cref="CompileOptions.Terminology"/>) and has no errors: the text
    /// of its lock file, pinning the codes every concept's bindings expanded to. Write it to
    /// <see cref="RuleCompiler.LockFilePath"/> so that compiling without the terminology gives the same codes. Otherwise <c>null</c>.
    /// </summary>
    public string? LockFileText { get; init; }
}
