using System;
using System.Collections.Frozen;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Eligibility.Diagnostics;
using Eligibility.Shared;

namespace Eligibility.Codes;

/// <summary>
/// The OMOP standardized vocabulary tables as downloaded from Athena (tab-separated, one header row):
/// <c>CONCEPT.csv</c>, <c>CONCEPT_ANCESTOR.csv</c>, <c>CONCEPT_RELATIONSHIP.csv</c> and, optionally,
/// <c>VOCABULARY.csv</c> for versions. Only SNOMED, RxNorm and ATC concepts are kept: they are what bindings expand.
/// The hierarchy is held as a compact child list (CSR) so that a million ancestor rows cost a few megabytes.
/// </summary>
internal sealed class OmopVocabulary
{
    /// <summary>OMOP <c>vocabulary_id</c> → FHIR code system, for the vocabularies whose hierarchies bindings use.</summary>
    private static readonly FrozenDictionary<string, string> Systems = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["SNOMED"] = CodeSystems.Snomed,
        ["RxNorm"] = CodeSystems.RxNorm,
        ["ATC"] = CodeSystems.Atc,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// <c>CONCEPT_RELATIONSHIP</c> relationships that lead from a concept to one it subsumes (parent → child), as named in
    /// the OMOP vocabulary build (OHDSI Vocabulary-v5.0, RxNorm/load_stage.sql and ATC/load_stage.sql). The ancestor table
    /// is the main source — OMOP drops the direct clinical drug → ingredient link, so products are reached through it or
    /// through these one-hop links walked transitively; ATC links with secondary ingredients (combinations) are not
    /// followed. Each relationship also appears reversed in the table, which is not needed.
    /// </summary>
    private static readonly FrozenSet<string> ChildRelationships = new[]
    {
        "Subsumes",            // SNOMED: parent subsumes child (reverse of "Is a")
        "RxNorm ing of",       // RxNorm ingredient → clinical drug component / form containing it (reverse of "RxNorm has ing")
        "RxNorm inverse is a", // RxNorm clinical drug form → clinical drug (reverse of "RxNorm is a")
        "Constitutes",         // RxNorm clinical drug component → clinical drug (reverse of "Consists of")
        "Has tradename",       // RxNorm clinical drug → branded drug (reverse of "Tradename of")
        "ATC - RxNorm",        // ATC class → RxNorm drug product
        "ATC - RxNorm pr lat", // ATC class → its primary RxNorm ingredient
    }.ToFrozenSet(StringComparer.Ordinal);

    private const string MapsTo = "Maps to";

    private readonly string[] codes;
    private readonly string[] names;
    private readonly byte[] systemOf; // index into systemNames
    private readonly string[] systemNames;
    private readonly FrozenDictionary<string, FrozenDictionary<string, int>> byCode; // system → code → index
    private readonly int[] childStart; // CSR: children of i are childList[childStart[i] .. childStart[i + 1])
    private readonly int[] childList;
    private readonly int[] mappedStart; // CSR: concepts that "Maps to" i
    private readonly int[] mappedList;

    private OmopVocabulary(
        string[] codes, string[] names, byte[] systemOf, string[] systemNames, FrozenDictionary<string, FrozenDictionary<string, int>> byCode,
        (int[] Start, int[] List) children, (int[] Start, int[] List) mapped, int ancestorRows, int relationshipRows, string description)
    {
        this.codes = codes;
        this.names = names;
        this.systemOf = systemOf;
        this.systemNames = systemNames;
        this.byCode = byCode;
        (childStart, childList) = children;
        (mappedStart, mappedList) = mapped;
        AncestorRows = ancestorRows;
        RelationshipRows = relationshipRows;
        Description = description;
    }

    public int ConceptCount => codes.Length;

    public int AncestorRows { get; }

    public int RelationshipRows { get; }

    public string Description { get; }

