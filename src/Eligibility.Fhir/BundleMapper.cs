using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using Eligibility.Patients;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;
using Hl7.Fhir.Validation;

namespace Eligibility.Fhir;

/// <summary>
/// Maps the entries of one bundle to a <see cref="PatientRecord"/>: parses each used resource with Firely on its own,
/// checks that everything is about one patient, resolves Medication references and maps each resource (docs/fhir.md).
/// One instance per read; not thread-safe (the reader creates a new one per call).
/// </summary>
internal sealed partial class BundleMapper
{
    /// <summary>Firely's deserializer with the checks of <see cref="LiteralValidator"/>; each issue it reports is sorted below.
    /// No exception filter: every issue is reported, and (Firely decides this from the filter) member names bind only to
    /// the element of exactly that name, so <c>"BirthDate"</c> is an unknown element (PVAL131) and is not read as
    /// <c>birthDate</c>: FHIR JSON is case-sensitive. One instance for every read; internal so the benchmarks can time
    /// this step on its own.</summary>
    internal static FhirJsonDeserializer Deserializer => Deserializers.Checked;

    /// <summary>Firely's deserializer with no validator: the first, cheaper parse of every resource. When it reports an issue,
    /// or <see cref="LiteralValidator.WouldPass"/> says the validator would, or the JSON has a member name that differs
    /// from an element's only in case (<see cref="MemberNames"/>: this parse would bind it), the resource is parsed again
    /// with <see cref="Deserializer"/>, whose issues are reported; so the diagnostics are those of <see cref="Deserializer"/> alone.</summary>
    internal static FhirJsonDeserializer UncheckedDeserializer => Deserializers.Unchecked;

    /// <summary>Firely's deserializers, made at the first parse that needs one: they use Firely's whole R4 model
    /// (<c>ModelInfo.ModelInspector</c>, about half a second to build), which a read the fast reader takes whole never needs
    /// (<see cref="FhirModel"/>). The explicit static constructor keeps them from being made any earlier.</summary>
    private static class Deserializers
    {
        public static readonly FhirJsonDeserializer Checked = new(new DeserializerSettings { Validator = LiteralValidator.Instance, ExceptionFilter = null });

        public static readonly FhirJsonDeserializer Unchecked = new(new DeserializerSettings { Validator = null });

        static Deserializers()
        {
        }
    }

    /// <summary>Firely issues that lose nothing eligibility reads: reported as warnings (ELIG3109), the resource still maps.
    /// The value set reader sorts issues the same way (ELIG5104).</summary>
    internal static readonly HashSet<string> RecoverableIssues = new(StringComparer.Ordinal)
    {
        CodedValidationException.CHOICE_TYPE_NOT_ALLOWED_CODE,
        CodedValidationException.INCORRECT_CARDINALITY_MIN_CODE,
        CodedValidationException.INCORRECT_CARDINALITY_MAX_CODE,
        CodedValidationException.REPEATING_ELEMENT_CANNOT_CONTAIN_NULL_CODE,
        CodedValidationException.MANDATORY_ELEMENT_MUST_BE_PRESENT_CODE,
        CodedValidationException.NARRATIVE_XML_IS_MALFORMED_CODE,
        CodedValidationException.NARRATIVE_XML_IS_INVALID_CODE,
        CodedValidationException.INVALID_CODED_VALUE_CODE,
        CodedValidationException.INVALID_STRING_LENGTH_CODE,
        CodedValidationException.UNKNOWN_ELEMENT_CODE,
        CodedValidationException.ELEMENT_CANNOT_BE_EMPTY_CODE,
        CodedValidationException.WRONG_CASED_ELEMENT_CODE,
        CodedValidationException.WRONG_CASED_RESOURCE_TYPE_CODE,
        FhirJsonException.OBJECTS_CANNOT_BE_EMPTY_CODE,
        FhirJsonException.ARRAYS_CANNOT_BE_EMPTY_CODE,
    };

