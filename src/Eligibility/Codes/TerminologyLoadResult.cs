using System.Collections.Generic;
using System.Linq;
using Eligibility.Diagnostics;

namespace Eligibility.Codes;

/// <summary>The outcome of loading a terminology: every problem found (with file and line), and the terminology unless there were errors.</summary>
public sealed class TerminologyLoadResult
{
    internal TerminologyLoadResult(Terminology? terminology, IReadOnlyList<Diagnostic> diagnostics)
    {
        Terminology = terminology;
        Diagnostics = diagnostics;
    }

    /// <summary>The loaded terminology, or <c>null</c> when loading failed.</summary>
    public Terminology? Terminology { get; }

    /// <summary>Errors and warnings, each naming the file and line.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>Whether any diagnostic is an error (then <see cref="Terminology"/> is <c>null</c>).</summary>
    public bool HasErrors => Diagnostics.Any(d => d.IsError);
}
