using System.Collections.Generic;

namespace Eligibility.Sql;

/// <summary>The result of running a compiled trial over an OMOP database: one row per person and the attrition table.</summary>
public sealed class OmopScreenResult
{
    internal OmopScreenResult(OmopSqlCompilation compilation, IReadOnlyList<OmopPatientRow> rows, IReadOnlyList<OmopAttritionRow> attrition)
    {
        Compilation = compilation;
        Rows = rows;
        Attrition = attrition;
    }

    /// <summary>What was run.</summary>
    public OmopSqlCompilation Compilation { get; }

    /// <summary>One row per person, by <c>person_id</c>.</summary>
    public IReadOnlyList<OmopPatientRow> Rows { get; }

    /// <summary>Per criterion in protocol order: review, unknown, excluded and remaining counts.</summary>
    public IReadOnlyList<OmopAttritionRow> Attrition { get; }
}

/// <summary>A person's verdict and, per node of <see cref="OmopSqlCompilation.Nodes"/>, its truth and outcome.</summary>
public sealed class OmopPatientRow
{
    internal OmopPatientRow(long personId, Verdict verdict, IReadOnlyList<Truth> truths, IReadOnlyList<Outcome> outcomes)
    {
        PersonId = personId;
        Verdict = verdict;
        Truths = truths;
        Outcomes = outcomes;
    }

    /// <summary>The OMOP <c>person_id</c>.</summary>
    public long PersonId { get; }

    /// <summary>The verdict.</summary>
    public Verdict Verdict { get; }

    /// <summary>Per node (same order as <see cref="OmopSqlCompilation.Nodes"/>): true, false or unknown.</summary>
    public IReadOnlyList<Truth> Truths { get; }

    /// <summary>Per node: pass, fail, unknown or review.</summary>
    public IReadOnlyList<Outcome> Outcomes { get; }
}

/// <summary>One line of the attrition table: what a criterion did to the population, in protocol order.</summary>
public sealed class OmopAttritionRow
{
    internal OmopAttritionRow(string criterionId, CriterionType type, long review, long unknown, long excluded, long remaining)
    {
        CriterionId = criterionId;
        Type = type;
        Review = review;
        Unknown = unknown;
        Excluded = excluded;
        Remaining = remaining;
    }

    /// <summary>The criterion.</summary>
    public string CriterionId { get; }

    /// <summary>Inclusion or exclusion.</summary>
    public CriterionType Type { get; }

    /// <summary>Persons it left awaiting review.</summary>
    public long Review { get; }

    /// <summary>Persons it left unknown (data missing).</summary>
    public long Unknown { get; }

    /// <summary>Persons it failed.</summary>
    public long Excluded { get; }

    /// <summary>Persons failed neither by it nor by any criterion before it.</summary>
    public long Remaining { get; }
}
