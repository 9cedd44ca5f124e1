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
}

/// <summary>
/// A point in the patients input where reading can resume: for NDJSON, the byte <see cref="Offset"/> of a line's start,
/// the number of <see cref="Lines"/> before it (so line numbers go on), the blank lines skipped before it, and whether
/// that line is one already reported as too long (<see cref="InLongLine"/>: skip to its end, write nothing for it); for
/// a folder, <see cref="Offset"/> is the number of files done.
/// </summary>
internal readonly record struct InputPosition(long Offset, int Lines, int BlankLines, bool InLongLine);
