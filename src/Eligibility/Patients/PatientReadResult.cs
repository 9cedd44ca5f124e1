using System.Collections.Generic;
using System.Linq;
using Eligibility.Diagnostics;

namespace Eligibility.Patients;

/// <summary>A patient record read from JSON, or the reasons it could not be read.</summary>
public sealed class PatientReadResult
{
    /// <summary>Creates a result (for readers of other formats, such as FHIR bundles).</summary>
    /// <param name="patient">The record, or <c>null</c> when <paramref name="diagnostics"/> hold errors.</param>
    /// <param name="diagnostics">Errors and warnings.</param>
    public PatientReadResult(PatientRecord? patient, IReadOnlyList<Diagnostic> diagnostics)
    {
        Patient = patient;
        Diagnostics = diagnostics;
    }

    /// <summary>The record, or <c>null</c> when there are errors.</summary>
    public PatientRecord? Patient { get; }

    /// <summary>Errors and warnings (unknown fields are warnings), positioned by line, column and JSON pointer.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>Whether any diagnostic is an error.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.IsError);
}
