using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Eligibility.Patients;
using Hl7.Fhir.Model;
using FhirQuantity = Hl7.Fhir.Model.Quantity;

namespace Eligibility.Fhir;

/// <content>Observations: measurements, coded, text and boolean results, interpretations, panel components, and assessments.</content>
internal sealed partial class BundleMapper
{
    /// <summary>The code system of assessments: answers to judgement criteria, coded <c>&lt;TrialId&gt;/&lt;CriterionId&gt;</c>.</summary>
    internal const string CriterionSystem = "urn:eligibility:criterion";

    private void MapObservation(Parsed p, Observation o)
    {
        if (!CheckSubject(p, o.Subject, "/subject"))
        {
            return;
        }

        string? status = FhirValues.Raw(o.StatusElement);
        DateOnly? date = EffectiveDay(p, o.Effective, "effective", "effective date");
        if (o.Code?.Coding.FirstOrDefault(c => string.Equals(c.System, CriterionSystem, StringComparison.Ordinal) && !string.IsNullOrWhiteSpace(c.Code)) is { } criterion)
        {
            MapAssessment(p, o, criterion.Code!.Trim(), status, date);
            return;
        }

        if (date is null && o.Effective is null)
        {
            diagnostics.Warning(FhirDiagnosticCodes.DateNotUsable, p.Entry, string.Empty, $"{p.Name} has no effective date, so it cannot fall inside any lookback window");
        }

        var common = new ObservationRecord
        {
            Id = p.Resource.Id,
            Source = p.Name,
            Codes = FhirValues.Codes(o.Code),
            Status = status,
            Date = date,
        };

        if (o.Value is not null || o.Interpretation.Count > 0 || o.Component.Count == 0)
        {
            if (WithContent(p, common, o.Value, o.Interpretation, string.Empty, o.ReferenceRange.FirstOrDefault()) is { } record)
            {
                observations.Add(record);
            }
        }

        for (int i = 0; i < o.Component.Count; i++)
        {
            var component = o.Component[i];
            if (component is null)
            {
                continue; // "component": [null] (reported by the parser as a warning, ELIG3109)
            }

            string at = "/component/" + i.ToString(CultureInfo.InvariantCulture);
            var codes = FhirValues.Codes(component.Code);
            if (codes.Count == 0 || (component.Value is null && component.Interpretation.Count == 0))
            {
                continue; // a component without a code, or with neither a value nor an interpretation, says nothing eligibility can use
            }

            var componentRecord = common with { Id = p.Resource.Id is { } id ? id + at : null, Codes = codes };
            if (WithContent(p, componentRecord, component.Value, component.Interpretation, at, component.ReferenceRange.FirstOrDefault()) is { } record)
            {
                observations.Add(record);
            }
        }
    }

    /// <summary>
    /// Adds the value (and reference range) and the interpretation to a result. A result with no usable value but an
    /// interpretation is kept (a qualitative result read from its interpretation); <c>null</c> when it has neither.
    /// </summary>
    private ObservationRecord? WithContent(Parsed p, ObservationRecord record, DataType? value, List<CodeableConcept> interpretation, string at, Observation.ReferenceRangeComponent? range)
    {
        var interpreted = interpretation.Count == 0 ? null : interpretation.SelectMany(FhirValues.Codes).Distinct().ToList();
        if (WithValue(p, record, value, at, range) is { } withValue)
        {
            return interpreted is not { Count: > 0 } ? withValue : withValue with { Interpretation = interpreted };
        }

        if (interpreted is { Count: > 0 })
        {
            return record with { Interpretation = interpreted };
        }

        if (interpretation.Count > 0)
        {
            diagnostics.Warning(FhirDiagnosticCodes.ValueNotUsable, p.Entry, at + "/interpretation",
                $"{p.Name}: the interpretation has no coding with a system and a code, and there is no usable value; the result is skipped");
        }

        return null;
    }

