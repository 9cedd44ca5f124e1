using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Eligibility.Diagnostics;
using Eligibility.Loading;
using Eligibility.Shared;
using Eligibility.Time;

namespace Eligibility.Patients;

/// <summary>
/// Reads the native patient record format (docs/patient-format.md). Never throws for bad input: a malformed record
/// comes back as positioned diagnostics (ELIG0001, ELIG3xxx). Thread-safe.
/// </summary>
public static class PatientReader
{
    private static readonly HashSet<string> TopFields = new(StringComparer.Ordinal)
    { "$schema", "id", "asOf", "birthDate", "sex", "observations", "conditions", "procedures", "medications", "immunizations", "assessments", "note" };

    private static readonly HashSet<string> CommonFields = new(StringComparer.Ordinal) { "id", "source", "code", "status", "note" };

    /// <summary>
    /// Reads a patient file; the path is used as given in diagnostics. Only a regular file is read (a device, pipe,
    /// socket or folder is ELIG0002), and never more than <see cref="InputLimits.MaxRecordBytes"/> bytes of it (ELIG0003).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="limits">The input limits; default <see cref="InputLimits.Default"/>.</param>
    /// <returns>The record or diagnostics.</returns>
    public static PatientReadResult ReadFile(string path, InputLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        (limits ?? InputLimits.Default).ThrowIfInvalid();
        return BoundedPatientInput.ReadFile(path, limits, Read);
    }

    /// <summary>Reads a patient record from JSON text.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="fileName">The name used in diagnostics, if any.</param>
    /// <param name="limits">The input limits; default <see cref="InputLimits.Default"/>.</param>
    /// <returns>The record or diagnostics.</returns>
    public static PatientReadResult Read(string json, string? fileName = null, InputLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Read(Encoding.UTF8.GetBytes(json), fileName, limits);
    }

    /// <summary>
    /// Reads a patient record from a stream, from its position to its end (the stream is not closed), never reading more
    /// than <see cref="InputLimits.MaxRecordBytes"/> of it: a longer stream is ELIG0003, as a longer file is. The stream
    /// need not be seekable. Exceptions of the stream itself (an I/O error) propagate.
    /// </summary>
    /// <param name="stream">The JSON text, UTF-8 (a byte order mark is allowed).</param>
    /// <param name="fileName">The name used in diagnostics, if any.</param>
    /// <param name="limits">The input limits; default <see cref="InputLimits.Default"/>.</param>
    /// <returns>The record or diagnostics.</returns>
    public static PatientReadResult Read(Stream stream, string? fileName = null, InputLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        (limits ?? InputLimits.Default).ThrowIfInvalid();
        return BoundedPatientInput.Read(stream, fileName, limits, Read);
    }

