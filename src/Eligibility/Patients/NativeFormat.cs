using System;
using System.Text.RegularExpressions;

namespace Eligibility.Patients;

/// <summary>
/// The lexical rules of the native record format that patient.schema.json states as <c>pattern</c>s, written once for
/// the reader. The schema holds the same strings (a test compares them), so an editor and the reader accept and reject
/// the same values. Each ends in <c>$(?!\n)</c>: the end of the text in both regular-expression dialects (the schema's
/// ECMAScript <c>$</c>, and .NET's, which also matches before a final line feed).
/// </summary>
internal static partial class NativeFormat
{
    /// <summary>A calendar date <c>YYYY-MM-DD</c> that exists (29 February in leap years only; no year 0000), optionally
    /// followed by a time of day and a zone offset, <c>Thh:mm[:ss[.fff]][Z|±hh:mm]</c>, of which only the date is used.</summary>
    public const string DateOrDateTime = @"^(?!0000)(?:[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)(?:T(?:[01][0-9]|2[0-3]):[0-5][0-9](?::(?:[0-5][0-9]|60)(?:\.[0-9]+)?)?(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?)?$(?!\n)";

    /// <summary>A calendar date <c>YYYY-MM-DD</c> from 1900-01-01 to 2999-12-31 (the as-of dates an evaluation accepts).</summary>
    public const string AsOf = @"^(?=19|2)(?:[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)$(?!\n)";

    /// <summary>A non-zero ISO-8601 duration of years, months, weeks and days in that order, at most six digits each.</summary>
    public const string Duration = @"^P(?=[0-9YMWD]*[1-9])(?:[0-9]{1,6}Y)?(?:[0-9]{1,6}M)?(?:[0-9]{1,6}W)?(?:[0-9]{1,6}D)?$(?!\n)";

    /// <summary>An assessment's criterion reference, <c>&lt;TrialId&gt;/&lt;CriterionId&gt;[.&lt;n&gt;]…</c>.</summary>
    public const string CriterionReference = @"^[A-Za-z0-9][A-Za-z0-9._-]*/(INCL|EXCL)[0-9]{2}(\.[0-9]+)*$(?!\n)";

    /// <summary>
    /// The date <c>YYYY-MM-DD</c> at the start of a text that <see cref="DateOrDateTimeRegex"/> or <see cref="AsOfRegex"/>
    /// matched: four digits, two and two, making a date that exists in a year from 0001. The same value as
    /// <c>DateOnly.ParseExact(…, "yyyy-MM-dd", CultureInfo.InvariantCulture)</c> gives for such a text, without the cost of
    /// the culture-aware parser's first use.
    /// </summary>
    /// <param name="text">A text one of the date patterns matched.</param>
    /// <returns>The date.</returns>
    public static DateOnly MatchedDate(ReadOnlySpan<char> text) =>
        new(Digits(text[..4]), Digits(text.Slice(5, 2)), Digits(text.Slice(8, 2)));

    private static int Digits(ReadOnlySpan<char> digits)
    {
        int value = 0;
        foreach (char c in digits)
        {
            value = (value * 10) + (c - '0');
        }

        return value;
    }

    [GeneratedRegex(DateOrDateTime, RegexOptions.CultureInvariant)]
    public static partial Regex DateOrDateTimeRegex();

    [GeneratedRegex(AsOf, RegexOptions.CultureInvariant)]
    public static partial Regex AsOfRegex();

    [GeneratedRegex(Duration, RegexOptions.CultureInvariant)]
    public static partial Regex DurationRegex();

    [GeneratedRegex(CriterionReference, RegexOptions.CultureInvariant)]
    public static partial Regex CriterionReferenceRegex();
}
