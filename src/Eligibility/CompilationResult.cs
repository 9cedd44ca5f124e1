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
}
