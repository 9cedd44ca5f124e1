using System;
using System.Collections.Generic;
using System.Globalization;

namespace Eligibility.Cli.Screening;

/// <summary>
/// One record to screen: an NDJSON line (1-based <see cref="Line"/>) or a file of a folder, its bytes, or why it could
/// not even be read. <see cref="Progress"/> is how far through the input it ends (bytes, or files), for the progress bar;
/// <see cref="Next"/> is where reading resumes after it (<c>screen --resume</c>).
/// </summary>
internal sealed record ScreenItem(int Line, string? File, byte[]? Bytes, string? ReadError, long Progress)
{
    /// <summary>Where reading resumes once this record's rows are written.</summary>
    public InputPosition Next { get; init; }

    /// <summary>
    /// For a Bundle made from a Bulk FHIR export, where each entry's resource comes from; null for any other record.
    /// A diagnostic about <c>/entry/N/resource…</c> is placed at that line of the export instead of inside the Bundle.
    /// </summary>
    public IReadOnlyList<EntryOrigin>? Entries { get; init; }

    /// <summary>
    /// Where a diagnostic inside the record is in the input, when the record is a Bundle made from an export's lines:
    /// (file, line, column) of the line holding the resource the pointer names; null when it names none.
    /// </summary>
    public (string File, int Line, int Column)? Origin(Diagnostic d)
    {
        if (Entries is null || d.Line != 1 || d.Pointer is not { } pointer || !pointer.StartsWith("/entry/", StringComparison.Ordinal))
        {
            return null;
        }

        int end = pointer.IndexOf('/', "/entry/".Length);
        string index = end < 0 ? pointer["/entry/".Length..] : pointer["/entry/".Length..end];
        if (!int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n >= Entries.Count)
        {
            return null;
        }

        var entry = Entries[n];
        return (entry.File, entry.Line, Math.Max(1, d.Column - entry.Column + 1));
    }
}

/// <summary>Where a Bundle entry's resource comes from: a line of a file, and the column (UTF-16) the resource starts at in the Bundle.</summary>
internal readonly record struct EntryOrigin(string File, int Line, int Column);

/// <summary>
/// A point in the patients input where reading can resume: for NDJSON, the byte <see cref="Offset"/> of a line's start,
/// the number of <see cref="Lines"/> before it (so line numbers go on), the blank lines skipped before it, and whether
/// that line is one already reported as too long (<see cref="InLongLine"/>: skip to its end, write nothing for it); for
/// a folder, <see cref="Offset"/> is the number of files done.
/// </summary>
internal readonly record struct InputPosition(long Offset, int Lines, int BlankLines, bool InLongLine);
