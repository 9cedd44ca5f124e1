using System;
using System.Buffers;
using System.Text;
using System.Text.Json;
using Eligibility.Evaluation;

namespace Eligibility.Cli.Screening;

/// <summary>How much of each result a screen writes (<c>screen --detail</c>).</summary>
internal enum ScreenDetail
{
    /// <summary>Where the record comes from, the trial, the patient, the as-of date and the verdict.</summary>
    Verdict,

    /// <summary>The verdict row plus each top-level criterion's id and outcome and the result's missing facts (the default).</summary>
    Criteria,

    /// <summary>The whole <c>evaluate --format json</c> object: explanations, facts, parts, texts.</summary>
    Full,
}

/// <summary>One screen row per patient × trial, in the shape <see cref="ScreenDetail"/> asks for.</summary>
internal static class ScreenRows
{
    /// <summary>The option's words, in the order help lists them.</summary>
    public static readonly string[] Names = ["verdict", "criteria", "full"];

    /// <summary>The option's word for <paramref name="detail"/>.</summary>
    public static string Name(ScreenDetail detail) => detail switch
    {
        ScreenDetail.Verdict => "verdict",
        ScreenDetail.Criteria => "criteria",
        _ => "full",
    };

    /// <summary>The detail a word names; null when it names none.</summary>
    public static ScreenDetail? Parse(string word) => word switch
    {
        "verdict" => ScreenDetail.Verdict,
        "criteria" => ScreenDetail.Criteria,
        "full" => ScreenDetail.Full,
        _ => null,
    };

    /// <summary>
    /// The row: <paramref name="prefix"/> (where the record comes from, <c>{"line":12,</c>) followed by the result's
    /// members. <see cref="ScreenDetail.Full"/> is <see cref="ResultJson"/>'s object; the shorter shapes keep its member
    /// names, order and spelling, and leave out what they do not carry.
    /// </summary>
    public static string Row(string prefix, EvaluationResult result, ScreenDetail detail)
    {
        if (detail == ScreenDetail.Full)
        {
            return prefix + ResultJson.ToJson(result, indented: false)[1..];
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, ResultJson.Options(indented: false)))
        {
            w.WriteStartObject();
            w.WriteString("trial", result.TrialId);
            if (result.PatientId is null)
            {
                w.WriteNull("patient");
            }
            else
            {
                w.WriteString("patient", result.PatientId);
            }

            w.WriteString("asOf", result.AsOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("verdict", ResultJson.Name(result.Verdict));
            if (detail == ScreenDetail.Criteria)
            {
                w.WriteStartArray("criteria");
                foreach (var c in result.Criteria)
                {
                    w.WriteStartObject();
                    if (c.Id is not null)
                    {
                        w.WriteString("id", c.Id);
                    }

                    w.WriteString("outcome", ResultJson.Name(c.Outcome));
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteStartArray("missing");
                foreach (string m in result.Missing)
                {
                    w.WriteStringValue(m);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        // The prefix opens the object: the writer's own '{' is dropped.
        return string.Create(prefix.Length + Encoding.UTF8.GetCharCount(buffer.WrittenSpan[1..]), (prefix, buffer), static (span, state) =>
        {
            state.prefix.AsSpan().CopyTo(span);
            Encoding.UTF8.GetChars(state.buffer.WrittenSpan[1..], span[state.prefix.Length..]);
        });
    }
}
