using System;

namespace Eligibility.Time;

/// <summary>Age in completed years (docs/semantics.md, "Time").</summary>
internal static class Age
{
    /// <summary>
    /// Completed years on <paramref name="on"/> for someone born on <paramref name="birthDate"/>.
    /// A 29 February birthday counts as 1 March in common years.
    /// </summary>
    /// <param name="birthDate">Date of birth.</param>
    /// <param name="on">The date the age is wanted for.</param>
    /// <returns>Completed years; negative if <paramref name="on"/> is before the birth date.</returns>
    public static int InYears(DateOnly birthDate, DateOnly on)
    {
        int years = on.Year - birthDate.Year;
        DateOnly anniversary = Anniversary(birthDate, on.Year);
        if (on < anniversary)
        {
            years--;
        }

        return years;
    }

    private static DateOnly Anniversary(DateOnly birthDate, int year)
    {
        if (birthDate.Month == 2 && birthDate.Day == 29 && !DateTime.IsLeapYear(year))
        {
            return new DateOnly(year, 3, 1);
        }

        return new DateOnly(year, birthDate.Month, birthDate.Day);
    }
}
