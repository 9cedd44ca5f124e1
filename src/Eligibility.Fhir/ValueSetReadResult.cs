using System.Collections.Generic;
using System.Linq;
using Eligibility.Codes;
using Eligibility.Diagnostics;

namespace Eligibility.Fhir;

/// <summary>The outcome of reading a FHIR ValueSet file with <see cref="ValueSetReader"/>: the value sets read, and every
/// problem found, each with file, line, column and JSON pointer.</summary>
public sealed class ValueSetReadResult
{
    internal ValueSetReadResult(IReadOnlyList<ValueSetDefinition> valueSets, IReadOnlyList<Diagnostic> diagnostics)
    {
        ValueSets = valueSets;
        Diagnostics = diagnostics;
        HasErrors = diagnostics.Any(d => d.IsError);
    }

    /// <summary>The value sets read without error, in file order. A value set with an error is left out (its diagnostics
    /// say why), and so is one that includes it.</summary>
    public IReadOnlyList<ValueSetDefinition> ValueSets { get; }

    /// <summary>Errors and warnings, in the order found.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>Whether any diagnostic is an error (then at least one value set of the file is missing from
    /// <see cref="ValueSets"/>, or the file held none).</summary>
    public bool HasErrors { get; }

    /// <summary>Whether every value set of the file was read: no diagnostic is an error.</summary>
    public bool Succeeded => !HasErrors;

    /// <summary>The value sets, or an exception listing the errors when any value set of the file could not be read.</summary>
    /// <returns><see cref="ValueSets"/>.</returns>
    /// <exception cref="InvalidInputException">The file has errors; the exception carries every diagnostic and its
    /// message lists the first errors (<c>path(line,col): error CODE: message</c>).</exception>
    public IReadOnlyList<ValueSetDefinition> EnsureSuccess() =>
        HasErrors ? throw new InvalidInputException("the value set file could not be read", Diagnostics) : ValueSets;
}
