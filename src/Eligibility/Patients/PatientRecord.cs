using System;
using System.Collections.Generic;

namespace Eligibility.Patients;

/// <summary>
/// The native patient record: the single input type of evaluation (docs/patient-format.md).
/// Immutable once built; safe to evaluate concurrently against many trials.
/// </summary>
/// <remarks>An input: a record (init-only, with value equality) because it is a value an application constructs — by
/// hand, from its own store, or with <c>with</c> — and passes in. Its lists compare by reference; compare records by their content where that matters.</remarks>
public sealed record PatientRecord
{
    /// <summary>Patient identifier, copied into results.</summary>
    public string? Id { get; init; }

    /// <summary>The screening date the record was prepared for, if it says (the CLI uses it when no as-of is given).</summary>
    public DateOnly? AsOf { get; init; }

    /// <summary>Date of birth.</summary>
    public DateOnly? BirthDate { get; init; }

    /// <summary>Administrative sex.</summary>
    public AdministrativeSex Sex { get; init; }

    /// <summary>Measurements and coded observations.</summary>
    public IReadOnlyList<ObservationRecord> Observations { get; init; } = Array.Empty<ObservationRecord>();

    /// <summary>Conditions (diagnoses, problems).</summary>
    public IReadOnlyList<ConditionRecord> Conditions { get; init; } = Array.Empty<ConditionRecord>();

    /// <summary>Procedures.</summary>
    public IReadOnlyList<ProcedureRecord> Procedures { get; init; } = Array.Empty<ProcedureRecord>();

    /// <summary>Medication exposures.</summary>
    public IReadOnlyList<MedicationRecord> Medications { get; init; } = Array.Empty<MedicationRecord>();

    /// <summary>Immunizations.</summary>
    public IReadOnlyList<ImmunizationRecord> Immunizations { get; init; } = Array.Empty<ImmunizationRecord>();

    /// <summary>Answers to judgement criteria.</summary>
    public IReadOnlyList<Assessment> Assessments { get; init; } = Array.Empty<Assessment>();
}
