using System;

namespace Eligibility.Codes;

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

    /// <summary>Trims the URI and a trailing slash, and folds ICD-10-CM into ICD-10.</summary>
    internal static string Normalise(string system)
    {
        string s = system.Trim().TrimEnd('/');
        if (string.Equals(s, Icd10Cm, StringComparison.OrdinalIgnoreCase))
        {
            return Icd10;
        }

        // Compare known systems case-insensitively but keep the canonical spelling.
        foreach (string known in Known)
        {
            if (string.Equals(s, known, StringComparison.OrdinalIgnoreCase))
            {
                return known;
            }
        }

        return s;
    }

    internal static bool IsPrefixSystem(string normalised) => normalised == Icd10 || normalised == Atc;

    private static readonly string[] Known = { Snomed, RxNorm, Atc, Icd10, Loinc };
}
