using System;
using System.Collections.Generic;
using Eligibility.Patients;

namespace Eligibility.Binding;

/// <summary>
/// Matches record codes against a concept's bindings. ICD-10 (and ICD-10-CM, one system) and ATC match by prefix,
/// ignoring dots and case; every other system matches exactly (TERMINOLOGY.md).
/// </summary>
internal sealed class CodeMatcher
{
    public const string Icd10 = "http://hl7.org/fhir/sid/icd-10";
    public const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
    public const string Atc = "http://www.whocc.no/atc";

    private readonly Dictionary<(string System, string Code), string> exact = new();
    private readonly List<(string System, string Prefix, string Member)> prefixes = new();

    public bool IsEmpty => exact.Count == 0 && prefixes.Count == 0;

    /// <summary>Adds a binding; <paramref name="member"/> names the concept that contributed it (for per-drug grouping).</summary>
    public void Add(string system, string code, string member)
    {
        string s = NormaliseSystem(system);
        if (IsPrefixSystem(s))
        {
            prefixes.Add((s, NormalisePrefixCode(code), member));
        }
        else
        {
            exact.TryAdd((s, code.Trim()), member);
        }
    }

    /// <summary>The member concept a coding matches, or <c>null</c>.</summary>
    public string? Match(Coding coding)
    {
        string s = NormaliseSystem(coding.System);
        if (IsPrefixSystem(s))
        {
            string code = NormalisePrefixCode(coding.Code);
            string? best = null;
            int bestLength = -1;
            foreach (var p in prefixes)
            {
                // The longest matching prefix wins, so a specific member beats a broad class.
                if (p.System == s && p.Prefix.Length > bestLength && code.StartsWith(p.Prefix, StringComparison.Ordinal))
                {
                    best = p.Member;
                    bestLength = p.Prefix.Length;
                }
            }

            return best;
        }

        return exact.TryGetValue((s, coding.Code.Trim()), out var member) ? member : null;
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

    private static string NormaliseSystem(string system)
    {
        string s = system.Trim().TrimEnd('/');
        return string.Equals(s, Icd10Cm, StringComparison.OrdinalIgnoreCase) ? Icd10 : s;
    }

    private static bool IsPrefixSystem(string system) =>
        string.Equals(system, Icd10, StringComparison.OrdinalIgnoreCase) || string.Equals(system, Atc, StringComparison.OrdinalIgnoreCase);

    private static string NormalisePrefixCode(string code) => code.Trim().Replace(".", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
}