    /// <summary>The resource types eligibility reads; every other type is ignored and counted (never parsed).</summary>
    internal static readonly HashSet<string> UsedTypes = new(StringComparer.Ordinal)
    {
        "Patient", "Observation", "Condition", "MedicationStatement", "MedicationAdministration", "MedicationRequest",
        "MedicationDispense", "Medication", "Immunization", "Procedure",
    };

    private readonly byte[] utf8;
    private readonly int bom;
    private readonly BundleLayout layout;
    private readonly MappingDiagnostics diagnostics;
    private readonly ResourceParsing parsing;
    private readonly ParseCounts? counts;

    private readonly List<ObservationRecord> observations = new();
    private readonly List<ConditionRecord> conditions = new();
    private readonly List<ProcedureRecord> procedures = new();
    private readonly List<MedicationRecord> medications = new();
    private readonly List<ImmunizationRecord> immunizations = new();
    private readonly List<Assessment> assessments = new();
    private readonly Dictionary<string, Medication> medicationIndex = new(StringComparer.Ordinal);
    private List<Parsed> parsedEntries = [];
    private readonly HashSet<(Medication Medication, int Ingredient)> unresolvedIngredients = new();

    private readonly HashSet<string> patientKeys = new(StringComparer.Ordinal);
    private string? patientId;
    private string? patientLabel;
    private bool patientKnown;
    private bool patientMapped;
    private DateOnly? birthDate;

    public BundleMapper(byte[] utf8, int bom, BundleLayout layout, MappingDiagnostics diagnostics, ResourceParsing parsing = ResourceParsing.Fast, ParseCounts? counts = null)
    {
        this.parsing = parsing;
        this.counts = counts;
        this.utf8 = utf8;
        this.bom = bom;
        this.layout = layout;
        this.diagnostics = diagnostics;
    }

    /// <summary>One parsed entry: where it is and the Firely resource; <paramref name="Text"/> is the bundle's text without its
    /// byte order mark, where the entry's fullUrl is decoded from when it is needed.</summary>
    private sealed record Parsed(EntryLayout Entry, Resource Resource, ReadOnlyMemory<byte> Text)
    {
        public string Name => Entry.Id is { Length: > 0 } id ? Resource.TypeName + "/" + id
            : FullUrl ?? $"{Resource.TypeName} (entry {Entry.Index.ToString(CultureInfo.InvariantCulture)})";

        /// <summary>The entry's <c>fullUrl</c>, if any.</summary>
        public string? FullUrl => Entry.FullUrlIn(Text.Span);
    }

    /// <summary>A test hook: when set, <see cref="Map"/> calls it first, so tests can make mapping fail the way a defect
    /// would and see how the reader and the tool report it. Never set outside tests.</summary>
    internal static Action? FaultForTests { get; set; }

