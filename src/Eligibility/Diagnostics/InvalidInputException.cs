using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Eligibility;

/// <summary>
/// Thrown by the <c>EnsureSuccess()</c> method of a result (<see cref="CompilationResult.EnsureSuccess"/>,
/// <see cref="Patients.PatientReadResult.EnsureSuccess"/>, <see cref="TerminologyLoadResult.EnsureSuccess"/>, the FHIR
/// value set reader's result) when the input had errors. <see cref="Diagnostics"/> holds every diagnostic of the result;
/// <see cref="Exception.Message"/> lists the first few errors in MSBuild's form
/// (<c>path(line,col): error CODE: message</c>), one a line, then "and N more". Readers never throw this on their own:
/// it is for callers that prefer an exception to checking <c>Succeeded</c>.
/// </summary>
public sealed class InvalidInputException : Exception
{
    /// <summary>How many errors <see cref="Exception.Message"/> lists before "and N more".</summary>
    public const int ListedErrors = 5;

    /// <summary>Creates the exception with no diagnostics.</summary>
    public InvalidInputException()
        : this("the input has errors")
    {
    }

    /// <summary>Creates the exception with a message and no diagnostics.</summary>
    /// <param name="message">What is wrong.</param>
    public InvalidInputException(string message)
        : base(message)
    {
        Diagnostics = Array.Empty<Diagnostic>();
    }

    /// <summary>Creates the exception with a message, no diagnostics and the exception that caused it.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidInputException(string message, Exception innerException)
        : base(message, innerException)
    {
        Diagnostics = Array.Empty<Diagnostic>();
    }

    /// <summary>
    /// Creates the exception for a result with errors: the message is <paramref name="summary"/>, the number of errors,
    /// and the first <see cref="ListedErrors"/> errors one a line (<c>path(line,col): error CODE: message</c>), then
    /// "and N more".
    /// </summary>
    /// <param name="summary">What failed, e.g. <c>the rule file could not be compiled</c>.</param>
    /// <param name="diagnostics">Every diagnostic of the result, warnings included (only errors are listed in the message).</param>
    public InvalidInputException(string summary, IReadOnlyList<Diagnostic> diagnostics)
        : base(Describe(summary, diagnostics))
    {
        Diagnostics = diagnostics.ToArray();
    }

    /// <summary>Every diagnostic of the result that failed, in the order found (errors and warnings).</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    private static string Describe(string summary, IReadOnlyList<Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var errors = diagnostics.Where(d => d.IsError).ToList();
        var text = new StringBuilder(summary);
        text.Append(CultureInfo.InvariantCulture, $" ({errors.Count} error{(errors.Count == 1 ? string.Empty : "s")}){(errors.Count > 0 ? ":" : string.Empty)}");
        foreach (var error in errors.Take(ListedErrors))
        {
            text.Append('\n').Append(error);
        }

        if (errors.Count > ListedErrors)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nand {errors.Count - ListedErrors} more");
        }

        return text.ToString();
    }
}