    /// <summary>
    /// As <see cref="Read(Stream, string?, InputLimits?)"/>, reading the stream asynchronously (a server reading a request
    /// body). The record is then read from the bytes as <see cref="Read(byte[], string?, InputLimits?)"/> does.
    /// </summary>
    /// <param name="stream">The JSON text, UTF-8 (a byte order mark is allowed).</param>
    /// <param name="fileName">The name used in diagnostics, if any.</param>
    /// <param name="limits">The input limits; default <see cref="InputLimits.Default"/>.</param>
    /// <param name="cancellationToken">Cancels reading the stream.</param>
    /// <returns>The record or diagnostics.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<PatientReadResult> ReadAsync(Stream stream, string? fileName = null, InputLimits? limits = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        (limits ?? InputLimits.Default).ThrowIfInvalid();
        return await BoundedPatientInput.ReadAsync(stream, fileName, limits, Read, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads a patient record from UTF-8 JSON. The bytes are checked against <paramref name="limits"/> (size, longest
    /// string, nesting, array length: ELIG0003, ELIG0005) and for text that is not valid UTF-8 (ELIG0001): in the parse
    /// when whole-text tests show that only the nesting can be over its limit, else by a scan of their own before
    /// anything is parsed; either way with the same diagnostics, and a hostile input costs bounded time and memory.
    /// </summary>
    /// <param name="utf8">The JSON bytes (a byte order mark is allowed).</param>
    /// <param name="fileName">The name used in diagnostics, if any.</param>
    /// <param name="limits">The input limits; default <see cref="InputLimits.Default"/>.</param>
    /// <returns>The record or diagnostics.</returns>
    public static PatientReadResult Read(byte[] utf8, string? fileName = null, InputLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(utf8);
        limits ??= InputLimits.Default;

        // One pass: when nothing but the nesting depth can exceed the limits, the parse checks it (LayoutLimits); when that
        // parse fails (deeper text, or a syntax error) the check and the parse run as before, so diagnostics are theirs.
        JsonDocument? document = null;
        if (LayoutLimits.OnlyDepthLeft(utf8, limits))
        {
            try
            {
                document = JsonDocument.Parse(JsonInput.WithoutBom(utf8), new JsonDocumentOptions { MaxDepth = limits.MaxDepth });
            }
            catch (JsonException)
            {
                document = null;
            }
        }

        if (document is null && limits.Check(utf8, fileName) is { } problem)
        {
            return new PatientReadResult(null, new[] { problem });
        }

        var sink = new DiagnosticSink(fileName, utf8);
        try
        {
            document ??= JsonDocument.Parse(JsonInput.WithoutBom(utf8), new JsonDocumentOptions { MaxDepth = Math.Max(limits.MaxDepth, JsonInput.MaxDepth) + 1 });
        }
        catch (JsonException)
        {
            JsonInput.TryParse(utf8, sink, out _); // re-parse only to produce the positioned diagnostic
            return new PatientReadResult(null, sink.Items);
        }

        using (document)
        {
            var patient = FromElement(document.RootElement, string.Empty, sink);
            return new PatientReadResult(sink.HasErrors ? null : patient, sink.Items);
        }
    }

    /// <summary>Reads a patient record from a JSON element (also used inside example-case files).</summary>
    internal static PatientRecord? FromElement(JsonElement root, string pointer, DiagnosticSink sink)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            sink.Error(DiagnosticCodes.PatientNotRecord, pointer, "a patient record must be a JSON object");
            return null;
        }

        var r = new Reader(sink);
        var top = new JsonObjectReader(root, pointer);
        if (top.String("resourceType") is { } resourceType)
        {
            sink.Error(DiagnosticCodes.PatientNotRecord, top.Child("resourceType"),
                resourceType == "Bundle" ? "this is a FHIR Bundle; read it with Eligibility.Fhir (the CLI does so automatically)" : LoneFhirResource.Message(resourceType));
            return null;
        }

        r.CheckFields(top, TopFields);
        r.Text(top, "$schema"); // ignored, but a string when given (as the schema says)
        var patient = new PatientRecord
        {
            Id = r.Text(top, "id"),
            AsOf = r.AsOf(top),
            BirthDate = r.Date(top, "birthDate"),
            Sex = r.Sex(top),
            Observations = r.List(top, "observations", r.Observation),
            Conditions = r.List(top, "conditions", r.Condition),
            Procedures = r.List(top, "procedures", r.Procedure),
            Medications = r.List(top, "medications", r.Medication),
            Immunizations = r.List(top, "immunizations", r.Immunization),
            Assessments = r.List(top, "assessments", r.Assessment),
        };
        return patient;
    }

    private sealed class Reader
    {
        private static readonly HashSet<string> ObservationFields = Fields("value", "unit", "valueCode", "valueBoolean", "valueText", "interpretation", "referenceRange", "date");
        private static readonly HashSet<string> ConditionFields = Fields("clinicalStatus", "verificationStatus", "onset", "abatement");
        private static readonly HashSet<string> ProcedureFields = Fields("performed");
        private static readonly HashSet<string> MedicationFields = Fields("start", "end", "dailyDose", "intent", "dosingInterval");
        private static readonly HashSet<string> ImmunizationFields = Fields("date");
        /// <summary>An observation's result members: at most one of the first four, and never null (patient.schema.json).</summary>
        private static readonly string[] ResultMembers = ["value", "valueCode", "valueBoolean", "valueText", "interpretation"];

        private static readonly HashSet<string> AssessmentFields = new(StringComparer.Ordinal) { "criterion", "value", "date", "by", "source", "note" };

