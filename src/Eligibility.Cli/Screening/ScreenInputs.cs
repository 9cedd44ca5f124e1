using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Eligibility.Cli.Input;
using Eligibility.Patients;
using Eligibility.Shared;

namespace Eligibility.Cli.Screening;

/// <summary>
/// What a screen's output depends on, described so that <c>screen --resume</c> can tell whether it is given the same
/// inputs as the interrupted run: each rule file (its full path and a SHA-256 of its bytes and of its lock file's), the
/// patients input (a file's full path, size and modification time; a folder's files, sizes and modification times), the
/// as-of option, the terminology, the record limits and the rows' detail (<c>--detail</c>: one output holds rows of one
/// shape; a state written before the option existed was a <c>full</c> run). The worker count is not among them: it never changes the output.
/// </summary>
internal static class ScreenInputs
{
    private const long MaxHashedBytes = 256L * 1024 * 1024;

    private const string DetailName = "detail (--detail)";

    /// <summary>The description, as ordered (name, value) pairs.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Describe(
        IReadOnlyList<string> ruleFiles, PatientSource patients, DateOnly? asOf, IReadOnlyList<string>? terminologyPaths, string? terminology, InputLimits limits, ScreenDetail detail)
    {
        var items = new List<KeyValuePair<string, string>>();
        for (int i = 0; i < ruleFiles.Count; i++)
        {
            string path = Path.GetFullPath(ruleFiles[i]);
            string lockFile = LockPath(path);
            string lockHash = File.Exists(lockFile) ? Hash(lockFile) : "none";
            items.Add(new(Invariant($"rule file {i + 1}"), $"{path} {Hash(path)}; lock file {lockHash}"));
        }

        items.Add(new("patients", Patients(patients)));
        items.Add(new("as-of", asOf is { } date ? AsOfDate.Format(date) + " (--as-of)" : "each record's asOf, else the day the run started"));
        string paths = terminologyPaths is { Count: > 0 } ? string.Join(", ", terminologyPaths.Select(Path.GetFullPath)) : "none";
        items.Add(new("terminology", terminology is null ? paths : $"{paths}: {terminology}"));
        items.Add(new("record limits", Invariant($"{limits.MaxRecordBytes} bytes a record, {limits.MaxStringBytes} bytes a string, depth {limits.MaxDepth}, {limits.MaxArrayItems} items an array")));
        items.Add(new(DetailName, ScreenRows.Name(detail)));
        return items;
    }

    /// <summary>What differs between the interrupted run's inputs and these, in words; empty when nothing does.</summary>
    public static IReadOnlyList<string> Differences(IReadOnlyList<KeyValuePair<string, string>> before, IReadOnlyList<KeyValuePair<string, string>> now)
    {
        var was = before.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        was.TryAdd(DetailName, ScreenRows.Name(ScreenDetail.Full)); // a state from before --detail: its rows are full ones
        var differences = new List<string>();
        foreach (var (name, value) in now)
        {
            if (!was.Remove(name, out string? old))
            {
                differences.Add($"{name} is new ({value})");
            }
            else if (!string.Equals(old, value, StringComparison.Ordinal))
            {
                differences.Add($"{name} was {old}, is now {value}");
            }
        }

        differences.AddRange(was.Select(p => $"{p.Key} ({p.Value}) is no longer given"));
        return differences;
    }

    private static string Patients(PatientSource patients)
    {
        if (!patients.CanReadAgain)
        {
            return patients.Path == "-" ? "standard input" : Path.GetFullPath(patients.Path) + " (not a regular file)";
        }

        string full = Path.GetFullPath(patients.Path);
        if (!patients.IsFolder)
        {
            var info = new FileInfo(full);
            return Invariant($"{full}: {info.Length} bytes, modified {info.LastWriteTimeUtc:yyyy-MM-ddTHH:mm:ss.fffffffZ}");
        }

        // A folder: every file the run reads, with its size and modification time, hashed.
        using var listing = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long count = 0;
        foreach (string file in patients.IsBulk ? BulkExport.Files(patients.Path) : InputPaths.Walk(patients.Path))
        {
            count++;
            string entry;
            try
            {
                var info = new FileInfo(file);
                entry = Invariant($"{Path.GetRelativePath(full, Path.GetFullPath(file))}\t{info.Length}\t{info.LastWriteTimeUtc.Ticks}\n");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                entry = file + "\tunreadable\n";
            }

            listing.AppendData(Encoding.UTF8.GetBytes(entry));
        }

        return Invariant($"{full}: {count} file(s), listing sha256:{Convert.ToHexStringLower(listing.GetHashAndReset())}");
    }

    private static string LockPath(string ruleFile)
    {
        string name = Path.GetFileName(ruleFile);
        string stem = name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? name[..^5] : name;
        return Path.Combine(Path.GetDirectoryName(ruleFile) ?? string.Empty, stem + ".lock.json");
    }

    private static string Hash(string path)
    {
        var read = BoundedFile.Read(path, MaxHashedBytes, "rule and lock files");
        return read.Bytes is { } bytes ? "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)) : "unreadable (" + read.Message + ")";
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
