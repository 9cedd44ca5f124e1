using System;
using System.Collections.Generic;
using Eligibility.Codes;

namespace Eligibility;

/// <summary>
/// A value set a concept can name (<c>"valueSet": "url"</c>): the codes it contains, as exported from VSAC or a
/// terminology server (a FHIR <c>ValueSet</c>'s expansion, or its enumerated <c>compose</c>). Read FHIR ValueSet resources
/// with <c>Eligibility.Fhir.ValueSetReader</c>, or build one directly.
/// </summary>
/// <remarks>An input: a record (init-only, with value equality) because it is a value an application constructs — by
/// hand, from its own store, or with <c>with</c> — and passes in. Built by the FHIR value set reader or by an application with codes of its own.</remarks>
public sealed record ValueSetDefinition
{
    /// <summary>The value set's canonical URL (<c>ValueSet.url</c>).</summary>
    public required string Url { get; init; }

    /// <summary>The business version (<c>ValueSet.version</c>), if any; a concept may ask for <c>url|version</c>.</summary>
    public string? Version { get; init; }

    /// <summary>A name for people (<c>ValueSet.title</c> or <c>name</c>), if any.</summary>
    public string? Title { get; init; }

    /// <summary>The codes the value set contains, matched exactly (not expanded with a hierarchy).</summary>
    public IReadOnlyList<Coding> Codes { get; init; } = Array.Empty<Coding>();

    /// <summary>
    /// Codes whose descendants the value set also contains (a <c>compose</c> filter <c>concept is-a X</c>): expanded with
    /// the loaded terminology like a concept's own SNOMED CT and RxNorm codes.
    /// </summary>
    public IReadOnlyList<Coding> IncludesDescendantsOf { get; init; } = Array.Empty<Coding>();

    /// <summary>Where the value set was read from (a file), for messages.</summary>
    public string? Source { get; init; }

    /// <summary><c>url|version</c>, or the URL alone.</summary>
    public string Canonical => Version is null ? Url : Url + "|" + Version;
}
