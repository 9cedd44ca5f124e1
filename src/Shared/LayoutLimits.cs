using System;
using System.Text.Unicode;
using Eligibility.Patients;

namespace Eligibility.Shared;

/// <summary>
/// The input limits checked in a reader's one pass over the text instead of a pass of their own (the FHIR bundle
/// reader's layout pass, the native reader's parse). Before that pass, a few whole-text tests (vectorised, no tokenising)
/// show which limits the text cannot exceed at all: no string, name or number can be longer than the text, no array can
/// have more items than half its bytes, no string can hold bytes that are not UTF-8 in a text that is all UTF-8, and no
/// string can hold a lone surrogate escape in a text without <c>\u</c> followed by <c>d</c>. When that leaves only the
/// nesting depth, the pass checks it (its reader refuses deeper text) and <see cref="InputLimits.Check"/> is not run;
/// when anything goes wrong in that pass (deeper text, a syntax error), or the tests leave more than the depth, the
/// reader falls back to the check and then the pass as they ran before, so every diagnostic, its code, message and
/// position, is the one the check (or the pass) gave.
/// </summary>
internal static class LayoutLimits
{
    /// <summary>Whether only the nesting depth of <paramref name="utf8"/> can exceed <paramref name="limits"/>, so the
    /// pass (with the limits' depth) may stand in for <see cref="InputLimits.Check"/>. <c>false</c> also for limits
    /// that are not positive (the check throws for them) and for a text over <see cref="InputLimits.MaxRecordBytes"/>.</summary>
    /// <param name="utf8">The whole input, byte order mark included.</param>
    /// <param name="limits">The input limits.</param>
    /// <returns><c>true</c> when the layout pass may check the limits.</returns>
    public static bool OnlyDepthLeft(ReadOnlySpan<byte> utf8, InputLimits limits) =>
        limits.MaxRecordBytes > 0 && limits.MaxDepth > 0
        && limits.MaxStringBytes > 0 && limits.MaxArrayItems > 0
        && utf8.Length <= limits.MaxRecordBytes
        && utf8.Length <= limits.MaxStringBytes // a string, name or number lies inside the text
        && utf8.Length <= 2L * limits.MaxArrayItems // an array of n items takes at least 2n + 1 bytes
        && Utf8.IsValid(utf8)
        && !MaySurrogateEscape(utf8);

    /// <summary>Whether the text has <c>\u</c> followed by <c>d</c> or <c>D</c> anywhere (the start of every surrogate escape,
    /// <c>\ud800</c>–<c>\udfff</c>; also of some that are not, and of text that only looks like one: then the check runs).</summary>
    private static bool MaySurrogateEscape(ReadOnlySpan<byte> utf8)
    {
        int at = 0;
        while (true)
        {
            int found = utf8[at..].IndexOf("\\u"u8);
            if (found < 0)
            {
                return false;
            }

            at += found + 2;
            if (at < utf8.Length && (utf8[at] | 0x20) == (byte)'d')
            {
                return true;
            }
        }
    }
}
