using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Eligibility.Codes;
using Eligibility.Diagnostics;
using Eligibility.Patients;
using Eligibility.Shared;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;
using Hl7.Fhir.Validation;

namespace Eligibility.Fhir;

/// <summary>
/// Reads FHIR R4 <c>ValueSet</c> resources (JSON) as exported from VSAC or a terminology server into
/// <see cref="ValueSetDefinition"/>s, for <see cref="Terminology.WithValueSets"/> (docs/fhir.md). The file holds one
/// ValueSet, or a Bundle of them. The codes come from the <c>expansion</c> when there is one (it is authoritative), else
/// from an enumerated <c>compose</c>; what only a terminology server could list (most filters, a whole code system) is
/// an error that says to export the value set with its expansion. Each resource is parsed with the Firely SDK. Never
/// throws for bad input: problems come back as diagnostics with file, line, column and JSON pointer. Thread-safe.
/// </summary>
public static class ValueSetReader
{
    /// <summary>Reads a value set file; the path is used as given in diagnostics and as each value set's
    /// <see cref="ValueSetDefinition.Source"/>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The value sets read without error, and every problem found.</returns>
    /// <exception cref="EligibilityBugException">Reading failed in a way that is a defect of this library, not of the file.</exception>
    public static ValueSetReadResult ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var file = BoundedFile.Read(path, (int)InputLimits.DefaultMaxRecordBytes, "value set files");
        if (file.Bytes is not { } bytes)
        {
            return Failed(path, file.Code!, file.Message!);
        }

