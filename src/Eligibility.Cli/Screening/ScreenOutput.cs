using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;

namespace Eligibility.Cli.Screening;

/// <summary>
/// Where a screen's rows go: standard output, or <c>FILE.partial</c>, renamed to <c>FILE</c> only once every record has
/// its rows — so a file named <c>FILE</c> is always a complete run, and an interrupted one is left as
/// <c>FILE.partial</c> (with its state, <see cref="ScreenState"/>) for <c>--resume</c>.
/// </summary>
internal sealed class ScreenOutput : IDisposable
{
    private readonly TextWriter writer;
    private readonly FileStream? file;

    private ScreenOutput(TextWriter writer, FileStream? file, string? path)
    {
        this.writer = writer;
        this.file = file;
        Path = path;
    }

    /// <summary>The file the rows are for (<c>FILE</c>); null for standard output.</summary>
    public string? Path { get; }

    /// <summary>Where the rows are written until the run completes (<c>FILE.partial</c>); null for standard output.</summary>
    public string? PartialPath => Path is null ? null : ScreenState.PartialPath(Path);

    public static ScreenOutput ToWriter(TextWriter writer) => new(writer, null, null);

    /// <summary>Starts <c>FILE.partial</c> afresh (its folder is created if need be).</summary>
    public static ScreenOutput Create(string path)
    {
        CreateFolder(path);
        var stream = new FileStream(ScreenState.PartialPath(path), FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 1);
        return new ScreenOutput(Writer(stream), stream, path);
    }

    /// <summary>
    /// Reopens <c>FILE.partial</c> of an interrupted run, cut to the <paramref name="bytes"/> its state says hold whole
    /// records (anything after them — a row cut in half, rows written after the last checkpoint — is dropped), after
    /// checking that its last row is the one the state names.
    /// </summary>
    /// <exception cref="CliInputException">The partial output is missing, shorter than the state says, or does not end with the row the state names.</exception>
    public static ScreenOutput Reopen(string path, long bytes, string? lastRecord)
    {
        string partial = ScreenState.PartialPath(path);
        if (!File.Exists(partial))
        {
            if (bytes > 0)
            {
                throw new CliInputException($"cannot resume: {partial}, the output of the interrupted run, is missing; start again without --resume");
            }

            return Create(path);
        }

        var stream = new FileStream(partial, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, 1);
        try
        {
            if (stream.Length < bytes)
            {
                throw new CliInputException($"cannot resume: {partial} holds {stream.Length} bytes, fewer than the {bytes} its state says were written; start again without --resume");
            }

            if (bytes > 0 && LastRecord(stream, bytes) is var found && !string.Equals(found, lastRecord, StringComparison.Ordinal))
            {
                throw new CliInputException($"cannot resume: {partial} does not match its state (its last complete row is for {found ?? "nothing recognisable"}, the state says {lastRecord ?? "none"}); start again without --resume");
            }

            stream.SetLength(bytes);
            stream.Seek(bytes, SeekOrigin.Begin);
            return new ScreenOutput(Writer(stream), stream, path);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public void Write(string row)
    {
        writer.Write(row);
        writer.Write('\n');
    }

    /// <summary>
    /// Hands everything written so far to the operating system — and, when <paramref name="durable"/>, to the disk, so
    /// that a checkpoint naming these bytes holds even if the machine goes down; returns how many bytes the file holds.
    /// </summary>
    public long Flush(bool durable = false)
    {
        writer.Flush();
        if (file is null)
        {
            return 0;
        }

        file.Flush(flushToDisk: durable);
        return file.Position;
    }

    /// <summary>Closes <c>FILE.partial</c> and renames it to <c>FILE</c> (replacing any older one): the run is complete.</summary>
    public void Complete()
    {
        Flush();
        if (file is null || Path is null)
        {
            return;
        }

        writer.Dispose();
        File.Move(ScreenState.PartialPath(Path), Path, overwrite: true);
    }

    /// <summary>Closes the file, leaving it as <c>FILE.partial</c>.</summary>
    public void Dispose()
    {
        if (file is not null)
        {
            writer.Dispose();
        }
    }

    /// <summary>Writes a whole file atomically: <c>FILE.partial</c>, then renamed to <c>FILE</c>; or only <c>FILE.partial</c> when the run is incomplete.</summary>
    public static void WriteFile(string path, string text, bool complete)
    {
        CreateFolder(path);
        string partial = ScreenState.PartialPath(path);
        File.WriteAllText(partial, text, new UTF8Encoding(false));
        if (complete)
        {
            File.Move(partial, path, overwrite: true);
        }
    }

    private static void CreateFolder(string path)
    {
        string? dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }
    }

    private static StreamWriter Writer(FileStream stream) => new(stream, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };

    /// <summary>Where the row ending just before <paramref name="end"/> comes from (<see cref="ScreenState.LastRecord"/>'s words); null if it is not a row.</summary>
    private static string? LastRecord(FileStream stream, long end)
    {
        var row = new List<byte>();
        var buffer = new byte[1 << 16];
        long position = end - 1; // the newline that ends the row
        stream.Seek(position, SeekOrigin.Begin);
        if (stream.ReadByte() != '\n')
        {
            return null;
        }

        bool found = false;
        while (position > 0 && !found)
        {
            int count = (int)Math.Min(buffer.Length, position);
            position -= count;
            stream.Seek(position, SeekOrigin.Begin);
            stream.ReadExactly(buffer, 0, count);
            int nl = Array.LastIndexOf(buffer, (byte)'\n', count - 1, count);
            int from = nl < 0 ? 0 : nl + 1;
            row.InsertRange(0, new ArraySegment<byte>(buffer, from, count - from));
            found = nl >= 0;
        }

        try
        {
            using var doc = JsonDocument.Parse(row.ToArray());
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            string? file = root.TryGetProperty("file", out var fileName) && fileName.ValueKind == JsonValueKind.String ? fileName.GetString() : null;
            int n = root.TryGetProperty("line", out var line) && line.TryGetInt32(out int number) ? number : 0;
            return file is null && n <= 0 ? null : ScreenState.Record(file, n);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
