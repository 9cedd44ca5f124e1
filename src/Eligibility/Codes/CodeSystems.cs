using System;
using System.Collections.Frozen;
using Eligibility.Codes;

namespace Eligibility;

/// <summary>The code system URIs the library knows by name, and how each matches a binding.</summary>
public static class CodeSystems
{
    /// <summary>SNOMED CT: a binding matches the code and its descendants (is-a).</summary>
    public const string Snomed = "http://snomed.info/sct";

    /// <summary>RxNorm: a binding matches the code and the products containing it.</summary>
    public const string RxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";

    /// <summary>WHO ATC: a binding matches by prefix (<c>L04AD</c> matches <c>L04AD02</c>).</summary>
    public const string Atc = "http://www.whocc.no/atc";

    /// <summary>ICD-10 (WHO): a binding matches by prefix, ignoring dots and case.</summary>
    public const string Icd10 = "http://hl7.org/fhir/sid/icd-10";

    /// <summary>ICD-10-CM: treated as the same system as <see cref="Icd10"/>.</summary>
    public const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";

    /// <summary>LOINC.</summary>
    public const string Loinc = "http://loinc.org";

    /// <summary>HL7 v3 ObservationInterpretation (<c>POS</c>, <c>NEG</c>, …).</summary>
    public const string ObservationInterpretation = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

    /// <summary>Whether bindings in this system mean the code and its descendants (SNOMED CT, RxNorm).</summary>
    /// <param name="system">A code system URI.</param>
    /// <returns><c>true</c> for SNOMED CT and RxNorm.</returns>
    public static bool IsHierarchical(string system)
    {
        ArgumentNullException.ThrowIfNull(system);
        string s = Normalise(system);
        return s == Snomed || s == RxNorm;
    }

    /// <summary>Trims the URI and a trailing slash, folds ICD-10-CM into ICD-10, and spells known systems canonically.</summary>
    internal static string Normalise(string system)
    {
        // One hash lookup for the systems records use; trimming allocates only when there is something to trim.
        if (Canonical.TryGetValue(system, out string? known))
        {
            return known;
        }

        string s = system.Trim().TrimEnd('/');
        return Canonical.TryGetValue(s, out known) ? known : s;
    }

    internal static bool IsPrefixSystem(string normalised) => normalised == Icd10 || normalised == Atc;

    private static readonly System.Collections.Frozen.FrozenDictionary<string, string> Canonical =
        new System.Collections.Generic.Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [Snomed] = Snomed,
            [RxNorm] = RxNorm,
            [Atc] = Atc,
            [Icd10] = Icd10,
            [Icd10Cm] = Icd10,
            [Loinc] = Loinc,
        }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
}
