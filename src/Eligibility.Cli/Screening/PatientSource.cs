using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Eligibility.Cli.Input;
using Eligibility.Patients;

namespace Eligibility.Cli.Screening;

/// <summary>
/// The records to screen, read lazily so memory stays flat: NDJSON (one patient record or FHIR Bundle per line; blank
/// lines skipped; <c>-</c> is stdin) or a folder of <c>*.json</c> files (recursively, in path order).
/// </summary>
internal sealed class PatientSource
{
    private const int ChunkSize = 1 << 16;

    private PatientSource(string path, bool isFolder, long total)
    {
        Path = path;
        IsFolder = isFolder;
        Total = total;
    }

    public string Path { get; }

    public bool IsFolder { get; }

    /// <summary>The size of the input for the progress bar: bytes of an NDJSON file, files of a folder, 0 when unknown (stdin).</summary>
    public long Total { get; }

    /// <summary>Blank lines skipped so far (NDJSON).</summary>
    public int BlankLines { get; private set; }

    public static PatientSource Open(string path)
    {
        if (path == "-")
        {
            return new PatientSource(path, false, 0);
        }

        if (Directory.Exists(path))
        {
            return new PatientSource(path, true, InputPaths.Walk(path).LongCount());
        }

        if (File.Exists(path))
        {
            return new PatientSource(path, false, new FileInfo(path).Length);
        }

        throw new CliInputException($"the patients input {path} does not exist (give an NDJSON file, a folder, or - for stdin)");
    }

    /// <summary>The records, in input order; <paramref name="stdin"/> opens standard input when the path is <c>-</c>.</summary>
    public IEnumerable<ScreenItem> Items(Func<Stream> stdin) => IsFolder ? Files() : Lines(stdin);

    private IEnumerable<ScreenItem> Files()
    {
        long n = 0;
        foreach (string file in InputPaths.Walk(Path))
        {
            n++;
            byte[]? bytes = null;
            string? error = null;
            try
            {
                var info = new FileInfo(file);
                if (info.Length > PatientReader.MaxBytes)
                {
                    error = $"ELIG0003: the file is {info.Length} bytes; patient records are limited to {PatientReader.MaxBytes} bytes";
                }
                else
                {
                    bytes = File.ReadAllBytes(file);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                error = "ELIG0002: cannot read the file: " + ex.Message;
            }

            yield return new ScreenItem(0, file, bytes, error, n);
        }
    }

    private IEnumerable<ScreenItem> Lines(Func<Stream> stdin)
    {
        using var stream = Path == "-" ? stdin() : new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, ChunkSize, FileOptions.SequentialScan);
        var chunk = new byte[ChunkSize];
        var line = new MemoryStream();
        var ready = new List<ScreenItem>();
        bool tooLong = false;
        int lineNo = 0;
        long consumed = 0;
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            int start = 0;
            while (start < read)
            {
                int nl = Array.IndexOf(chunk, (byte)'\n', start, read - start);
                int end = nl < 0 ? read : nl;
                if (!tooLong)
                {
                    line.Write(chunk, start, end - start);
                    if (line.Length > PatientReader.MaxBytes)
                    {
                        tooLong = true;
                        line.SetLength(0);
                    }
                }

                if (nl < 0)
                {
                    break;
                }

                lineNo++;
                if (Complete(lineNo, line, tooLong, consumed + nl + 1) is { } item)
                {
                    ready.Add(item);
                }

                line.SetLength(0);
                tooLong = false;
                start = nl + 1;
            }

            consumed += read;
            foreach (var item in ready)
            {
                yield return item;
            }

            ready.Clear();
        }

        if (line.Length > 0 || tooLong)
        {
            lineNo++;
            if (Complete(lineNo, line, tooLong, consumed) is { } last)
            {
                yield return last;
            }
        }
    }

    private ScreenItem? Complete(int lineNo, MemoryStream line, bool tooLong, long progress)
    {
        if (tooLong)
        {
            return new ScreenItem(lineNo, null, null, $"ELIG0003: the line is longer than {PatientReader.MaxBytes} bytes", progress);
        }

        var span = line.GetBuffer().AsSpan(0, (int)line.Length);
        if (lineNo == 1 && span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            span = span[3..];
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

        return new ScreenItem(lineNo, null, span.ToArray(), null, progress);
    }
}
