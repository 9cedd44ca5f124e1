using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using Eligibility.Patients;

namespace Eligibility.Cli.Omop;

/// <summary>A native patient record as one line of NDJSON (docs/patient-format.md), for <c>omop-generate --native</c>.</summary>
internal static class NativeRecordJson
{
    public static void Write(Utf8JsonWriter w, PatientRecord p)
    {
        w.WriteStartObject();
        String(w, "id", p.Id);
        Date(w, "asOf", p.AsOf);
        Date(w, "birthDate", p.BirthDate);
        w.WriteString("sex", p.Sex switch { AdministrativeSex.Female => "female", AdministrativeSex.Male => "male", AdministrativeSex.Other => "other", _ => "unknown" });
        Records(w, "observations", p.Observations, o =>
        {
            Number(w, "value", o.Value);
            String(w, "unit", o.Unit);
            if (o.ValueCodes.Count > 0)
            {
                Codings(w, "valueCode", o.ValueCodes);
            }

            if (o.ValueBoolean is { } b)
            {
                w.WriteBoolean("valueBoolean", b);
            }

            String(w, "valueText", o.ValueText);
            if (o.Interpretation.Count > 0)
            {
                Codings(w, "interpretation", o.Interpretation);
            }

            if (o.ReferenceRange is { } r)
            {
                w.WriteStartObject("referenceRange");
                Number(w, "low", r.Low);
                Number(w, "high", r.High);
                String(w, "unit", r.Unit);
                w.WriteEndObject();
            }

            Date(w, "date", o.Date);
        });
        Records(w, "conditions", p.Conditions, c =>
        {
            String(w, "clinicalStatus", c.ClinicalStatus);
            String(w, "verificationStatus", c.VerificationStatus);
            Date(w, "onset", c.Onset);
            Date(w, "abatement", c.Abatement);
        });
        Records(w, "procedures", p.Procedures, r => Date(w, "performed", r.Performed));
        Records(w, "medications", p.Medications, m =>
        {
            String(w, "intent", m.Intent);
            Date(w, "start", m.Start);
            Date(w, "end", m.End);
            if (m.DailyDose is { } dose)
            {
                w.WriteStartObject("dailyDose");
                w.WriteNumber("value", dose.Value);
                w.WriteString("unit", dose.Unit);
                w.WriteEndObject();
            }
        });
        Records(w, "immunizations", p.Immunizations, i => Date(w, "date", i.Date));
        w.WriteStartArray("assessments");
        foreach (var a in p.Assessments)
        {
            w.WriteStartObject();
            w.WriteString("criterion", a.Criterion);
            w.WriteBoolean("value", a.Value);
            Date(w, "date", a.Date);
            String(w, "by", a.By);
            String(w, "source", a.Source);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Records<T>(Utf8JsonWriter w, string name, IReadOnlyList<T> records, System.Action<T> body)
        where T : ClinicalRecord
    {
        w.WriteStartArray(name);
        foreach (var r in records)
        {
            w.WriteStartObject();
            String(w, "id", r.Id);
            String(w, "source", r.Source);
            Codings(w, "code", r.Codes);
            String(w, "status", r.Status);
            body(r);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Codings(Utf8JsonWriter w, string name, IReadOnlyList<Coding> codings)
    {
        w.WriteStartArray(name);
        foreach (var c in codings)
        {
            w.WriteStartObject();
            w.WriteString("system", c.System);
            w.WriteString("code", c.Code);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void String(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void Number(Utf8JsonWriter w, string name, decimal? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
    }

    private static void Date(Utf8JsonWriter w, string name, System.DateOnly? value)
    {
        if (value is { } d)
        {
            w.WriteString(name, d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
    }
}
