using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Eligibility.Diagnostics;
using Eligibility.Fhir;
using Eligibility.Patients;
using Eligibility.Shared;

namespace Eligibility.Testing;

/// <summary>
/// Reads an example-case file: <c>{ "rules": "X.json", "cases": [ { "name", "description"?, "asOf"?, "patient" | "patientFile",
/// "expect": { "verdict"?, "criteria"? } } ] }</c>. Never throws for bad input: every problem is a positioned diagnostic.
/// Inline patients go through <see cref="PatientInput"/> (native records or FHIR Bundles) and their diagnostics are
/// positioned in the case file.
/// </summary>
internal sealed class CaseFileReader
{
    private static readonly HashSet<string> TopFields = new(StringComparer.Ordinal) { "$schema", "rules", "cases", "description", "note" };
    private static readonly HashSet<string> CaseFields = new(StringComparer.Ordinal) { "name", "description", "note", "asOf", "patient", "patientFile", "expect" };
    private static readonly HashSet<string> ExpectFields = new(StringComparer.Ordinal) { "verdict", "criteria" };

    /// <summary>Case files larger than this are refused (ELIG0003).</summary>
    public const int MaxBytes = (int)InputLimits.DefaultMaxRecordBytes;

    private readonly string path;
    private readonly JsonPositions positions;
    private readonly CaseFileOptions options;
    private readonly string boundary;
    private List<Diagnostic> sink = new();

    private CaseFileReader(string path, JsonPositions positions, CaseFileOptions options)
    {
        this.path = path;
        this.positions = positions;
        this.options = options;
        boundary = RelativePath.BoundaryOf(path);
    }

    /// <summary>Reads a case file with the default limits, refusing paths that leave its repository.</summary>
    public static CaseFile Read(string path) => Read(path, CaseFileOptions.Default);

    /// <summary>Reads a case file: only a regular file, at most <see cref="MaxBytes"/>, its inline patients within
    /// <see cref="CaseFileOptions.Limits"/>, and (unless allowed) no path that leaves its repository.</summary>
    public static CaseFile Read(string path, CaseFileOptions options)
    {
        var file = BoundedFile.Read(path, MaxBytes, "example-case files");
        if (file.Bytes is not { } bytes)
        {
            return Unusable(path, new Diagnostic(code: file.Code!, severity: DiagnosticSeverity.Error, message: file.Message!, file: path, pointer: string.Empty));
        }

        // Strings, nesting and arrays within the patient limits (a case wraps its patient three levels deep), and valid
        // UTF-8 throughout, before anything is built.
        var scan = options.Limits with { MaxRecordBytes = MaxBytes, MaxDepth = options.Limits.MaxDepth + 3 };
        if (scan.Check(bytes, path, "example-case files") is { } problem)
        {
            return Unusable(path, problem);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(JsonPositions.WithoutBom(bytes), new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException ex)
        {
            return Unusable(path, new Diagnostic(
                code: DiagnosticCodes.JsonSyntax,
                severity: DiagnosticSeverity.Error,
                message: "the file is not well-formed JSON: " + SyntaxMessage(ex.Message),
                file: path,
                line: (int)(ex.LineNumber ?? 0) + 1,
                column: JsonPositions.ReaderColumn(bytes, ex.LineNumber ?? 0, ex.BytePositionInLine ?? 0)));
        }

        using (document)
        {
            var reader = new CaseFileReader(path, JsonPositions.TryBuild(bytes)!, options);
            return reader.ReadRoot(document.RootElement);
        }
    }

    private static CaseFile Unusable(string path, Diagnostic diagnostic) => new() { Path = path, Diagnostics = new[] { diagnostic } };

    /// <summary>The reader's message without what it appends for a program (" Path: …", " LineNumber: … |
    /// BytePositionInLine: …"): the diagnostic has its own position. As the core cleans it (Loading/JsonInput).</summary>
    private static string SyntaxMessage(string message)
    {
        foreach (string marker in new[] { " Path:", " LineNumber:" })
        {
            int cut = message.IndexOf(marker, StringComparison.Ordinal);
            if (cut > 0)
            {
                message = message[..cut];
            }
        }

        return message;
    }

    private CaseFile ReadRoot(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Unusable(path, Error(CaseDiagnosticCodes.CaseFileInvalid, string.Empty, "an example-case file must be a JSON object with 'rules' and 'cases'"));
        }

        var fileDiagnostics = sink;
        CheckFields(root, string.Empty, TopFields);
        CheckText(root, string.Empty, "$schema", "description", "note");
        string? rules = null;
        if (!root.TryGetProperty("rules", out var rulesValue) || rulesValue.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(rulesValue.GetString()))
        {
            Report(CaseDiagnosticCodes.CaseFileInvalid, root.TryGetProperty("rules", out _) ? "/rules" : string.Empty, "'rules' must name the rule file, relative to this file (e.g. \"NCT07077486.json\")");
        }
        else
        {
            rules = RelativePath.Resolve(path, rulesValue.GetString()!);
            if (Outside(rules, "/rules", "rule file", rulesValue.GetString()!))
            {
                rules = null;
            }
            else if (!File.Exists(rules))
            {
                Report(CaseDiagnosticCodes.CaseRulesMissing, "/rules", $"the rule file '{rulesValue.GetString()}' does not exist (looked for {rules})");
            }
        }

        var cases = new List<ExampleCase>();
        if (!root.TryGetProperty("cases", out var casesValue) || casesValue.ValueKind != JsonValueKind.Array)
        {
            Report(CaseDiagnosticCodes.CaseFileInvalid, root.TryGetProperty("cases", out _) ? "/cases" : string.Empty, "'cases' must be an array of cases");
        }
        else if (casesValue.GetArrayLength() == 0)
        {
            Report(CaseDiagnosticCodes.CaseFileInvalid, "/cases", "'cases' is empty: give at least one case");
        }
        else
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            int index = 0;
            foreach (var element in casesValue.EnumerateArray())
            {
                string pointer = "/cases/" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var c = ReadCase(element, pointer, index);
                if (!names.Add(c.Name))
                {
                    sink = new List<Diagnostic>(c.Diagnostics);
                    Report(CaseDiagnosticCodes.CaseDuplicateName, pointer + "/name", $"another case is already named '{c.Name}'", DiagnosticSeverity.Warning);
                    c = c with { Diagnostics = sink };
                }

                cases.Add(c);
                index++;
            }
        }

