using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Eligibility.Codes;
using Hl7.Fhir.Model;
using Coding = Eligibility.Coding;

namespace Eligibility.Fhir;

/// <summary>
/// Turns the ValueSets of one file into <see cref="ValueSetDefinition"/>s (docs/fhir.md): the codes of the expansion when
/// it has any (it is authoritative; compose is then not read), else of the compose — enumerated <c>concept</c>s,
/// <c>concept is-a</c> filters (kept as <see cref="ValueSetDefinition.IncludesDescendantsOf"/>), other value sets of the
/// same file, minus enumerated excludes. Whatever would need a terminology server is an error. One instance per file.
/// </summary>
internal sealed class ValueSetComposer
{
    /// <summary>How deep value sets may include value sets that include value sets; deeper is reported, not recursed into.</summary>
    private const int MaxIncludeDepth = 32;

    private const string ExportHint = "export the value set with its expansion";

    private readonly List<Candidate> candidates;
    private readonly MappingDiagnostics diagnostics;
    private readonly string? fileName;

    public ValueSetComposer(IReadOnlyList<ParsedValueSet> valueSets, MappingDiagnostics diagnostics, string? fileName)
    {
        candidates = valueSets.Select(v => new Candidate(v)).ToList();
        this.diagnostics = diagnostics;
        this.fileName = fileName;
    }

    private enum State
    {
        Pending,
        InProgress,
        Done,
    }

    /// <summary>The value sets that were read without error, in file order.</summary>
    public List<ValueSetDefinition> Compose()
    {
        var seen = new HashSet<(string Url, string? Version)>();
        foreach (var c in candidates)
        {
            if (c.Url is null)
            {
                diagnostics.Error(FhirDiagnosticCodes.ValueSetNoUrl, c.Entry, string.Empty,
                    $"{c.Name} has no 'url'; concepts name a value set by its canonical URL, so it cannot be used");
                c.Failed = true;
            }
            else if (!seen.Add((c.Url, c.Version)))
            {
                diagnostics.Error(FhirDiagnosticCodes.ValueSetDuplicate, c.Entry, "/url",
                    $"{c.Name}: value set '{c.Canonical}' is already in this file; a file must hold each url and version once");
                c.Failed = true;
                c.Duplicate = true;
            }
        }

        var read = new List<ValueSetDefinition>();
        foreach (var c in candidates)
        {
            if (Resolve(c, 0) is { } content && !c.Failed)
            {
                read.Add(new ValueSetDefinition
                {
                    Url = c.Url!,
                    Version = c.Version,
                    Title = Text(c.Resource.Title) ?? Text(c.Resource.Name),
                    Codes = content.Codes.Items,
                    IncludesDescendantsOf = content.DescendantsOf.Items,
                    Source = fileName,
                });
            }
        }

        return read;
    }

    /// <summary>The content of a value set, computed once; <c>null</c> when it has an error (reported).</summary>
    private Content? Resolve(Candidate c, int depth)
    {
        if (c.State == State.Done)
        {
            return c.Failed ? null : c.Content;
        }

        c.State = State.InProgress;
        var vs = c.Resource;
        var content = new Content();
        bool ok;
        string at;
        if (vs.Expansion is { } expansion && (expansion.Contains.Count > 0 || vs.Compose is null))
        {
            at = "/expansion";
            ok = Expansion(c, expansion, content);
        }
        else if (vs.Compose is { } compose)
        {
            at = "/compose";
            ok = Compose(c, compose, content, depth);
        }
        else
        {
            at = string.Empty;
            diagnostics.Error(FhirDiagnosticCodes.ValueSetUnsupported, c.Entry, string.Empty,
                $"{c.Name} has neither an expansion nor a compose, so it lists no codes; {ExportHint}");
            ok = false;
        }

        if (ok && content.Codes.Count == 0 && content.DescendantsOf.Count == 0)
        {
            diagnostics.Error(FhirDiagnosticCodes.ValueSetEmpty, c.Entry, at,
                $"{c.Name} contains no codes, so a concept naming it would match nothing");
            ok = false;
        }

        c.State = State.Done;
        c.Failed |= !ok;
        c.Content = content;
        return c.Failed ? null : content;
    }

    // ---------------------------------------------------------------- expansion

