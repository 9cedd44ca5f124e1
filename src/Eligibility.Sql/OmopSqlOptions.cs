using System;
using System.Collections.Generic;

namespace Eligibility.Sql;

/// <summary>What a compilation to SQL needs besides the trial: the as-of date and the units the database uses.</summary>
public sealed class OmopSqlOptions
{
    /// <summary>The screening date: data after it is ignored, windows end on it (as for in-process evaluation).</summary>
    public required DateOnly AsOf { get; init; }

    /// <summary>
    /// The UCUM codes of the database's unit concepts (<c>concept.concept_code</c> where <c>vocabulary_id = 'UCUM'</c>).
    /// Conversion factors from each to the rules' units are computed at compile time by the library's own converter; a
    /// measurement in a unit not listed here (or not convertible) is unknown. <see cref="DuckDbOmopRunner.UnitCodes(DuckDB.NET.Data.DuckDBConnection)"/>
    /// reads them from a database.
    /// </summary>
    public IReadOnlyCollection<string> UnitCodes { get; init; } = Array.Empty<string>();

    /// <summary>
    /// The schema holding the CDM tables (<c>cdm</c>, or <c>catalog.schema</c> on Databricks), quoted as an identifier in
    /// the SQL; <c>null</c> (the default) leaves the tables unqualified, found through the connection's search path or
    /// current schema. The intermediate tables are written where the dialect keeps them (temp tables; on Spark, the
    /// current schema).
    /// </summary>
    public string? CdmSchema { get; init; }

    /// <summary>
    /// How many of a trial's leaf tables share one word of its table of leaf words (21: three bits each below the sign bit
    /// of a BIGINT). Internal: tests set it low to exercise several words, which the reference trials do not need.
    /// </summary>
    internal int LeafTablesPerWord { get; init; } = 21;
}