    public PatientRecord Map()
    {
        FaultForTests?.Invoke();
        var parsed = new List<Parsed>(layout.Entries.Count);
        SortedDictionary<string, int>? ignored = null; // made at the first ignored entry (most bundles have some, not all)
        EntryLayout? firstIgnored = null;
        foreach (var entry in layout.Entries)
        {
            if (!entry.HasResource)
            {
                continue; // e.g. a transaction's DELETE request, or a response entry: no data
            }

            if (entry.Start < 0)
            {
                diagnostics.Error(FhirDiagnosticCodes.InvalidResource, entry, string.Empty, $"entry {entry.Index.ToString(CultureInfo.InvariantCulture)}: 'resource' must be a JSON object");
                continue;
            }

            if (entry.ResourceType is null)
            {
                diagnostics.Error(FhirDiagnosticCodes.InvalidResource, entry, string.Empty, $"entry {entry.Index.ToString(CultureInfo.InvariantCulture)}: the resource has no 'resourceType' string");
                continue;
            }

            if (!UsedTypes.Contains(entry.ResourceType))
            {
                ignored ??= new SortedDictionary<string, int>(StringComparer.Ordinal);
                ignored[entry.ResourceType] = ignored.GetValueOrDefault(entry.ResourceType) + 1;
                firstIgnored ??= entry;
                continue;
            }

            if (Parse(entry) is { } resource)
            {
                parsed.Add(new Parsed(entry, resource, utf8.AsMemory(bom)));
            }
        }

        parsedEntries = parsed;
        IdentifyPatient(parsed);
        IndexMedications(parsed);
        var record = new PatientRecord { Id = patientId };
        foreach (var p in parsed)
        {
            switch (p.Resource)
            {
                case Patient patient:
                    record = MapPatient(p, patient, record);
                    break;
                case Observation o:
                    MapObservation(p, o);
                    break;
                case Condition c:
                    MapCondition(p, c);
                    break;
                case Procedure pr:
                    MapProcedure(p, pr);
                    break;
                case Immunization im:
                    MapImmunization(p, im);
                    break;
                case MedicationStatement ms:
                    MapStatement(p, ms);
                    break;
                case MedicationAdministration ma:
                    MapAdministration(p, ma);
                    break;
                case MedicationRequest mr:
                    MapRequest(p, mr);
                    break;
                case MedicationDispense md:
                    MapDispense(p, md);
                    break;
                default:
                    break; // Medication: used through references only
            }
        }

        if (firstIgnored is not null && ignored is not null)
        {
            int total = ignored.Values.Sum();
            string types = string.Join(", ", ignored.Select(kv => $"{kv.Key} ×{kv.Value.ToString(CultureInfo.InvariantCulture)}"));
            diagnostics.Warning(FhirDiagnosticCodes.IgnoredResourceTypes, firstIgnored, string.Empty,
                $"{total.ToString(CultureInfo.InvariantCulture)} resource(s) of types eligibility does not use were ignored: {types}");
        }

        return record with
        {
            Id = record.Id ?? patientId, // without a Patient resource: the id its subjects name
            Observations = observations,
            Conditions = conditions,
            Procedures = procedures,
            Medications = medications,
            Immunizations = immunizations,
            Assessments = assessments,
        };
    }

    /// <summary>Parses one entry's resource: <see cref="FastResourceReader"/> for the common case, else Firely, whose issues
    /// become positioned diagnostics. <c>null</c> when it cannot be used.</summary>
    private Resource? Parse(EntryLayout entry)
    {
        if (parsing == ResourceParsing.Fast)
        {
            var fast = entry.Parsed ?? (entry.FastTried ? null : FastResourceReader.TryRead(utf8.AsSpan(bom + entry.Start, entry.Length), entry.ResourceType!, forMapping: true));
            counts?.Count(fast is not null);
            if (fast is not null)
            {
                return fast;
            }
        }

        if (parsing != ResourceParsing.Validating && ParseClean(entry) is { } clean)
        {
            return clean;
        }

        string name = entry.Id is { Length: > 0 } id ? entry.ResourceType + "/" + id : entry.ResourceType + " (entry " + entry.Index.ToString(CultureInfo.InvariantCulture) + ")";
        if (EmptyMemberName(utf8.AsSpan(bom + entry.Start, entry.Length)) is { } empty)
        {
            diagnostics.Error(FhirDiagnosticCodes.InvalidResource, entry, empty, $"{name} is not valid FHIR R4: a member has an empty name (\"\"), which no element has");
            return null;
        }

        Resource? resource;
        IEnumerable<CodedException> issues;
        try
        {
            var reader = EntryReader(entry);
            Deserializer.TryDeserializeResource(ref reader, out resource, out issues);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or OverflowException or InvalidOperationException or DeserializationFailedException)
        {
            // What Firely (or the JSON reader under it) throws for input it cannot represent; anything else is a defect.
            diagnostics.Error(FhirDiagnosticCodes.InvalidResource, entry, string.Empty, $"{name} could not be parsed as FHIR R4: {ex.Message}");
            return null;
        }

        bool failed = resource is null;
        foreach (var issue in issues)
        {
            var extended = issue as ExtendedCodedException;
            string message = (extended?.BaseErrorMessage ?? issue.Message).TrimEnd('.');
            string pointer = diagnostics.Positions.PointerFromInstancePath(entry, extended?.InstancePath);
            if (issue.ErrorCode == CodedValidationException.LITERAL_INVALID_CODE && IsDateLiteral(message))
            {
                continue; // dates are checked where they are read (ELIG3104), with the element named
            }

            if (RecoverableIssues.Contains(issue.ErrorCode) && !IsReadCode(issue.ErrorCode, extended?.InstancePath))
            {
                diagnostics.Warning(FhirDiagnosticCodes.NonConformingContent, entry, pointer, $"{name}: {message} ({issue.ErrorCode}); eligibility does not read it");
            }
            else
            {
                diagnostics.Error(FhirDiagnosticCodes.InvalidResource, entry, pointer, $"{name} is not valid FHIR R4: {message} ({issue.ErrorCode})");
                failed = true;
            }
        }

        return failed ? null : resource;
    }

