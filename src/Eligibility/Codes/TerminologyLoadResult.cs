using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using Eligibility.Diagnostics;
using Eligibility.Codes;

namespace Eligibility;

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

    /// <summary>Whether the terminology loaded: <see cref="Terminology"/> is not <c>null</c> and no diagnostic is an error.</summary>
    [MemberNotNullWhen(true, nameof(Terminology))]
    public bool Succeeded => Terminology is not null && !HasErrors;

    /// <summary>The terminology, or an exception listing the errors when it did not load.</summary>
    /// <returns><see cref="Terminology"/>, never <c>null</c>.</returns>
    /// <exception cref="InvalidInputException">Loading failed; the exception carries every diagnostic and its message
    /// lists the first errors (<c>path(line,col): error CODE: message</c>).</exception>
    public Terminology EnsureSuccess() =>
        Succeeded ? Terminology : throw new InvalidInputException("the terminology could not be loaded", Diagnostics);
}
