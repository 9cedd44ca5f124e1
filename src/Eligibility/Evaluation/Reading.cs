using Eligibility.Binding;
using Eligibility.Explanation;
using Eligibility.Patients;
using Eligibility.Units;

namespace Eligibility.Evaluation;

/// <summary>A result read in a wanted unit: the value converted, or why it could not be.</summary>
internal readonly record struct Reading(ObservationRecord Observation, decimal? Value, string? Problem)
{
    /// <summary>Converts the result's value to <paramref name="unit"/>; a missing or unconvertible unit is a problem, never a silent comparison.</summary>
    public static Reading In(ObservationRecord o, BoundConcept concept, string unit)
    {
        decimal value = o.Value!.Value;
        if (TryConvert(o, concept, unit, out decimal converted, out string? error))
        {
            return new Reading(o, converted, null);
        }

        return error is null
            ? new Reading(o, null, $"{concept.Label} {Phrase.Exact(value)} on {Phrase.Date(o.Date!.Value)}{Phrase.Source(o.Reference)} has no unit, so it cannot be compared in {unit}")
            : new Reading(o, null, $"{concept.Label} {Phrase.Quantity(value, o.Unit)} on {Phrase.Date(o.Date!.Value)}{Phrase.Source(o.Reference)} cannot be converted to {unit} ({error})");
    }

    /// <summary>
    /// The result's value in <paramref name="unit"/>, as <see cref="In"/> reads it, without wording a problem (the verdict
    /// path): false when the result has no unit (<paramref name="error"/> null) or the unit does not convert.
    /// </summary>
    public static bool TryConvert(ObservationRecord o, BoundConcept concept, string unit, out decimal converted, out string? error)
    {
        converted = 0m;
        error = null;
        return !string.IsNullOrWhiteSpace(o.Unit)
            && UnitConverter.Instance.TryConvert(o.Value!.Value, o.Unit, unit, concept.MolarMass, out converted, out error);
    }

    /// <summary>"alt 212 U/L on 2026-01-10 (Observation/abc)", with the converted value when the unit differs.</summary>
    public string Describe(string conceptName, string unit)
    {
        var o = Observation;
        string shown = Phrase.Quantity(o.Value!.Value, o.Unit);
        if (Value is { } v && !string.Equals(o.Unit, unit, System.StringComparison.Ordinal))
        {
            shown += " (" + Phrase.Number(v) + " " + Phrase.Unit(unit) + ")";
        }

        return $"{conceptName} {shown} on {Phrase.Date(o.Date!.Value)}{Phrase.Source(o.Reference)}";
    }

    public FactUsed ToFact(string conceptName, string unit) => new()
    {
        Concept = conceptName,
        Value = Observation.Value,
        Unit = Observation.Unit,
        ConvertedValue = string.Equals(Observation.Unit, unit, System.StringComparison.Ordinal) ? null : Value,
        ConvertedUnit = string.Equals(Observation.Unit, unit, System.StringComparison.Ordinal) ? null : unit,
        Date = Observation.Date,
        Source = Observation.Reference,
    };
}
