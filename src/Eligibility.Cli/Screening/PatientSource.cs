using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Eligibility.Cli.Input;
using Eligibility.Shared;

namespace Eligibility.Cli.Screening;

/// <summary>
/// The records to screen, read lazily so memory stays flat: NDJSON (one patient record or FHIR Bundle per line; blank
/// lines skipped; <c>-</c> is stdin) or a folder of <c>*.json</c> files (recursively, in path order). Nothing one line
/// or file holds can stop the reading: a line longer than the record limit becomes an error row as soon as it passes
/// the limit and the rest of it is skipped; only a line with no newline within <see cref="LongLineFactor"/> times the
/// limit, or an input that cannot be read any more, ends the reading early (<see cref="Stopped"/> says why).
/// </summary>
internal sealed class PatientSource
{
    /// <summary>How long a line may run past the record limit, as a multiple of the limit, before reading stops.</summary>
    public const int LongLineFactor = 16;

    private const int ChunkSize = 1 << 16;

    private int blankLines;
    private string? stopped;
    private bool stoppedAtEndlessLine;

    private readonly BulkExport? bulk;

    private PatientSource(string path, bool isFolder, bool isRegular, long total, long maxRecordBytes, BulkExport? bulk = null)
    {
        this.bulk = bulk;
        Path = path;
        IsFolder = isFolder;
        CanReadAgain = isRegular || isFolder;
        Total = total;
        MaxRecordBytes = maxRecordBytes;
    }

    public string Path { get; }

    public bool IsFolder { get; }

    /// <summary>Whether the input is a folder holding a FHIR Bulk Data export (<see cref="BulkExport"/>); positions then count records.</summary>
    public bool IsBulk => bulk is not null;

    /// <summary>Whether the input can be read again from a position (a regular file or a folder; not stdin, a pipe or a device).</summary>
    public bool CanReadAgain { get; }

    /// <summary>The size of the input for the progress bar: bytes of an NDJSON file, files of a folder, 0 when unknown (stdin, a pipe, a Bulk FHIR export).</summary>
    public long Total { get; }

    /// <summary>The largest record: a file of a folder, or one NDJSON line (its newline not counted).</summary>
    public long MaxRecordBytes { get; }

    /// <summary>Blank lines skipped so far (NDJSON), those before the position reading started from included.</summary>
    public int BlankLines
    {
        get => bulk?.BlankLines ?? blankLines;
        private set => blankLines = value;
    }

    /// <summary>Why reading stopped before the end of the input (a line with no end, a read error); null when it did not.</summary>
    public string? Stopped
    {
        get => bulk?.Stopped ?? stopped;
        private set => stopped = value;
    }