    /// <summary>The first parse, without a validator: the resource when neither Firely nor <see cref="LiteralValidator.WouldPass"/>
    /// finds anything and every member name is spelt exactly (<see cref="MemberNames"/>), else <c>null</c>, and
    /// <see cref="Parse"/> goes on with the validating parse, which reports.</summary>
    private Resource? ParseClean(EntryLayout entry)
    {
        try
        {
            if (!MemberNames.AllExact(utf8.AsSpan(bom + entry.Start, entry.Length)))
            {
                return null;
            }

            var reader = EntryReader(entry);
            return UncheckedDeserializer.TryDeserializeResource(ref reader, out var resource, out _) && LiteralValidator.WouldPass(resource) ? resource : null;
        }
#pragma warning disable CA1031 // Whatever goes wrong here, the validating parse runs next and reports it.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    /// <summary>
    /// The pointer (relative to the resource) of the first member of <paramref name="resource"/> whose name is empty
    /// (<c>"": …</c>), at any depth, or <c>null</c> when there is none. Firely's JSON parser (6.8.0,
    /// <c>BaseFhirJsonDeserializer.getMappingForElement</c>) looks at the first character of every member name it binds,
    /// to tell a primitive's <c>_name</c> from <c>name</c>, without checking that there is one: an empty name throws
    /// <see cref="IndexOutOfRangeException"/> instead of becoming an issue. No FHIR element has an empty name, so such a
    /// resource is invalid (ELIG3101, at the member); it is found here, before Firely reads it, rather than by catching
    /// that exception, which would hide the same exception from a defect of ours. Runs only when the first, unvalidated
    /// parse has not accepted the resource (which it cannot: it fails the same way).
    /// </summary>
    internal static string? EmptyMemberName(ReadOnlySpan<byte> resource)
    {
        var reader = new Utf8JsonReader(resource, BundleLayout.ReaderOptions);
        var path = new List<string>();
        var containers = new List<(bool IsArray, int Index)>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        if (reader.ValueSpan.Length == 0)
                        {
                            return Pointer(path) + "/";
                        }

                        path.Add(SourcePositions.Escape(reader.GetString() ?? string.Empty));
                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        BeginValue();
                        containers.Add((reader.TokenType == JsonTokenType.StartArray, 0));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        containers.RemoveAt(containers.Count - 1);
                        EndValue();
                        break;
                    default:
                        BeginValue();
                        EndValue();
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Malformed text or a name that is not valid UTF-8: the validating parse meets it too, and reports it.
        }

        return null;

        void BeginValue()
        {
            if (containers.Count > 0 && containers[^1].IsArray)
            {
                path.Add(containers[^1].Index.ToString(CultureInfo.InvariantCulture));
            }
        }

        void EndValue()
        {
            if (containers.Count == 0)
            {
                return;
            }

            if (containers[^1].IsArray)
            {
                containers[^1] = (true, containers[^1].Index + 1);
            }

            path.RemoveAt(path.Count - 1);
        }

        static string Pointer(List<string> segments) => segments.Count == 0 ? string.Empty : "/" + string.Join('/', segments);
    }

