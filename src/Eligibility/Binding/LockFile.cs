using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Eligibility.Diagnostics;
using Eligibility.Loading;

namespace Eligibility.Binding;

/// <summary>
/// A rule file's lock file (<c>&lt;TrialId&gt;.lock.json</c> beside it): the codes each concept's bindings expanded to
/// with a terminology, so that CI and apps evaluate with the same codes without shipping the vocabulary. Each entry
/// carries a fingerprint of the bindings it was made from; an entry whose fingerprint no longer matches is stale.
/// </summary>
internal sealed class LockFile
{
    public const int FormatVersion = 1;

    private LockFile(string? terminology, IReadOnlyDictionary<string, Entry> concepts)
    {
        Terminology = terminology;
        Concepts = concepts;
    }

    /// <summary>What the lock was made with (the terminology's description).</summary>
    public string? Terminology { get; }

    public IReadOnlyDictionary<string, Entry> Concepts { get; }

    /// <summary>One concept's pinned expansion: the bindings' fingerprint and the codes added to the listed ones.</summary>
    public sealed record Entry(string Bindings, IReadOnlyList<Coding> Codes);

    /// <summary>The lock file that belongs to a rule file: <c>NAME.json</c> → <c>NAME.lock.json</c>.</summary>
    public static string PathFor(string ruleFile)
    {
        string directory = Path.GetDirectoryName(ruleFile) ?? string.Empty;
        string name = Path.GetFileName(ruleFile);
        string stem = name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? name[..^5] : name;
        return Path.Combine(directory, stem + ".lock.json");
    }

    /// <summary>Reads a lock file; problems are positioned diagnostics in <paramref name="sink"/> (its file is the lock file).</summary>
    public static LockFile? Read(byte[] utf8, DiagnosticSink sink)
    {
        if (!JsonInput.TryParse(utf8, sink, out var document))
        {
            return null;
        }

        using (document)
        {
            var root = document!.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                sink.Error(DiagnosticCodes.LockFileInvalid, string.Empty, "a lock file is a JSON object written by `eligibility lock`");
                return null;
            }

            if (!root.TryGetProperty("formatVersion", out var version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out int v) || v != FormatVersion)
            {
                sink.Error(DiagnosticCodes.LockFileInvalid, root.TryGetProperty("formatVersion", out _) ? "/formatVersion" : string.Empty, $"the lock file's formatVersion must be {FormatVersion}; write it again with `eligibility lock`");
                return null;
            }

            string? terminology = root.TryGetProperty("terminology", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            var concepts = new Dictionary<string, Entry>(StringComparer.Ordinal);
            if (!root.TryGetProperty("concepts", out var list) || list.ValueKind != JsonValueKind.Object)
            {
                sink.Error(DiagnosticCodes.LockFileInvalid, root.TryGetProperty("concepts", out _) ? "/concepts" : string.Empty, "the lock file needs 'concepts': an object of concept name → pinned codes");
                return null;
            }

            foreach (var concept in list.EnumerateObject())
            {
                string pointer = "/concepts/" + SourceMap.Escape(concept.Name);
                if (ReadEntry(concept.Value, pointer, sink) is { } entry)
                {
                    concepts[concept.Name] = entry;
                }
            }

            return sink.HasErrors ? null : new LockFile(terminology, concepts);
        }
    }

    private static Entry? ReadEntry(JsonElement value, string pointer, DiagnosticSink sink)
    {
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("bindings", out var bindings) || bindings.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("codes", out var systems) || systems.ValueKind != JsonValueKind.Object)
        {
            sink.Error(DiagnosticCodes.LockFileInvalid, pointer, "each concept needs 'bindings' (a fingerprint) and 'codes' (system → { code: display })");
            return null;
        }

        var codes = new List<Coding>();
        foreach (var system in systems.EnumerateObject())
        {
            if (system.Value.ValueKind != JsonValueKind.Object)
            {
                sink.Error(DiagnosticCodes.LockFileInvalid, pointer + "/codes/" + SourceMap.Escape(system.Name), "codes are an object of code → display");
                return null;
            }

            foreach (var code in system.Value.EnumerateObject())
            {
                string? display = code.Value.ValueKind == JsonValueKind.String ? code.Value.GetString() : null;
                codes.Add(new Coding(system.Name, code.Name, string.IsNullOrEmpty(display) ? null : display));
            }
        }

        return new Entry(bindings.GetString()!, codes);
    }

    /// <summary>The lock file's text for a compiled rule file: concepts in name order, systems and codes sorted, so diffs stay small.</summary>
    public static string Write(string? ruleFileName, string terminology, IEnumerable<(string Concept, string Bindings, IReadOnlyList<Coding> Codes)> concepts)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteNumber("formatVersion", FormatVersion);
            w.WriteString("note", "Written by `eligibility lock`: the codes each concept's bindings expand to with the terminology below. Do not edit; write it again after changing the bindings or the terminology.");
            if (ruleFileName is not null)
            {
                w.WriteString("ruleFile", ruleFileName);
            }

            w.WriteString("terminology", terminology);
            w.WriteStartObject("concepts");
            foreach (var (concept, bindings, codes) in concepts.OrderBy(c => c.Concept, StringComparer.Ordinal))
            {
                w.WriteStartObject(concept);
                w.WriteString("bindings", bindings);
                w.WriteStartObject("codes");
                foreach (var system in codes.GroupBy(c => c.System).OrderBy(g => g.Key, StringComparer.Ordinal))
                {
                    w.WriteStartObject(system.Key);
                    foreach (var c in system.GroupBy(c => c.Code).Select(g => g.First()).OrderBy(c => c.Code, StringComparer.Ordinal))
                    {
                        w.WriteString(c.Code, c.Display ?? string.Empty);
                    }

                    w.WriteEndObject();
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
