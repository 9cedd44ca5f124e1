using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using Eligibility.Diagnostics;

namespace Eligibility.Patients;

/// <summary>A patient record read from JSON, or the reasons it could not be read.</summary>
/// <remarks>
/// The constructor is public for readers of other formats (<c>Eligibility.Fhir</c> is one); it keeps the result
/// consistent: a record exactly when no diagnostic is an error.
/// </remarks>
public sealed class PatientReadResult
{
    /// <summary>Creates a result (for readers of other formats, such as FHIR bundles).</summary>
    /// <param name="patient">The record, or <c>null</c> when <paramref name="diagnostics"/> hold errors.</param>
    /// <param name="diagnostics">Errors and warnings.</param>
    /// <exception cref="ArgumentException">A record with an error among <paramref name="diagnostics"/>, or no record and no error.</exception>
    public PatientReadResult(PatientRecord? patient, IReadOnlyList<Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        bool hasErrors = diagnostics.Any(d => d.IsError);
        if (hasErrors == patient is not null)
        {
            throw new ArgumentException(patient is null
                ? "a result without a patient record needs at least one error diagnostic saying why"
                : "a result with errors has no patient record", nameof(patient));
        }

        Patient = patient;
        Diagnostics = diagnostics;
        HasErrors = hasErrors;
    }

    /// <summary>The record, or <c>null</c> when there are errors.</summary>
    public PatientRecord? Patient { get; }

    /// <summary>Errors and warnings (unknown fields are warnings), positioned by line, column and JSON pointer.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>Whether any diagnostic is an error (then <see cref="Patient"/> is <c>null</c>).</summary>
    public bool HasErrors { get; }

    /// <summary>
    /// Whether the record was read: <see cref="Patient"/> is not <c>null</c> and no diagnostic is an error (the compiler
    /// knows that after <c>if (read.Succeeded)</c>, so no <c>!</c> is needed).
    /// </summary>
    [MemberNotNullWhen(true, nameof(Patient))]
    public bool Succeeded => Patient is not null;

    /// <summary>The record, or an exception listing the errors when it could not be read.</summary>
    /// <returns><see cref="Patient"/>, never <c>null</c>.</returns>
    /// <exception cref="InvalidInputException">The input has errors; the exception carries every diagnostic and its
    /// message lists the first errors (<c>path(line,col): error CODE: message</c>).</exception>
    public PatientRecord EnsureSuccess() =>
        Patient ?? throw new InvalidInputException("the patient record could not be read", Diagnostics);
}