    /// <summary>A reader over one entry's resource, the bytes both parses read.</summary>
    private Utf8JsonReader EntryReader(EntryLayout entry) => new(utf8.AsSpan(bom + entry.Start, entry.Length), BundleLayout.ReaderOptions);

    /// <summary>
    /// A code outside its value set is kept as written with a warning (ELIG3109) where the mapper passes it through (a
    /// status, an intent: the core decides what counts), but not in a <c>Quantity.comparator</c>: that is a modifier
    /// (it says the value is a bound, not a result), so a quantity whose comparator is not <c>&lt;</c>, <c>&lt;=</c>,
    /// <c>&gt;=</c> or <c>&gt;</c> cannot be read at all, and the resource is invalid (ELIG3101).
    /// </summary>
    internal static bool IsReadCode(string errorCode, string? instancePath) =>
        errorCode == CodedValidationException.INVALID_CODED_VALUE_CODE && instancePath is not null
        && instancePath.EndsWith(".comparator", StringComparison.Ordinal);

    internal static bool IsDateLiteral(string message) =>
        message.Contains("for a date", StringComparison.Ordinal) || message.Contains("for a dateTime", StringComparison.Ordinal)
        || message.Contains("for an instant", StringComparison.Ordinal) || message.Contains("for a instant", StringComparison.Ordinal);

    /// <summary>Finds the bundle's one Patient; a second, different Patient is an error (a bundle describes one person).</summary>
    private void IdentifyPatient(List<Parsed> parsed)
    {
        Parsed? first = null;
        foreach (var p in parsed)
        {
            if (p.Resource is not Patient)
            {
                continue;
            }

            if (first is null)
            {
                first = p;
                patientId = p.Resource.Id;
                patientKnown = true;
                patientLabel = p.Name;
                if (p.Resource.Id is { Length: > 0 } id)
                {
                    patientKeys.Add("Patient/" + id);
                }

                if (p.FullUrl is { Length: > 0 } url)
                {
                    patientKeys.Add(url);
                }

                continue;
            }

            if (!string.Equals(p.Resource.Id, first.Resource.Id, StringComparison.Ordinal) || p.Resource.Id is null)
            {
                diagnostics.Error(FhirDiagnosticCodes.MultiplePatients, p.Entry, string.Empty,
                    $"{p.Name} is a second patient in a bundle that already has {first.Name}; a bundle must hold one person's data");
            }
        }

        if (first is null)
        {
            // At the entries, or at the bundle itself when it has no 'entry' at all.
            var whole = EntryLayout.Whole(layout, utf8.Length - bom);
            string pointer = diagnostics.Positions.Existing(whole, "/entry");
            var (line, column) = diagnostics.Positions.Locate(whole, pointer);
            diagnostics.Add(new Diagnostic(
                code: FhirDiagnosticCodes.NoPatient,
                severity: DiagnosticSeverity.Warning,
                message: "the bundle has no Patient resource, so birth date and sex are unknown",
                file: diagnostics.File,
                line: line,
                column: column,
                pointer: pointer));
        }
    }

    /// <summary>Checks that a resource is about the bundle's patient. References that cannot be compared (no
    /// <c>reference</c>, only an identifier or display) are accepted.</summary>
    private bool CheckSubject(Parsed p, ResourceReference? subject, string element)
    {
        string? reference = subject?.Reference?.Trim();
        if (string.IsNullOrEmpty(reference) || patientKeys.Contains(reference))
        {
            return true;
        }

        var (type, id) = SplitReference(reference);
        if (type == "Patient" && id is not null && patientId is not null && string.Equals(id, patientId, StringComparison.Ordinal))
        {
            patientKeys.Add(reference);
            return true;
        }

        if (!patientKnown)
        {
            // No Patient resource: the first subject seen defines whose bundle this is.
            patientKnown = true;
            patientLabel = reference;
            patientKeys.Add(reference);
            if (type == "Patient" && id is not null)
            {
                patientId ??= id;
            }

            return true;
        }

        diagnostics.Error(FhirDiagnosticCodes.OtherPatient, p.Entry, element + "/reference",
            $"{p.Name} is about {reference}, not this bundle's patient {patientLabel}; a bundle must hold one person's data");
        return false;
    }

