using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Eligibility.Shared;

namespace Eligibility.Cli.Screening;

/// <summary>
/// The state of a screen written to a file (<c>screen --out FILE</c>), kept beside the partial output as
/// <c>FILE.partial.state</c> until the run completes: the run's inputs (<see cref="ScreenInputs"/>), the date it took
/// for "today", and the last checkpoint — how many bytes of <c>FILE.partial</c> hold complete records, where in the
/// input the next record starts, and every count of the summary at that point. A checkpoint is written after the
/// output is flushed to disk and replaces the previous one atomically (a new file renamed over the old), so whenever
/// the process dies, or the machine, the state names a prefix of the partial output that is whole: <c>--resume</c> cuts the output there
/// (dropping any row cut in half and any record written after the checkpoint), restores the counts and reads on.
/// </summary>
internal sealed class ScreenState
{
    private const string Format = "eligibility-screen-state";
    private const int Version = 1;

    /// <summary>Far more than any state file a screen writes (a checkpoint and a summary): a larger file is damaged.</summary>
    private const long MaxBytes = 64L * 1024 * 1024;

    public required IReadOnlyList<KeyValuePair<string, string>> Inputs { get; init; }

    /// <summary>The date the run started: "today" for records without an as-of, kept by a resumed run.</summary>
    public required DateOnly Today { get; init; }

    /// <summary>Where reading resumes.</summary>
    public required InputPosition Position { get; init; }

    /// <summary>How many bytes of the partial output hold the rows of every record before <see cref="Position"/>.</summary>
    public required long OutputBytes { get; init; }

    /// <summary>Where the last row before <see cref="OutputBytes"/> comes from (<c>line 12</c>, <c>file in/a.json</c>); null when there is none.</summary>
    public string? LastRecord { get; init; }

    /// <summary>Whether every record was screened (the run was completing its files when it stopped).</summary>
    public bool Complete { get; init; }

    /// <summary>The summary's counts (<see cref="ScreenSummary.WriteState"/>).</summary>
    public JsonElement? Summary { get; init; }

    public static string PartialPath(string outPath) => outPath + ".partial";

    public static string StatePath(string outPath) => outPath + ".partial.state";

    /// <summary>Where a row comes from, in the words of <see cref="LastRecord"/>.</summary>
    public static string RecordOf(ScreenItem item) => Record(item.File is null ? null : SafeText.Clean(item.File), item.Line);

    /// <summary><c>line 12</c>, <c>file in/a.json</c>, or <c>file export/Patient.ndjson line 12</c> (a line of a Bulk FHIR export's file).</summary>
    public static string Record(string? file, int line)
    {
        string lineText = "line " + line.ToString(CultureInfo.InvariantCulture);
        return file is null ? lineText : line > 0 ? "file " + file + " " + lineText : "file " + file;
    }

    /// <summary>Writes the state to <paramref name="path"/> atomically: to a new file, on disk, then renamed over the old one.</summary>
    public static void Write(string path, ScreenState state, ScreenSummary summary)
    {
        string temporary = path + ".new";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using (var w = new Utf8JsonWriter(stream, ResultJson.Options(indented: true)))
            {
                w.WriteStartObject();
                w.WriteString("format", Format);
                w.WriteNumber("version", Version);
                w.WriteStartObject("inputs");
                foreach (var (name, value) in state.Inputs)
                {
                    w.WriteString(name, SafeText.Clean(value));
                }

                w.WriteEndObject();
                w.WriteString("today", state.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                w.WriteStartObject("checkpoint");
                w.WriteNumber("outputBytes", state.OutputBytes);
                if (state.LastRecord is null)
                {
                    w.WriteNull("lastRecord");
                }
                else
                {
                    w.WriteString("lastRecord", SafeText.Clean(state.LastRecord));
                }

                w.WriteNumber("offset", state.Position.Offset);
                w.WriteNumber("lines", state.Position.Lines);
                w.WriteNumber("blankLines", state.Position.BlankLines);
                w.WriteBoolean("inLongLine", state.Position.InLongLine);
                w.WriteBoolean("complete", state.Complete);
                w.WritePropertyName("summary");
                summary.WriteState(w);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads a state file; null when there is none.</summary>
    /// <exception cref="CliInputException">The file is damaged or of another version.</exception>
    public static ScreenState? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var read = BoundedFile.Read(path, MaxBytes, "screen state files");
            if (read.Bytes is not { } bytes)
            {
                throw new CliInputException($"cannot resume: the state file {path} is damaged ({read.Message}); start again without --resume");
            }

            using var doc = JsonDocument.Parse(bytes);
            var root = doc.RootElement;
            if (root.GetProperty("format").GetString() != Format || root.GetProperty("version").GetInt32() != Version)
            {
                throw new CliInputException($"{path} is not the state of a screen this version of eligibility wrote; start again without --resume");
            }

            var checkpoint = root.GetProperty("checkpoint");
            return new ScreenState
            {
                Inputs = root.GetProperty("inputs").EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, p.Value.GetString() ?? string.Empty)).ToList(),
                Today = DateOnly.ParseExact(root.GetProperty("today").GetString() ?? string.Empty, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                OutputBytes = checkpoint.GetProperty("outputBytes").GetInt64(),
                LastRecord = checkpoint.GetProperty("lastRecord").GetString(),
                Position = new InputPosition(
                    checkpoint.GetProperty("offset").GetInt64(),
                    checkpoint.GetProperty("lines").GetInt32(),
                    checkpoint.GetProperty("blankLines").GetInt32(),
                    checkpoint.GetProperty("inLongLine").GetBoolean()),
                Complete = checkpoint.GetProperty("complete").GetBoolean(),
                Summary = checkpoint.GetProperty("summary").Clone(),
            };
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"cannot resume: the state file {path} is damaged ({ex.Message.ReplaceLineEndings(" ")}); start again without --resume", ex);
        }
    }
}
