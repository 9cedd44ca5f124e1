using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using Eligibility.Fhir;
using Eligibility.Patients;

namespace Eligibility.Cli.Screening;

/// <summary>
/// A FHIR Bulk Data export (<c>$export</c>): a folder of NDJSON files, one FHIR resource a line, one file (or several:
/// <c>Observation_1.ndjson</c>, <c>Observation.000.ndjson</c>) per resource type. Each <c>Patient</c> becomes one
/// collection Bundle — the Patient, every resource whose <c>subject</c> or <c>patient</c> names it
/// (<c>Patient/&lt;id&gt;</c>) and the <c>Medication</c> resources those name — read as an NDJSON line holding that
/// Bundle would be.
/// <para>
/// Memory stays bounded however large the export: the resources are first written to temporary bucket files by a hash
/// of the patient they name (Medications by a hash of their id, then copied into the buckets that name them), then the
/// buckets are grouped into Bundles one at a time, and the Bundles of all buckets are merged back into export order.
/// Only one bucket (about <see cref="DefaultBucketBytes"/>, or the export's size over <see cref="MaxBuckets"/> when that
/// is more) is in memory at a time. The rows come in export order whatever the bucket count: every row belongs to a
/// line of the export — a patient's to its Patient line — and the rows are ordered by file (Patient files first, then
/// the others, each by name) and line.
/// </para>
/// </summary>
internal sealed class BulkExport
{
    /// <summary>The export's bytes one bucket holds, about.</summary>
    public const long DefaultBucketBytes = 32L * 1024 * 1024;

    /// <summary>At most this many buckets (each is an open file while the export is partitioned).</summary>
    public const int MaxBuckets = 128;

    private const string Extension = ".ndjson";

    /// <summary>A test hook: the bytes of one bucket, so that a small export can be split into many buckets.</summary>
    internal static readonly AsyncLocal<long?> BucketBytes = new();

    /// <summary>A test hook: the folder the temporary bucket folder is made in (default: the system's temporary folder).</summary>
    internal static readonly AsyncLocal<string?> TemporaryRoot = new();

    private static readonly char[] Separators = ['_', '.', '-'];

    private readonly long maxRecordBytes;
    private readonly IReadOnlyList<string> files;

    /// <summary>The bytes of the bucket being grouped, kept for the next bucket (<see cref="Slab"/>).</summary>
    private Slab? slab;

    /// <summary>The Bundle being written, kept for the next patient.</summary>
    private MemoryStream? bundleBuffer;

    public BulkExport(string folder, long maxRecordBytes)
    {
        this.maxRecordBytes = maxRecordBytes;
        files = Files(folder);
    }

    /// <summary>Blank lines skipped in every file (known once the export has been partitioned).</summary>
    public int BlankLines { get; private set; }

    /// <summary>Why the export could not be read to its end (a file that cannot be read on, a line with no end); null when it could.</summary>
    public string? Stopped { get; private set; }

    /// <summary>Whether reading stopped at a line with no newline (see <see cref="PatientSource.StoppedAtEndlessLine"/>).</summary>
    public bool StoppedAtEndlessLine { get; private set; }

    /// <summary>
    /// Whether <paramref name="folder"/> is a Bulk Data export: its top level holds a <c>*.ndjson</c> file named after a
    /// resource type (<c>Patient.ndjson</c>; the type may be followed by <c>_</c>, <c>.</c> or <c>-</c> and anything).
    /// </summary>
    public static bool IsExport(string folder) => Files(folder).Count > 0;

    /// <summary>
    /// The NDJSON files of an export in the order they are read: every <c>*.ndjson</c> file of the folder's top level,
    /// those named after <c>Patient</c> first, then the others, each group by name (ordinal); empty when the folder is
    /// not an export.
    /// </summary>
    public static IReadOnlyList<string> Files(string folder)
    {
        var all = Directory.EnumerateFiles(folder, "*" + Extension, SearchOption.TopDirectoryOnly)
            .Where(f => f.EndsWith(Extension, StringComparison.Ordinal))
            .ToList();
        if (!all.Any(f => TypeOf(f) is not null))
        {
            return [];
        }

        return all.OrderBy(f => TypeOf(f) == "Patient" ? 0 : 1).ThenBy(f => Path.GetFileName(f), StringComparer.Ordinal).ToList();
    }

