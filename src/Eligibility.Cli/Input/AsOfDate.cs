using System;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Eligibility.Patients;

namespace Eligibility.Cli.Input;

/// <summary>Where the as-of date of an evaluation came from.</summary>
internal enum AsOfSource
{
    /// <summary>The <c>--as-of</c> option.</summary>
    Option,

    /// <summary>The patient record's <c>asOf</c>.</summary>
    PatientRecord,

    /// <summary>Neither was given: today's date.</summary>
    Today,
}

/// <summary>The as-of date rule: the flag, else the patient record's <c>asOf</c>, else today.</summary>
internal static class AsOfDate
{
    /// <summary>An <c>--as-of YYYY-MM-DD</c> option; a value that is not a date is an argument error (exit 2).</summary>
    public static Option<DateOnly?> CreateOption(string description) => new("--as-of")
    {
        Description = description,
        HelpName = "YYYY-MM-DD",
        CustomParser = Parse,
    };

    public static (DateOnly Date, AsOfSource Source) Resolve(DateOnly? option, PatientRecord patient, DateOnly today) =>
        option is { } d ? (d, AsOfSource.Option)
        : patient.AsOf is { } p ? (p, AsOfSource.PatientRecord)
        : (today, AsOfSource.Today);

    public static string Describe(AsOfSource source) => source switch
    {
        AsOfSource.Option => "from --as-of",
        AsOfSource.PatientRecord => "from the patient record",
        _ => "today: neither --as-of nor the patient record gives one",
    };

    /// <summary>The accepted as-of range, as text: "1900-01-01 to 2999-12-31".</summary>
    public static string Range => $"{Format(TrialEvaluator.EarliestAsOf)} to {Format(TrialEvaluator.LatestAsOf)}";

    public static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    private static DateOnly? Parse(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (!TryParse(text, out var date))
        {
            result.AddError($"--as-of: '{text}' is not a date (YYYY-MM-DD)");
            return null;
        }

        if (!TrialEvaluator.IsValidAsOf(date))
        {
            result.AddError($"--as-of: {Format(date)} is outside the dates an evaluation accepts ({Range})");
            return null;
        }

        return date;
    }
}