    /// <summary>
    /// Whether the patients input at <paramref name="path"/> looks like FHIR, looked at cheaply before anything is read: a
    /// Bulk FHIR export, or a regular file (for a folder, its first patient file) whose first 4 KB name a
    /// <c>"resourceType"</c>, which a native record never has. Only a hint (for <see cref="Eligibility.Fhir.PatientInput.Prepare"/>): standard
    /// input, pipes, devices and anything that cannot be read are "no", and the records themselves decide how each is read.
    /// </summary>
    public static bool LooksLikeFhir(string path)
    {
        try
        {
            if (path == "-")
            {
                return false;
            }

            if (Directory.Exists(path))
            {
                return BulkExport.IsExport(path) || (InputPaths.Walk(path).FirstOrDefault() is { } first && HeadNamesResourceType(first));
            }

            return File.Exists(path) && HeadNamesResourceType(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Starts <see cref="Eligibility.Fhir.PatientInput.Prepare"/> on another thread when the input at
    /// <paramref name="path"/> looks like FHIR (<see cref="LooksLikeFhir"/>), so that the reader's tables are built while
    /// the rule files compile rather than by the first record.</summary>
    public static void PrepareReaderIfFhir(string path)
    {
        if (LooksLikeFhir(path))
        {
            _ = System.Threading.Tasks.Task.Run(Eligibility.Fhir.PatientInput.Prepare);
        }
    }

    private static bool HeadNamesResourceType(string file)
    {
        if (BoundedFile.KindOf(file) is not null)
        {
            return false; // a device or a pipe: opening or reading it could block, and it is read as a stream anyway
        }

        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
        Span<byte> head = stackalloc byte[4096];
        int n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return head[..n].IndexOf("\"resourceType\""u8) >= 0;
    }

    /// <summary>Whether reading stopped at a line with no newline within <see cref="LongLineFactor"/> times the limit.</summary>
    public bool StoppedAtEndlessLine
    {
        get => bulk?.StoppedAtEndlessLine ?? stoppedAtEndlessLine;
        private set => stoppedAtEndlessLine = value;
    }

    public static PatientSource Open(string path, long maxRecordBytes)
    {
        if (path == "-")
        {
            return new PatientSource(path, false, false, 0, maxRecordBytes);
        }

        try
        {
            if (Directory.Exists(path))
            {
                if (BulkExport.IsExport(path))
                {
                    return new PatientSource(path, true, false, 0, maxRecordBytes, new BulkExport(path, maxRecordBytes));
                }

                return new PatientSource(path, true, false, InputPaths.Walk(path).LongCount(), maxRecordBytes);
            }

            if (File.Exists(path))
            {
                // A device or a pipe is read as a stream (e.g. --patients <(zcat x.ndjson.gz)); its size means nothing.
                bool regular = BoundedFile.KindOf(path) is null;
                return new PatientSource(path, false, regular, regular ? new FileInfo(path).Length : 0, maxRecordBytes);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"cannot read the patients input {path}: {ex.Message}", ex);
        }

        throw new CliInputException($"the patients input {path} does not exist (give an NDJSON file, a folder, or - for stdin)");
    }

    /// <summary>
    /// The records, in input order, from <paramref name="start"/> (the beginning by default); <paramref name="stdin"/>
    /// opens standard input when the path is <c>-</c>.
    /// </summary>
    public IEnumerable<ScreenItem> Items(Func<Stream> stdin, InputPosition start = default) =>
        bulk is not null ? bulk.Items(start) : IsFolder ? Files(start) : Lines(stdin, start);

    private IEnumerable<ScreenItem> Files(InputPosition start)
    {
        long n = 0;
        using var files = InputPaths.Walk(Path).GetEnumerator();
        while (true)
        {
            string file;
            try
            {
                if (!files.MoveNext())
                {
                    yield break;
                }

                file = files.Current;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Stopped = Invariant($"cannot list the folder {Path} after {n} file(s): {ex.Message}");
                yield break;
            }

            n++;
            if (n <= start.Offset)
            {
                continue;
            }

            // Devices, pipes, links to /dev/zero and over-size files are refused here, each as its own error row.
            var read = BoundedFile.Read(file, MaxRecordBytes, "patient records");
            string? error = read.Code is { } code ? code + ": " + read.Message : null;
            yield return new ScreenItem(0, file, read.Bytes, error, n) { Next = new InputPosition(n, 0, 0, false) };
        }
    }

    private IEnumerable<ScreenItem> Lines(Func<Stream> stdin, InputPosition start)
    {
        using var stream = Path == "-" ? stdin() : new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, ChunkSize, FileOptions.SequentialScan);
        if (start.Offset > 0)
        {
            stream.Seek(start.Offset, SeekOrigin.Begin);
        }

        long limit = Math.Min(MaxRecordBytes, Array.MaxLength); // a line is held in one buffer
        long bound = limit > long.MaxValue / LongLineFactor ? long.MaxValue : limit * LongLineFactor;
        var chunk = new byte[ChunkSize];
        var line = new MemoryStream();
        int lineNo = start.Lines;
        BlankLines = start.BlankLines;
        bool skipping = start.InLongLine; // the line is too long: its row is written, the rest of it is skipped
        long consumed = start.Offset;     // bytes before the chunk
        long lineStart = start.Offset;    // where the current line starts
        int read;
        while ((read = Read(stream, chunk, lineNo)) > 0)
        {
            int from = 0;
            while (from < read)
            {
                int nl = Array.IndexOf(chunk, (byte)'\n', from, read - from);
                int end = nl < 0 ? read : nl;
                if (!skipping)
                {
                    if (line.Length + (end - from) > limit)
                    {
                        // The row goes out now, not when (if ever) the newline comes.
                        lineNo++;
                        skipping = true;
                        line.SetLength(0);
                        yield return new ScreenItem(lineNo, null, null, Invariant($"ELIG0003: the line is longer than {limit} bytes, the limit for one record (--max-record-bytes); the rest of it is skipped"), consumed + end)
                        {
                            Next = new InputPosition(lineStart, lineNo, BlankLines, true),
                        };
                    }
                    else
                    {
                        line.Write(chunk, from, end - from);
                    }
                }

                if (nl < 0)
                {
                    if (skipping && consumed + read - lineStart > bound)
                    {
                        StoppedAtEndlessLine = true;
                        Stopped = Invariant($"line {lineNo} of {Path} has no newline within {bound} bytes ({LongLineFactor} times the record limit): the rest of the input was not read");
                        yield break;
                    }

                    break;
                }

                long next = consumed + nl + 1;
                if (skipping)
                {
                    skipping = false; // the too-long line ends here; its row was written when it passed the limit
                }
                else
                {
                    lineNo++;
                    if (Complete(lineNo, line, next, new InputPosition(next, lineNo, BlankLines, false)) is { } item)
                    {
                        yield return item;
                    }
                }

                line.SetLength(0);
                lineStart = next;
                from = nl + 1;
            }

            consumed += read;
        }

        if (read < 0)
        {
            yield break; // Stopped says why
        }

        if (line.Length > 0 && !skipping)
        {
            lineNo++;
            if (Complete(lineNo, line, consumed, new InputPosition(consumed, lineNo, BlankLines, false)) is { } last)
            {
                yield return last;
            }
        }
    }

    /// <summary>Reads a chunk; -1 (and <see cref="Stopped"/> set) when the input cannot be read any more.</summary>
    private int Read(Stream stream, byte[] chunk, int lineNo)
    {
        try
        {
            return stream.Read(chunk, 0, chunk.Length);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            Stopped = Invariant($"cannot read {(Path == "-" ? "standard input" : Path)} after line {lineNo}: {ex.Message}");
            return -1;
        }
    }

    private ScreenItem? Complete(int lineNo, MemoryStream line, long progress, InputPosition next)
    {
        var span = line.GetBuffer().AsSpan(0, (int)line.Length);
        if (lineNo == 1)
        {
            span = span[Utf8Bom.LengthOf(span)..];
        }

        if (span.Length > 0 && span[^1] == (byte)'\r')
        {
            span = span[..^1];
        }

        if (span.Trim((ReadOnlySpan<byte>)" \t\r"u8).IsEmpty)
        {
            BlankLines++;
            return null;
        }

        return new ScreenItem(lineNo, null, span.ToArray(), null, progress) { Next = next };
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
