using System;
using System.Collections.Generic;

namespace Eligibility.Patients;

/// <summary>
/// A measurement or a qualitative result: a lab value, vital sign, score, a status such as pregnancy, or a test read as
/// positive/negative (HBsAg). A result may carry a number, codes, a yes/no, a text, an interpretation — or several.
/// </summary>
public sealed record ObservationRecord : ClinicalRecord
{
    /// <summary>The numeric value, if the result is a quantity.</summary>
    public decimal? Value { get; init; }

    /// <summary>The UCUM unit of <see cref="Value"/>; <c>null</c> or empty when the source gave none.</summary>
    public string? Unit { get; init; }

    /// <summary>
    /// The coded answer's codings, if the result is coded (e.g. LOINC LA15173-0 "pregnant", or SNOMED 131194007
    /// "Non-reactive" beside a local code); any one matching a declared answer is enough.
    /// </summary>
    public IReadOnlyList<Coding> ValueCodes { get; init; } = Array.Empty<Coding>();

    /// <summary>The boolean answer, if the result is a yes/no.</summary>
    public bool? ValueBoolean { get; init; }

    /// <summary>A result given as text (FHIR <c>valueString</c>, or a coded value's text without codes), e.g. "Non-reactive".</summary>
    public string? ValueText { get; init; }

    /// <summary>
    /// The laboratory's interpretation of the result (FHIR <c>Observation.interpretation</c>, e.g. v3
    /// ObservationInterpretation <c>POS</c> / <c>NEG</c>); read for qualitative concepts when the value itself says nothing.
    /// </summary>
    public IReadOnlyList<Coding> Interpretation { get; init; } = Array.Empty<Coding>();

    /// <summary>The result's reference range, if reported.</summary>
    public ReferenceRange? ReferenceRange { get; init; }

    /// <summary>The effective (specimen) date.</summary>
    public DateOnly? Date { get; init; }

    /// <summary>Whether the result carries anything at all: a number, codes, a yes/no, a text or an interpretation.</summary>
    public bool HasContent => Value is not null || ValueCodes.Count > 0 || ValueBoolean is not null || !string.IsNullOrWhiteSpace(ValueText) || Interpretation.Count > 0;
}
