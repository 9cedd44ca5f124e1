using System;
using System.Globalization;
using System.Text;
using Eligibility.Time;

namespace Eligibility;

/// <summary>
/// An ISO-8601 calendar duration such as <c>P28D</c>, <c>P4W</c>, <c>P3M</c>, <c>P1Y6M</c>.
/// Years and months are calendar arithmetic on a date (docs/semantics.md, "Time"): 2026-08-31 minus P6M is 2026-02-28.
/// </summary>
public readonly record struct IsoDuration(int Years, int Months, int Weeks, int Days)
{
    /// <summary>Parses an ISO-8601 duration of years, months, weeks and days (no time part).</summary>
    /// <param name="text">The text, e.g. <c>P28D</c>.</param>
    /// <param name="duration">The duration when the text is valid.</param>
    /// <returns>Whether the text is a valid, non-empty date duration.</returns>
    public static bool TryParse(string? text, out IsoDuration duration)
    {
        duration = default;
        if (string.IsNullOrEmpty(text) || text.Length < 3 || text[0] != 'P')
        {
            return false;
        }

        int years = 0, months = 0, weeks = 0, days = 0;
        int i = 1;
        int lastOrder = -1;
        while (i < text.Length)
        {
            int start = i;
            while (i < text.Length && text[i] >= '0' && text[i] <= '9')
            {
                i++;
            }

            if (i == start || i >= text.Length || i - start > 6)
            {
                return false;
            }

            int n = int.Parse(text.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture);
            int order = text[i] switch { 'Y' => 0, 'M' => 1, 'W' => 2, 'D' => 3, _ => -1 };
            if (order <= lastOrder)
            {
                return false;
            }

            lastOrder = order;
            switch (order)
            {
                case 0: years = n; break;
                case 1: months = n; break;
                case 2: weeks = n; break;
                default: days = n; break;
            }

            i++;
        }

        duration = new IsoDuration(years, months, weeks, days);
        return true;
    }

    /// <summary>The date this duration before <paramref name="date"/>: years and months first (clamped to month end), then
    /// weeks and days. Saturates: a result before the calendar's first day is <see cref="DateOnly.MinValue"/>.</summary>
    /// <param name="date">The date to count back from.</param>
    /// <returns>The earlier date.</returns>
    public DateOnly SubtractFrom(DateOnly date) => Shift(date, -1);

    /// <summary>The date this duration after <paramref name="date"/>. Saturates: a result after the calendar's last day is
    /// <see cref="DateOnly.MaxValue"/>.</summary>
    /// <param name="date">The date to count forward from.</param>
    /// <returns>The later date.</returns>
    public DateOnly AddTo(DateOnly date) => Shift(date, 1);

    /// <summary>Calendar arithmetic in long integers, clamped to the calendar (no overflow, no exception).</summary>
    private DateOnly Shift(DateOnly date, int sign)
    {
        long months = sign * (((long)Years * 12) + Months);
        long monthIndex = ((long)date.Year * 12) + date.Month - 1 + months;
        const long first = 12; // January of year 1
        const long last = (9999L * 12) + 11; // December of year 9999
        if (monthIndex < first)
        {
            return DateOnly.MinValue;
        }

        if (monthIndex > last)
        {
            return DateOnly.MaxValue;
        }

        int year = (int)(monthIndex / 12);
        int month = (int)(monthIndex % 12) + 1;
        int day = Math.Min(date.Day, DateTime.DaysInMonth(year, month));
        long dayNumber = new DateOnly(year, month, day).DayNumber + (sign * (((long)Weeks * 7) + Days));
        return dayNumber < DateOnly.MinValue.DayNumber ? DateOnly.MinValue
            : dayNumber > DateOnly.MaxValue.DayNumber ? DateOnly.MaxValue
            : DateOnly.FromDayNumber((int)dayNumber);
    }

    /// <summary>The ISO-8601 spelling.</summary>
    /// <returns>E.g. <c>P1Y6M</c>.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder("P");
        if (Years != 0) sb.Append(Years.ToString(CultureInfo.InvariantCulture)).Append('Y');
        if (Months != 0) sb.Append(Months.ToString(CultureInfo.InvariantCulture)).Append('M');
        if (Weeks != 0) sb.Append(Weeks.ToString(CultureInfo.InvariantCulture)).Append('W');
        if (Days != 0 || sb.Length == 1) sb.Append(Days.ToString(CultureInfo.InvariantCulture)).Append('D');
        return sb.ToString();
    }

    /// <summary>Reads as English: "28 days", "6 months", "1 year 6 months".</summary>
    /// <returns>The phrase.</returns>
    public string ToPhrase()
    {
        var sb = new StringBuilder();
        Part(sb, Years, "year");
        Part(sb, Months, "month");
        Part(sb, Weeks, "week");
        Part(sb, Days, "day");
        return sb.Length == 0 ? "0 days" : sb.ToString();
    }

    private static void Part(StringBuilder sb, int n, string unit)
    {
        if (n == 0)
        {
            return;
        }

        if (sb.Length > 0)
        {
            sb.Append(' ');
        }

        sb.Append(n.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(unit);
        if (n != 1)
        {
            sb.Append('s');
        }
    }
}
