using System;

namespace Eligibility.Fhir;

/// <summary>
/// A FHIR <c>date</c>, <c>dateTime</c> or <c>instant</c> read as a calendar day. A date-time's day is the day as written
/// (its local day, not converted to UTC): the time of day matters to no eligibility window. Partial dates
/// (<c>2019</c>, <c>2019-03</c>) are valid FHIR but name no single day.
/// </summary>
internal readonly record struct FhirDate(DateOnly? Day, DateOnly? First, DateOnly? Last, bool IsValid)
{
    /// <summary>Whether the text is valid but names a month or a year rather than a day.</summary>
    public bool IsPartial => IsValid && Day is null;

    /// <summary>Parses the FHIR date grammar: <c>YYYY</c>, <c>YYYY-MM</c>, <c>YYYY-MM-DD</c>, optionally followed by
    /// <c>Thh:mm[:ss[.fff]]</c> and a zone (<c>Z</c> or <c>±hh:mm</c>).</summary>
    public static FhirDate Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return default;
        }

        if (text.Length == 4 && TryInt(text, 0, 4, out int yearOnly) && yearOnly >= 1)
        {
            var first = new DateOnly(yearOnly, 1, 1);
            return new FhirDate(null, first, new DateOnly(yearOnly, 12, 31), true);
        }

        if (text.Length == 7 && text[4] == '-' && TryInt(text, 0, 4, out int y) && TryInt(text, 5, 2, out int m) && y >= 1 && m is >= 1 and <= 12)
        {
            var first = new DateOnly(y, m, 1);
            return new FhirDate(null, first, first.AddMonths(1).AddDays(-1), true);
        }

        if (text.Length < 10 || !TryDay(text, out var day))
        {
            return default;
        }

        if (text.Length > 10 && (text[10] != 'T' || !ValidTime(text.AsSpan(11))))
        {
            return default;
        }

        return new FhirDate(day, day, day, true);
    }

    /// <summary><c>YYYY-MM-DD</c> at the start of the text, a real calendar day (year 1 to 9999).</summary>
    private static bool TryDay(string text, out DateOnly day)
    {
        day = default;
        if (text[4] != '-' || text[7] != '-' || !TryInt(text, 0, 4, out int y) || !TryInt(text, 5, 2, out int m) || !TryInt(text, 8, 2, out int d)
            || y < 1 || m is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(y, m))
        {
            return false;
        }

        day = new DateOnly(y, m, d);
        return true;
    }

    private static bool ValidTime(ReadOnlySpan<char> t)
    {
        // hh:mm[:ss[.f+]] then Z or ±hh:mm; FHIR requires seconds and a zone on dateTime, but the day is what matters,
        // so a time without seconds or zone is accepted rather than rejecting a usable day.
        if (t.Length < 5 || !TryInt(t, 0, 2, out int h) || t[2] != ':' || !TryInt(t, 3, 2, out int min) || h > 24 || min > 59)
        {
            return false;
        }

        int i = 5;
        if (i < t.Length && t[i] == ':')
        {
            if (t.Length < i + 3 || !TryInt(t, i + 1, 2, out int s) || s > 60)
            {
                return false;
            }

            i += 3;
            if (i < t.Length && t[i] == '.')
            {
                int digits = i + 1;
                while (digits < t.Length && char.IsAsciiDigit(t[digits]))
                {
                    digits++;
                }

                if (digits == i + 1)
                {
                    return false;
                }

                i = digits;
            }
        }

        if (i == t.Length)
        {
            return true;
        }

        if (t[i] == 'Z')
        {
            return i + 1 == t.Length;
        }

        return (t[i] == '+' || t[i] == '-') && t.Length == i + 6 && TryInt(t, i + 1, 2, out int zh) && t[i + 3] == ':'
            && TryInt(t, i + 4, 2, out int zm) && zh <= 14 && zm <= 59;
    }

    private static bool TryInt(ReadOnlySpan<char> text, int start, int length, out int value)
    {
        value = 0;
        if (start + length > text.Length)
        {
            return false;
        }

        for (int i = start; i < start + length; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                return false;
            }

            value = (value * 10) + (text[i] - '0');
        }

        return true;
    }
}
