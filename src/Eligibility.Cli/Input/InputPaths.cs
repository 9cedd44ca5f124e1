using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Eligibility.Cli.Output;
using Eligibility.Testing;
using Eligibility.Diagnostics;
using Eligibility.Shared;

namespace Eligibility.Cli.Input;

/// <summary>Expands the PATH arguments of a command into files: files as given, folders searched recursively for <c>*.json</c>.</summary>
internal static class InputPaths
{
    /// <summary>The case-file suffix.</summary>
    public const string CasesSuffix = ".cases.json";

    /// <summary>The lock-file suffix (<c>rules/&lt;TrialId&gt;.lock.json</c>, written by <c>eligibility lock</c>).</summary>
    public const string LockSuffix = ".lock.json";

    private static readonly HashSet<string> SkippedFolders = new(StringComparer.OrdinalIgnoreCase) { "bin", "obj", "node_modules" };

    /// <summary>One file to process and what it is.</summary>
    public readonly record struct InputFile(string Path, JsonFileKind Kind, bool Explicit);

    /// <summary>
    /// The files named by <paramref name="paths"/>: a file is taken as given (a case file if its name ends in
    /// <c>.cases.json</c> or it looks like one, else a rule file); a folder gives every <c>*.json</c> beneath it (hidden,
    /// bin, obj and node_modules folders skipped) that is a rule or case file, sorted; lock files (<c>*.lock.json</c>)
    /// are skipped. An entry of a folder that is not a regular file (a device, a pipe, a link to one) or that is too large
    /// to read is kept as a rule file, so the command reports it as an error (ELIG0002, ELIG0003) and goes on. A path that does not exist, or a lock file named explicitly, is an input error (exit 2), reported in
    /// MSBuild's format.
    /// </summary>
    public static IReadOnlyList<InputFile> Expand(IEnumerable<string> paths, CliConsole console)
    {
        var files = new List<InputFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        bool missing = false;
        bool locks = false;
        foreach (string path in paths)
        {
            if (File.Exists(path))
            {
                var kind = Kind(path, explicitFile: true);
                if (kind == JsonFileKind.LockFile)
                {
                    console.Error.WriteLine(LockFileGiven(path).ToString());
                    locks = true;
                    continue;
                }

                Add(new InputFile(path, kind, true));
            }
            else if (Directory.Exists(path))
            {
                foreach (string file in Walk(path))
                {
                    var kind = Kind(file, explicitFile: false);
                    if (kind is JsonFileKind.RuleFile or JsonFileKind.CaseFile)
                    {
                        Add(new InputFile(file, kind, false));
                    }
                }
            }
            else
            {
                console.Error.WriteLine(DiagnosticOutput.FileError(path, DiagnosticCodes.FileUnreadable, "no such file or folder").ToString());
                missing = true;
            }
        }

        if (missing)
        {
            throw new CliInputException("some paths do not exist");
        }

        if (locks)
        {
            throw new CliInputException("lock files are not rule files: give the rule file beside each (the lock file is read with it)");
        }

        return files;

        void Add(InputFile file)
        {
            if (seen.Add(System.IO.Path.GetFullPath(file.Path)))
            {
                files.Add(file);
            }
        }
    }

    /// <summary>Every <c>*.json</c> file under <paramref name="folder"/>, in ordinal path order. A folder reached again
    /// through a symbolic link (a link to an ancestor, say) is not walked twice.</summary>
    public static IEnumerable<string> Walk(string folder) => Walk(folder, new HashSet<string>(StringComparer.Ordinal));

    private static IEnumerable<string> Walk(string folder, HashSet<string> visited)
    {
        if (!visited.Add(RelativePath.RealPath(folder)))
        {
            yield break;
        }

        var files = Directory.EnumerateFiles(folder, "*.json", SearchOption.TopDirectoryOnly).OrderBy(f => f, StringComparer.Ordinal).ToList();
        foreach (string file in files)
        {
            yield return file;
        }

        foreach (string sub in Directory.EnumerateDirectories(folder).OrderBy(d => d, StringComparer.Ordinal))
        {
            string name = System.IO.Path.GetFileName(sub);
            if (name.StartsWith('.') || SkippedFolders.Contains(name))
            {
                continue;
            }

            foreach (string file in Walk(sub, visited))
            {
                yield return file;
            }
        }
    }

    /// <summary>Whether the file is a rule file, a case file, a lock file, or other JSON.</summary>
    public static JsonFileKind Kind(string path, bool explicitFile)
    {
        if (IsLockFile(path))
        {
            return JsonFileKind.LockFile;
        }

        if (path.EndsWith(CasesSuffix, StringComparison.OrdinalIgnoreCase))
        {
            return JsonFileKind.CaseFile;
        }

        // Bounded, and never a device, pipe or socket (a link to /dev/zero in a scanned folder): such a file is taken as
        // a rule file, so that the compiler reports it as unreadable (ELIG0002) or too large (ELIG0003), file by file.
        if (Eligibility.Shared.BoundedFile.Read(path, CaseFileReader.MaxBytes, "rule and example-case files").Bytes is not { } bytes)
        {
            return JsonFileKind.RuleFile;
        }

        var names = TopLevelNames(bytes);
        if (names is null)
        {
            return JsonFileKind.RuleFile; // not JSON: report it as a broken rule file
        }

        if (names.Contains("cases") && names.Contains("rules"))
        {
            return JsonFileKind.CaseFile;
        }

        if (explicitFile || names.Contains("formatVersion") || names.Contains("trial") || names.Contains("inclusion") || names.Contains("exclusion"))
        {
            return JsonFileKind.RuleFile;
        }

        return JsonFileKind.Other;
    }

    /// <summary>Whether the file is named like a lock file (<c>*.lock.json</c>).</summary>
    public static bool IsLockFile(string path) => path.EndsWith(LockSuffix, StringComparison.OrdinalIgnoreCase);

    /// <summary>When <paramref name="path"/> is a lock file, says so (MSBuild line) and throws so the command exits 2.</summary>
    public static void RefuseLockFile(string path, CliConsole console)
    {
        if (IsLockFile(path))
        {
            console.Error.WriteLine(LockFileGiven(path).ToString());
            throw new CliInputException($"{path} is a lock file, not a rule file");
        }
    }

    /// <summary>"X.lock.json: error ELIG4103: this is a lock file …; give the rule file X.json".</summary>
    private static Diagnostic LockFileGiven(string path)
    {
        string ruleFile = path[..^LockSuffix.Length] + ".json";
        return DiagnosticOutput.FileError(path, ToolDiagnosticCodes.LockFileGivenAsInput,
            $"this is a lock file (the codes pinned by 'eligibility lock'), not a rule file or example-case file; give the rule file {ruleFile}, which is read with its lock file");
    }

    private static HashSet<string>? TopLevelNames(byte[] utf8)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(Utf8Bom.Strip(utf8).Span);
            if (!reader.Read())
            {
                return null;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                return reader.Read() ? null : names;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                names.Add(reader.GetString() ?? string.Empty);
                reader.Read();
                reader.Skip();
            }

            return reader.Read() ? null : names;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
