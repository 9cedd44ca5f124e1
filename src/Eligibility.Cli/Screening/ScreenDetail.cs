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
    /// The <see cref="ScreenDetail.Verdict"/> row from a decision without results (<see cref="TrialEvaluator.Decide(Eligibility.Patients.PatientIndex, DateOnly, Span{Outcome})"/>):
    /// byte for byte what <see cref="Row"/> writes for the same trial, patient, date and verdict.
    /// </summary>
    public static string VerdictRow(string prefix, string trialId, string? patientId, DateOnly asOf, Verdict verdict)
    {
        // One buffer and one writer per thread, reset for each row: a screen writes one verdict row per patient × trial,
        // and the row string is all it needs to allocate.
        var buffer = verdictBuffer ??= new ArrayBufferWriter<byte>(256);
        var w = verdictWriter ??= new Utf8JsonWriter(buffer, ResultJson.Options(indented: false));
        buffer.ResetWrittenCount();
        w.Reset();
        ResultJson.WriteVerdict(w, trialId, patientId, asOf, verdict);
        w.Flush();
        return Join(prefix, buffer);
    }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? verdictBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? verdictWriter;

    /// <summary>
    /// The row: <paramref name="prefix"/> (where the record comes from, <c>{"line":12,</c>) followed by the result's
    /// members. <see cref="ScreenDetail.Full"/> is <see cref="ResultJson"/>'s object; the shorter shapes keep its member
    /// names, order and spelling, and leave out what they do not carry.
    /// </summary>
    public static string Row(string prefix, EvaluationResult result, ScreenDetail detail)
    {
        var buffer = new ArrayBufferWriter<byte>(detail == ScreenDetail.Full ? 16_384 : 256);
        using (var w = new Utf8JsonWriter(buffer, ResultJson.Options(indented: false)))
        {
            ResultJson.Write(w, result, detail switch
            {
                ScreenDetail.Verdict => ResultDetail.Verdict,
                ScreenDetail.Criteria => ResultDetail.Criteria,
                _ => ResultDetail.Full,
            });
        }

        return Join(prefix, buffer);
    }

    /// <summary>The prefix opens the object: the writer's own '{' is dropped.</summary>
    private static string Join(string prefix, ArrayBufferWriter<byte> buffer)
    {
        return string.Create(prefix.Length + Encoding.UTF8.GetCharCount(buffer.WrittenSpan[1..]), (prefix, buffer), static (span, state) =>
        {
            state.prefix.AsSpan().CopyTo(span);
            Encoding.UTF8.GetChars(state.buffer.WrittenSpan[1..], span[state.prefix.Length..]);
        });
    }
}
