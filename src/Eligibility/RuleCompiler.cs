using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Eligibility.Binding;
using Eligibility.Codes;
using Eligibility.Compilation;
using Eligibility.Compilation.Nodes;
using Eligibility.Diagnostics;
using Eligibility.Loading;
using Eligibility.Model;
using Eligibility.Schema;
using Eligibility.Shared;
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

    /// <summary>Lock files larger than this are refused (ELIG0003).</summary>
    public const int MaxLockFileBytes = 64 * 1024 * 1024;

    /// <summary>1 once a compile has started the one-time initialisations (<see cref="StartOneTimeInit"/>).</summary>
    private static int oneTimeInitStarted;

    /// <summary>
    /// Compiles the rule file at <paramref name="path"/>; the path is used as given in diagnostics. Unless
    /// <see cref="CompileOptions.UseLockFile"/> is off, the lock file beside it (<see cref="LockFilePath"/>) is read when
    /// it exists.
    /// </summary>
    /// <param name="path">The rule file.</param>
    /// <param name="options">The terminology to expand bindings with, and whether to read the lock file; default <see cref="CompileOptions.Default"/>.</param>
    /// <returns>Diagnostics and, when there are no errors, the evaluator.</returns>
    public static CompilationResult CompileFile(string path, CompileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= CompileOptions.Default;

        // Only a regular file, and never more than the limit (a device or /proc entry reporting size 0 included).
        var file = BoundedFile.Read(path, MaxFileBytes, "rule files");
        if (file.Bytes is not { } bytes)
        {
            return Failed(path, file.Code!, file.Message!);
        }

        return Compile(bytes, path, options, options.UseLockFile ? LockFilePath(path) : null);
    }

    /// <summary>
    /// The lock file that belongs to a rule file: <c>rules/NCT07077486.json</c> → <c>rules/NCT07077486.lock.json</c>. It
    /// pins the codes each concept's bindings expanded to with a terminology (<see cref="CompilationResult.LockFileText"/>),
    /// so that the file evaluates with the same codes where the terminology is not available.
    /// </summary>
    /// <param name="ruleFilePath">The rule file's path.</param>
    /// <returns>The lock file's path, beside the rule file.</returns>
    public static string LockFilePath(string ruleFilePath)
    {
        ArgumentNullException.ThrowIfNull(ruleFilePath);
        return LockFile.PathFor(ruleFilePath);
    }

    /// <summary>
    /// Compiles a rule file read from a stream, from its position to its end (the stream is not closed), never reading
    /// more than <see cref="MaxFileBytes"/> of it: a longer stream is ELIG0003, as a longer file is. The stream need not
    /// be seekable; exceptions of the stream itself (an I/O error) propagate. No lock file is read.
    /// </summary>
    /// <param name="stream">The JSON text, UTF-8 (a byte order mark is allowed).</param>
    /// <param name="fileName">The name to use in diagnostics, if any.</param>
    /// <param name="options">The terminology to expand bindings with; default none.</param>
    /// <returns>Diagnostics and, when there are no errors, the evaluator.</returns>
    public static CompilationResult Compile(Stream stream, string? fileName = null, CompileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var input = BoundedStream.Read(stream, MaxFileBytes, "rule files");
        return input.Bytes is { } bytes ? Compile(bytes, fileName, options ?? CompileOptions.Default, null) : Failed(fileName, input.Code!, input.Message!);
    }

    /// <summary>
    /// As <see cref="Compile(Stream, string?, CompileOptions?)"/>, reading the stream asynchronously (a server reading a
    /// request body); the file is then compiled from the bytes.
    /// </summary>
    /// <param name="stream">The JSON text, UTF-8 (a byte order mark is allowed).</param>
    /// <param name="fileName">The name to use in diagnostics, if any.</param>
    /// <param name="options">The terminology to expand bindings with; default none.</param>
    /// <param name="cancellationToken">Cancels reading the stream.</param>
    /// <returns>Diagnostics and, when there are no errors, the evaluator.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<CompilationResult> CompileAsync(Stream stream, string? fileName = null, CompileOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var input = await BoundedStream.ReadAsync(stream, MaxFileBytes, "rule files", cancellationToken).ConfigureAwait(false);
        return input.Bytes is { } bytes ? Compile(bytes, fileName, options ?? CompileOptions.Default, null) : Failed(fileName, input.Code!, input.Message!);
    }

    /// <summary>Compiles a rule file given as text. No lock file is read.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="fileName">The name to use in diagnostics, if any.</param>
    /// <param name="options">The terminology to expand bindings with; default none.</param>
    /// <returns>Diagnostics and, when there are no errors, the evaluator.</returns>
    public static CompilationResult CompileText(string json, string? fileName = null, CompileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Compile(Encoding.UTF8.GetBytes(json), fileName, options ?? CompileOptions.Default, null);
    }

    private static CompilationResult Failed(string? file, string code, string message) =>
        new(new[] { new Diagnostic { Code = code, Severity = DiagnosticSeverity.Error, Message = message, File = file, Pointer = string.Empty } }, null);

    private static CompilationResult Compile(byte[] utf8, string? fileName, CompileOptions options, string? lockPath) =>
        Compile(utf8, fileName, options, lockPath, overlap: true);

    /// <summary>
    /// Compiles the bytes; <paramref name="overlap"/> false keeps the schema check and binding in sequence on this thread
    /// (tests compare the two ways).
    /// </summary>
    internal static CompilationResult Compile(byte[] utf8, string? fileName, CompileOptions options, string? lockPath, bool overlap)
    {
        if (utf8.Length > MaxFileBytes)
        {
            return Failed(fileName, DiagnosticCodes.InputTooLarge, $"the input is {utf8.Length} bytes; rule files are limited to {MaxFileBytes} bytes");
        }

        StartOneTimeInit();

        // Read once: one parse, and every later stage works on that document (positions included; see JsonSource).
        var sink = new DiagnosticSink(fileName, utf8);
        using var source = JsonSource.Read(utf8, sink, "rule files");
        if (source is null)
        {
            return new CompilationResult(sink.Items, null);
        }

        var root = new JsonObjectReader(source.Root, string.Empty);

        // Binding reads the schema's errors (an error already explained by the schema is not reported again), so it
        // comes after the schema check. Where binding has no effect outside this compile (no terminology to consult),
        // the check runs on another thread meanwhile and binding starts at once into a sink of its own: when the check
        // finds nothing, which is the case for every valid file, that binding is the one the sequence would have made
        // (nothing was reported before it), and its result is returned. Otherwise it is dropped and the file is bound
        // again after the schema errors, as in the sequence; an exception from the early binding is thrown only where the
        // sequence would have thrown it.
        if (overlap && options.Terminology is null && sink.Items.Count == 0 && root.IsObject)
        {
            var validation = Task.Run(() => SchemaValidator.Validate(source.Root, SchemaKind.RuleFile, source.Text));
            CompilationResult? early = null;
            ExceptionDispatchInfo? earlyFailure = null;
            try
            {
                early = ReadAndBind(root, new DiagnosticSink(fileName, utf8), fileName, options, lockPath);
            }
            catch (Exception exception)
            {
                earlyFailure = ExceptionDispatchInfo.Capture(exception);
            }

            var errors = validation.GetAwaiter().GetResult();
            if (errors.Count == 0)
            {
                earlyFailure?.Throw();
                return early!;
            }

            return Report(errors, sink, root, fileName, options, lockPath);
        }

        return Report(SchemaValidator.Validate(source.Root, SchemaKind.RuleFile, source.Text), sink, root, fileName, options, lockPath);
    }

    /// <summary>Reports the schema's errors, then reads and binds the file when its root is an object.</summary>
    private static CompilationResult Report(
        IReadOnlyList<SchemaError> schemaErrors, DiagnosticSink sink, JsonObjectReader root, string? fileName, CompileOptions options, string? lockPath)
    {
        foreach (var error in schemaErrors)
        {
            SchemaDiagnostics.Report(sink, error);
        }

        return root.IsObject ? ReadAndBind(root, sink, fileName, options, lockPath) : new CompilationResult(sink.Items, null);
    }

    /// <summary>Reads the rule file's model and the lock file, binds concepts and builds the nodes.</summary>
    private static CompilationResult ReadAndBind(JsonObjectReader root, DiagnosticSink sink, string? fileName, CompileOptions options, string? lockPath)
    {
        var model = RuleFileReader.Read(root);
        var (lockFile, lockDiagnostics) = ReadLock(lockPath);
        var expander = new ConceptExpander(model.Concepts, options.Terminology, lockFile, lockPath is null ? null : Path.GetFileName(lockPath), sink);
        var evaluator = Bind(model, sink, fileName, expander);
        var diagnostics = lockDiagnostics.Count == 0 ? sink.Items : lockDiagnostics.Concat(sink.Items).ToList();
        bool failed = sink.HasErrors || lockDiagnostics.Any(d => d.IsError);
        return new CompilationResult(diagnostics, failed ? null : evaluator)
        {
            LockFileText = failed ? null : expander.LockText(fileName is null ? null : Path.GetFileName(fileName)),
        };
    }

    /// <summary>
    /// The first compile in a process starts loading the rule-file schema (<see cref="SchemaValidator.Preload"/>) on
    /// another thread, so that it overlaps with reading the file. It is the same lazy, thread-safe initialisation the
    /// schema check would otherwise run where it first needs it; a failure is kept by it and reported there, as before.
    /// (The UCUM table is not loaded ahead: binding, on the calling thread, loads it while the schema check runs.)
    /// </summary>
    private static void StartOneTimeInit()
    {
        if (Volatile.Read(ref oneTimeInitStarted) != 0 || Interlocked.Exchange(ref oneTimeInitStarted, 1) != 0)
        {
            return;
        }

        _ = Task.Run(() => SchemaValidator.Preload(SchemaKind.RuleFile));
    }

    /// <summary>Reads the lock file when it exists; a broken lock file is an error (its codes cannot be trusted).</summary>
    private static (LockFile? Lock, IReadOnlyList<Diagnostic> Diagnostics) ReadLock(string? lockPath)
    {
        if (lockPath is null || !File.Exists(lockPath))
        {
            return (null, Array.Empty<Diagnostic>());
        }

        var file = BoundedFile.Read(lockPath, MaxLockFileBytes, "lock files");
        if (file.Bytes is not { } bytes)
        {
            return (null, Failed(lockPath, file.Code!, file.Code == DiagnosticCodes.FileUnreadable ? file.Message!.Replace("the file", "the lock file", StringComparison.Ordinal) : file.Message!).Diagnostics);
        }

        if (NotUnicode(bytes, lockPath) is { } notUnicode)
        {
            return (null, new[] { notUnicode });
        }

        var lockSink = new DiagnosticSink(lockPath, bytes);
        return (LockFile.Read(bytes, lockSink), lockSink.Items);
    }

    /// <summary>ELIG0001 for a string that is not valid UTF-8 or holds a lone surrogate escape (<c>\ud800</c>), which the
    /// JSON parser accepts and only reading the string would refuse; null when every string is valid.</summary>
    private static Diagnostic? NotUnicode(byte[] utf8, string? fileName)
    {
        if (JsonScanner.Scan(utf8, int.MaxValue - 2, int.MaxValue, int.MaxValue, "rule files") is not { } problem)
        {
            return null;
        }

        var (line, column) = JsonScanner.LineColumn(utf8, problem.Offset);
        return new Diagnostic { Code = problem.Code, Severity = DiagnosticSeverity.Error, Message = problem.Message, File = fileName, Line = line, Column = column, Pointer = problem.Pointer };
    }

    private static TrialEvaluator? Bind(RuleFileModel model, DiagnosticSink sink, string? fileName, ConceptExpander expander)
    {
        var concepts = new ConceptBinder(model.Concepts, sink, expander).BindAll();
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
        IsoDuration? ValidityOf(string? text, string pointer)
        {
            if (text is null)
            {
                return null;
            }

            if (IsoDuration.TryParse(text, out var d))
            {
                return d;
            }

            sink.ErrorUnlessExplained(DiagnosticCodes.InvalidDuration, pointer, $"'{text}' is not an ISO-8601 duration of years, months, weeks and days (e.g. P6M)");
            return null;
        }

        IsoDuration? defaultValidity = ValidityOf(model.DefaultAnswerValidity, "/defaults/answerValidity");
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

            builder.AnswerValidity = c.AnswerValidity is null ? defaultValidity : ValidityOf(c.AnswerValidity, c.Pointer + "/answerValidity");
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

        var criteria = new List<CompiledCriterion>(compiled.Count);
        foreach (var (c, node) in compiled)
        {
            criteria.Add(new CompiledCriterion(c, node!));
        }

        return new TrialEvaluator(model.Trial, criteria, concepts.Values);
    }
}