    private bool Expansion(Candidate c, ValueSet.ExpansionComponent expansion, Content into)
    {
        if (expansion.Offset is > 0)
        {
            diagnostics.Error(FhirDiagnosticCodes.ValueSetUnsupported, c.Entry, "/expansion/offset",
                $"{c.Name}: the expansion is one page, starting at offset {expansion.Offset.Value.ToString(CultureInfo.InvariantCulture)}; {ExportHint}, whole");
            return false;
        }

        int entries = 0;
        Contains(expansion.Contains, into, ref entries);
        if (expansion.Total is { } total && total > entries)
        {
            diagnostics.Error(FhirDiagnosticCodes.ValueSetUnsupported, c.Entry, "/expansion/total",
                $"{c.Name}: the expansion is incomplete: its total is {total.ToString(CultureInfo.InvariantCulture)} but it lists {entries.ToString(CultureInfo.InvariantCulture)}; {ExportHint}, whole");
            return false;
        }

        return true;
    }

    /// <summary>Adds the codes of <c>contains</c>, recursively: an abstract entry (a heading) and one without system or code is
    /// no code, but its children can be.</summary>
    private static void Contains(List<ValueSet.ContainsComponent> contains, Content into, ref int entries)
    {
        foreach (var item in contains)
        {
            entries++;
            if (item.Abstract != true && Text(item.System) is { } system && Text(item.Code) is { } code)
            {
                into.Codes.Add(new Coding(system, code, item.Display));
            }

            Contains(item.Contains, into, ref entries);
        }
    }

    // ---------------------------------------------------------------- compose

    private bool Compose(Candidate c, ValueSet.ComposeComponent compose, Content into, int depth)
    {
        if (compose.Include.Count == 0)
        {
            return Unsupported(c, "/compose", $"{c.Name}: the compose includes nothing; {ExportHint}");
        }

        bool ok = true;
        for (int i = 0; i < compose.Include.Count; i++)
        {
            ok &= Include(c, compose.Include[i], "/compose/include/" + Index(i), into, depth);
        }

        for (int i = 0; i < compose.Exclude.Count; i++)
        {
            ok &= Exclude(c, compose.Exclude[i], "/compose/exclude/" + Index(i), into);
        }

        return ok;
    }

    /// <summary>One <c>include</c>: its system part (concepts, an is-a filter, or the whole system) and each value set it
    /// names. Several parts select the codes they all have (FHIR: the intersection).</summary>
    private bool Include(Candidate c, ValueSet.ConceptSetComponent include, string at, Content into, int depth)
    {
        string? system = Text(include.System);
        var parts = new List<Content>();
        bool ok = true;
        if (system is null)
        {
            if (include.Concept.Count > 0 || include.Filter.Count > 0)
            {
                return Unsupported(c, at, $"{c.Name}: an include lists codes or a filter without a 'system'");
            }

            if (include.ValueSetElement.Count == 0)
            {
                return Unsupported(c, at, $"{c.Name}: an include names neither a code system nor a value set, so it selects nothing");
            }
        }
        else if (include.Concept.Count > 0 && include.Filter.Count > 0)
        {
            return Unsupported(c, at + "/filter", $"{c.Name}: an include has both concepts and a filter, which FHIR does not allow (vsd-3)");
        }
        else if (include.Concept.Count > 0)
        {
            var part = new Content();
            foreach (var concept in include.Concept)
            {
                if (Text(concept.Code) is { } code)
                {
                    part.Codes.Add(new Coding(system, code, concept.Display));
                }
            }

            parts.Add(part);
        }
        else if (include.Filter.Count > 0)
        {
            if (Filter(c, system, include.Filter, at) is not { } part)
            {
                return false;
            }

            parts.Add(part);
        }
        else if (include.ValueSetElement.Count == 0)
        {
            return Unsupported(c, at + "/system",
                $"{c.Name}: an include takes the whole code system {system}, which only a terminology server can list; {ExportHint}");
        }
        else
        {
            parts.Add(new Content { WholeSystem = system });
        }

        for (int j = 0; j < include.ValueSetElement.Count; j++)
        {
            string vat = at + "/valueSet/" + Index(j);
            if (Referenced(c, include.ValueSetElement[j].Value, vat, depth) is { } part)
            {
                parts.Add(part);
            }
            else
            {
                ok = false;
            }
        }

        if (!ok)
        {
            return false;
        }

        if (parts.Count == 1)
        {
            into.Codes.AddRange(parts[0].Codes.Items);
            into.DescendantsOf.AddRange(parts[0].DescendantsOf.Items);
            return true;
        }

        if (parts.Any(p => p.DescendantsOf.Count > 0))
        {
            return Unsupported(c, at,
                $"{c.Name}: an include selects the codes shared by an is-a filter and other parts, which needs the code hierarchy; {ExportHint}");
        }

        var lists = parts.Where(p => p.WholeSystem is null).ToList();
        var systems = parts.Where(p => p.WholeSystem is not null).Select(p => p.WholeSystem!).ToList();
        foreach (var coding in lists[0].Codes.Items)
        {
            if (lists.Skip(1).All(l => l.Codes.Contains(coding)) && systems.All(s => string.Equals(s, coding.System, StringComparison.Ordinal)))
            {
                into.Codes.Add(coding);
            }
        }

        return true;
    }