    /// <summary>Adds the value (and reference range) to a result; <c>null</c> when there is no usable value.</summary>
    private ObservationRecord? WithValue(Parsed p, ObservationRecord record, DataType? value, string at, Observation.ReferenceRangeComponent? range)
    {
        switch (value)
        {
            case null:
                return null; // no value (dataAbsentReason, a panel whose values are in its components, or an interpretation only)
            case FhirQuantity q:
            {
                string pointer = at + FhirValues.ChoicePointer("value", value);
                if (FhirValues.Raw(q.ComparatorElement) is not null)
                {
                    // Read as written (the typed getter throws for a code outside the value set; the parse has already
                    // refused such a comparator, BundleMapper.IsReadCode).
                    diagnostics.Warning(FhirDiagnosticCodes.ValueNotUsable, p.Entry, pointer + "/comparator",
                        $"{p.Name}: the value '{FhirValues.Raw(q.ComparatorElement)}{FhirValues.Raw(q.ValueElement)}' is a bound, not a result; it is skipped");
                    return null;
                }

                if (q.Value is not { } number)
                {
                    diagnostics.Warning(FhirDiagnosticCodes.ValueNotUsable, p.Entry, pointer, $"{p.Name}: the quantity has no value; it is skipped");
                    return null;
                }

                string unit = FhirValues.UnitOf(q);
                if (unit.Length == 0)
                {
                    diagnostics.Warning(FhirDiagnosticCodes.QuantityWithoutUnit, p.Entry, pointer,
                        $"{p.Name}: the value {number.ToString(CultureInfo.InvariantCulture)} has no unit; comparisons on it are unknown");
                }

                return record with { Value = number, Unit = unit, ReferenceRange = Range(range) };
            }

            case Integer integer when integer.Value is { } whole:
                // An integer result is a count or a score: UCUM's unity, which converts to annotations such as {score}.
                return record with { Value = whole, Unit = "1", ReferenceRange = Range(range) };
            case CodeableConcept concept:
            {
                // Every coding counts (a local code beside SNOMED CT, say); without any, the concept's text is the result.
                var answers = FhirValues.Codes(concept).Distinct().ToList();
                if (answers.Count > 0)
                {
                    return record with { ValueCodes = answers };
                }

                if (!string.IsNullOrWhiteSpace(concept.Text))
                {
                    return record with { ValueText = concept.Text.Trim() };
                }

                diagnostics.Warning(FhirDiagnosticCodes.ValueNotUsable, p.Entry, at + "/valueCodeableConcept", $"{p.Name}: the coded value has neither a coding with a system and a code nor a text; it is skipped");
                return null;
            }

            case FhirBoolean b when b.Value is { } yes:
                return record with { ValueBoolean = yes };
            case FhirString text when !string.IsNullOrWhiteSpace(text.Value):
                return record with { ValueText = text.Value.Trim() };
            default:
                diagnostics.Warning(FhirDiagnosticCodes.ValueNotUsable, p.Entry, at + "/" + FhirValues.ChoiceName("value", value),
                    $"{p.Name}: a {value.TypeName} value is not used (only Quantity, CodeableConcept, string, boolean and integer are); it is skipped");
                return null;
        }
    }

    private static ReferenceRange? Range(Observation.ReferenceRangeComponent? range)
    {
        if (range is null || (range.Low?.Value is null && range.High?.Value is null))
        {
            return null;
        }

        string unit = range.High?.Value is not null ? FhirValues.UnitOf(range.High) : FhirValues.UnitOf(range.Low!);
        if (unit.Length == 0 && range.Low?.Value is not null && range.High?.Value is null)
        {
            unit = FhirValues.UnitOf(range.Low);
        }

        return new ReferenceRange { Low = range.Low?.Value, High = range.High?.Value, Unit = unit.Length == 0 ? null : unit };
    }

    private void MapAssessment(Parsed p, Observation o, string criterion, string? status, DateOnly? date)
    {
        if (status is "entered-in-error" or "cancelled")
        {
            return;
        }

        if (o.Value is not FhirBoolean { Value: { } value })
        {
            string at = o.Value is null ? "/code" : "/" + FhirValues.ChoiceName("value", o.Value);
            diagnostics.Error(FhirDiagnosticCodes.InvalidAssessment, p.Entry, at,
                $"{p.Name} answers {criterion} but has no valueBoolean (true: the criterion is met)");
            return;
        }

        string? by = null;
        foreach (var performer in o.Performer)
        {
            if (!string.IsNullOrWhiteSpace(performer.Display))
            {
                by = performer.Display;
                break;
            }
        }

        // The position of the answer's code, so a warning about what it names (an unknown trial or criterion) points there.
        var (line, column) = diagnostics.Positions.Locate(p.Entry, "/code");
        assessments.Add(new Assessment
        {
            Criterion = criterion,
            Value = value,
            Date = date,
            By = by,
            Source = p.Name,
            Position = new Eligibility.SourcePosition(diagnostics.File, line, column, p.Entry.Pointer + "/code"),
        });
    }

