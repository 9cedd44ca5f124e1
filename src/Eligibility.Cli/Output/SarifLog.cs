using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Eligibility.Testing;
using Eligibility.Diagnostics;
using Eligibility.Fhir;

namespace Eligibility.Cli.Output;

/// <summary>Writes diagnostics as a SARIF 2.1.0 log (one run, tool <c>eligibility</c>), as GitHub code scanning reads it.</summary>
internal static class SarifLog
{
    private const string InformationUri = "https://github.com/eligibility-rules/eligibility";

    public static string Write(IReadOnlyList<Diagnostic> diagnostics)
    {
        var names = RuleNames();
        var ruleIds = diagnostics.Select(d => d.Code).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, ResultJson.Options(indented: true)))
        {
            w.WriteStartObject();
            w.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
            w.WriteString("version", "2.1.0");
            w.WriteStartArray("runs");
            w.WriteStartObject();

            w.WriteStartObject("tool");
            w.WriteStartObject("driver");
            w.WriteString("name", "eligibility");
            w.WriteString("semanticVersion", Version);
            w.WriteString("informationUri", InformationUri);
            w.WriteStartArray("rules");
            foreach (string id in ruleIds)
            {
                w.WriteStartObject();
                w.WriteString("id", id);
                string name = names.TryGetValue(id, out var n) ? n : id;
                w.WriteString("name", name);
                w.WriteStartObject("shortDescription");
                w.WriteString("text", Humanize(name));
                w.WriteEndObject();
                w.WriteString("helpUri", InformationUri + "/blob/main/docs/diagnostics.md");
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();

            w.WriteString("columnKind", "utf16CodeUnits");
            w.WriteStartArray("results");
            foreach (var d in diagnostics)
            {
                w.WriteStartObject();
                w.WriteString("ruleId", d.Code);
                w.WriteNumber("ruleIndex", ruleIds.IndexOf(d.Code));
                w.WriteString("level", Level(d.Severity));
                w.WriteStartObject("message");
                w.WriteString("text", d.Message);
                w.WriteEndObject();
                w.WriteStartArray("locations");
                w.WriteStartObject();
                w.WriteStartObject("physicalLocation");
                w.WriteStartObject("artifactLocation");
                w.WriteString("uri", Uri(d.File ?? "<input>"));
                w.WriteEndObject();
                if (d.Line > 0)
                {
                    w.WriteStartObject("region");
                    w.WriteNumber("startLine", d.Line);
                    w.WriteNumber("startColumn", Math.Max(1, d.Column));
                    w.WriteEndObject();
                }

                w.WriteEndObject();
                if (!string.IsNullOrEmpty(d.Pointer))
                {
                    w.WriteStartArray("logicalLocations");
                    w.WriteStartObject();
                    w.WriteString("fullyQualifiedName", d.Pointer);
                    w.WriteString("kind", "element");
                    w.WriteEndObject();
                    w.WriteEndArray();
                }

                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>SARIF's <c>level</c>: error, warning, or note for information.</summary>
    public static string Level(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Info => "note",
        _ => "warning",
    };

    /// <summary>A relative URI with forward slashes for paths under the working folder; a file URI otherwise.</summary>
    public static string Uri(string path)
    {
        string full = Path.GetFullPath(path);
        string relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), full);
        if (!relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative))
        {
            return string.Join('/', relative.Split(Path.DirectorySeparatorChar).Select(System.Uri.EscapeDataString));
        }

        return new System.Uri(full).AbsoluteUri;
    }

    private static string Version =>
        typeof(SarifLog).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Code → constant name, from the core's, the FHIR package's and the tool's code lists (e.g. ELIG0001 → JsonSyntax).</summary>
    private static Dictionary<string, string> RuleNames()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var type in new[] { typeof(DiagnosticCodes), typeof(FhirDiagnosticCodes), typeof(CaseDiagnosticCodes), typeof(ToolDiagnosticCodes) })
        {
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.FieldType == typeof(string)))
            {
                if (field.GetRawConstantValue() is string code)
                {
                    map.TryAdd(code, field.Name);
                }
            }
        }

        return map;
    }

    /// <summary>"JsonSyntax" → "Json syntax".</summary>
    private static string Humanize(string name)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]))
            {
                sb.Append(' ').Append(char.ToLowerInvariant(name[i]));
            }
            else
            {
                sb.Append(name[i]);
            }
        }

        return sb.ToString();
    }
}
