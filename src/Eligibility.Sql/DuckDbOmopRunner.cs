using System;
using System.Collections.Generic;
using DuckDB.NET.Data;

namespace Eligibility.Sql;

/// <summary>Runs compiled trials in DuckDB over a database holding the OMOP CDM 5.4 tables (see <see cref="OmopSchema"/>).</summary>
public static class DuckDbOmopRunner
{
    /// <summary>The UCUM codes of the database's unit concepts, for <see cref="OmopSqlOptions.UnitCodes"/>.</summary>
    /// <param name="connection">An open connection to the CDM database.</param>
    /// <returns>The distinct <c>concept_code</c>s of vocabulary <c>UCUM</c>, sorted.</returns>
    public static IReadOnlyList<string> UnitCodes(DuckDBConnection connection) => UnitCodes(connection, null);

    /// <summary>The UCUM codes of the database's unit concepts, for <see cref="OmopSqlOptions.UnitCodes"/>.</summary>
    /// <param name="connection">An open connection to the CDM database.</param>
    /// <param name="cdmSchema">The schema of the CDM tables, or <c>null</c> for the current one.</param>
    /// <returns>The distinct <c>concept_code</c>s of vocabulary <c>UCUM</c>, sorted.</returns>
    public static IReadOnlyList<string> UnitCodes(DuckDBConnection connection, string? cdmSchema)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return OmopResults.Strings(connection, OmopResults.UnitCodesQuery(SqlDialect.DuckDb, cdmSchema));
    }

    /// <summary>Reads the database's units, compiles the trial for DuckDB and runs it.</summary>
    /// <param name="connection">An open connection to the CDM database.</param>
    /// <param name="trial">The compiled trial.</param>
    /// <param name="asOf">The screening date.</param>
    /// <returns>Per-person rows and the attrition table.</returns>
    public static OmopScreenResult Run(DuckDBConnection connection, TrialEvaluator trial, DateOnly asOf) => Run(connection, trial, asOf, null);

    /// <summary>Reads the database's units, compiles the trial for DuckDB and runs it over the CDM tables of a schema.</summary>
    /// <param name="connection">An open connection to the CDM database.</param>
    /// <param name="trial">The compiled trial.</param>
    /// <param name="asOf">The screening date.</param>
    /// <param name="cdmSchema">The schema of the CDM tables, or <c>null</c> for the current one.</param>
    /// <returns>Per-person rows and the attrition table.</returns>
    public static OmopScreenResult Run(DuckDBConnection connection, TrialEvaluator trial, DateOnly asOf, string? cdmSchema)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var options = new OmopSqlOptions { AsOf = asOf, UnitCodes = UnitCodes(connection, cdmSchema), CdmSchema = cdmSchema };
        return Run(connection, OmopSqlCompiler.Compile(trial, SqlDialect.DuckDb, options));
    }

    /// <summary>Runs a compiled script: its temp tables live on this connection until it closes.</summary>
    /// <param name="connection">An open connection to the CDM database.</param>
    /// <param name="compilation">The compiled trial (DuckDB dialect).</param>
    /// <returns>Per-person rows and the attrition table.</returns>
    public static OmopScreenResult Run(DuckDBConnection connection, OmopSqlCompilation compilation)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(compilation);
        return OmopResults.Run(connection, compilation);
    }

    /// <summary>
    /// Runs trials compiled together (<see cref="OmopSqlCompiler.Compile(IReadOnlyList{TrialEvaluator}, SqlDialect, OmopSqlOptions)"/>):
    /// their shared statements once, then each trial's own; a compilation made apart runs its whole script.
    /// </summary>
    /// <param name="connection">An open connection to the CDM database.</param>
    /// <param name="compilations">The compiled trials (DuckDB dialect), run in order.</param>
    /// <returns>Per trial, in order: per-person rows and the attrition table.</returns>
    public static IReadOnlyList<OmopScreenResult> Run(DuckDBConnection connection, IReadOnlyList<OmopSqlCompilation> compilations)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(compilations);
        return OmopResults.Run(connection, compilations);
    }
}
