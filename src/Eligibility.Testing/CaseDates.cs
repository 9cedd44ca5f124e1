using System;
using System.Globalization;

namespace Eligibility.Testing;

/// <summary>The as-of dates of example cases: YYYY-MM-DD, within the range an evaluation accepts.</summary>
internal static class CaseDates
{
    /// <summary>The accepted as-of range, as text: "1900-01-01 to 2999-12-31".</summary>
    public static string Range => $"{Format(TrialEvaluator.EarliestAsOf)} to {Format(TrialEvaluator.LatestAsOf)}";

    public static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
}
