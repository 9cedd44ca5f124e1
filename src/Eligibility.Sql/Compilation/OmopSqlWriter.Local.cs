using System.Collections.Generic;
using System.Linq;

namespace Eligibility.Sql.Compilation;

/// <summary>
/// Concepts with local codes (the rule files' own system <c>urn:eligibility:concept</c>). OMOP has no vocabulary for them,
/// so a site loads them as custom concepts by the OHDSI convention: rows of <c>concept</c> with a <c>concept_id</c> above
/// 2,000,000,000 in the vocabulary <see cref="LocalVocabulary"/>, whose <c>concept_code</c> is the local code; its records
/// carry that ID in the <c>*_source_concept_id</c> (or <c>*_concept_id</c>) column, and a 'Maps to' row to a standard
/// concept, where one exists, is followed like any other. A rule reading a concept that has local codes, none of which the
/// database's concept table holds, cannot search the data: it is unknown for everyone (never false, never a pass).
/// </summary>
internal sealed partial class OmopSqlWriter
{
    /// <summary>The code system of the rule files' own codes.</summary>
    internal const string LocalSystem = "urn:eligibility:concept";

    /// <summary>The OMOP vocabulary_id under which a site loads the rule files' own codes as custom concepts.</summary>
    internal const string LocalVocabulary = "Eligibility";

    // The concept sets with local codes the node being written reads (cleared before each node's body).
    private readonly List<string> localSetsRead = new();

    // The concept sets with local codes each leaf reads, by index (their guard is applied where the wide table reads it).
    private readonly Dictionary<int, List<string>> guards = new();

    /// <summary>Notes that the node being written reads this concept set (which has local codes when it is in <see cref="OmopSqlShared.LocalSets"/>).</summary>
    private void NoteSetRead(string table)
    {
        if (shared.LocalSets.Contains(table) && !localSetsRead.Contains(table))
        {
            localSetsRead.Add(table);
        }
    }

    /// <summary>Whether each of these concept sets with local codes has a concept in the database (an expression, computed once per statement).</summary>
    private static string Found(IEnumerable<string> sets) => string.Join(" AND ", sets.Select(t => $"EXISTS (SELECT 1 FROM {t})"));

    /// <summary>
    /// A leaf's status and pending flag as its wide table reads them, unknown for everyone (and not pending) when the leaf
    /// reads a concept with local codes, none of which the database's concept table holds: the data cannot be searched
    /// for it. Applied here, not in the leaf's table, so a sparse leaf's table keeps only the persons with records.
    /// </summary>
    private (string Status, string Pending) Guard(int index, string status, string pending) =>
        guards.TryGetValue(index, out var sets)
            ? ($"CASE WHEN {Found(sets)} THEN {status} ELSE 1 END", $"({pending}) AND {Found(sets)}")
            : (status, pending);
}