        // The values patient.schema.json allows (and docs/patient-format.md lists), in its order.
        private static readonly string[] ObservationStatuses = ["final", "amended", "corrected", "preliminary", "registered", "cancelled", "entered-in-error", "unknown"];
        private static readonly string[] ClinicalStatuses = ["active", "recurrence", "relapse", "inactive", "remission", "resolved"];
        private static readonly string[] VerificationStatuses = ["unconfirmed", "provisional", "differential", "confirmed", "refuted", "entered-in-error"];
        private static readonly string[] ProcedureStatuses = ["completed", "in-progress", "preparation", "on-hold", "stopped", "not-done", "entered-in-error", "unknown"];
        private static readonly string[] MedicationStatuses =
            ["active", "completed", "intended", "stopped", "on-hold", "in-progress", "draft", "preparation", "declined", "not-done", "not-taken", "cancelled", "entered-in-error", "unknown"];
        private static readonly string[] MedicationIntents = ["proposal", "plan", "order", "original-order", "reflex-order", "filler-order", "instance-order", "option"];
        private static readonly string[] ImmunizationStatuses = ["completed", "not-done", "entered-in-error"];

        private readonly DiagnosticSink sink;

        public Reader(DiagnosticSink sink) => this.sink = sink;

        private static HashSet<string> Fields(params string[] extra)
        {
            var set = new HashSet<string>(CommonFields, StringComparer.Ordinal);
            set.UnionWith(extra);
            return set;
        }

        public void CheckFields(JsonObjectReader o, HashSet<string> known)
        {
            if (!o.IsObject)
            {
                return;
            }

            foreach (var property in o.Element.EnumerateObject())
            {
                string name = property.Name; // the member's pointer only for a warning: most records have none
                if (!known.Contains(name))
                {
                    sink.Warning(DiagnosticCodes.PatientUnknownField, o.Child(name), $"unknown field '{name}' is ignored", atName: true);
                }
            }
        }

        public IReadOnlyList<T> List<T>(JsonObjectReader o, string name, Func<JsonObjectReader, T?> read)
            where T : class
        {
            if (!o.Element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return Array.Empty<T>();
            }

            if (value.ValueKind != JsonValueKind.Array)
            {
                sink.Error(DiagnosticCodes.PatientInvalidValue, o.Child(name), $"'{name}' must be an array");
                return Array.Empty<T>();
            }

            var list = new List<T>(value.GetArrayLength());
            foreach (var item in o.Array(name))
            {
                if (!item.IsObject)
                {
                    sink.Error(DiagnosticCodes.PatientInvalidValue, item.Pointer, $"each entry of '{name}' must be an object");
                    continue;
                }

                if (read(item) is { } entry)
                {
                    list.Add(entry);
                }
            }

            return list;
        }

