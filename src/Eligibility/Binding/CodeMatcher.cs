using System;
using System.Collections.Frozen;
using System.Collections.Generic;
using System.Threading;
using Eligibility.Codes;

namespace Eligibility.Binding;

/// <summary>
/// Matches record codes against a concept's bindings, expanded at compile time. ICD-10 (and ICD-10-CM, one system) and
/// ATC match by prefix, ignoring dots and case, the longest prefix winning; every other system matches exactly (SNOMED CT
/// and RxNorm descendants are in the set already). Built once, then frozen: every lookup is a hash lookup, allocation-free.
/// </summary>
internal sealed class CodeMatcher
{
    /// <summary>A code the rule file lists: always wins over an expanded one for the same code.</summary>
    public const int Listed = 0;

    /// <summary>A descendant of a listed SNOMED CT/RxNorm code, or a value set member.</summary>
    public const int Descendant = 1;

    /// <summary>An RxNorm code reached only through an ATC class.</summary>
    public const int ViaClass = 2;

    private const int MaxStackCode = 128;

    private Dictionary<string, Dictionary<string, (string Member, int Priority)>>? exactBuild = new(StringComparer.Ordinal);
    private Dictionary<string, Dictionary<string, (string Member, int Priority)>>? prefixBuild = new(StringComparer.Ordinal);
    private FrozenDictionary<string, FrozenDictionary<string, string>> exact = FrozenDictionary<string, FrozenDictionary<string, string>>.Empty;
    private FrozenDictionary<string, FrozenDictionary<string, string>> prefixes = FrozenDictionary<string, FrozenDictionary<string, string>>.Empty;
    private int longestPrefix;
    private int count;
    private SystemTable[] systems = [];
    private int claimed;
    private int slot;
    private CodeTable? table;

    public bool IsEmpty => Count == 0;

    /// <summary>The number of distinct codes and prefixes.</summary>
    public int Count => exactBuild is null ? count : Total(exactBuild) + Total(prefixBuild!);

    /// <summary>
    /// Adds a binding; <paramref name="member"/> names the concept that contributed it (for per-drug grouping and dose
    /// factors). For the same code the lower <paramref name="priority"/> wins, then the first added.
    /// </summary>
    public void Add(string system, string code, string member, int priority = Listed)
    {
        if (exactBuild is null)
        {
            throw new InvalidOperationException("the matcher is frozen");
        }

        string s = CodeSystems.Normalise(system);
        var table = CodeSystems.IsPrefixSystem(s) ? prefixBuild! : exactBuild;
        string key = CodeSystems.IsPrefixSystem(s) ? NormalisePrefixCode(code) : code.Trim();
        if (!table.TryGetValue(s, out var codes))
        {
            codes = new Dictionary<string, (string, int)>(StringComparer.Ordinal);
            table[s] = codes;
        }

        if (!codes.TryGetValue(key, out var existing) || priority < existing.Priority)
        {
            codes[key] = (member, priority);
        }
    }

    /// <summary>Freezes the matcher: no more codes can be added; lookups become frozen-dictionary lookups.</summary>
    public CodeMatcher Freeze()
    {
        if (exactBuild is null)
        {
            return this;
        }

        count = Total(exactBuild) + Total(prefixBuild!);
        exact = Frozen(exactBuild);
        prefixes = Frozen(prefixBuild!);
        foreach (var table in prefixBuild!.Values)
        {
            foreach (var key in table.Keys)
            {
                longestPrefix = Math.Max(longestPrefix, key.Length);
            }
        }

        var tables = new List<SystemTable>();
        foreach (var (system, codes) in exact)
        {
            tables.Add(new SystemTable(system, prefix: false, codes));
        }

        foreach (var (system, codes) in prefixes)
        {
            tables.Add(new SystemTable(system, prefix: true, codes));
        }

        systems = tables.ToArray();
        exactBuild = null;
        prefixBuild = null;
        return this;
    }

    /// <summary>
    /// The trial's code table this matcher has a slot in (<see cref="Slot"/>), or <c>null</c>: a patient index then finds
    /// what the matcher matches through the table's one pass over the patient's codes instead of matching on its own.
    /// </summary>
    public CodeTable? Table => Volatile.Read(ref table);

    /// <summary>The matcher's slot in <see cref="Table"/>.</summary>
    public int Slot => slot;

    /// <summary>Takes slot <paramref name="inTable"/> unless a table has the matcher already; frozen first.</summary>
    internal bool TryClaim(int inTable)
    {
        Freeze();
        if (Interlocked.CompareExchange(ref claimed, 1, 0) != 0)
        {
            return false;
        }

        slot = inTable;
        return true;
    }