    /// <summary><c>Patient/p1</c>, <c>http://host/fhir/Patient/p1/_history/2</c> → (<c>Patient</c>, <c>p1</c>).</summary>
    private static (string? Type, string? Id) SplitReference(string reference)
    {
        string r = reference;
        int history = r.IndexOf("/_history/", StringComparison.Ordinal);
        if (history >= 0)
        {
            r = r[..history];
        }

        string[] parts = r.Split('/');
        return parts.Length >= 2 && parts[^2].Length > 0 && char.IsUpper(parts[^2][0]) ? (parts[^2], parts[^1]) : (null, null);
    }

    private void IndexMedications(List<Parsed> parsed)
    {
        foreach (var p in parsed)
        {
            if (p.Resource is not Medication medication)
            {
                continue;
            }

            if (p.FullUrl is { Length: > 0 } url)
            {
                medicationIndex.TryAdd(url, medication);
            }

            if (medication.Id is { Length: > 0 } id)
            {
                medicationIndex.TryAdd("Medication/" + id, medication);
            }
        }
    }

    /// <summary>The parsed entry whose resource is <paramref name="resource"/> itself (not one it contains), if any: looked
    /// up only for a diagnostic, so no index is kept.</summary>
    private Parsed? EntryOf(Resource resource)
    {
        foreach (var p in parsedEntries)
        {
            if (ReferenceEquals(p.Resource, resource))
            {
                return p;
            }
        }

        return null;
    }

    private PatientRecord MapPatient(Parsed p, Patient patient, PatientRecord record)
    {
        if (patientMapped)
        {
            return record; // a repeated entry of the same Patient (or a second patient, already an error): the first stands
        }

        patientMapped = true;
        string? gender = FhirValues.Raw(patient.GenderElement);
        var sex = gender switch
        {
            "female" => AdministrativeSex.Female,
            "male" => AdministrativeSex.Male,
            "other" => AdministrativeSex.Other,
            _ => AdministrativeSex.Unknown,
        };

        birthDate = Day(p, patient.BirthDate, "/birthDate", "birth date", DateUse.Point);
        return record with { Id = patient.Id, BirthDate = birthDate, Sex = sex };
    }

    /// <summary>How a date is used: a start or a point in time reads a partial date as unknown; an end reads it as the
    /// last day it can mean (an unknown end would mean "still ongoing", a stronger claim than the data makes).</summary>
    private enum DateUse
    {
        Point,
        End,
    }

    /// <summary>Reads a FHIR date as a day: invalid ⇒ ELIG3104 error; partial ⇒ ELIG3108 warning and unknown (or the last day, for an end).</summary>
    private DateOnly? Day(Parsed p, string? text, string pointer, string what, DateUse use)
    {
        if (text is null)
        {
            return null;
        }

        var date = FhirDate.Parse(text);
        if (!date.IsValid)
        {
            diagnostics.Error(FhirDiagnosticCodes.InvalidDate, p.Entry, pointer, $"{p.Name}: {what} '{text}' is not a valid FHIR date (YYYY, YYYY-MM, YYYY-MM-DD or a date-time)");
            return null;
        }

        if (date.Day is { } day)
        {
            return day;
        }

        if (use == DateUse.End)
        {
            diagnostics.Warning(FhirDiagnosticCodes.DateNotUsable, p.Entry, pointer, $"{p.Name}: {what} '{text}' names no single day; read as {date.Last!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}, the last day it can mean");
            return date.Last;
        }

        diagnostics.Warning(FhirDiagnosticCodes.DateNotUsable, p.Entry, pointer, $"{p.Name}: {what} '{text}' names no single day, so it is treated as unknown");
        return null;
    }
}