        public string? Text(JsonObjectReader o, string name)
        {
            if (!o.Element.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (v.ValueKind == JsonValueKind.String)
            {
                return v.GetString();
            }

            sink.Error(DiagnosticCodes.PatientInvalidValue, o.Child(name), $"'{name}' must be a string");
            return null;
        }

        /// <summary>As <see cref="Text"/>, refusing an empty string (ELIG3002).</summary>
        public string? NonEmptyText(JsonObjectReader o, string name)
        {
            string? text = Text(o, name);
            if (text is { Length: 0 })
            {
                sink.Error(DiagnosticCodes.PatientInvalidValue, o.Child(name), $"'{name}' must not be empty");
                return null;
            }

            return text;
        }

        /// <summary>A date (<see cref="NativeFormat.DateOrDateTime"/>): a calendar date, or a date and time whose date part
        /// is taken (the time of day does not matter to any window).</summary>
        public DateOnly? Date(JsonObjectReader o, string name)
        {
            string? text = Text(o, name);
            if (text is null)
            {
                return null;
            }

            if (NativeFormat.DateOrDateTimeRegex().IsMatch(text))
            {
                return NativeFormat.MatchedDate(text);
            }

            sink.Error(DiagnosticCodes.PatientInvalidValue, o.Child(name), $"'{text}' is not a date: use a calendar date YYYY-MM-DD, or a date and time YYYY-MM-DDThh:mm[:ss[.fff]][Z|±hh:mm] (only the date is used)");
            return null;
        }

        /// <summary>The record's as-of date: a calendar date (no time) within the range evaluation accepts
        /// (<see cref="NativeFormat.AsOf"/>, TrialEvaluator.EarliestAsOf..LatestAsOf).</summary>
        public DateOnly? AsOf(JsonObjectReader o)
        {
            string? text = Text(o, "asOf");
            if (text is null)
            {
                return null;
            }

            if (NativeFormat.AsOfRegex().IsMatch(text))
            {
                return NativeFormat.MatchedDate(text);
            }

            string message = DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                ? string.Create(CultureInfo.InvariantCulture, $"'asOf' {date:yyyy-MM-dd} is outside the dates an evaluation accepts ({TrialEvaluator.EarliestAsOf:yyyy-MM-dd} to {TrialEvaluator.LatestAsOf:yyyy-MM-dd})")
                : $"'asOf' '{text}' is not a calendar date YYYY-MM-DD";
            sink.Error(DiagnosticCodes.PatientInvalidValue, o.Child("asOf"), message);
            return null;
        }

        public decimal? Number(JsonObjectReader o, string name)
        {
            if (!o.Element.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out decimal d))
            {
                return d;
            }

            sink.Error(DiagnosticCodes.PatientInvalidValue, o.Child(name), $"'{name}' must be a number");
            return null;
        }