    /// <summary>Points the matcher at the table that claimed it, once that table is complete.</summary>
    internal void Join(CodeTable complete) => Volatile.Write(ref table, complete);

    /// <summary>Every (system, code, member) bound, for tools (prefix systems give their prefixes).</summary>
    public IEnumerable<(string System, string Code, string Member)> Entries()
    {
        Freeze();
        foreach (var table in new[] { exact, prefixes })
        {
            foreach (var (system, codes) in table)
            {
                foreach (var (code, member) in codes)
                {
                    yield return (system, code, member);
                }
            }
        }
    }

    /// <summary>The member concept a coding matches, or <c>null</c>.</summary>
    public string? Match(Coding coding) => Match(NormaliseSystem(coding.System), coding.Code);

    /// <summary>
    /// The member concept a code matches, given its system already normalised (<see cref="NormaliseSystem"/>), as a
    /// patient index keeps it; the code is trimmed here (a patient index passes it trimmed already).
    /// </summary>
    public string? Match(string normalisedSystem, string code)
    {
        if (exactBuild is not null)
        {
            Freeze();
        }

        return TableOf(normalisedSystem) is { } table ? table.Match(code, longestPrefix) : null;
    }

    /// <summary>
    /// <see cref="CodeSystems.Normalise"/>, without hashing the URI when it is one of the known systems' canonical
    /// strings (records usually carry those very strings: literals and interned strings are one object).
    /// </summary>
    internal static string NormaliseSystem(string system) =>
        ReferenceEquals(system, CodeSystems.Loinc) || ReferenceEquals(system, CodeSystems.Snomed) || ReferenceEquals(system, CodeSystems.Icd10)
        || ReferenceEquals(system, CodeSystems.RxNorm) || ReferenceEquals(system, CodeSystems.Atc)
            ? system
            : CodeSystems.Normalise(system);

    /// <summary>The codes bound in one normalised system, or <c>null</c> (a matcher binds few systems: a short scan).</summary>
    private SystemTable? TableOf(string normalisedSystem)
    {
        foreach (var table in systems)
        {
            if (string.Equals(table.System, normalisedSystem, StringComparison.Ordinal))
            {
                return table;
            }
        }

        return null;
    }

    /// <summary>The member concept the first matching coding of a record matches, or <c>null</c>.</summary>
    public string? Match(IReadOnlyList<Coding> codings)
    {
        for (int i = 0; i < codings.Count; i++)
        {
            if (Match(codings[i]) is { } member)
            {
                return member;
            }
        }

        return null;
    }

    private static FrozenDictionary<string, FrozenDictionary<string, string>> Frozen(Dictionary<string, Dictionary<string, (string Member, int Priority)>> build)
    {
        var result = new Dictionary<string, FrozenDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var (system, codes) in build)
        {
            var plain = new Dictionary<string, string>(codes.Count, StringComparer.Ordinal);
            foreach (var (code, value) in codes)
            {
                plain[code] = value.Member;
            }

            result[system] = plain.ToFrozenDictionary(StringComparer.Ordinal);
        }

        return result.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static int Total(Dictionary<string, Dictionary<string, (string, int)>> build)
    {
        int n = 0;
        foreach (var codes in build.Values)
        {
            n += codes.Count;
        }

        return n;
    }

    private static string NormalisePrefixCode(string code) => code.Trim().Replace(".", string.Empty, StringComparison.Ordinal).ToUpperInvariant();

    /// <summary>The codes of one normalised system: matched exactly, or by the longest prefix (ICD-10, ATC).</summary>
    private sealed class SystemTable
    {
        private readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> lookup;

        public SystemTable(string system, bool prefix, FrozenDictionary<string, string> codes)
        {
            System = system;
            Prefix = prefix;
            lookup = codes.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public string System { get; }

        public bool Prefix { get; }

        /// <summary>The member a code of this system matches, or <c>null</c>.</summary>
        public string? Match(string code, int longestPrefix)
        {
            if (!Prefix)
            {
                return lookup.TryGetValue(code.AsSpan().Trim(), out var m) ? m : null;
            }

            Span<char> buffer = code.Length <= MaxStackCode ? stackalloc char[code.Length] : new char[code.Length];
            int length = 0;
            foreach (char ch in code.AsSpan().Trim())
            {
                if (ch != '.')
                {
                    buffer[length++] = char.ToUpperInvariant(ch);
                }
            }

            // The longest matching prefix wins, so a specific member beats a broad class.
            for (int n = Math.Min(length, longestPrefix); n > 0; n--)
            {
                if (lookup.TryGetValue(buffer[..n], out var member))
                {
                    return member;
                }
            }

            return null;
        }
    }
}