        return Read(bytes, path);
    }

    /// <summary>What a value set file may hold: the size of a patient record, and arrays as long as the size allows
    /// (an expansion can list every code of a large hierarchy).</summary>
    private static readonly InputLimits Limits = InputLimits.Default with { MaxArrayItems = int.MaxValue };

    /// <summary>Reads value sets from UTF-8 JSON: one ValueSet, or a Bundle whose entries are ValueSets.</summary>
    /// <param name="utf8">The JSON text, UTF-8 (a byte order mark is allowed).</param>
    /// <param name="fileName">The name used in diagnostics and as each value set's <see cref="ValueSetDefinition.Source"/>, if any.</param>
    /// <returns>The value sets read without error, and every problem found.</returns>
    /// <exception cref="EligibilityBugException">Reading failed in a way that is a defect of this library, not of the input
    /// (bad input never throws; it comes back as diagnostics). The original exception is the inner exception.</exception>
    public static ValueSetReadResult Read(byte[] utf8, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(utf8);
        if (Limits.Check(utf8, fileName, "value set files") is { } problem)
        {
            return new ValueSetReadResult(Array.Empty<ValueSetDefinition>(), new[] { problem });
        }

        var (bom, _, diagnostics, scanned) = FhirBundleReader.Scan(utf8, fileName);
        if (scanned is not { } layout)
        {
            return new ValueSetReadResult(Array.Empty<ValueSetDefinition>(), diagnostics.Items);
        }

        var whole = EntryLayout.Whole(layout, utf8.Length - bom);
        try
        {
            var document = new Document(utf8, bom, diagnostics);
            switch (layout.ResourceType)
            {
                case "ValueSet":
                    document.Add(whole, "the ValueSet");
                    break;
                case "Bundle":
                    document.AddEntries(layout, whole);
                    break;
                default:
                {
                    string message = !layout.IsObject ? "a FHIR ValueSet must be a JSON object"
                        : layout.ResourceType is null ? "this JSON has no 'resourceType', so it is not a FHIR ValueSet"
                        : $"this is a FHIR {layout.ResourceType}, not a ValueSet or a Bundle of ValueSets";
                    diagnostics.Error(FhirDiagnosticCodes.ValueSetNotValueSet, whole, layout.ResourceType is null ? string.Empty : "/resourceType", message);
                    return new ValueSetReadResult(Array.Empty<ValueSetDefinition>(), diagnostics.Items);
                }
            }

            var read = new ValueSetComposer(document.ValueSets, diagnostics, fileName).Compose();
            return new ValueSetReadResult(read, diagnostics.Items);
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or EligibilityBugException))
        {
            // Bad input is reported as diagnostics while reading; an exception here is a defect, not the file's fault.
            throw new EligibilityBugException($"internal error while reading the value sets {fileName ?? "<input>"}: {ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    /// <summary>Reads value sets from JSON text, as <see cref="Read(byte[], string?)"/> does from its UTF-8 bytes.</summary>
    /// <param name="json">The JSON text: one ValueSet, or a Bundle whose entries are ValueSets.</param>
    /// <param name="fileName">The name used in diagnostics and as each value set's <see cref="ValueSetDefinition.Source"/>, if any.</param>
    /// <returns>The value sets read without error, and every problem found.</returns>
    /// <exception cref="EligibilityBugException">Reading failed in a way that is a defect of this library, not of the input.</exception>
    public static ValueSetReadResult Read(string json, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Read(Encoding.UTF8.GetBytes(json), fileName);
    }

    /// <summary>
    /// Reads value sets from a stream, from its position to its end (the stream is not closed), never reading more than a
    /// file may hold (64 MiB, as <see cref="ReadFile"/>): a longer stream is ELIG0003. The stream need not be seekable.
    /// Exceptions of the stream itself (an I/O error) propagate.
    /// </summary>
    /// <param name="stream">The JSON text, UTF-8 (a byte order mark is allowed).</param>
    /// <param name="fileName">The name used in diagnostics and as each value set's <see cref="ValueSetDefinition.Source"/>, if any.</param>
    /// <returns>The value sets read without error, and every problem found.</returns>
    /// <exception cref="EligibilityBugException">Reading failed in a way that is a defect of this library, not of the input.</exception>
    public static ValueSetReadResult Read(Stream stream, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var input = BoundedStream.Read(stream, (int)InputLimits.DefaultMaxRecordBytes, "value set files");
        return input.Bytes is { } bytes ? Read(bytes, fileName) : Failed(fileName, input.Code!, input.Message!);
    }

    /// <summary>As <see cref="Read(Stream, string?)"/>, reading the stream asynchronously.</summary>
    /// <param name="stream">The JSON text, UTF-8 (a byte order mark is allowed).</param>
    /// <param name="fileName">The name used in diagnostics and as each value set's <see cref="ValueSetDefinition.Source"/>, if any.</param>
    /// <param name="cancellationToken">Cancels reading the stream.</param>
    /// <returns>The value sets read without error, and every problem found.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="EligibilityBugException">Reading failed in a way that is a defect of this library, not of the input.</exception>
    public static async Task<ValueSetReadResult> ReadAsync(Stream stream, string? fileName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var input = await BoundedStream.ReadAsync(stream, (int)InputLimits.DefaultMaxRecordBytes, "value set files", cancellationToken).ConfigureAwait(false);
        return input.Bytes is { } bytes ? Read(bytes, fileName) : Failed(fileName, input.Code!, input.Message!);
    }

    private static ValueSetReadResult Failed(string? file, string code, string message) =>
        new(Array.Empty<ValueSetDefinition>(), new List<Diagnostic> { new Diagnostic(code: code, severity: DiagnosticSeverity.Error, message: message, file: file, pointer: string.Empty) });

    /// <summary>The ValueSets of one file, each parsed with Firely on its own (one bad resource gives one positioned error).</summary>
    private sealed class Document
    {
        private readonly byte[] utf8;
        private readonly int bom;
        private readonly MappingDiagnostics diagnostics;

        public Document(byte[] utf8, int bom, MappingDiagnostics diagnostics)
        {
            this.utf8 = utf8;
            this.bom = bom;
            this.diagnostics = diagnostics;
        }

        public List<ParsedValueSet> ValueSets { get; } = new();

        public void AddEntries(BundleLayout layout, EntryLayout whole)
        {
            var ignored = new SortedDictionary<string, int>(StringComparer.Ordinal);
            EntryLayout? firstIgnored = null;
            int candidates = 0;
            foreach (var entry in layout.Entries)
            {
                string index = entry.Index.ToString(CultureInfo.InvariantCulture);
                if (!entry.HasResource)
                {
                    continue; // e.g. a search's outcome entry, or a transaction's DELETE: no resource
                }

                if (entry.Start < 0)
                {
                    diagnostics.Error(FhirDiagnosticCodes.ValueSetInvalid, entry, string.Empty, $"entry {index}: 'resource' must be a JSON object");
                    continue;
                }

                if (entry.ResourceType is null)
                {
                    diagnostics.Error(FhirDiagnosticCodes.ValueSetInvalid, entry, string.Empty, $"entry {index}: the resource has no 'resourceType' string");
                    continue;
                }

                if (entry.ResourceType != "ValueSet")
                {
                    ignored[entry.ResourceType] = ignored.GetValueOrDefault(entry.ResourceType) + 1;
                    firstIgnored ??= entry;
                    continue;
                }

                candidates++;
                Add(entry, entry.Id is { Length: > 0 } id ? "ValueSet/" + id : $"the ValueSet in entry {index}");
            }

            if (firstIgnored is not null)
            {
                string types = string.Join(", ", ignored.Select(kv => $"{kv.Key} ×{kv.Value.ToString(CultureInfo.InvariantCulture)}"));
                diagnostics.Warning(FhirDiagnosticCodes.ValueSetEntryIgnored, firstIgnored, string.Empty,
                    $"{ignored.Values.Sum().ToString(CultureInfo.InvariantCulture)} entr{(ignored.Values.Sum() == 1 ? "y is" : "ies are")} not a ValueSet and skipped: {types}");
            }

            if (candidates == 0)
            {
                diagnostics.Error(FhirDiagnosticCodes.ValueSetNotValueSet, whole, layout.Entries.Count == 0 ? string.Empty : "/entry",
                    "the Bundle holds no ValueSet, so it gives no value set");
            }
        }

        /// <summary>Parses one ValueSet with Firely; issues become positioned diagnostics. Not added when it cannot be used.</summary>
        public void Add(EntryLayout entry, string name)
        {
            Resource? resource;
            IEnumerable<CodedException> issues;
            try
            {
                var reader = new Utf8JsonReader(utf8.AsSpan(bom + entry.Start, entry.Length), BundleLayout.ReaderOptions);
                BundleMapper.Deserializer.TryDeserializeResource(ref reader, out resource, out issues);
            }
            catch (Exception ex) when (ex is JsonException or FormatException or OverflowException or InvalidOperationException or Hl7.Fhir.Serialization.DeserializationFailedException)
            {
                // What Firely (or the JSON reader under it) throws for input it cannot represent; anything else is a defect.
                diagnostics.Error(FhirDiagnosticCodes.ValueSetInvalid, entry, string.Empty, $"{name} could not be parsed as FHIR R4: {ex.Message}");
                return;
            }

            bool failed = resource is not ValueSet;
            foreach (var issue in issues)
            {
                var extended = issue as ExtendedCodedException;
                string message = (extended?.BaseErrorMessage ?? issue.Message).TrimEnd('.');
                string pointer = diagnostics.Positions.PointerFromInstancePath(entry, extended?.InstancePath);
                bool recoverable = BundleMapper.RecoverableIssues.Contains(issue.ErrorCode)
                    || (issue.ErrorCode == CodedValidationException.LITERAL_INVALID_CODE && BundleMapper.IsDateLiteral(message)); // dates are not read
                if (recoverable)
                {
                    diagnostics.Warning(FhirDiagnosticCodes.ValueSetNonConforming, entry, pointer, $"{name}: {message} ({issue.ErrorCode}); the reader does not use it");
                }
                else
                {
                    diagnostics.Error(FhirDiagnosticCodes.ValueSetInvalid, entry, pointer, $"{name} is not valid FHIR R4: {message} ({issue.ErrorCode})");
                    failed = true;
                }
            }

            if (!failed)
            {
                var valueSet = (ValueSet)resource!;
                ValueSets.Add(new ParsedValueSet(entry, valueSet, valueSet.Id is { Length: > 0 } id ? "ValueSet/" + id : name));
            }
        }
    }
}

/// <summary>One ValueSet parsed from a file: where it is and the Firely resource.</summary>
/// <param name="Entry">Its place in the file (the whole file for a lone ValueSet).</param>
/// <param name="Resource">The parsed resource.</param>
/// <param name="Name">How messages name it: <c>ValueSet/id</c>, else its place.</param>
internal sealed record ParsedValueSet(EntryLayout Entry, ValueSet Resource, string Name);
