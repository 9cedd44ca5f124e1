using System;
using System.Collections.Generic;
using System.Text;

namespace Eligibility.Sql.Compilation;

/// <summary>
/// The part of a run's scripts that does not depend on the trial, written once for every trial compiled together: the
/// persons, the concept sets (one table per distinct list of codes, whichever trial reads it), the drug strengths and one
/// pre-filtered copy of each CDM fact table over the union of every trial's concept sets, and the grouped passes over
/// those copies computing every trial's grouped leaves. Each trial's own statements read these tables and create none of
/// them.
/// </summary>
internal sealed class OmopSqlShared
{
    /// <summary>The header comment and the persons.</summary>
    public StringBuilder Head { get; } = new();

    /// <summary>The concept sets, the drug strengths, then the pre-filtered fact tables.</summary>
    public StringBuilder Sets { get; } = new();

    /// <summary>The concept set table of each bound concept or answer (by reference).</summary>
    public Dictionary<object, string> ByKey { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>The concept set table of each distinct list of codes (so trials naming the same codes share one table).</summary>
    public Dictionary<string, string> ByContent { get; } = new(StringComparer.Ordinal);

    /// <summary>The concept sets with local codes, by table name.</summary>
    public HashSet<string> LocalSets { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The concept sets, by table name, where some member has a dose length (<c>exposureLasts</c>): only their records'
    /// ends are extended (in the others every <c>ext_months</c> is NULL, so the end is the record's own).
    /// </summary>
    public HashSet<string> WithLengths { get; } = new(StringComparer.Ordinal);

    /// <summary>The fact tables some trial's leaves read, in the order first read.</summary>
    public List<string> FactsRead { get; } = new();

    /// <summary>
    /// The fact tables of <see cref="FactsRead"/> whose only reader is their shared grouped pass: no copy is made of them,
    /// the pass reads the same rows straight from the CDM table (the copy's filter as a subquery).
    /// </summary>
    public HashSet<string> FactsInlined { get; } = new(StringComparer.Ordinal);

    /// <summary>The concept sets whose latest numeric measurement some leaf reads, with the start of the longest window read.</summary>
    public SortedDictionary<string, DateOnly> LatestSets { get; } = new(StringComparer.Ordinal);

    /// <summary>The concept sets some coded or pregnancy leaf reads the latest result of (any content), with the start of the longest window read.</summary>
    public SortedDictionary<string, DateOnly> ReadSets { get; } = new(StringComparer.Ordinal);

    /// <summary>The grouped passes over each fact table, for every trial's leaves that can be grouped.</summary>
    public List<OmopSqlWriter.LeafGroup> Groups { get; } = new();

    /// <summary>The judgement targets (lower case <c>TRIAL/ID</c>) of every trial, by number (their index).</summary>
    public List<string> Targets { get; } = new();

    /// <summary>The measurement leaves read from the shared words, by number: set number, window start and row status.</summary>
    public List<(string Set, string Start, string Status)> LatestLeaves { get; } = new();

    /// <summary>The numbers those leaves test, by number: set number and the expression over a row of <c>elig_latest</c>.</summary>
    public List<(string Set, string Value)> LatestValues { get; } = new();

    /// <summary>Whether a leaf of <see cref="LatestLeaves"/> reads the person's sex (a default limit of normal).</summary>
    public bool LatestReadsSex { get; set; }

    /// <summary>The numbers of the judgement targets whose answer's date some judgement with a validity reads.</summary>
    public HashSet<int> DatedTargets { get; } = new();

    /// <summary>The shared per-person tables joined once into <c>elig_base</c>, each with the columns it gives.</summary>
    public List<(string Table, IReadOnlyList<string> Columns)> BaseTables { get; } = new();

    /// <summary>
    /// The tables of a measurement's reported value and the value computed when none is reported (eGFR, creatinine
    /// clearance) per person, one per distinct statement in the order first read, so the same values in several trials
    /// are computed once (<c>elig_cvN</c>).
    /// </summary>
    public List<(string Table, string Body)> ComputedValues { get; } = new();

    /// <summary>Whether <c>elig_strength</c> has been written.</summary>
    public bool StrengthWritten { get; set; }
}