        return new CaseFile { Path = path, RulesPath = rules, RulesPosition = positions.FindNearest("/rules"), Cases = cases, Diagnostics = fileDiagnostics };
    }

    private ExampleCase ReadCase(JsonElement element, string pointer, int index)
    {
        sink = new List<Diagnostic>();
        var (line, column) = positions.FindNearest(pointer);
        string fallbackName = "case #" + (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (element.ValueKind != JsonValueKind.Object)
        {
            Report(CaseDiagnosticCodes.CaseFileInvalid, pointer, "each case must be an object with 'name', a patient and 'expect'");
            return new ExampleCase { Name = fallbackName, Pointer = pointer, Line = line, Column = column, Diagnostics = sink };
        }

        CheckFields(element, pointer, CaseFields);
        CheckText(element, pointer, "description", "note");
        string name = fallbackName;
        if (element.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(n.GetString()))
        {
            name = n.GetString()!;
        }
        else
        {
            Report(CaseDiagnosticCodes.CaseFileInvalid, element.TryGetProperty("name", out _) ? pointer + "/name" : pointer, "a case needs a 'name' (a non-empty string)");
        }

        string? description = element.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        DateOnly? asOf = null;
        if (element.TryGetProperty("asOf", out var a))
        {
            if (a.ValueKind == JsonValueKind.String && CaseDates.TryParse(a.GetString(), out var date))
            {
                if (TrialEvaluator.IsValidAsOf(date))
                {
                    asOf = date;
                }
                else
                {
                    Report(CaseDiagnosticCodes.CaseFileInvalid, pointer + "/asOf", $"'asOf' {CaseDates.Format(date)} is outside the dates an evaluation accepts ({CaseDates.Range})");
                }
            }
            else
            {
                Report(CaseDiagnosticCodes.CaseFileInvalid, pointer + "/asOf", $"'asOf' must be a date (YYYY-MM-DD), not {a.GetRawText()}");
            }
        }

        var patient = ReadPatient(element, pointer);
        if (patient is not null && asOf is null && patient.AsOf is null && !element.TryGetProperty("asOf", out _))
        {
            Report(CaseDiagnosticCodes.CaseNoAsOf, pointer, $"case '{name}' has no as-of date: give 'asOf' on the case or in the patient record");
        }

        var (verdict, criteria) = ReadExpect(element, pointer, name);
        return new ExampleCase
        {
            Name = name,
            Description = description,
            Pointer = pointer,
            Line = line,
            Column = column,
            AsOf = asOf ?? patient?.AsOf,
            Patient = patient,
            ExpectedVerdict = verdict,
            ExpectedCriteria = criteria,
            Diagnostics = sink,
        };
    }

    private PatientRecord? ReadPatient(JsonElement element, string pointer)
    {
        bool inline = element.TryGetProperty("patient", out var p);
        bool file = element.TryGetProperty("patientFile", out var f);
        if (inline == file)
        {
            Report(CaseDiagnosticCodes.CasePatientMissing, pointer, inline
                ? "give either 'patient' or 'patientFile', not both"
                : "a case needs a patient: 'patient' (a record) or 'patientFile' (a path relative to this file)");
            return null;
        }

        if (file)
        {
            if (f.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(f.GetString()))
            {
                Report(CaseDiagnosticCodes.CaseFileInvalid, pointer + "/patientFile", "'patientFile' must be a path relative to this file");
                return null;
            }

            string patientPath = RelativePath.Resolve(path, f.GetString()!);
            if (Outside(patientPath, pointer + "/patientFile", "patient file", f.GetString()!))
            {
                return null;
            }

            if (!File.Exists(patientPath))
            {
                Report(CaseDiagnosticCodes.CasePatientMissing, pointer + "/patientFile", $"the patient file '{f.GetString()}' does not exist (looked for {patientPath})");
                return null;
            }

            var fromFile = PatientInput.ReadFile(patientPath, options.Limits);
            sink.AddRange(fromFile.Diagnostics);
            return fromFile.Patient;
        }

        // Inline: the element's exact source text, so positions map back into this file.
        string raw = p.GetRawText();
        var read = PatientInput.Read(Encoding.UTF8.GetBytes(raw), path, options.Limits);
        var (line, column) = positions.FindNearest(pointer + "/patient");
        foreach (var diagnostic in read.Diagnostics)
        {
            sink.Add(new Diagnostic(
                diagnostic.Code,
                diagnostic.Severity,
                diagnostic.Message,
                file: path,
                line: diagnostic.Line <= 0 ? line : line + diagnostic.Line - 1,
                column: diagnostic.Line <= 0 ? column : diagnostic.Line == 1 ? column + diagnostic.Column - 1 : diagnostic.Column,
                pointer: pointer + "/patient" + diagnostic.Pointer));
        }

        return read.Patient;
    }

    private (Verdict? Verdict, IReadOnlyList<ExpectedOutcome> Criteria) ReadExpect(JsonElement element, string pointer, string name)
    {
        var criteria = new List<ExpectedOutcome>();
        if (!element.TryGetProperty("expect", out var expect) || expect.ValueKind != JsonValueKind.Object)
        {
            Report(CaseDiagnosticCodes.CaseFileInvalid, element.TryGetProperty("expect", out _) ? pointer + "/expect" : pointer, "a case needs 'expect': { \"verdict\": …, \"criteria\": { \"ID\": \"pass\" } }");
            return (null, criteria);
        }

        string at = pointer + "/expect";
        CheckFields(expect, at, ExpectFields);
        Verdict? verdict = null;
        if (expect.TryGetProperty("verdict", out var v))
        {
            verdict = v.ValueKind == JsonValueKind.String ? ParseVerdict(v.GetString()) : null;
            if (verdict is null)
            {
                Report(CaseDiagnosticCodes.CaseFileInvalid, at + "/verdict", $"'verdict' must be eligible, review, undetermined or ineligible, not {v.GetRawText()}");
            }
        }

        if (expect.TryGetProperty("criteria", out var cs))
        {
            if (cs.ValueKind != JsonValueKind.Object)
            {
                Report(CaseDiagnosticCodes.CaseFileInvalid, at + "/criteria", "'criteria' must be an object: criterion or part ID → pass, fail, unknown or review");
            }
            else if (!cs.EnumerateObject().Any())
            {
                Report(CaseDiagnosticCodes.CaseFileInvalid, at + "/criteria", "'criteria' is empty: list at least one criterion or part ID, or leave 'criteria' out");
            }
            else
            {
                foreach (var property in cs.EnumerateObject())
                {
                    string ptr = JsonPositions.Pointer(at + "/criteria", property.Name);
                    Outcome? outcome = property.Value.ValueKind == JsonValueKind.String ? ParseOutcome(property.Value.GetString()) : null;
                    if (outcome is null)
                    {
                        Report(CaseDiagnosticCodes.CaseFileInvalid, ptr, $"the expected outcome of {property.Name} must be pass, fail, unknown or review, not {property.Value.GetRawText()}");
                        continue;
                    }

                    var (l, c) = positions.FindNearest(ptr);
                    criteria.Add(new ExpectedOutcome(property.Name, outcome.Value, ptr, l, c));
                }
            }
        }

        if (verdict is null && criteria.Count == 0 && !sink.Exists(x => x.IsError))
        {
            Report(CaseDiagnosticCodes.CaseExpectsNothing, at, $"case '{name}' expects nothing: give 'verdict' or 'criteria'");
        }

        return (verdict, criteria);
    }

    public static Verdict? ParseVerdict(string? text) => text switch
    {
        "eligible" => Verdict.Eligible,
        "ineligible" => Verdict.Ineligible,
        "undetermined" => Verdict.Undetermined,
        "review" => Verdict.Review,
        _ => null,
    };

    public static Outcome? ParseOutcome(string? text) => text switch
    {
        "pass" => Outcome.Pass,
        "fail" => Outcome.Fail,
        "unknown" => Outcome.Unknown,
        "review" => Outcome.Review,
        _ => null,
    };

    /// <summary>
    /// Whether a path the file names leaves the file's repository (the git work tree holding it, else its folder), with
    /// symbolic links resolved: then reported (ELIG4010) unless <see cref="CaseFileOptions.AllowOutsidePaths"/>.
    /// </summary>
    private bool Outside(string resolved, string pointer, string what, string written)
    {
        if (options.AllowOutsidePaths || RelativePath.IsInside(resolved, boundary))
        {
            return false;
        }

        Report(CaseDiagnosticCodes.CasePathOutside, pointer,
            $"the {what} '{written}' is outside {boundary}, the repository (or folder) of this case file; paths in case files are relative to it and may not leave it (use --allow-outside-paths to allow)");
        return true;
    }

    private void CheckFields(JsonElement element, string pointer, HashSet<string> known)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name))
            {
                // An error, as cases.schema.json has it: a misspelt member ("expekt", "critera") would otherwise check nothing.
                Report(CaseDiagnosticCodes.CaseUnknownProperty, JsonPositions.Pointer(pointer, property.Name), $"unknown property '{property.Name}': the example-case format has no such member (a misspelling would check nothing)");
            }
        }
    }

    /// <summary>Free-text members (<c>$schema</c>, <c>description</c>, <c>note</c>) are ignored, but must be strings, as
    /// <c>cases.schema.json</c> says: another type is an error (ELIG4001).</summary>
    private void CheckText(JsonElement element, string pointer, params string[] names)
    {
        foreach (string name in names)
        {
            if (element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.String)
            {
                Report(CaseDiagnosticCodes.CaseFileInvalid, JsonPositions.Pointer(pointer, name), $"'{name}' must be a string, not {value.GetRawText()}");
            }
        }
    }

    private void Report(string code, string pointer, string message, DiagnosticSeverity severity = DiagnosticSeverity.Error) =>
        sink.Add(Error(code, pointer, message, severity));

    private Diagnostic Error(string code, string pointer, string message, DiagnosticSeverity severity = DiagnosticSeverity.Error)
    {
        var (line, column) = positions.FindNearest(pointer);
        return new Diagnostic(code: code, severity: severity, message: message, file: path, line: line, column: column, pointer: pointer);
    }
}
