using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Eligibility.Fuzz;

/// <summary>
/// The seed corpus of a target, from the repository's own files: rule files, example-case files (split into one case
/// per seed, their inline patients and bundles taken out), sample patients (files and NDJSON lines), FHIR bundles of the
/// samples and tests, and the test fixtures that are not well-formed JSON (for every target). Plus a dictionary for the
/// engine: the JSON member names and short string values of the seeds, and a few boundary values.
/// </summary>
internal static class Seeds
{
    /// <summary>Inline patients and cases taken from the big example-case files, at most, per target.</summary>
    private const int MaxTaken = 120;

    private const int MaxDictionary = 1500;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Boundary values the seeds do not hold but the readers must survive.</summary>
    private static readonly string[] Boundaries =
    [
        "{", "}", "[", "]", ":", ",", "\"", "null", "true", "false", "-0", "0.0", "1e308", "-1e308", "1e-400", "79228162514264337593543950336",
        "-79228162514264337593543950336", "9223372036854775808", "\"0001-01-01\"", "\"9999-12-31\"", "\"2024-02-29\"", "\"2023-02-29\"",
        "\"P0D\"", "\"P9999999Y\"", "\"PT1H\"", "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\\\\"", "\"~0\"", "\"~1\"", "\"/\"", "\"\"",
    ];

    public static int Write(FuzzTarget target, string repo, string corpus, string dictionary)
    {
        Directory.CreateDirectory(corpus);
        var seeds = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        void Add(byte[] bytes)
        {
            if (bytes.Length > 0 && bytes.Length <= target.MaxLength)
            {
                seeds[Convert.ToHexStringLower(SHA1.HashData(bytes))] = bytes;
            }
        }

        var files = new[] { "rules", "samples", "tests" }
            .Select(d => Path.Combine(repo, d))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.*", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}Eligibility.Fuzz{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".ndjson", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

        var inlinePatients = new List<JsonNode>();
        var cases = new List<byte[]>();
        foreach (string file in files)
        {
            byte[] bytes = File.ReadAllBytes(file);
            if (file.EndsWith(".ndjson", StringComparison.Ordinal))
            {
                if (target.Name == "patient")
                {
                    foreach (string line in Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                    {
                        Add(Encoding.UTF8.GetBytes(line));
                    }
                }

                continue;
            }

            JsonNode? node;
            try
            {
                node = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
            }
            catch (JsonException)
            {
                Add(bytes); // a malformed fixture: a syntax-error seed for every target
                continue;
            }

            if (node is not JsonObject obj)
            {
                continue;
            }

            string kind = KindOf(obj);
            if (kind == "cases")
            {
                if (bytes.Length <= 16 * 1024)
                {
                    cases.Add(bytes);
                }

                if (obj["cases"] is JsonArray list)
                {
                    foreach (var c in list.OfType<JsonObject>())
                    {
                        if (c["patient"] is JsonObject p)
                        {
                            inlinePatients.Add(p);
                        }

                        var single = new JsonObject();
                        foreach (var (name, value) in obj.Where(kv => kv.Key != "cases"))
                        {
                            single[name] = value?.DeepClone();
                        }

                        single["cases"] = new JsonArray(c.DeepClone());
                        cases.Add(JsonSerializer.SerializeToUtf8Bytes(single, Indented));
                    }
                }
            }
            else if (kind == target.Name)
            {
                Add(bytes);
            }
        }

        if (target.Name is "patient" or "fhir")
        {
            foreach (var p in Every(inlinePatients.Where(p => KindOf((JsonObject)p) == target.Name).ToList()))
            {
                Add(JsonSerializer.SerializeToUtf8Bytes(p, Indented));
            }
        }
        else if (target.Name == "cases")
        {
            foreach (byte[] c in Every(cases))
            {
                Add(c);
            }
        }

        foreach (var (hash, bytes) in seeds)
        {
            File.WriteAllBytes(Path.Combine(corpus, "seed-" + hash[..16] + ".json"), bytes);
        }

        int tokens = WriteDictionary(seeds.Values, dictionary);
        Console.WriteLine($"{target.Name}: {seeds.Count} seeds in {corpus} (largest {seeds.Values.Max(b => b.Length)} bytes, limit {target.MaxLength}); {tokens} dictionary entries in {dictionary}");
        return 0;
    }

    private static string KindOf(JsonObject obj)
    {
        if (obj.ContainsKey("cases"))
        {
            return "cases";
        }

        if (obj.ContainsKey("resourceType"))
        {
            return "fhir";
        }

        if (obj.ContainsKey("inclusion") || obj.ContainsKey("exclusion") || obj.ContainsKey("formatVersion") || obj.ContainsKey("concepts"))
        {
            return "rules";
        }

        if (obj.ContainsKey("verdict"))
        {
            return "result"; // a golden evaluation result: no reader takes it
        }

        return "patient";
    }

    /// <summary>At most <see cref="MaxTaken"/> items, spread evenly over the list.</summary>
    private static IEnumerable<T> Every<T>(IReadOnlyList<T> items)
    {
        int step = Math.Max(1, items.Count / MaxTaken);
        for (int i = 0; i < items.Count; i += step)
        {
            yield return items[i];
        }
    }

    private static int WriteDictionary(IEnumerable<byte[]> seeds, string path)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        void Count(string token) => counts[token] = counts.GetValueOrDefault(token) + 1;
        void Walk(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var p in e.EnumerateObject())
                    {
                        Count(JsonSerializer.Serialize(p.Name));
                        Walk(p.Value);
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in e.EnumerateArray())
                    {
                        Walk(item);
                    }

                    break;
                case JsonValueKind.String when e.GetString() is { Length: > 0 and <= 40 } s:
                    Count(JsonSerializer.Serialize(s, Indented));
                    break;
            }
        }

        foreach (byte[] seed in seeds)
        {
            try
            {
                using var document = JsonDocument.Parse(seed, new JsonDocumentOptions { MaxDepth = 256 });
                Walk(document.RootElement);
            }
            catch (JsonException)
            {
            }
        }

        var tokens = Boundaries.Concat(counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key))
            .Distinct(StringComparer.Ordinal)
            .Take(MaxDictionary)
            .ToList();
        var sb = new StringBuilder();
        sb.Append("# Generated by Eligibility.Fuzz seed: JSON tokens, boundary values, and the seeds' member names and short strings.\n");
        foreach (string token in tokens)
        {
            sb.Append('"');
            foreach (byte b in Encoding.UTF8.GetBytes(token))
            {
                if (b is (byte)'"' or (byte)'\\' || b < 0x20 || b >= 0x7F)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"\\x{b:X2}");
                }
                else
                {
                    sb.Append((char)b);
                }
            }

            sb.Append("\"\n");
        }

        File.WriteAllText(path, sb.ToString());
        return tokens.Count;
    }
}