    /// <summary>
    /// The codes below <paramref name="coding"/>: SNOMED CT descendants, RxNorm products containing an ingredient, and
    /// for an ATC code (a prefix) the RxNorm ingredients and products of every ATC class under it; plus codes of
    /// those vocabularies that OMOP maps to any of them (retired and non-standard codes). The code itself is excluded.
    /// </summary>
    public IReadOnlyList<Coding> Descendants(Coding coding)
    {
        string system = CodeSystems.Normalise(coding.System);
        if (!byCode.TryGetValue(system, out var index))
        {
            return Array.Empty<Coding>();
        }

        var roots = new List<int>();
        string code = coding.Code.Trim();
        if (system == CodeSystems.Atc)
        {
            string prefix = code.Replace(".", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
            foreach (var (atc, i) in index)
            {
                if (atc.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                {
                    roots.Add(i);
                }
            }
        }
        else if (index.TryGetValue(code, out int i))
        {
            roots.Add(i);
        }

        if (roots.Count == 0)
        {
            return Array.Empty<Coding>();
        }

        var seen = new HashSet<int>(roots);
        var queue = new Queue<int>(roots);
        while (queue.Count > 0)
        {
            int parent = queue.Dequeue();
            for (int k = childStart[parent]; k < childStart[parent + 1]; k++)
            {
                if (seen.Add(childList[k]))
                {
                    queue.Enqueue(childList[k]);
                }
            }
        }

        foreach (int target in seen.ToList())
        {
            for (int k = mappedStart[target]; k < mappedStart[target + 1]; k++)
            {
                seen.Add(mappedList[k]);
            }
        }

        var result = new List<Coding>(seen.Count);
        foreach (int d in seen.OrderBy(d => d))
        {
            string dSystem = systemNames[systemOf[d]];
            // ATC codes under an ATC binding already match by prefix; the binding's own code is not a descendant.
            if (dSystem == CodeSystems.Atc || (dSystem == system && string.Equals(codes[d], code, StringComparison.Ordinal)))
            {
                continue;
            }

            result.Add(new Coding(dSystem, codes[d], names[d].Length == 0 ? null : names[d]));
        }

        return result;
    }

    /// <summary>Whether the vocabulary has the code (for ATC: any code starting with it).</summary>
    public bool Knows(Coding coding)
    {
        string system = CodeSystems.Normalise(coding.System);
        if (!byCode.TryGetValue(system, out var index))
        {
            return false;
        }

        string code = coding.Code.Trim();
        if (system != CodeSystems.Atc)
        {
            return index.ContainsKey(code);
        }

        string prefix = code.Replace(".", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
        return index.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal));
    }

    /// <summary>Loads the tables from a folder; every problem is a diagnostic naming the file and line.</summary>
    public static OmopVocabulary? Load(string folder, List<Diagnostic> diagnostics)
    {
        string? conceptFile = Find(folder, "CONCEPT");
        string? ancestorFile = Find(folder, "CONCEPT_ANCESTOR");
        string? relationshipFile = Find(folder, "CONCEPT_RELATIONSHIP");
        if (conceptFile is null)
        {
            diagnostics.Add(Error(folder, 0, DiagnosticCodes.TerminologyTableMissing, "no CONCEPT.csv here: an OMOP vocabulary folder (an Athena download) holds CONCEPT.csv, CONCEPT_ANCESTOR.csv and CONCEPT_RELATIONSHIP.csv"));
            return null;
        }

        if (ancestorFile is null && relationshipFile is null)
        {
            diagnostics.Add(Error(folder, 0, DiagnosticCodes.TerminologyTableMissing, "neither CONCEPT_ANCESTOR.csv nor CONCEPT_RELATIONSHIP.csv is here, so no hierarchy can be read"));
            return null;
        }

        int before = diagnostics.Count;
        var systemNames = Systems.Values.Distinct().OrderBy(s => s, StringComparer.Ordinal).ToArray();
        var codes = new List<string>();
        var names = new List<string>();
        var systemOf = new List<byte>();
        var indexOf = new Dictionary<int, int>();
        var byCode = systemNames.ToDictionary(s => s, _ => new Dictionary<string, int>(StringComparer.Ordinal), StringComparer.Ordinal);

        ReadTable(conceptFile, diagnostics, new[] { "concept_id", "concept_name", "vocabulary_id", "concept_code" }, (row, line) =>
        {
            if (!Systems.TryGetValue(row.Text(2), out string? system))
            {
                return true; // another vocabulary: not used for expansion
            }

            if (!row.TryInt(0, out int id))
            {
                diagnostics.Add(Error(conceptFile, line, DiagnosticCodes.TerminologyRowInvalid, $"concept_id '{row.Text(0)}' is not an integer"));
                return true;
            }

            string code = row.Text(3).Trim();
            if (code.Length == 0 || !indexOf.TryAdd(id, codes.Count))
            {
                diagnostics.Add(Error(conceptFile, line, DiagnosticCodes.TerminologyRowInvalid, code.Length == 0 ? $"concept {id} has no concept_code" : $"concept_id {id} appears twice"));
                return true;
            }

            byte s = (byte)Array.IndexOf(systemNames, system);
            // A code can have several concepts (a retired duplicate); the first row wins for lookups, all stay reachable by id.
            byCode[system].TryAdd(system == CodeSystems.Atc ? code.ToUpperInvariant() : code, codes.Count);
            codes.Add(code);
            names.Add(row.Text(1));
            systemOf.Add(s);
            return true;
        });

        var edges = new List<long>();
        int ancestorRows = 0;
        if (ancestorFile is not null)
        {
            ReadTable(ancestorFile, diagnostics, new[] { "ancestor_concept_id", "descendant_concept_id" }, (row, line) =>
            {
                ancestorRows++;
                if (!row.TryInt(0, out int a) || !row.TryInt(1, out int d))
                {
                    diagnostics.Add(Error(ancestorFile, line, DiagnosticCodes.TerminologyRowInvalid, "ancestor_concept_id and descendant_concept_id must be integers"));
                    return true;
                }

                if (a != d && indexOf.TryGetValue(a, out int ai) && indexOf.TryGetValue(d, out int di))
                {
                    edges.Add(((long)ai << 32) | (uint)di);
                }

                return true;
            });
        }

        var mapped = new List<long>();
        int relationshipRows = 0;
        if (relationshipFile is not null)
        {
            ReadTable(relationshipFile, diagnostics, new[] { "concept_id_1", "concept_id_2", "relationship_id" }, (row, line) =>
            {
                relationshipRows++;
                string relationship = row.Text(2);
                bool child = ChildRelationships.Contains(relationship);
                if (!child && relationship != MapsTo)
                {
                    return true;
                }

                if (row.Optional("invalid_reason") is { Length: > 0 })
                {
                    return true; // a relationship OMOP has retired
                }

                if (!row.TryInt(0, out int one) || !row.TryInt(1, out int two))
                {
                    diagnostics.Add(Error(relationshipFile, line, DiagnosticCodes.TerminologyRowInvalid, "concept_id_1 and concept_id_2 must be integers"));
                    return true;
                }

                if (one != two && indexOf.TryGetValue(one, out int i1) && indexOf.TryGetValue(two, out int i2))
                {
                    // child: 1 subsumes 2. Maps to: 1 (a source code) maps to 2, so 2's bindings reach 1.
                    (child ? edges : mapped).Add(child ? ((long)i1 << 32) | (uint)i2 : ((long)i2 << 32) | (uint)i1);
                }

                return true;
            });
        }

        string versions = Versions(Find(folder, "VOCABULARY"), diagnostics);
        if (diagnostics.Skip(before).Any(d => d.IsError))
        {
            return null;
        }

        string description = string.Create(CultureInfo.InvariantCulture,
            $"OMOP vocabulary{versions}: {codes.Count} SNOMED/RxNorm/ATC concepts, {ancestorRows} ancestor rows, {relationshipRows} relationship rows");
        return new OmopVocabulary(
            codes.ToArray(), names.ToArray(), systemOf.ToArray(), systemNames,
            byCode.ToFrozenDictionary(kv => kv.Key, kv => kv.Value.ToFrozenDictionary(StringComparer.Ordinal), StringComparer.Ordinal),
            Csr(edges, codes.Count), Csr(mapped, codes.Count), ancestorRows, relationshipRows, description);
    }

    /// <summary>Packs (parent &lt;&lt; 32 | child) pairs into a compressed sparse row list, duplicates removed.</summary>
    private static (int[] Start, int[] List) Csr(List<long> pairs, int count)
    {
        pairs.Sort();
        var start = new int[count + 1];
        var list = new List<int>(pairs.Count);
        long previous = -1;
        foreach (long pair in pairs)
        {
            if (pair == previous)
            {
                continue;
            }

            previous = pair;
            start[(int)(pair >> 32) + 1]++;
            list.Add((int)(pair & 0xFFFFFFFF));
        }

        for (int i = 0; i < count; i++)
        {
            start[i + 1] += start[i];
        }

        return (start, list.ToArray());
    }

    /// <summary>" (SNOMED 2024-09-01, RxNorm 2024-09-03)" from VOCABULARY.csv, or empty.</summary>
    private static string Versions(string? file, List<Diagnostic> diagnostics)
    {
        if (file is null)
        {
            return string.Empty;
        }

        var versions = new List<string>();
        ReadTable(file, diagnostics, new[] { "vocabulary_id", "vocabulary_version" }, (row, _) =>
        {
            if (Systems.ContainsKey(row.Text(0)) && row.Text(1).Trim() is { Length: > 0 } version)
            {
                versions.Add(version);
            }

            return true;
        });
        return versions.Count == 0 ? string.Empty : " (" + string.Join(", ", versions.Order(StringComparer.Ordinal)) + ")";
    }

    /// <summary>The table file in the folder: <c>NAME.csv</c> in any letter case (Athena spells it in capitals), or <c>.tsv</c>.</summary>
    private static string? Find(string folder, string table)
    {
        foreach (string file in Directory.EnumerateFiles(folder))
        {
            string name = Path.GetFileName(file);
            if (string.Equals(name, table + ".csv", StringComparison.OrdinalIgnoreCase) || string.Equals(name, table + ".tsv", StringComparison.OrdinalIgnoreCase))
            {
                return file;
            }
        }

        return null;
    }

    private static Diagnostic Error(string file, int line, string code, string message) =>
        new() { Code = code, Severity = DiagnosticSeverity.Error, Message = message, File = file, Line = line, Column = line > 0 ? 1 : 0 };

    /// <summary>The longest line a table may have, in characters (far beyond any Athena row): a longer one, or a file
    /// with no line breaks at all, is refused rather than read into memory whole.</summary>
    internal const int MaxLineLength = 1 << 20;

    /// <summary>
    /// Reads a tab-separated table with a header row, calling <paramref name="row"/> for each data line with the
    /// wanted columns in order. Stops after 20 reported row errors in one file. Only a regular file is opened (a device,
    /// a named pipe or a socket is refused before it can block or stream without end: ELIG0002), and a line longer than
    /// <see cref="MaxLineLength"/> ends the read (ELIG5002).
    /// </summary>
    private static void ReadTable(string file, List<Diagnostic> diagnostics, string[] wanted, Func<Row, int, bool> row)
    {
        if (BoundedFile.KindOf(file) is { } kind)
        {
            diagnostics.Add(Error(file, 0, DiagnosticCodes.FileUnreadable, $"cannot read the table: it is {kind}, not a regular file"));
            return;
        }

        using var reader = new BoundedLineReader(new StreamReader(file, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16));
        string? header = reader.ReadLine();
        if (reader.TooLong)
        {
            diagnostics.Add(Error(file, 1, DiagnosticCodes.TerminologyRowInvalid, $"the header row is longer than {MaxLineLength} characters; the file was not read"));
            return;
        }

        if (header is null)
        {
            diagnostics.Add(Error(file, 1, DiagnosticCodes.TerminologyRowInvalid, "the file is empty: it needs a header row"));
            return;
        }

        string[] columns = header.Split('\t').Select(c => c.Trim().Trim('"').ToLowerInvariant()).ToArray();
        var positions = new int[wanted.Length];
        for (int i = 0; i < wanted.Length; i++)
        {
            positions[i] = Array.IndexOf(columns, wanted[i]);
            if (positions[i] < 0)
            {
                string hint = columns.Length == 1 && header.Contains(',', StringComparison.Ordinal) ? " (the file looks comma-separated; Athena tables are tab-separated)" : string.Empty;
                diagnostics.Add(Error(file, 1, DiagnosticCodes.TerminologyRowInvalid, $"the header has no '{wanted[i]}' column{hint}"));
                return;
            }
        }

        int errorsBefore = diagnostics.Count;
        var current = new Row(columns, positions);
        int line = 1;
        string? text;
        while ((text = reader.ReadLine()) is not null)
        {
            line++;
            if (reader.TooLong)
            {
                diagnostics.Add(Error(file, line, DiagnosticCodes.TerminologyRowInvalid, $"the line is longer than {MaxLineLength} characters; the rest of the file was not read"));
                return;
            }

            if (text.Length == 0)
            {
                continue;
            }

            if (!current.Split(text))
            {
                diagnostics.Add(Error(file, line, DiagnosticCodes.TerminologyRowInvalid, $"the row has {current.FieldCount} fields; the header has {columns.Length}"));
            }
            else
            {
                row(current, line);
            }

            if (diagnostics.Count - errorsBefore >= 20)
            {
                diagnostics.Add(Error(file, line, DiagnosticCodes.TerminologyRowInvalid, "too many errors; the rest of the file was not read"));
                return;
            }
        }
    }

    /// <summary>
    /// <see cref="StreamReader.ReadLine"/> with a cap: a line of more than <see cref="MaxLineLength"/> characters is not
    /// collected (the reader stops there and <see cref="TooLong"/> says so), so an endless line cannot exhaust memory.
    /// Lines end at <c>\n</c> (a <c>\r</c> before it is dropped, as <see cref="StreamReader.ReadLine"/> does).
    /// </summary>
    private sealed class BoundedLineReader : IDisposable
    {
        private readonly StreamReader reader;
        private readonly char[] buffer = new char[1 << 16];
        private readonly System.Text.StringBuilder line = new();
        private int position;
        private int count;

        public BoundedLineReader(StreamReader reader) => this.reader = reader;

        /// <summary>Whether the last <see cref="ReadLine"/> stopped at a line over the cap.</summary>
        public bool TooLong { get; private set; }

        /// <summary>The next line without its <c>\n</c>, <c>null</c> at the end of the file, or an empty string with
        /// <see cref="TooLong"/> set when the line is over the cap.</summary>
        public string? ReadLine()
        {
            line.Clear();
            bool any = false;
            while (true)
            {
                if (position == count)
                {
                    count = reader.Read(buffer, 0, buffer.Length);
                    position = 0;
                    if (count == 0)
                    {
                        return any ? Text() : null;
                    }
                }

                any = true;
                int end = Array.IndexOf(buffer, '\n', position, count - position);
                int take = (end < 0 ? count : end) - position;
                if (line.Length + take > MaxLineLength)
                {
                    TooLong = true;
                    return string.Empty;
                }

                line.Append(buffer, position, take);
                position += take;
                if (end >= 0)
                {
                    position++;
                    return Text();
                }
            }
        }

        public void Dispose() => reader.Dispose();

        private string Text() => line.Length > 0 && line[^1] == '\r' ? line.ToString(0, line.Length - 1) : line.ToString();
    }

    /// <summary>One data row, split on tabs without copying until a field is asked for.</summary>
    private sealed class Row
    {
        private readonly string[] columns;
        private readonly int[] positions;
        private readonly List<(int Start, int Length)> fields = new();
        private string line = string.Empty;

        public Row(string[] columns, int[] positions)
        {
            this.columns = columns;
            this.positions = positions;
        }

        public int FieldCount => fields.Count;

        public bool Split(string text)
        {
            line = text.EndsWith('\r') ? text[..^1] : text;
            fields.Clear();
            int start = 0;
            for (int i = 0; i <= line.Length; i++)
            {
                if (i == line.Length || line[i] == '\t')
                {
                    fields.Add((start, i - start));
                    start = i + 1;
                }
            }

            return fields.Count == columns.Length;
        }

        private ReadOnlySpan<char> Span(int field)
        {
            var (start, length) = fields[positions[field]];
            return line.AsSpan(start, length);
        }

        public string Text(int field) => Span(field).ToString();

        public bool TryInt(int field, out int value) => int.TryParse(Span(field), NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

        public string? Optional(string column)
        {
            int i = Array.IndexOf(columns, column);
            return i < 0 ? null : line.Substring(fields[i].Start, fields[i].Length);
        }
    }
}
