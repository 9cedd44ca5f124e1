using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Eligibility.Patients;
using Eligibility.Time;
using Hl7.Fhir.Model;
using FhirQuantity = Hl7.Fhir.Model.Quantity;

namespace Eligibility.Fhir;

/// <content>MedicationStatement, MedicationAdministration, MedicationRequest and MedicationDispense: what, when, how much,
/// how often (an intermittent schedule's dosing interval) and, for a request, with what intent.</content>
internal sealed partial class BundleMapper
{
    private void MapStatement(Parsed p, MedicationStatement s)
    {
        if (!CheckSubject(p, s.Subject, "/subject") || MedicationCodes(p, s.Medication) is not { } codes)
        {
            return;
        }

        string? status = FhirValues.Raw(s.StatusElement);
        var (start, end) = Exposure(p, s.Effective, "effective", ongoingIfSingleDay: status is "active" or "intended" or "on-hold");
        var (dose, _) = DailyDose.From(s.Dosage);
        Add(p, codes, status, start, end, dose, interval: DosingSchedule.Interval(s.Dosage));
    }

    private void MapAdministration(Parsed p, MedicationAdministration a)
    {
        if (!CheckSubject(p, a.Subject, "/subject") || MedicationCodes(p, a.Medication) is not { } codes)
        {
            return;
        }

        var (start, end) = Exposure(p, a.Effective, "effective", ongoingIfSingleDay: false);
        // A single dated administration: its dose is the amount given that day. Over a period (an infusion) no daily dose is derived.
        Quantity? dose = a.Effective is FhirDateTime ? DailyDose.OneDay(a.Dosage?.Dose) : null;
        Add(p, codes, FhirValues.Raw(a.StatusElement), start, end, dose);
    }

    private void MapRequest(Parsed p, MedicationRequest r)
    {
        if (!CheckSubject(p, r.Subject, "/subject") || MedicationCodes(p, r.Medication) is not { } codes)
        {
            return;
        }

        string? status = FhirValues.Raw(r.StatusElement);
        var validity = r.DispenseRequest?.ValidityPeriod;
        DateOnly? start = validity?.Start is not null
            ? Day(p, validity.Start, "/dispenseRequest/validityPeriod/start", "validity start", DateUse.Point)
            : Day(p, r.AuthoredOn, "/authoredOn", "authored date", DateUse.Point);
        DateOnly? end = validity?.End is not null ? Day(p, validity.End, "/dispenseRequest/validityPeriod/end", "validity end", DateUse.End) : null;
        if (end is null && start is { } s && SupplyDays(r.DispenseRequest?.ExpectedSupplyDuration) is { } days)
        {
            int fills = 1 + (r.DispenseRequest!.NumberOfRepeatsAllowed ?? 0);
            end = AddDays(s, (days * fills) - 1);
        }

        if (start is null && r.AuthoredOn is null && validity?.Start is null)
        {
            diagnostics.Warning(FhirDiagnosticCodes.DateNotUsable, p.Entry, string.Empty, $"{p.Name} has no authoredOn or validity period, so when it was taken is unknown");
        }

        WarnEndedWithoutEnd(p, status, start, end);
        var (dose, _) = DailyDose.From(r.DosageInstruction);
        Add(p, codes, status, start, end, dose, FhirValues.Raw(r.IntentElement), DosingSchedule.Interval(r.DosageInstruction));
    }

    private void MapDispense(Parsed p, MedicationDispense d)
    {
        if (!CheckSubject(p, d.Subject, "/subject") || MedicationCodes(p, d.Medication) is not { } codes)
        {
            return;
        }

        string? status = FhirValues.Raw(d.StatusElement);
        DateOnly? start = d.WhenHandedOver is not null
            ? Day(p, d.WhenHandedOver, "/whenHandedOver", "hand-over date", DateUse.Point)
            : Day(p, d.WhenPrepared, "/whenPrepared", "preparation date", DateUse.Point);
        DateOnly? end = null;
        if (start is { } s && SupplyDays(d.DaysSupply) is { } days)
        {
            end = AddDays(s, days - 1);
        }
        else if (start is not null)
        {
            diagnostics.Warning(FhirDiagnosticCodes.DateNotUsable, p.Entry, d.WhenHandedOver is not null ? "/whenHandedOver" : "/whenPrepared",
                $"{p.Name} has no daysSupply, so the end of exposure is unknown and it is read as ongoing");
        }
        else
        {
            diagnostics.Warning(FhirDiagnosticCodes.DateNotUsable, p.Entry, string.Empty, $"{p.Name} has no whenHandedOver or whenPrepared date, so when it was taken is unknown");
        }

        var (dose, _) = DailyDose.From(d.DosageInstruction);
        Add(p, codes, status, start, end, dose);
    }

