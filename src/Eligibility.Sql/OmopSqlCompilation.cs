using System.Collections.Generic;

namespace Eligibility.Sql;

/// <summary>
/// A trial compiled to SQL over the OMOP CDM: the script, one entry per criterion and nested part (in protocol order,
/// each criterion followed by its parts depth-first), and what the back end could not express.
/// </summary>
public sealed class OmopSqlCompilation
{
    internal OmopSqlCompilation(string trialId, string prelude, string body, IReadOnlyList<OmopSqlNode> nodes, IReadOnlyList<OmopSqlDiagnostic> unsupported)
    {
        TrialId = trialId;
        Prelude = prelude;
        Body = body;
        Sql = prelude + body;
        Nodes = nodes;
        Unsupported = unsupported;
    }

    /// <summary>The trial's ID.</summary>
    public string TrialId { get; }

    /// <summary>
    /// The SQL script: statements separated by <c>;</c> and a line break. It creates temporary tables (prefixed
    /// <c>elig_</c>) and ends with a query of one row per person: <c>person_id</c>, <c>verdict</c>, and per node its
    /// status (<c>s_N</c>: 0 false, 1 unknown, 2 true) and outcome (<c>o_N</c>: pass, fail, unknown, review).
    /// </summary>
    public string Sql { get; }

    /// <summary>
    /// The statements that do not depend on the trial (persons, concept sets, pre-filtered fact tables): one string
    /// instance shared by every trial compiled together, so a runner given them together runs it once.
    /// </summary>
    internal string Prelude { get; }

    /// <summary>The trial's own statements, after <see cref="Prelude"/>: they read its tables and create none of them.</summary>
    internal string Body { get; }

    /// <summary>Every criterion and nested part, in the order of the result's columns.</summary>
    public IReadOnlyList<OmopSqlNode> Nodes { get; }

    /// <summary>The rules the back end cannot express; each is unknown in the results, with its reason.</summary>
    public IReadOnlyList<OmopSqlDiagnostic> Unsupported { get; }
}

/// <summary>A criterion or nested part as compiled to SQL.</summary>
public sealed class OmopSqlNode
{
    internal OmopSqlNode(int index, string criterionId, CriterionType type, string path, string? partId, string kind, string? unsupported)
    {
        Index = index;
        CriterionId = criterionId;
        Type = type;
        Path = path;
        PartId = partId;
        Kind = kind;
        Unsupported = unsupported;
    }

    /// <summary>The node's number: its columns are <c>s_{Index}</c> and <c>o_{Index}</c>.</summary>
    public int Index { get; }

    /// <summary>The criterion the node belongs to.</summary>
    public string CriterionId { get; }

    /// <summary>The criterion's type.</summary>
    public CriterionType Type { get; }

    /// <summary>Where the node lies: the criterion ID, then the index of each nested part (<c>INCL02/0/1</c>).</summary>
    public string Path { get; }

    /// <summary>The part's own ID, if the rule file gives one (the criterion's ID for a criterion's root).</summary>
    public string? PartId { get; }

    /// <summary>The rule kind (<c>age</c>, <c>all</c>, <c>measurement</c>, …).</summary>
    public string Kind { get; }

    /// <summary>Why the back end cannot express this rule (its status is then always unknown); <c>null</c> when it can.</summary>
    public string? Unsupported { get; }

    /// <summary>Whether an odd number of <c>not</c>s lie above (the part's outcome then reads its status the other way).</summary>
    internal bool Negated { get; init; }

    /// <summary>Whether this node is a criterion (not a nested part).</summary>
    public bool IsCriterion => Path == CriterionId;
}

/// <summary>A rule the SQL back end cannot express: reported at compile time, unknown in every result.</summary>
public sealed class OmopSqlDiagnostic
{
    internal OmopSqlDiagnostic(string criterionId, string path, string? partId, string kind, string message)
    {
        CriterionId = criterionId;
        Path = path;
        PartId = partId;
        Kind = kind;
        Message = message;
    }

    /// <summary>The criterion.</summary>
    public string CriterionId { get; }

    /// <summary>The node's path (see <see cref="OmopSqlNode.Path"/>).</summary>
    public string Path { get; }

    /// <summary>The part's own ID, if any.</summary>
    public string? PartId { get; }

    /// <summary>The rule kind.</summary>
    public string Kind { get; }

    /// <summary>Why it cannot be expressed.</summary>
    public string Message { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{CriterionId} ({Path}, {Kind}): {Message}";
}
