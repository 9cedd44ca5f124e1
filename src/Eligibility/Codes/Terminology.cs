using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Eligibility.Diagnostics;
using Eligibility.Codes;

namespace Eligibility;

/// <summary>
/// Code hierarchies and value sets that a rule file's concept bindings are expanded with when it is compiled
/// (<see cref="CompileOptions.Terminology"/>): SNOMED CT descendants, RxNorm products containing an ingredient, ATC
/// classes' RxNorm members, and the value sets a concept names. Load the OMOP vocabulary tables a research site already
/// has with <see cref="LoadOmop"/>, add FHIR ValueSets with <see cref="WithValueSets"/>.
/// Immutable and thread-safe: load once, compile any number of rule files with it.
/// </summary>
public sealed class Terminology
{
    private readonly OmopVocabulary? vocabulary;
    private readonly IReadOnlyList<ValueSetDefinition> valueSets;

    private Terminology(OmopVocabulary? vocabulary, IReadOnlyList<ValueSetDefinition> valueSets)
    {
        this.vocabulary = vocabulary;
        this.valueSets = valueSets;
    }

    /// <summary>No hierarchy and no value sets: bindings match the codes they list (and, with a lock file, its codes).</summary>
    public static Terminology Empty { get; } = new(null, Array.Empty<ValueSetDefinition>());

    /// <summary>Whether a code hierarchy is loaded (so SNOMED CT, RxNorm and ATC bindings are expanded).</summary>
    public bool HasHierarchy => vocabulary is not null;

    /// <summary>The number of SNOMED CT, RxNorm and ATC concepts loaded.</summary>
    public int ConceptCount => vocabulary?.ConceptCount ?? 0;

    /// <summary>The value sets loaded.</summary>
    public IReadOnlyList<ValueSetDefinition> ValueSets => valueSets;

    /// <summary>What was loaded, in one line (written into lock files): the vocabulary versions and sizes, and the value sets.</summary>
    public string Description
    {
        get
        {
            var parts = new List<string>();
            if (vocabulary is not null)
            {
                parts.Add(vocabulary.Description);
            }

            if (valueSets.Count > 0)
            {
                parts.Add(valueSets.Count == 1 ? "1 value set" : $"{valueSets.Count} value sets");
            }

            return parts.Count == 0 ? "no terminology" : string.Join("; ", parts);
        }
    }

    /// <summary>
    /// Loads the OMOP standardized vocabulary tables from a folder, as downloaded from Athena: <c>CONCEPT.csv</c>,
    /// <c>CONCEPT_ANCESTOR.csv</c>, <c>CONCEPT_RELATIONSHIP.csv</c> (tab-separated, with a header row) and optionally
    /// <c>VOCABULARY.csv</c>. SNOMED, RxNorm and ATC concepts are kept. Never throws for bad input: a missing table or a
    /// malformed row is a diagnostic with the file and line.
    /// </summary>
    /// <param name="folder">The folder holding the tables.</param>
    /// <returns>The terminology, or diagnostics saying why it could not be loaded.</returns>
    public static TerminologyLoadResult LoadOmop(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var diagnostics = new List<Diagnostic>();
        try
        {
            if (!Directory.Exists(folder))
            {
                diagnostics.Add(new Diagnostic { Code = DiagnosticCodes.TerminologyTableMissing, Severity = DiagnosticSeverity.Error, File = folder, Message = "no such folder" });
                return new TerminologyLoadResult(null, diagnostics);
            }

            var vocabulary = OmopVocabulary.Load(folder, diagnostics);
            return new TerminologyLoadResult(vocabulary is null ? null : new Terminology(vocabulary, Array.Empty<ValueSetDefinition>()), diagnostics);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(new Diagnostic { Code = DiagnosticCodes.FileUnreadable, Severity = DiagnosticSeverity.Error, File = folder, Message = "cannot read the vocabulary: " + ex.Message });
            return new TerminologyLoadResult(null, diagnostics);
        }
    }

    /// <summary>This terminology with more value sets (a later one with the same URL and version replaces an earlier one).</summary>
    /// <param name="additional">The value sets to add.</param>
    /// <returns>A new terminology; this one is unchanged.</returns>
    public Terminology WithValueSets(IEnumerable<ValueSetDefinition> additional)
    {
        ArgumentNullException.ThrowIfNull(additional);
        var merged = new List<ValueSetDefinition>(valueSets);
        foreach (var set in additional)
        {
            ArgumentNullException.ThrowIfNull(set);
            merged.RemoveAll(s => s.Url == set.Url && s.Version == set.Version);
            merged.Add(set);
        }

        return new Terminology(vocabulary, merged);
    }

    /// <summary>
    /// The codes a binding to <paramref name="code"/> also matches: for SNOMED CT its descendants; for RxNorm the
    /// products containing it; for an ATC code the RxNorm ingredients and products of the classes under it; plus codes of
    /// those systems that the vocabulary maps to any of them (retired codes). The code itself is not included. Empty for
    /// other systems or without a hierarchy.
    /// </summary>
    /// <param name="code">A code from a binding.</param>
    /// <returns>The descendants, with their names as displays, in a stable order.</returns>
    public IReadOnlyList<Coding> Descendants(Coding code)
    {
        ArgumentNullException.ThrowIfNull(code);
        return vocabulary?.Descendants(code) ?? Array.Empty<Coding>();
    }

    /// <summary>Whether the loaded vocabulary has the code (for ATC: any code starting with it).</summary>
    internal bool Knows(Coding code) => vocabulary?.Knows(code) ?? false;

    /// <summary>
    /// The value set a concept names: <c>url</c> or <c>url|version</c>. <c>null</c> with a reason when it is not loaded,
    /// or when several versions are loaded and the name does not say which.
    /// </summary>
    internal ValueSetDefinition? Find(string canonical, out string? problem)
    {
        problem = null;
        int bar = canonical.IndexOf('|', StringComparison.Ordinal);
        string url = bar < 0 ? canonical : canonical[..bar];
        string? version = bar < 0 ? null : canonical[(bar + 1)..];
        var matches = valueSets.Where(s => s.Url == url && (version is null || s.Version == version)).ToList();
        if (matches.Count == 1)
        {
            return matches[0];
        }

        problem = matches.Count == 0
            ? (valueSets.Any(s => s.Url == url) ? $"value set '{url}' is loaded, but not version '{version}'" : $"value set '{canonical}' is not loaded")
            : $"value set '{url}' is loaded in {matches.Count} versions ({string.Join(", ", matches.Select(m => m.Version ?? "no version"))}); name one as '{url}|<version>'";
        return null;
    }
}