    /// <summary>The resource type a file is named after (<c>Observation</c> for <c>Observation.000.ndjson</c>); null when its name is not one.</summary>
    private static string? TypeOf(string file)
    {
        string stem = Path.GetFileName(file)[..^Extension.Length];
        int cut = stem.IndexOfAny(Separators);
        string type = cut < 0 ? stem : stem[..cut];
        return type.Length >= 2 && char.IsAsciiLetterUpper(type[0]) && type.All(char.IsAsciiLetter) ? type : null;
    }

    /// <summary>
    /// The export's records in export order, from the <paramref name="start"/>-th (its <see cref="InputPosition.Offset"/>
    /// counts the records done): each Patient's Bundle, and an error row for each line that is not a resource, each
    /// resource that names no Patient of the export, and each patient too large for one record.
    /// </summary>
    public IEnumerable<ScreenItem> Items(InputPosition start)
    {
        var temporary = TemporaryRoot.Value is { } root
            ? Directory.CreateDirectory(Path.Combine(root, "eligibility-bulk-" + Guid.NewGuid().ToString("N")))
            : Directory.CreateTempSubdirectory("eligibility-bulk-");
        try
        {
            var ready = Prepare(temporary.FullName);
            if (ready is null)
            {
                yield break; // Stopped says why
            }

            foreach (var item in Merge(ready, start))
            {
                yield return item;
            }
        }
        finally
        {
            try
            {
                temporary.Delete(recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A temporary folder left behind costs disk space, never a result.
            }
        }
    }

    /// <summary>Partitions the export and groups each bucket: the sorted files to merge, or null when the export could not be read.</summary>
    private List<string>? Prepare(string temporary)
    {
        long total = 0;
        foreach (string file in files)
        {
            total += new FileInfo(file).Length;
        }

        long bucketBytes = Math.Max(1, BucketBytes.Value ?? DefaultBucketBytes);
        int count = (int)Math.Clamp((total + bucketBytes - 1) / bucketBytes, 1, MaxBuckets);
        var buckets = new Partition(temporary, "bucket", count);
        var medications = new Partition(temporary, "medication", count);
        string issues = Path.Combine(temporary, "issues");
        try
        {
            using (var issueWriter = new BinaryWriter(new FileStream(issues, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16)))
            {
                if (!Split(buckets, medications, issueWriter))
                {
                    return null;
                }
            }

            JoinMedications(medications, buckets);
            buckets.Close();
            var ready = new List<string>(count + 1) { issues };
            slab = new Slab();
            bundleBuffer = new MemoryStream();
            for (int b = 0; b < count; b++)
            {
                ready.Add(Group(buckets.Path(b)));
            }

            return ready;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Stopped = $"cannot write the temporary bucket files of the Bulk FHIR export under {temporary}: {ex.Message.ReplaceLineEndings(" ")}";
            return null;
        }
        finally
        {
            buckets.Close();
            medications.Close();
            slab = null; // the screening that follows needs none of it
            bundleBuffer = null;
        }
    }

    /// <summary>
    /// Pass 1: every line of every file, once. A Patient goes to the bucket of its id, a resource naming a Patient to
    /// that patient's bucket, a Medication to the medication partition of its id (with a note of each bucket naming it);
    /// a line that is not a resource, or a resource whose subject names no patient by id, is an issue row.
    /// </summary>
    private bool Split(Partition buckets, Partition medications, BinaryWriter issues)
    {
        for (int f = 0; f < files.Count; f++)
        {
            string file = files[f];
            var source = PatientSource.Open(file, maxRecordBytes);
            foreach (var item in source.Items(() => Stream.Null))
            {
                if (item.ReadError is { } error || item.Bytes is not { } bytes)
                {
                    WriteIssue(issues, f, item.Line, item.ReadError ?? "the line could not be read");
                    continue;
                }

                if (Scan(bytes) is not { } resource)
                {
                    WriteIssue(issues, f, item.Line, NotAResource(bytes, file));
                    continue;
                }

                switch (resource)
                {
                    case { Type: "Patient" }:
                        Write(buckets.Writer(Hash(resource.Id ?? string.Empty)), Kind.Patient, f, item.Line, resource.Id ?? Unnamed(f, item.Line), null, bytes);
                        break;
                    case { Type: "Medication" }:
                        if (resource.Id is { } medicationId)
                        {
                            Write(medications.Writer(Hash(medicationId)), Kind.Medication, f, item.Line, medicationId, null, bytes);
                        }

                        break; // a Medication without an id cannot be named: nothing needs it
                    case { HasSubject: false }:
                        break; // not about one patient (Practitioner, Organization, Location…): the Bundle reader would not use it
                    case { Patient: null }:
                        WriteIssue(issues, f, item.Line, Invariant($"{ScreenDiagnosticCodes.BulkNoPatient}: {resource.Type}/{resource.Id ?? "(no id)"} names no Patient of the export by id (its subject or patient reference is {(resource.Reference is null ? "not a reference" : "'" + resource.Reference + "'")}); it is not screened"));
                        break;
                    default:
                        int bucket = buckets.Index(Hash(resource.Patient));
                        Write(buckets.Writer(bucket), Kind.Resource, f, item.Line, resource.Patient, resource.Medication, bytes);
                        if (resource.Medication is { } named)
                        {
                            // The medication partition learns which bucket needs this Medication (no bytes: a note).
                            var note = medications.Writer(Hash(named));
                            note.Write((byte)Kind.Need);
                            note.Write(bucket);
                            note.Write(named);
                        }

                        break;
                }
            }

            BlankLines += source.BlankLines;
            if (source.Stopped is { } stopped)
            {
                Stopped = stopped;
                StoppedAtEndlessLine = source.StoppedAtEndlessLine;
                return false;
            }
        }

        return true;
    }

    /// <summary>Pass 1b: each medication partition in turn copies its Medications into the buckets that name them (once each).</summary>
    private static void JoinMedications(Partition medications, Partition buckets)
    {
        medications.Close();
        for (int m = 0; m < medications.Count; m++)
        {
            string path = medications.Path(m);
            if (!File.Exists(path))
            {
                continue;
            }

            var known = new Dictionary<string, (int File, int Line, byte[] Bytes)>(StringComparer.Ordinal);
            var needs = new HashSet<(int Bucket, string Id)>();
            using (var reader = new BinaryReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16)))
            {
                while (reader.BaseStream.Position < reader.BaseStream.Length)
                {
                    var kind = (Kind)reader.ReadByte();
                    if (kind == Kind.Need)
                    {
                        int bucket = reader.ReadInt32();
                        needs.Add((bucket, reader.ReadString()));
                        continue;
                    }

                    var (file, line, id, _, bytes) = ReadRecord(reader);
                    known.TryAdd(id, (file, line, bytes)); // a repeated id: the first one, as the Bundle reader takes the first
                }
            }

            foreach (var (bucket, id) in needs.OrderBy(n => n.Bucket).ThenBy(n => n.Id, StringComparer.Ordinal))
            {
                if (known.TryGetValue(id, out var medication))
                {
                    Write(buckets.Writer(bucket), Kind.Medication, medication.File, medication.Line, id, null, medication.Bytes);
                }
            }

            File.Delete(path);
        }
    }

    /// <summary>
    /// Pass 2: one bucket in memory, grouped by patient; writes (and returns) a file of its records sorted by where they
    /// are in the export: a Bundle per Patient, an error row per id named only by resources. The bucket's lines are read
    /// into the slab every bucket reuses, and each Bundle into the one buffer, so grouping bucket after bucket leaves
    /// no bucket-sized garbage behind.
    /// </summary>
    private string Group(string bucketPath)
    {
        string readyPath = bucketPath + ".ready";
        var slab = this.slab ??= new Slab();
        slab.Clear();
        var patients = new Dictionary<string, Patient>(StringComparer.Ordinal);
        var medicationsById = new SortedDictionary<string, ExportLine>(StringComparer.Ordinal);
        if (File.Exists(bucketPath))
        {
            using var reader = new BinaryReader(new FileStream(bucketPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16));
            while (reader.BaseStream.Position < reader.BaseStream.Length)
            {
                var kind = (Kind)reader.ReadByte();
                var (file, line, id, medication) = ReadHead(reader);
                var bytes = slab.Read(reader, reader.ReadInt32());
                if (kind == Kind.Medication)
                {
                    medicationsById.TryAdd(id, new ExportLine(file, line, bytes));
                    continue;
                }

                if (!patients.TryGetValue(id, out var patient))
                {
                    patients[id] = patient = new Patient();
                }

                (kind == Kind.Patient ? patient.Patients : patient.Resources).Add(new ExportLine(file, line, bytes, medication));
            }
        }

        using (var writer = new BinaryWriter(new FileStream(readyPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16)))
        {
            foreach (var (id, patient) in patients.Select(p => (p.Key, p.Value)).OrderBy(p => p.Value.First.File).ThenBy(p => p.Value.First.Line))
            {
                var first = patient.First;
                if (patient.Patients.Count == 0)
                {
                    WriteIssue(writer, first.File, first.Line, Invariant($"{ScreenDiagnosticCodes.BulkNoPatient}: Patient/{id}, named by {patient.Resources.Count} resource(s) (the first on this line), is not in the export: no Patient resource has this id; they are not screened"));
                    continue;
                }

                var bundle = bundleBuffer ??= new MemoryStream();
                var entries = Bundle(bundle, patient, medicationsById);
                if (bundle.Length > maxRecordBytes)
                {
                    WriteIssue(writer, first.File, first.Line, Invariant($"ELIG0003: the patient's Bundle (the Patient and the {patient.Resources.Count} resource(s) naming it) would be {bundle.Length} bytes, more than {maxRecordBytes}, the limit for one record (--max-record-bytes)"));
                    continue;
                }

                writer.Write(first.File);
                writer.Write(first.Line);
                writer.Write((byte)0);
                writer.Write((int)bundle.Length);
                writer.Write(bundle.GetBuffer(), 0, (int)bundle.Length);
                writer.Write(entries.Count);
                foreach (var (file, line, column) in entries)
                {
                    writer.Write(file);
                    writer.Write(line);
                    writer.Write(column);
                }
            }
        }

        if (File.Exists(bucketPath))
        {
            File.Delete(bucketPath);
        }

        return readyPath;
    }

    /// <summary>
    /// The patient's collection Bundle, written over <paramref name="bundle"/> (emptied first): its Patient line(s), its
    /// resources in export order, then the Medications they name (by id); returns where each entry comes from: file
    /// index, line, and the column (UTF-16) its resource starts at.
    /// </summary>
    private static List<(int File, int Line, int Column)> Bundle(MemoryStream bundle, Patient patient, SortedDictionary<string, ExportLine> medicationsById)
    {
        bundle.SetLength(0);
        var entries = new List<(int File, int Line, int Column)>();
        ReadOnlySpan<byte> start = """{"resourceType":"Bundle","type":"collection","entry":["""u8;
        bundle.Write(start);
        long characters = start.Length; // UTF-16 characters so far: the Bundle's own text is ASCII
        void Entry(ExportLine line)
        {
            var open = entries.Count == 0 ? """{"resource":"""u8 : """,{"resource":"""u8;
            bundle.Write(open);
            characters += open.Length;
            entries.Add((line.File, line.Line, (int)Math.Min(int.MaxValue, characters + 1)));
            bundle.Write(line.Bytes.Span);
            bundle.WriteByte((byte)'}');
            characters += Encoding.UTF8.GetCharCount(line.Bytes.Span) + 1;
        }

        foreach (var line in patient.Patients)
        {
            Entry(line);
        }

        var named = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var line in patient.Resources)
        {
            Entry(line);
            if (line.Medication is { } medication)
            {
                named.Add(medication);
            }
        }

        foreach (string id in named)
        {
            if (medicationsById.TryGetValue(id, out var medication))
            {
                Entry(medication);
            }
        }

        bundle.Write("]}"u8);
        return entries;
    }

    /// <summary>Pass 3: the sorted files merged by place in the export; the first <paramref name="start"/>.Offset records skipped (a resumed run).</summary>
    private IEnumerable<ScreenItem> Merge(List<string> ready, InputPosition start)
    {
        var readers = ready.Select(p => new BinaryReader(new FileStream(p, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 14))).ToList();
        try
        {
            var heads = new PriorityQueue<(int Reader, int File, int Line), (int File, int Line)>();
            void Next(int r)
            {
                var reader = readers[r];
                if (reader.BaseStream.Position < reader.BaseStream.Length)
                {
                    int file = reader.ReadInt32();
                    int line = reader.ReadInt32();
                    heads.Enqueue((r, file, line), (file, line));
                }
            }

            for (int r = 0; r < readers.Count; r++)
            {
                Next(r);
            }

            long n = 0;
            while (heads.TryDequeue(out var head, out _))
            {
                var reader = readers[head.Reader];
                byte kind = reader.ReadByte();
                byte[]? bytes = kind == 0 ? reader.ReadBytes(reader.ReadInt32()) : null;
                string? error = kind == 0 ? null : reader.ReadString();
                EntryOrigin[]? entries = kind == 0 ? new EntryOrigin[reader.ReadInt32()] : null;
                for (int e = 0; e < (entries?.Length ?? 0); e++)
                {
                    entries![e] = new EntryOrigin(files[reader.ReadInt32()], reader.ReadInt32(), reader.ReadInt32());
                }

                Next(head.Reader);
                n++;
                if (n <= start.Offset)
                {
                    continue;
                }

                yield return new ScreenItem(head.Line, files[head.File], bytes, error, n) { Next = new InputPosition(n, 0, BlankLines, false), Entries = entries };
            }
        }
        finally
        {
            foreach (var reader in readers)
            {
                reader.Dispose();
            }
        }
    }

    /// <summary>Why a line is not a resource: the reader's own error for text that is not JSON, else ELIG4201.</summary>
    private string NotAResource(byte[] bytes, string file)
    {
        var read = FhirBundleReader.Read(bytes, file, new InputLimits { MaxRecordBytes = maxRecordBytes });
        var first = read.Diagnostics.FirstOrDefault(d => d.IsError && d.Code.StartsWith("ELIG000", StringComparison.Ordinal));
        return first is not null
            ? ScreenPipeline.Describe(first)
            : $"{ScreenDiagnosticCodes.BulkNotAResource}: the line is not a FHIR resource (a JSON object with a string resourceType, and a string id, subject.reference or patient.reference where given); it is not screened";
    }

    /// <summary>What routing needs of a resource, from its top level; null when the line is not a resource (or not JSON).</summary>
    private static Resource? Scan(byte[] utf8)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            string? type = null, id = null, reference = null, medication = null;
            bool hasSubject = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("resourceType"u8) || reader.ValueTextEquals("id"u8))
                {
                    bool isType = reader.ValueTextEquals("resourceType"u8);
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return null;
                    }

                    if (isType)
                    {
                        type = reader.GetString();
                    }
                    else
                    {
                        id = reader.GetString();
                    }
                }
                else if (reader.ValueTextEquals("subject"u8) || reader.ValueTextEquals("patient"u8) || reader.ValueTextEquals("medicationReference"u8))
                {
                    bool isMedication = reader.ValueTextEquals("medicationReference"u8);
                    hasSubject |= !isMedication;
                    reader.Read();
                    string? found = ReferenceIn(ref reader);
                    if (isMedication)
                    {
                        medication = found;
                    }
                    else
                    {
                        reference ??= found;
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (type is null || reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return null; // no resourceType, or something after the object
            }

            return new Resource(type, id, hasSubject, reference, IdAfter(reference, "Patient/"), IdAfter(medication, "Medication/"));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The <c>reference</c> string of the Reference object the reader is at; null when it has none.</summary>
    private static string? ReferenceIn(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        string? reference = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isReference = reader.ValueTextEquals("reference"u8);
            reader.Read();
            if (isReference && reader.TokenType == JsonTokenType.String)
            {
                reference = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }

        return reference;
    }

    /// <summary>
    /// The id in a reference to <paramref name="type"/> (<c>Patient/</c>): <c>Patient/p1</c>, or an absolute URL ending in
    /// it (<c>https://ehr.example/fhir/Patient/p1</c>, <c>…/Patient/p1/_history/2</c>); null for any other reference.
    /// </summary>
    internal static string? IdAfter(string? reference, string type)
    {
        if (reference is null)
        {
            return null;
        }

        int at = reference.LastIndexOf(type, StringComparison.Ordinal);
        while (at > 0 && reference[at - 1] != '/')
        {
            at = reference.LastIndexOf(type, at - 1, StringComparison.Ordinal);
        }

        if (at < 0)
        {
            return null;
        }

        string rest = reference[(at + type.Length)..];
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0 && !rest[slash..].StartsWith("/_history/", StringComparison.Ordinal))
        {
            return null;
        }

        string id = slash < 0 ? rest : rest[..slash];
        return id.Length > 0 ? id : null;
    }

    /// <summary>A bucket key for a Patient without an id: no resource can name it, so it is a patient of its own.</summary>
    private static string Unnamed(int file, int line) => Invariant($"\0{file}:{line}");

    /// <summary>FNV-1a over the id's UTF-16 code units: the same buckets on every run and machine.</summary>
    private static uint Hash(string id)
    {
        uint hash = 2166136261;
        foreach (char c in id)
        {
            hash = (hash ^ c) * 16777619;
        }

        return hash;
    }

    /// <summary>A line's record in a bucket or partition file: what it is, where it is, the id it is filed under, the Medication it names, its bytes.</summary>
    private static void Write(BinaryWriter writer, Kind kind, int file, int line, string id, string? medication, byte[] bytes)
    {
        writer.Write((byte)kind);
        writer.Write(file);
        writer.Write(line);
        writer.Write(id);
        writer.Write(medication ?? string.Empty);
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    private static (int File, int Line, string Id, string? Medication, byte[] Bytes) ReadRecord(BinaryReader reader)
    {
        var (file, line, id, medication) = ReadHead(reader);
        return (file, line, id, medication, reader.ReadBytes(reader.ReadInt32()));
    }

    /// <summary>A record's fields before its bytes (the reader is left on the bytes' length).</summary>
    private static (int File, int Line, string Id, string? Medication) ReadHead(BinaryReader reader)
    {
        int file = reader.ReadInt32();
        int line = reader.ReadInt32();
        string id = reader.ReadString();
        string medication = reader.ReadString();
        return (file, line, id, medication.Length == 0 ? null : medication);
    }

    /// <summary>An error row's record in a sorted file: its place, then its text.</summary>
    private static void WriteIssue(BinaryWriter writer, int file, int line, string message)
    {
        writer.Write(file);
        writer.Write(line);
        writer.Write((byte)1);
        writer.Write(message);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private enum Kind : byte
    {
        Patient,
        Resource,
        Medication,
        Need,
    }

    /// <summary>What routing reads of a resource: its type and id, whether it has a subject/patient element, its reference, the patient and Medication ids named.</summary>
    private sealed record Resource(string Type, string? Id, bool HasSubject, string? Reference, string? Patient, string? Medication);

    /// <summary>One line of the export: file index, line number, bytes, and the Medication it names by id (if any).</summary>
    private sealed record ExportLine(int File, int Line, ReadOnlyMemory<byte> Bytes, string? Medication = null);

    /// <summary>
    /// The bytes of one bucket's lines, in chunks kept from bucket to bucket: without it each line of every bucket was an
    /// array of its own, all alive until the bucket was grouped, and with the server collector (which collects its oldest
    /// generation seldom) the dead buckets piled up: peak memory grew with the export (Bulk FHIR, 10,000 patients 354 MB,
    /// 100,000 patients 586 MB). A line larger than a chunk gets an array of its own.
    /// </summary>
    private sealed class Slab
    {
        private const int ChunkBytes = 1 << 20;

        private readonly List<byte[]> chunks = [];
        private int chunk;
        private int used;

        /// <summary>Forgets the lines read so far; the chunks are kept.</summary>
        public void Clear() => (chunk, used) = (0, 0);

        /// <summary>Reads <paramref name="length"/> bytes into the slab.</summary>
        public ReadOnlyMemory<byte> Read(BinaryReader reader, int length)
        {
            if (length > ChunkBytes)
            {
                return reader.ReadBytes(length);
            }

            if (chunks.Count == 0 || used + length > ChunkBytes)
            {
                if (chunks.Count > 0)
                {
                    chunk++;
                }

                if (chunk == chunks.Count)
                {
                    chunks.Add(new byte[ChunkBytes]);
                }

                used = 0;
            }

            var memory = chunks[chunk].AsMemory(used, length);
            reader.BaseStream.ReadExactly(memory.Span);
            used += length;
            return memory;
        }
    }

    /// <summary>One patient of a bucket: its Patient line(s) and the lines of the resources naming it, in export order.</summary>
    private sealed class Patient
    {
        public List<ExportLine> Patients { get; } = [];

        public List<ExportLine> Resources { get; } = [];

        /// <summary>Where its rows go: its (first) Patient line, else the first resource naming it.</summary>
        public ExportLine First => Patients.Count > 0 ? Patients[0] : Resources[0];
    }

    /// <summary><see cref="Count"/> temporary files written side by side, opened when first written.</summary>
    private sealed class Partition(string folder, string name, int count)
    {
        private readonly BinaryWriter?[] writers = new BinaryWriter?[count];

        public int Count => count;

        public string Path(int index) => System.IO.Path.Combine(folder, Invariant($"{name}-{index}"));

        public int Index(uint hash) => (int)(hash % (uint)count);

        public BinaryWriter Writer(uint hash) => Writer(Index(hash));

        public BinaryWriter Writer(int index) =>
            writers[index] ??= new BinaryWriter(new FileStream(Path(index), FileMode.Append, FileAccess.Write, FileShare.None, 1 << 14), Encoding.UTF8);

        public void Close()
        {
            for (int i = 0; i < writers.Length; i++)
            {
                writers[i]?.Dispose();
                writers[i] = null;
            }
        }
    }
}
