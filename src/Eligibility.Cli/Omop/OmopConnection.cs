using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Globalization;
using System.Linq;
using DuckDB.NET.Data;
using Eligibility.Cli.Output;
using Eligibility.Sql;
using Npgsql;

namespace Eligibility.Cli.Omop;

/// <summary>
/// An open OMOP CDM database named by <c>--omop CONNECTION</c>: <c>duckdb:PATH</c> (a DuckDB file, opened read-only) or
/// a PostgreSQL connection string (<c>Host=…;Database=…;…</c>, Npgsql's keywords). It reads the database's UCUM unit
/// concepts and runs a trial's SQL in the matching dialect. A database that cannot be opened or lacks the CDM tables is
/// ELIG4152 (exit 2).
/// </summary>
internal sealed class OmopConnection : IDisposable
{
    private readonly DuckDBConnection? duck;
    private readonly NpgsqlConnection? postgres;

    private OmopConnection(string name, string? schema, DuckDBConnection? duck, NpgsqlConnection? postgres)
    {
        Name = name;
        Schema = schema;
        this.duck = duck;
        this.postgres = postgres;
    }

    /// <summary>How the database is named in messages: the DuckDB file, or the PostgreSQL host and database (never the password).</summary>
    public string Name { get; }

    /// <summary>The schema holding the CDM tables, if one was given.</summary>
    public string? Schema { get; }

    /// <summary>The dialect the database runs.</summary>
    public SqlDialect Dialect => duck is null ? SqlDialect.PostgreSql : SqlDialect.DuckDb;

    /// <summary>Whether a connection argument names a PostgreSQL database (a connection string with a host).</summary>
    public static bool IsPostgres(string connection) =>
        !connection.StartsWith(OmopDatabase.DuckDbPrefix, StringComparison.OrdinalIgnoreCase)
        && connection.Contains('=', StringComparison.Ordinal) && connection.Contains("host", StringComparison.OrdinalIgnoreCase);

    /// <summary>Opens the database; throws <see cref="CliInputException"/> (exit 2) when it cannot be screened.</summary>
    public static OmopConnection Open(string connection, string option, string? schema, int? threads, CliConsole console)
    {
        if (!IsPostgres(connection))
        {
            string path = OmopDatabase.DuckDbPath(connection, option);
            return new OmopConnection(path, schema, OmopDatabase.Open(path, schema, threads, console), null);
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connection);
        }
        catch (ArgumentException ex)
        {
            throw new CliInputException($"{option}: not a PostgreSQL connection string: {ex.Message}", ex);
        }

        string name = $"PostgreSQL {builder.Host}{(builder.Port != NpgsqlConnection.DefaultPort ? ":" + builder.Port.ToString(CultureInfo.InvariantCulture) : string.Empty)}/{builder.Database}";
        var pg = new NpgsqlConnection(connection);
        try
        {
            pg.Open();
            foreach (string table in OmopDatabase.Tables)
            {
                using var command = pg.CreateCommand();
                command.CommandText = $"SELECT 1 FROM {Qualified(schema, table)} LIMIT 0";
                command.ExecuteNonQuery();
            }

            return new OmopConnection(name, schema, null, pg);
        }
        catch (Exception ex) when (ex is NpgsqlException or DbException or InvalidOperationException or TimeoutException)
        {
            pg.Dispose();
            throw OmopDatabase.Unusable(name, (schema is null ? string.Empty : $"schema '{schema}': ") + ex.Message.ReplaceLineEndings(" "), console);
        }
    }

    /// <summary>The UCUM codes of the database's unit concepts (the SQL converts these).</summary>
    public IReadOnlyList<string> UnitCodes() => duck is not null
        ? DuckDbOmopRunner.UnitCodes(duck)
        : PostgreSqlOmopRunner.UnitCodes(postgres!, Schema);

    /// <summary>The options a trial's SQL is compiled with for this database.</summary>
    public OmopSqlOptions Options(DateOnly asOf, IReadOnlyCollection<string> units) =>
        // DuckDB's connection already reads the schema (SET schema); PostgreSQL's SQL names it.
        new() { AsOf = asOf, UnitCodes = units, CdmSchema = duck is null ? Schema : null };

    /// <summary>Runs the trials' SQL compiled together (the shared part once); a failure of the database is ELIG4152 (exit 2).</summary>
    public IReadOnlyList<OmopScreenResult> Run(IReadOnlyList<OmopSqlCompilation> compilations, CliConsole console)
    {
        try
        {
            return duck is not null ? DuckDbOmopRunner.Run(duck, compilations) : PostgreSqlOmopRunner.Run(postgres!, compilations);
        }
        catch (Exception ex) when (ex is DuckDBException or NpgsqlException or DbException)
        {
            string trialIds = string.Join(", ", compilations.Select(c => c.TrialId));
            throw OmopDatabase.Unusable(Name, $"the SQL of {trialIds} failed: {ex.Message.ReplaceLineEndings(" ")}", console);
        }
    }

    public void Dispose()
    {
        duck?.Dispose();
        postgres?.Dispose();
    }

    private static string Qualified(string? schema, string table) =>
        schema is null ? table : "\"" + schema.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"." + table;
}
