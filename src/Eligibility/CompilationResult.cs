using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
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

    /// <summary>
    /// Whether the file compiled: no diagnostic is an error, and <see cref="Evaluator"/> is not <c>null</c> (the compiler
    /// knows that after <c>if (compiled.Succeeded)</c>, so no <c>!</c> is needed).
    /// </summary>
    [MemberNotNullWhen(true, nameof(Evaluator))]
    public bool Succeeded => Evaluator is not null;

    /// <summary>The compiled evaluator, or <c>null</c> when the file has errors.</summary>
    public TrialEvaluator? Evaluator { get; }

    /// <summary>The evaluator, or an exception listing the errors when the file did not compile.</summary>
    /// <returns><see cref="Evaluator"/>, never <c>null</c>.</returns>
    /// <exception cref="InvalidInputException">The file has errors; the exception carries every diagnostic and its
    /// message lists the first errors (<c>path(line,col): error CODE: message</c>).</exception>
    public TrialEvaluator EnsureSuccess() =>
        Evaluator ?? throw new InvalidInputException("the rule file could not be compiled", Diagnostics);

    /// <summary>
    /// When the file was compiled with a terminology (<see cref="CompileOptions.Terminology"/>) and has no errors: the text
    /// of its lock file, pinning the codes every concept's bindings expanded to. Write it to
    /// <see cref="RuleCompiler.LockFilePath"/> so that compiling without the terminology gives the same codes. Otherwise <c>null</c>.
    /// </summary>
    public string? LockFileText { get; internal init; }
}
