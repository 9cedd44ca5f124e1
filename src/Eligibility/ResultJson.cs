using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Eligibility.Evaluation;

namespace Eligibility;

/// <summary>Writes results in the JSON shape of docs/cli.md (field names and enumerated values are fixed).</summary>
public static class ResultJson
{
    /// <summary>Writes one result as a JSON object.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="result">The result.</param>
    public static void Write(Utf8JsonWriter writer, EvaluationResult result) => Write(writer, result, ResultDetail.Full);

    /// <summary>Writes one result as a JSON object, with as much as <paramref name="detail"/> asks for. The shorter
    /// shapes keep the full object's member names, order and spelling, and leave out what they do not carry; explanations
    /// are worded only when <see cref="ResultDetail.Full"/> writes them.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="result">The result.</param>
    /// <param name="detail">How much to write.</param>
    public static void Write(Utf8JsonWriter writer, EvaluationResult result, ResultDetail detail)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(result);
        WriteHead(writer, result.TrialId, result.PatientId, result.AsOf, result.Verdict);
        if (detail == ResultDetail.Criteria)
        {
            writer.WriteStartArray("criteria");
            foreach (var c in result.Criteria)
            {
                writer.WriteStartObject();
                if (c.Id is not null)
                {
                    writer.WriteString("id", c.Id);
                }

                writer.WriteString("outcome", Name(c.Outcome));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            WriteStrings(writer, "missing", result.Missing);
        }
        else if (detail == ResultDetail.Full)
        {
            writer.WriteStartArray("criteria");
            foreach (var c in result.Criteria)
            {
                WriteCriterion(writer, c);
            }

            writer.WriteEndArray();
            WriteStrings(writer, "needsReview", result.NeedsReview);
            WriteStrings(writer, "missing", result.Missing);
            if (result.Questions.Count > 0)
            {
                WriteStrings(writer, "questions", result.Questions);
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// Writes the <see cref="ResultDetail.Verdict"/> object of a verdict decided without results (the verdict path,
    /// <c>TrialEvaluator.Decide</c>): byte for byte what <see cref="Write(Utf8JsonWriter, EvaluationResult, ResultDetail)"/>
    /// writes at that detail for the same trial, patient, date and verdict.
    /// </summary>
    /// <param name="writer">The writer.</param>
    /// <param name="trialId">The trial's ID.</param>
    /// <param name="patientId">The patient's ID, if the record has one.</param>
    /// <param name="asOf">The as-of date of the evaluation.</param>
    /// <param name="verdict">The verdict.</param>
    public static void WriteVerdict(Utf8JsonWriter writer, string trialId, string? patientId, DateOnly asOf, Verdict verdict)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(trialId);
        WriteHead(writer, trialId, patientId, asOf, verdict);
        writer.WriteEndObject();
    }

    /// <summary>Opens a result object and writes the members every detail shares: trial, patient, as-of date, verdict.</summary>
    private static void WriteHead(Utf8JsonWriter writer, string trialId, string? patientId, DateOnly asOf, Verdict verdict)
    {
        writer.WriteStartObject();
        writer.WriteString("trial", trialId);
        if (patientId is null)
        {
            writer.WriteNull("patient");
        }
        else
        {
            writer.WriteString("patient", patientId);
        }

        writer.WriteString("asOf", asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        writer.WriteString("verdict", Name(verdict));
    }

    /// <summary>The result as JSON text.</summary>
    /// <param name="result">The result.</param>
    /// <param name="indented">Pretty-print (default) or one line (for NDJSON).</param>
    /// <returns>The JSON.</returns>
    public static string ToJson(EvaluationResult result, bool indented = true) => ToJson(result, ResultDetail.Full, indented);

    /// <summary>The result as JSON text, with as much as <paramref name="detail"/> asks for.</summary>
    /// <param name="result">The result.</param>
    /// <param name="detail">How much to write.</param>
    /// <param name="indented">Pretty-print (default) or one line (for NDJSON).</param>
    /// <returns>The JSON.</returns>
    public static string ToJson(EvaluationResult result, ResultDetail detail, bool indented = true)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, Options(indented)))
        {
            Write(writer, result, detail);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writer options used for results: readable non-ASCII text (≥, ×, µ) left unescaped.</summary>
    /// <param name="indented">Pretty-print or not.</param>
    /// <returns>The options.</returns>
    public static JsonWriterOptions Options(bool indented) =>
        new() { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The JSON spelling of a verdict.</summary>
    /// <param name="verdict">The verdict.</param>
    /// <returns><c>eligible</c>, <c>ineligible</c> or <c>undetermined</c>.</returns>
    public static string Name(Verdict verdict) => verdict switch
    {
        Verdict.Eligible => "eligible",
        Verdict.Ineligible => "ineligible",
        Verdict.Review => "review",
        _ => "undetermined",
    };

    /// <summary>The JSON spelling of an outcome.</summary>
    /// <param name="outcome">The outcome.</param>
    /// <returns><c>pass</c>, <c>fail</c>, <c>unknown</c> or <c>review</c>.</returns>
    public static string Name(Outcome outcome) => outcome switch
    {
        Outcome.Pass => "pass",
        Outcome.Fail => "fail",
        Outcome.Review => "review",
        _ => "unknown",
    };

    private static void WriteCriterion(Utf8JsonWriter writer, CriterionResult c)
    {
        writer.WriteStartObject();
        if (c.Id is not null)
        {
            writer.WriteString("id", c.Id);
        }

        writer.WriteString("type", c.Type == CriterionType.Inclusion ? "inclusion" : "exclusion");
        writer.WriteString("kind", c.Kind);
        if (c.Text is not null)
        {
            writer.WriteString("text", c.Text);
        }

        writer.WriteString("outcome", Name(c.Outcome));
        writer.WriteString("truth", c.Truth.ToString());
        writer.WriteString("explanation", c.Explanation);
        if (c.Facts.Count > 0)
        {
            writer.WriteStartArray("facts");
            foreach (var f in c.Facts)
            {
                WriteFact(writer, f);
            }

            writer.WriteEndArray();
        }

        if (c.Missing.Count > 0)
        {
            WriteStrings(writer, "missing", c.Missing);
        }

        if (c.Questions.Count > 0)
        {
            WriteStrings(writer, "questions", c.Questions);
        }

        if (c.Parts.Count > 0)
        {
            writer.WriteStartArray("parts");
            foreach (var p in c.Parts)
            {
                WriteCriterion(writer, p);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WriteFact(Utf8JsonWriter writer, FactUsed f)
    {
        writer.WriteStartObject();
        writer.WriteString("concept", f.Concept);
        if (f.Value is { } v) writer.WriteNumber("value", v);
        if (f.Unit is { } u) writer.WriteString("unit", u);
        if (f.ConvertedValue is { } cv) writer.WriteNumber("convertedValue", Math.Round(cv, 6));
        if (f.ConvertedUnit is { } cu) writer.WriteString("convertedUnit", cu);
        if (f.Date is { } d) writer.WriteString("date", d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (f.Source is { } s) writer.WriteString("source", s);
        if (f.Formula is { } fo) writer.WriteString("formula", fo);
        if (f.Uln is { } uln) writer.WriteString("uln", uln);
        if (f.Detail is { } de) writer.WriteString("detail", de);
        writer.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, System.Collections.Generic.IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var v in values)
        {
            writer.WriteStringValue(v);
        }

        writer.WriteEndArray();
    }
}
