using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Eligibility.Binding;
using Eligibility.Compilation;
using Eligibility.Compilation.Nodes;
using Eligibility.Diagnostics;
using Eligibility.Loading;
using Eligibility.Model;
using Eligibility.Schema;
using Eligibility.Time;

namespace Eligibility;

/// <summary>
/// Compiles a rule file (docs/rule-format.md) into a <see cref="TrialEvaluator"/>: parse (positions kept) → schema check →
/// bind concepts and units → build compiled nodes. Never throws for bad input: every problem comes back at once as a
/// <see cref="Diagnostic"/> with a code, file, line, column and JSON pointer.
/// </summary>
public static class RuleCompiler
{
    /// <summary>Rule files larger than this are refused (ELIG0003).</summary>
    public const int MaxFileBytes = 16 * 1024 * 1024;

    /// <summary>Compiles the rule file at <paramref name="path"/>; the path is used as given in diagnostics.</summary>
    /// <param name="path">The rule file.</param>
    /// <returns>Diagnostics and, when there are no errors, the evaluator.</returns>
    public static CompilationResult CompileFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > MaxFileBytes)
            {
                return Failed(path, DiagnosticCodes.InputTooLarge, $"the file is {info.Length} bytes; rule files are limited to {MaxFileBytes} bytes");
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return Failed(path, DiagnosticCodes.FileUnreadable, "cannot read the file: " + ex.Message);
        }

        return Compile(bytes, path);
    }

    /// <summary>Compiles a rule file read from a stream (read to the end, not closed).</summary>
    /// <param name="stream">The JSON text, UTF-8.</param>
    /// <param name="fileName">The name to use in diagnostics, if any.</param>
    /// <returns>Diagnostics and, when there are no errors, the evaluator.</returns>
    public static CompilationResult Compile(Stream stream, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > MaxFileBytes)
            {
                return Failed(fileName, DiagnosticCodes.InputTooLarge, $"the input exceeds {MaxFileBytes} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        return Compile(buffer.ToArray(), fileName);
    }

    /// <summary>Compiles a rule file given as text.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="fileName">The name to use in diagnostics, if any.</param>
    /// <returns>Diagnostics and, when there are no errors, the evaluator.</returns>
    public static CompilationResult CompileText(string json, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Compile(Encoding.UTF8.GetBytes(json), fileName);
    }

    private static CompilationResult Failed(string? file, string code, string message) =>
        new(new[] { new Diagnostic { Code = code, Severity = DiagnosticSeverity.Error, Message = message, File = file, Pointer = string.Empty } }, null);

    private static CompilationResult Compile(byte[] utf8, string? fileName)
    {
        if (utf8.Length > MaxFileBytes)
        {
            return Failed(fileName, DiagnosticCodes.InputTooLarge, $"the input is {utf8.Length} bytes; rule files are limited to {MaxFileBytes} bytes");
        }

        var sink = new DiagnosticSink(fileName, utf8);
        if (!JsonInput.TryParse(utf8, sink, out var document))
        {
            return new CompilationResult(sink.Items, null);
        }

        using (document)
        {
            string text = Encoding.UTF8.GetString(JsonInput.WithoutBom(utf8).Span);
            foreach (var error in SchemaValidator.Validate(text, SchemaKind.RuleFile))
            {
                SchemaDiagnostics.Report(sink, error);
            }

            var root = new JsonObjectReader(document!.RootElement, string.Empty);
            if (!root.IsObject)
            {
                return new CompilationResult(sink.Items, null);
            }

            var model = RuleFileReader.Read(root);
            var evaluator = Bind(model, sink, fileName);
            return new CompilationResult(sink.Items, sink.HasErrors ? null : evaluator);
        }
    }

    private static TrialEvaluator? Bind(RuleFileModel model, DiagnosticSink sink, string? fileName)
    {
        var concepts = new ConceptBinder(model.Concepts, sink).BindAll();
        IsoDuration lookback = default;
        if (model.DefaultLookback is { } text && !IsoDuration.TryParse(text, out lookback))
        {
            sink.ErrorUnlessExplained(DiagnosticCodes.InvalidDuration, model.DefaultLookbackPointer, $"'{text}' is not an ISO-8601 duration of years, months, weeks and days (e.g. P28D)");
        }

        if (fileName is not null && model.Trial.Id.Length > 0)
        {
            string stem = Path.GetFileNameWithoutExtension(fileName);
            if (!string.Equals(stem, model.Trial.Id, StringComparison.Ordinal) && !stem.StartsWith(model.Trial.Id + ".", StringComparison.Ordinal))
            {
                sink.Warning(DiagnosticCodes.TrialIdFileName, "/trial/id", $"trial ID '{model.Trial.Id}' does not match the file name '{Path.GetFileName(fileName)}'");
            }
        }

        var builder = new NodeBuilder(concepts, model.Concepts, sink, lookback);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var compiled = new List<(CriterionModel Model, RuleNode? Node)>();
        foreach (var c in model.Criteria)
        {
            if (c.Id.Length > 0 && !ids.Add(c.Id))
            {
                sink.Error(DiagnosticCodes.DuplicateCriterionId, c.Pointer + "/id", $"criterion ID '{c.Id}' is used more than once");
            }

            string prefix = c.Type == CriterionType.Inclusion ? "INCL" : "EXCL";
            if (c.Id.Length > 0 && !c.Id.StartsWith(prefix, StringComparison.Ordinal))
            {
                sink.Error(DiagnosticCodes.CriterionIdPrefix, c.Pointer + "/id", $"criterion '{c.Id}' is in the {c.Type.ToString().ToLowerInvariant()} list, so its ID must start with {prefix}");
            }

            compiled.Add((c, c.Rule is { } rule ? builder.Build(rule, c.Id, model.Trial) : null));
        }

        foreach (var concept in model.Concepts.Values)
        {
            if (!builder.Used.Contains(concept.Name) && !model.Concepts.Values.Any(m => m.Include.Any(i => i.Name == concept.Name)))
            {
                sink.Warning(DiagnosticCodes.UnusedConcept, concept.Pointer, $"concept '{concept.Name}' is defined but no rule uses it", atName: true);
            }
        }

        foreach (var (c, node) in compiled)
        {
            if (node is null && !sink.HasErrors)
            {
                // Defensive: the schema should have explained why; never let a criterion vanish silently.
                sink.Error(DiagnosticCodes.SchemaViolation, c.Pointer + "/rule", $"criterion '{c.Id}' has no rule that can be compiled");
            }
        }

        if (sink.HasErrors)
        {
            return null;
        }

        return new TrialEvaluator(model.Trial, compiled.Select(c => new CompiledCriterion(c.Model, c.Node!)).ToList());
    }
}
