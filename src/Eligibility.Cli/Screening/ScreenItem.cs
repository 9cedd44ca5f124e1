namespace Eligibility.Cli.Screening;

/// <summary>
/// One record to screen: an NDJSON line (1-based <see cref="Line"/>) or a file of a folder, its bytes, or why it could
/// not even be read. <see cref="Progress"/> is how far through the input it ends (bytes, or files), for the progress bar.
/// </summary>
internal sealed record ScreenItem(int Line, string? File, byte[]? Bytes, string? ReadError, long Progress);
