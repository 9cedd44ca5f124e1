using System;
using System.Collections.Generic;

namespace Eligibility.Patients;

/// <summary>What every clinical record in a patient record carries: identity, provenance and codes.</summary>
/// <remarks>An input: a record (init-only, with value equality) because it is a value an application constructs and passes
/// in as part of a <see cref="PatientRecord"/>.</remarks>
public abstract record ClinicalRecord
{
    /// <summary>The record's identifier within the patient record, if any.</summary>
    public string? Id { get; init; }

    /// <summary>Where the record came from, shown in explanations (e.g. <c>Observation/abc</c>).</summary>
    public string? Source { get; init; }

    /// <summary>The codes that identify what this record is about; matched against concept bindings.</summary>
    public IReadOnlyList<Coding> Codes { get; init; } = Array.Empty<Coding>();

    /// <summary>The record's status as given by the source (e.g. <c>final</c>, <c>completed</c>, <c>entered-in-error</c>).</summary>
    public string? Status { get; init; }

    /// <summary>A short reference for explanations: the source, else the id, else nothing.</summary>
    public string? Reference => Source ?? Id;
}
