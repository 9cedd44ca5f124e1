using System;
using System.IO;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using Npgsql;

namespace Eligibility.Sql;

/// <summary>The OMOP CDM 5.4 tables the SQL back end reads, as DDL.</summary>
public static class OmopSchema
{
    /// <summary>
    /// DuckDB DDL for person, observation_period, measurement, observation, condition_occurrence, drug_exposure,
    /// procedure_occurrence, device_exposure, concept, concept_ancestor, concept_relationship and drug_strength (CDM 5.4 names and types).
    /// </summary>
    public static string DuckDbDdl { get; } = Read("Eligibility.Sql.Ddl.cdm54.duckdb.sql");

    /// <summary>The same tables as PostgreSQL DDL (types as in the OHDSI CommonDataModel PostgreSQL DDL), unqualified.</summary>
    public static string PostgreSqlDdl { get; } = Read("Eligibility.Sql.Ddl.cdm54.postgresql.sql");

    /// <summary>Creates the tables in the connection's current schema.</summary>
    /// <param name="connection">An open DuckDB connection.</param>
    public static void Create(DuckDBConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = DuckDbDdl;
        command.ExecuteNonQuery();
    }

    /// <summary>Creates the tables in a PostgreSQL schema (created if missing), or in the current schema when none is given.</summary>
    /// <param name="connection">An open PostgreSQL connection.</param>
    /// <param name="schema">The schema, or <c>null</c> for the first schema of the search path.</param>
    public static void Create(NpgsqlConnection connection, string? schema)
    {
        ArgumentNullException.ThrowIfNull(connection);
        string ddl = PostgreSqlDdl;
        if (!string.IsNullOrWhiteSpace(schema))
        {
            string quoted = "\"" + schema.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            ddl = $"CREATE SCHEMA IF NOT EXISTS {quoted};\n" + Regex.Replace(ddl, "^CREATE TABLE ", $"CREATE TABLE {quoted}.", RegexOptions.Multiline);
        }

        using var command = connection.CreateCommand();
        command.CommandText = ddl;
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
