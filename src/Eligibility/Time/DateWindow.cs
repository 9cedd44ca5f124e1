using System;
using System.Globalization;

namespace Eligibility.Time;

/// <summary>A closed date interval <c>[Start, End]</c>: both ends inclusive.</summary>
/// <param name="Start">First day in the window.</param>
/// <param name="End">Last day in the window.</param>
internal readonly record struct DateWindow(DateOnly Start, DateOnly End)
{
    /// <summary>The window <c>[asOf − duration, asOf]</c> ("within D before as-of").</summary>
    /// <param name="asOf">The as-of date.</param>
    /// <param name="duration">How far back.</param>
    /// <returns>The window.</returns>
    public static DateWindow Before(DateOnly asOf, IsoDuration duration) => new(duration.SubtractFrom(asOf), asOf);

    /// <summary>Whether the date lies inside the window.</summary>
    /// <param name="date">The date.</param>
    /// <returns>True when <c>Start ≤ date ≤ End</c>.</returns>
    public bool Contains(DateOnly date) => date >= Start && date <= End;

    /// <summary>Whether the interval <c>[start, end]</c> intersects the window.</summary>
    /// <param name="start">Interval start.</param>
    /// <param name="end">Interval end (inclusive).</param>
    /// <returns>True when they share at least one day.</returns>
    public bool Intersects(DateOnly start, DateOnly end) => start <= End && end >= Start;

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Start:yyyy-MM-dd}..{End:yyyy-MM-dd}");
}