    private void Add(Parsed p, List<Coding> codes, string? status, DateOnly? start, DateOnly? end, Quantity? dose, string? intent = null, IsoDuration? interval = null)
    {
        medications.Add(new MedicationRecord
        {
            Id = p.Resource.Id,
            Source = p.Name,
            Codes = codes,
            Status = status,
            Start = start,
            End = end,
            DailyDose = dose,
            Intent = intent,
            DosingInterval = interval,
        });
    }

    /// <summary>The exposure interval of an <c>effective[x]</c>: a Period gives start and end; a single dateTime gives that
    /// day (or, for a statement that is still active, that day onwards).</summary>
    private (DateOnly? Start, DateOnly? End) Exposure(Parsed p, DataType? effective, string element, bool ongoingIfSingleDay)
    {
        switch (effective)
        {
            case null:
                diagnostics.Warning(FhirDiagnosticCodes.DateNotUsable, p.Entry, string.Empty, $"{p.Name} has no effective date or period, so when it was taken is unknown");
                return (null, null);
            case Period period:
            {
                string at = FhirValues.ChoicePointer(element, effective);
                DateOnly? start = Day(p, period.Start, at + "/start", "start", DateUse.Point);
                DateOnly? end = Day(p, period.End, at + "/end", "end", DateUse.End);
                if (period.Start is null)
                {
                    diagnostics.Warning(FhirDiagnosticCodes.DateNotUsable, p.Entry, at, $"{p.Name}: the period has no start, so when it began is unknown");
                }

                return (start, end);
            }

            default:
            {
                DateOnly? day = EffectiveDay(p, effective, element, "effective date");
                return (day, ongoingIfSingleDay ? null : day);
            }
        }
    }

    private void WarnEndedWithoutEnd(Parsed p, string? status, DateOnly? start, DateOnly? end)
    {
        if (start is not null && end is null && status is "completed" or "stopped")
        {
            diagnostics.Warning(FhirDiagnosticCodes.DateNotUsable, p.Entry, string.Empty,
                $"{p.Name} is {status} but gives no end date (validity period or expected supply), so it is read as ongoing");
        }
    }

    /// <summary>A supply duration in whole days (<c>d</c>, <c>wk</c>, or a bare number of days), or <c>null</c>.</summary>
    private static int? SupplyDays(FhirQuantity? duration)
    {
        if (duration?.Value is not { } value || value <= 0 || value > 36500)
        {
            return null;
        }

        string unit = FhirValues.UnitOf(duration).ToLowerInvariant();
        decimal days = unit switch
        {
            "d" or "day" or "days" or "" => value,
            "wk" or "week" or "weeks" => value * 7,
            "mo" or "month" or "months" => value * 30,
            _ => -1,
        };
        return days <= 0 ? null : (int)Math.Ceiling(days);
    }

    private static DateOnly? AddDays(DateOnly start, int days) =>
        days <= DateOnly.MaxValue.DayNumber - start.DayNumber ? start.AddDays(Math.Max(days, 0)) : null;