        public bool? Boolean(JsonObjectReader o, string name)
        {
            if (!o.Element.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (v.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                return v.GetBoolean();
            }

            sink.Error(DiagnosticCodes.PatientInvalidValue, o.Child(name), $"'{name}' must be true or false");
            return null;
        }

        public AdministrativeSex Sex(JsonObjectReader o)
        {
            string? text = Text(o, "sex");
            if (text is null)
            {
                return AdministrativeSex.Unknown;
            }

            switch (text)
            {
                case "female": return AdministrativeSex.Female;
                case "male": return AdministrativeSex.Male;
                case "other": return AdministrativeSex.Other;
                case "unknown": return AdministrativeSex.Unknown;
                default:
                    sink.Error(DiagnosticCodes.PatientInvalidValue, o.Child("sex"), $"'{text}' is not a sex: use female, male, other or unknown");
                    return AdministrativeSex.Unknown;
            }
        }

        public Coding? Coding(JsonObjectReader o)
        {
            if (!o.IsObject)
            {
                sink.Error(DiagnosticCodes.PatientInvalidValue, o.Pointer, "a coding must be an object with 'system' and 'code'");
                return null;
            }

            string? system = Text(o, "system");
            string? code = Text(o, "code");
            if (string.IsNullOrEmpty(system) || string.IsNullOrEmpty(code))
            {
                sink.Error(DiagnosticCodes.PatientMissingField, o.Pointer, "a coding needs both 'system' and 'code'");
                return null;
            }

            return new Coding(system, code, Text(o, "display"));
        }

        private IReadOnlyList<Coding> Codes(JsonObjectReader o)
        {
            if (!o.Element.TryGetProperty("code", out var v) || v.ValueKind != JsonValueKind.Array)
            {
                sink.Error(DiagnosticCodes.PatientMissingField, o.Has("code") ? o.Child("code") : o.Pointer, "an entry needs 'code': an array of codings");
                return Array.Empty<Coding>();
            }

            if (v.GetArrayLength() == 0)
            {
                sink.Error(DiagnosticCodes.PatientMissingField, o.Child("code"), "an entry needs 'code': an array of at least one coding (an empty list identifies nothing)");
                return Array.Empty<Coding>();
            }

            var list = new List<Coding>();
            foreach (var c in o.Array("code"))
            {
                if (Coding(c) is { } coding)
                {
                    list.Add(coding);
                }
            }

            return list;
        }

        private T Common<T>(JsonObjectReader o, T record, string[]? statuses)
            where T : ClinicalRecord =>
            record with { Id = Text(o, "id"), Source = Text(o, "source"), Codes = Codes(o), Status = statuses is null ? Text(o, "status") : OneOf(o, "status", statuses) };

        /// <summary>
        /// A string that must be one of <paramref name="allowed"/>, exactly as patient.schema.json lists them: any other
        /// (a misspelt "actve") is an error (ELIG3002), never read as "not active".
        /// </summary>
        private string? OneOf(JsonObjectReader o, string name, string[] allowed)
        {
            string? text = Text(o, name);
            if (text is null || Array.IndexOf(allowed, text) >= 0)
            {
                return text;
            }

            sink.Error(DiagnosticCodes.PatientInvalidValue, o.Child(name), $"'{text}' is not a valid '{name}': use {string.Join(", ", allowed)}");
            return null;
        }

        /// <summary>A field that must be an object (when present) gets an error instead of being silently dropped.</summary>
        private void RequireObjectOrNull(JsonObjectReader o, string name)
        {
            if (o.Element.TryGetProperty(name, out var v) && v.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            {
                sink.Error(DiagnosticCodes.PatientInvalidValue, o.Child(name), $"'{name}' must be an object");
            }
        }

        public ObservationRecord? Observation(JsonObjectReader o)
        {
            CheckFields(o, ObservationFields);
            ReferenceRange? range = null;
            RequireObjectOrNull(o, "referenceRange");
            if (o.Object("referenceRange") is { } rr)
            {
                range = new ReferenceRange { Low = Number(rr, "low"), High = Number(rr, "high"), Unit = Text(rr, "unit") };
            }

            var valueCodes = CodingList(o, "valueCode");
            var interpretation = CodingList(o, "interpretation");
            foreach (string member in ResultMembers)
            {
                if (o.Element.TryGetProperty(member, out var given) && given.ValueKind == JsonValueKind.Null)
                {
                    // A result member is either a result or absent: a null one would count towards "at most one result".
                    sink.Error(DiagnosticCodes.PatientInvalidValue, o.Child(member), $"'{member}' is null: leave out a result member that is not given");
                }
            }

            int kinds = (o.Has("value") ? 1 : 0) + (o.Has("valueCode") ? 1 : 0) + (o.Has("valueBoolean") ? 1 : 0) + (o.Has("valueText") ? 1 : 0);
            if (kinds > 1)
            {
                sink.Error(DiagnosticCodes.PatientInvalidValue, o.Pointer, "an observation has at most one of 'value', 'valueCode', 'valueBoolean' and 'valueText'");
            }
            else if (kinds == 0 && !o.Has("interpretation"))
            {
                // A record with no result at all is refused rather than read as "a result that could not be read".
                sink.Error(DiagnosticCodes.PatientMissingField, o.Pointer, "an observation needs a result: one of 'value', 'valueCode', 'valueBoolean' and 'valueText', or an 'interpretation'");
            }

            return Common(o, new ObservationRecord
            {
                Value = Number(o, "value"),
                Unit = Text(o, "unit"),
                ValueCodes = valueCodes,
                ValueBoolean = Boolean(o, "valueBoolean"),
                ValueText = NonEmptyText(o, "valueText"),
                Interpretation = interpretation,
                ReferenceRange = range,
                Date = Date(o, "date"),
            }, ObservationStatuses);
        }

        /// <summary>A coding, or an array of at least one coding (a value coded in several systems), as a list.</summary>
        private IReadOnlyList<Coding> CodingList(JsonObjectReader o, string name)
        {
            if (!o.Element.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return Array.Empty<Coding>();
            }

            if (v.ValueKind == JsonValueKind.Object)
            {
                return Coding(o.Object(name)!.Value) is { } single ? new[] { single } : Array.Empty<Coding>();
            }

            if (v.ValueKind != JsonValueKind.Array)
            {
                sink.Error(DiagnosticCodes.PatientInvalidValue, o.Child(name), $"'{name}' must be a coding or an array of codings");
                return Array.Empty<Coding>();
            }

            if (v.GetArrayLength() == 0)
            {
                sink.Error(DiagnosticCodes.PatientInvalidValue, o.Child(name), $"'{name}' must hold at least one coding (leave it out when there is none)");
                return Array.Empty<Coding>();
            }

            var list = new List<Coding>();
            foreach (var c in o.Array(name))
            {
                if (Coding(c) is { } coding)
                {
                    list.Add(coding);
                }
            }

            return list;
        }

        public ConditionRecord? Condition(JsonObjectReader o)
        {
            CheckFields(o, ConditionFields);
            return Common(o, new ConditionRecord
            {
                ClinicalStatus = OneOf(o, "clinicalStatus", ClinicalStatuses),
                VerificationStatus = OneOf(o, "verificationStatus", VerificationStatuses),
                Onset = Date(o, "onset"),
                Abatement = Date(o, "abatement"),
            }, statuses: null); // the schema has no condition status (clinicalStatus and verificationStatus are checked)
        }

        public ProcedureRecord? Procedure(JsonObjectReader o)
        {
            CheckFields(o, ProcedureFields);
            return Common(o, new ProcedureRecord { Performed = Date(o, "performed") }, ProcedureStatuses);
        }

        public MedicationRecord? Medication(JsonObjectReader o)
        {
            CheckFields(o, MedicationFields);
            Quantity? dose = null;
            RequireObjectOrNull(o, "dailyDose");
            if (o.Object("dailyDose") is { } d)
            {
                decimal? value = Number(d, "value");
                string? unit = Text(d, "unit");
                if (value is not { } v || string.IsNullOrEmpty(unit))
                {
                    // A dose without its unit cannot be compared with a threshold: refused, never guessed.
                    sink.Error(DiagnosticCodes.PatientMissingField, d.Pointer, "'dailyDose' needs a numeric 'value' and a 'unit' (UCUM, e.g. mg/d)");
                }
                else if (v < 0)
                {
                    sink.Error(DiagnosticCodes.PatientInvalidValue, d.Child("value"), "a daily dose cannot be negative");
                }
                else
                {
                    dose = new Quantity(v, unit);
                }
            }

            IsoDuration? interval = null;
            if (Text(o, "dosingInterval") is { } every)
            {
                if (NativeFormat.DurationRegex().IsMatch(every) && IsoDuration.TryParse(every, out var parsed) && parsed != default)
                {
                    interval = parsed;
                }
                else
                {
                    sink.Error(DiagnosticCodes.PatientInvalidValue, o.Child("dosingInterval"), $"'{every}' is not a non-zero ISO-8601 duration of years, months, weeks and days (at most 6 digits each), such as P4W or P1M");
                }
            }

            return Common(o, new MedicationRecord { Start = Date(o, "start"), End = Date(o, "end"), DailyDose = dose, Intent = OneOf(o, "intent", MedicationIntents), DosingInterval = interval }, MedicationStatuses);
        }

        public ImmunizationRecord? Immunization(JsonObjectReader o)
        {
            CheckFields(o, ImmunizationFields);
            return Common(o, new ImmunizationRecord { Date = Date(o, "date") }, ImmunizationStatuses);
        }

        public Assessment? Assessment(JsonObjectReader o)
        {
            CheckFields(o, AssessmentFields);
            string? criterion = Text(o, "criterion");
            bool? value = Boolean(o, "value");
            if (criterion is null || value is null)
            {
                sink.Error(DiagnosticCodes.PatientMissingField, o.Pointer, "an assessment needs 'criterion' (<TrialId>/<CriterionId>) and a boolean 'value'");
                return null;
            }

            if (!NativeFormat.CriterionReferenceRegex().IsMatch(criterion))
            {
                sink.Error(DiagnosticCodes.PatientInvalidValue, o.Child("criterion"), $"'{criterion}' is not a criterion reference: use <TrialId>/<CriterionId> or <TrialId>/<CriterionId>.<n>, e.g. NCT07077486/INCL05");
                return null;
            }

            var (line, column) = sink.Locate(o.Element, o.Pointer);
            return new Assessment
            {
                Criterion = criterion,
                Value = value.Value,
                Date = Date(o, "date"),
                By = Text(o, "by"),
                Source = Text(o, "source"),
                Position = new SourcePosition(sink.File, line, column, o.Pointer),
            };
        }
    }
}