    /// <summary>An include's filters: only one <c>concept is-a X</c> (X and its descendants) can be kept without a server.</summary>
    private Content? Filter(Candidate c, string system, List<ValueSet.FilterComponent> filters, string at)
    {
        if (filters.Count > 1)
        {
            Unsupported(c, at + "/filter/1",
                $"{c.Name}: an include has {filters.Count.ToString(CultureInfo.InvariantCulture)} filters, which must all hold; only a terminology server can list that; {ExportHint}");
            return null;
        }

        var f = filters[0];
        string fat = at + "/filter/0";
        string? property = Text(f.Property);
        string? op = Text(FhirValues.Raw(f.OpElement));
        string? value = Text(f.Value);
        if (property == "concept" && op == "is-a")
        {
            if (value is null)
            {
                Unsupported(c, fat, $"{c.Name}: the filter 'concept is-a' names no code");
                return null;
            }

            if (!HasHierarchy(system))
            {
                Unsupported(c, fat + "/value",
                    $"{c.Name}: the filter 'concept is-a {value}' is in {system}, a code system whose hierarchy eligibility does not know (only SNOMED CT, RxNorm, ATC and ICD-10); {ExportHint}");
                return null;
            }

            var part = new Content();
            part.DescendantsOf.Add(new Coding(system, value));
            return part;
        }

        if (op == "descendent-of")
        {
            Unsupported(c, fat + "/op",
                $"{c.Name}: the filter '{property} descendent-of {value}' (the descendants without {value} itself) is not supported: eligibility expands 'is-a', which includes the code; {ExportHint}");
            return null;
        }

        Unsupported(c, fat, $"{c.Name}: the filter '{property} {op} {value}' is not supported; {ExportHint}");
        return null;
    }

    /// <summary>An <c>include.valueSet</c>: another ValueSet of the same file, matched by url (and version, for <c>url|version</c>).</summary>
    private Content? Referenced(Candidate c, string? canonical, string at, int depth)
    {
        string? reference = Text(canonical);
        if (reference is null)
        {
            diagnostics.Error(FhirDiagnosticCodes.ValueSetReferenceMissing, c.Entry, at, $"{c.Name}: an include names an empty value set reference");
            return null;
        }

        int bar = reference.IndexOf('|', StringComparison.Ordinal);
        string url = bar < 0 ? reference : reference[..bar];
        string? version = bar < 0 ? null : Text(reference[(bar + 1)..]);
        var matches = candidates.Where(o => !o.Duplicate && o.Url == url && (version is null || o.Version == version)).ToList();
        if (matches.Count == 0)
        {
            string also = candidates.Any(o => o.Url == url) ? $" (it holds '{url}', but not version '{version}')" : string.Empty;
            diagnostics.Error(FhirDiagnosticCodes.ValueSetReferenceMissing, c.Entry, at,
                $"{c.Name} includes value set '{reference}', which is not in this file{also}; put that ValueSet in the same Bundle, or {ExportHint}");
            return null;
        }

        if (matches.Count > 1)
        {
            diagnostics.Error(FhirDiagnosticCodes.ValueSetReferenceMissing, c.Entry, at,
                $"{c.Name} includes value set '{url}', which this file holds in {matches.Count.ToString(CultureInfo.InvariantCulture)} versions ({string.Join(", ", matches.Select(m => m.Version ?? "no version"))}); name one as '{url}|<version>'");
            return null;
        }

        var target = matches[0];
        if (target.State == State.InProgress)
        {
            Unsupported(c, at, $"{c.Name} includes value set '{reference}', which includes it back (a cycle)");
            return null;
        }

        if (depth >= MaxIncludeDepth)
        {
            Unsupported(c, at, $"{c.Name}: value sets include each other more than {MaxIncludeDepth.ToString(CultureInfo.InvariantCulture)} levels deep; {ExportHint}");
            return null;
        }

        if (Resolve(target, depth + 1) is not { } content)
        {
            diagnostics.Error(FhirDiagnosticCodes.ValueSetReferenceMissing, c.Entry, at,
                $"{c.Name} includes value set '{reference}' ({target.Name}), which could not be read (see its own diagnostics)");
            return null;
        }

        return content;
    }