    /// <summary>The day of an <c>effective[x]</c> (or <c>occurrence[x]</c>, <c>performed[x]</c>, <c>onset[x]</c>):
    /// dateTime, instant, Period (start, else end), Age (birth date + age), Range of ages (low), string (a date, else unknown).</summary>
    private DateOnly? EffectiveDay(Parsed p, DataType? value, string element, string what, DateUse use = DateUse.Point)
    {
        if (value is null)
        {
            return null;
        }

        string pointer = FhirValues.ChoicePointer(element, value);
        switch (value)
        {
            case FhirDateTime dt:
                return Day(p, dt.Value, pointer, what, use);
            case Instant instant:
                return Day(p, FhirValues.Raw(instant), pointer, what, use);
            case Period period when use == DateUse.End:
                return period.End is not null ? Day(p, period.End, pointer + "/end", what, use) : Day(p, period.Start, pointer + "/start", what, DateUse.Point);
            case Period period:
                return period.Start is not null ? Day(p, period.Start, pointer + "/start", what, use) : Day(p, period.End, pointer + "/end", what, DateUse.End);
            case Age age:
                return AtAge(p, age, pointer, what);
            case Hl7.Fhir.Model.Range range:
            {
                var bound = use == DateUse.End ? range.High ?? range.Low : range.Low ?? range.High;
                string at = pointer + (ReferenceEquals(bound, range.Low) ? "/low" : "/high");
                return bound is null ? null : AtAge(p, bound, at, what);
            }

            case FhirString text:
            {
                var date = FhirDate.Parse(text.Value?.Trim());
                if (date.Day is { } day)
                {
                    return day;
                }

                diagnostics.Warning(FhirDiagnosticCodes.DateNotUsable, p.Entry, pointer, $"{p.Name}: {what} '{text.Value}' is not a date, so it is treated as unknown");
                return null;
            }

            default:
                diagnostics.Warning(FhirDiagnosticCodes.DateNotUsable, p.Entry, pointer, $"{p.Name}: a {value.TypeName} {what} names no day, so it is treated as unknown");
                return null;
        }
    }

    /// <summary>The day a patient reached an age: birth date + age (years, months, weeks, days).</summary>
    private DateOnly? AtAge(Parsed p, FhirQuantity age, string pointer, string what)
    {
        if (birthDate is not { } born)
        {
            diagnostics.Warning(FhirDiagnosticCodes.DateNotUsable, p.Entry, pointer, $"{p.Name}: {what} is given as an age, but the birth date is unknown, so it is treated as unknown");
            return null;
        }

        if (age.Value is not { } value || value < 0)
        {
            return null;
        }

        string unit = FhirValues.UnitOf(age).ToLowerInvariant();
        bool whole = value == decimal.Truncate(value);
        try
        {
            switch (unit)
            {
                case "a" or "y" or "yr" or "yrs" or "year" or "years":
                    return whole ? born.AddYears((int)value) : born.AddDays((int)Math.Round(value * 365.25m));
                case "mo" or "month" or "months":
                    return whole ? born.AddMonths((int)value) : born.AddDays((int)Math.Round(value * 30.4375m));
                case "wk" or "week" or "weeks":
                    return born.AddDays((int)Math.Round(value * 7));
                case "d" or "day" or "days":
                    return born.AddDays((int)Math.Round(value));
            }
        }
        catch (ArgumentOutOfRangeException)
        {
            // an absurd age runs past the calendar: reported below like an unknown unit
        }
        catch (OverflowException)
        {
        }

        diagnostics.Warning(FhirDiagnosticCodes.DateNotUsable, p.Entry, pointer, $"{p.Name}: {what} is an age in '{unit}', which is not years, months, weeks or days, so it is treated as unknown");
        return null;
    }
}