    /// <summary>The codes of <c>medication[x]</c>: a CodeableConcept, or a reference to a Medication contained in the
    /// resource (<c>#id</c>) or in the bundle (by <c>fullUrl</c>, <c>Medication/id</c> or an absolute URL ending in it).
    /// A Medication's ingredient codes are added (<c>itemCodeableConcept</c>, or the code of the Medication an
    /// <c>itemReference</c> names), so a product code still matches an ingredient binding.
    /// Unresolvable ⇒ ELIG3106 and <c>null</c>.</summary>
    private List<Coding>? MedicationCodes(Parsed p, DataType? medication)
    {
        switch (medication)
        {
            case CodeableConcept concept:
            {
                var codes = FhirValues.Codes(concept);
                if (codes.Count == 0)
                {
                    diagnostics.Error(FhirDiagnosticCodes.UnresolvedMedication, p.Entry, "/medicationCodeableConcept",
                        $"{p.Name}: the medication has no coding with a system and a code, so it cannot be identified");
                    return null;
                }

                return codes;
            }

            case ResourceReference reference:
            {
                string? target = reference.Reference?.Trim();
                if (string.IsNullOrEmpty(target))
                {
                    diagnostics.Error(FhirDiagnosticCodes.UnresolvedMedication, p.Entry, "/medicationReference",
                        $"{p.Name} has a medicationReference with no reference (an identifier or a display does not say which Medication), so the medication cannot be identified");
                    return null;
                }

                var found = FindMedication(p, target);
                if (found is null)
                {
                    diagnostics.Error(FhirDiagnosticCodes.UnresolvedMedication, p.Entry, "/medicationReference/reference",
                        $"{p.Name}: medicationReference '{target}' is neither contained nor in the bundle; include the Medication resource");
                    return null;
                }

                var codes = FhirValues.Codes(found.Code);
                for (int i = 0; i < found.Ingredient.Count; i++)
                {
                    codes.AddRange(IngredientCodes(p, found, found.Ingredient[i], i).Where(c => !codes.Contains(c)));
                }

                if (codes.Count == 0)
                {
                    diagnostics.Error(FhirDiagnosticCodes.UnresolvedMedication, p.Entry, "/medicationReference/reference",
                        $"{p.Name}: the Medication '{target}' has no coded code or ingredient, so it cannot be identified");
                    return null;
                }

                return codes;
            }

            default:
                diagnostics.Error(FhirDiagnosticCodes.UnresolvedMedication, p.Entry, string.Empty, $"{p.Name} names no medication");
                return null;
        }
    }

    /// <summary>
    /// One ingredient's codes: its <c>itemCodeableConcept</c>, or the <c>code</c> of the Medication its <c>itemReference</c>
    /// names (contained in that Medication or in the resource, or in the bundle; one level: that Medication's own
    /// ingredients are not followed). A reference that resolves to no Medication ⇒ ELIG3114 (warning) and no codes.
    /// </summary>
    private List<Coding> IngredientCodes(Parsed p, Medication medication, Medication.IngredientComponent ingredient, int index)
    {
        switch (ingredient.Item)
        {
            case CodeableConcept item:
                return FhirValues.Codes(item);
            case ResourceReference reference:
            {
                string? target = reference.Reference?.Trim();
                Medication? found = null;
                if (!string.IsNullOrEmpty(target))
                {
                    found = target.StartsWith('#') ? Contained(medication, target[1..]) ?? FindMedication(p, target) : FindMedication(p, target);
                }

                var codes = found is null || ReferenceEquals(found, medication) ? new List<Coding>() : FhirValues.Codes(found.Code);
                if (codes.Count == 0 && unresolvedIngredients.Add((medication, index)))
                {
                    // Reported once, where the reference is: in the Medication's own entry, or in the resource that contains it.
                    string tail = "/ingredient/" + index.ToString(CultureInfo.InvariantCulture) + "/itemReference" + (string.IsNullOrEmpty(target) ? string.Empty : "/reference");
                    var (entry, name, pointer) = EntryOf(medication) is { } own
                        ? (own.Entry, own.Name, tail)
                        : (p.Entry, p.Name, "/contained/" + ((p.Resource as DomainResource)?.Contained.IndexOf(medication) ?? 0).ToString(CultureInfo.InvariantCulture) + tail);
                    string which = medication.Id is { Length: > 0 } id ? $"Medication '{id}'" : "the Medication";
                    string what = string.IsNullOrEmpty(target)
                        ? "has an itemReference with no reference, so it names no Medication"
                        : $"refers to '{target}', which is no coded Medication contained or in the bundle";
                    diagnostics.Warning(FhirDiagnosticCodes.UnresolvedIngredient, entry, pointer,
                        $"{name}: ingredient {index.ToString(CultureInfo.InvariantCulture)} of {which} {what}; that ingredient's codes are not used");
                }

                return codes;
            }

            default:
                return new List<Coding>();
        }
    }

    private static Medication? Contained(Resource resource, string id) =>
        (resource as DomainResource)?.Contained.OfType<Medication>().FirstOrDefault(m => string.Equals(m.Id, id, StringComparison.Ordinal));

    private Medication? FindMedication(Parsed p, string target)
    {
        if (target.StartsWith('#'))
        {
            return Contained(p.Resource, target[1..]);
        }

        if (medicationIndex.TryGetValue(target, out var byUrl))
        {
            return byUrl;
        }

        var (type, mid) = SplitReference(target);
        return type == "Medication" && mid is not null && medicationIndex.TryGetValue("Medication/" + mid, out var byId) ? byId : null;
    }
}