    /// <summary>One <c>exclude</c>: enumerated codes, or a whole code system, are removed; anything else needs a server.</summary>
    private bool Exclude(Candidate c, ValueSet.ConceptSetComponent exclude, string at, Content from)
    {
        if (exclude.Filter.Count > 0)
        {
            return Unsupported(c, at + "/filter/0",
                $"{c.Name}: an exclude with a filter removes part of a hierarchy, which only a terminology server can list; {ExportHint}");
        }

        if (exclude.ValueSetElement.Count > 0)
        {
            return Unsupported(c, at + "/valueSet/0", $"{c.Name}: an exclude of another value set is not supported; {ExportHint}");
        }

        if (Text(exclude.System) is not { } system)
        {
            return Unsupported(c, at, $"{c.Name}: an exclude names no code system");
        }

        if (exclude.Concept.Count == 0)
        {
            from.Codes.RemoveWhere(x => string.Equals(x.System, system, StringComparison.Ordinal));
            from.DescendantsOf.RemoveWhere(x => string.Equals(x.System, system, StringComparison.Ordinal));
            return true;
        }

        if (from.DescendantsOf.Items.FirstOrDefault(x => string.Equals(x.System, system, StringComparison.Ordinal)) is { } root)
        {
            return Unsupported(c, at + "/concept",
                $"{c.Name}: an exclude removes codes from the descendants of {root.Code} (an is-a filter), which needs the code hierarchy; {ExportHint}");
        }

        foreach (var concept in exclude.Concept)
        {
            if (Text(concept.Code) is { } code)
            {
                from.Codes.Remove(new Coding(system, code));
            }
        }

        return true;
    }

    private bool Unsupported(Candidate c, string pointer, string message)
    {
        diagnostics.Error(FhirDiagnosticCodes.ValueSetUnsupported, c.Entry, pointer, message);
        return false;
    }

    /// <summary>Systems whose hierarchy (or prefix matching) eligibility knows, so that an is-a filter means what it says.</summary>
    private static bool HasHierarchy(string system)
    {
        string s = system.TrimEnd('/');
        return CodeSystems.IsHierarchical(s)
            || string.Equals(s, CodeSystems.Atc, StringComparison.OrdinalIgnoreCase)
            || string.Equals(s, CodeSystems.Icd10, StringComparison.OrdinalIgnoreCase)
            || string.Equals(s, CodeSystems.Icd10Cm, StringComparison.OrdinalIgnoreCase);
    }

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);

    /// <summary>One ValueSet of the file, and what has been worked out about it.</summary>
    private sealed class Candidate
    {
        public Candidate(ParsedValueSet parsed)
        {
            Entry = parsed.Entry;
            Resource = parsed.Resource;
            Name = parsed.Name;
            Url = Text(parsed.Resource.Url);
            Version = Text(parsed.Resource.Version);
        }

        public EntryLayout Entry { get; }

        public ValueSet Resource { get; }

        public string Name { get; }

        public string? Url { get; }

        public string? Version { get; }

        public string Canonical => Version is null ? Url ?? string.Empty : Url + "|" + Version;

        public State State { get; set; }

        public bool Failed { get; set; }

        public bool Duplicate { get; set; }

        public Content? Content { get; set; }
    }

    /// <summary>Codes and is-a roots, each once by (system, code), in the order first seen.</summary>
    private sealed class Content
    {
        public CodeList Codes { get; } = new();

        public CodeList DescendantsOf { get; } = new();

        /// <summary>For an include of a whole code system beside value sets: the system that restricts them.</summary>
        public string? WholeSystem { get; init; }
    }

    private sealed class CodeList
    {
        private readonly OrderedDictionary<(string System, string Code), Coding> items = new();

        public int Count => items.Count;

        public IReadOnlyList<Coding> Items => items.Values.ToList();

        public void Add(Coding coding) => items.TryAdd((coding.System, coding.Code), coding);

        public void AddRange(IEnumerable<Coding> codings)
        {
            foreach (var coding in codings)
            {
                Add(coding);
            }
        }

        public bool Contains(Coding coding) => items.ContainsKey((coding.System, coding.Code));

        public void Remove(Coding coding) => items.Remove((coding.System, coding.Code));

        public void RemoveWhere(Func<Coding, bool> predicate)
        {
            foreach (var key in items.Where(kv => predicate(kv.Value)).Select(kv => kv.Key).ToList())
            {
                items.Remove(key);
            }
        }
    }
}
