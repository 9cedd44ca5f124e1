using System;
using System.IO;
using DuckDB.NET.Data;

namespace Eligibility.Sql;

/// <summary>The OMOP CDM 5.4 tables the SQL back end reads, as DDL.</summary>
public static class OmopSchema
{
    /// <summary>
    /// DuckDB DDL for person, observation_period, measurement, observation, condition_occurrence, drug_exposure,
    /// procedure_occurrence, device_exposure, concept, concept_ancestor and concept_relationship (CDM 5.4 names and types).
    /// </summary>
    public static string DuckDbDdl { get; } = Read("Eligibility.Sql.Ddl.cdm54.duckdb.sql");

    /// <summary>Creates the tables in the connection's current schema.</summary>
    /// <param name="connection">An open DuckDB connection.</param>
    public static void Create(DuckDBConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = DuckDbDdl;
        command.ExecuteNonQuery();
    }

    private static string Read(string name)
    {
        using var stream = typeof(OmopSchema).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException("the embedded resource " + name + " is missing: this is a bug");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
