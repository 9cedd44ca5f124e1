using System;
using System.Threading;
using Eligibility.Time;

namespace Eligibility.Evaluation;

/// <summary>
/// A compiled node's lookback window for the as-of date it met last: screening decides many patients at one as-of date,
/// so the calendar arithmetic of <see cref="DateWindow.Before"/> is done once per as-of date, not once per patient. The
/// as-of date and the window's start are kept in one <see cref="long"/>, written and read whole, so concurrent use needs
/// no lock (a thread that finds another as-of date works the window out and keeps its own).
/// </summary>
internal struct LastWindow
{
    // (as-of day number + 1) << 32 | start day number; 0 before the first use.
    private long packed;

    /// <summary><see cref="DateWindow.Before"/>(<paramref name="asOf"/>, <paramref name="lookback"/>), for a node whose lookback never changes.</summary>
    public DateWindow Before(DateOnly asOf, IsoDuration lookback)
    {
        long seen = Volatile.Read(ref packed);
        if ((int)(seen >> 32) == asOf.DayNumber + 1)
        {
            return new DateWindow(DateOnly.FromDayNumber((int)seen), asOf);
        }

        var window = DateWindow.Before(asOf, lookback);
        Volatile.Write(ref packed, ((long)(asOf.DayNumber + 1) << 32) | (uint)window.Start.DayNumber);
        return window;
    }
}
