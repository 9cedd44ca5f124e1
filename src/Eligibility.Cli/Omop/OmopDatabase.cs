using System;
using System.Collections.Generic;
using System.IO;
using DuckDB.NET.Data;
using Eligibility.Cli.Output;
using Eligibility.Sql;

namespace Eligibility.Cli.Omop;

/// <summary>
/// A DuckDB CDM database named <c>duckdb:PATH</c>: the DuckDB side of <see cref="OmopConnection"/>, and where
/// <c>omop-generate --out</c> writes (DuckDB only: a PostgreSQL connection string is refused there, exit 2).
/// </summary>
internal static class OmopDatabase
{
    public const string DuckDbPrefix = "duckdb:";

    /// <summary>The DuckDB file a connection names; throws (exit 2) for anything else.</summary>
    public static string DuckDbPath(string connection, string option)
    {
        if (connection.StartsWith(DuckDbPrefix, StringComparison.OrdinalIgnoreCase) && connection.Length > DuckDbPrefix.Length)
        {
            return connection[DuckDbPrefix.Length..];
        }

        if (OmopConnection.IsPostgres(connection))
        {
            throw new CliInputException($"{option} takes a DuckDB file here (duckdb:PATH), not a PostgreSQL connection string");
        }

        throw new CliInputException($"{option}: '{connection}' is not a connection: use duckdb:PATH (a DuckDB database file)");
    }

    /// <summary>Opens an existing DuckDB CDM database, read-only, with <paramref name="schema"/> (if any) as the schema the SQL reads.</summary>
    public static DuckDBConnection Open(string path, string? schema, int? threads, CliConsole console)
    {
        if (!File.Exists(path))
        {
            throw Unusable(path, "the database file does not exist", console);
        }

        var connection = new DuckDBConnection($"Data Source={path};ACCESS_MODE=READ_ONLY");
        try
        {
            connection.Open();
            if (schema is not null)
            {
                Execute(connection, $"SET schema = '{schema.Replace("'", "''", StringComparison.Ordinal)}'");
            }

            if (threads is { } n)
            {
                Execute(connection, $"SET threads = {n.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            }

            // The tables the SQL reads: their absence is the user's database, not a bug.
            foreach (string table in Tables)
            {
                Execute(connection, $"SELECT 1 FROM {table} LIMIT 0");
            }

            return connection;
        }
        catch (DuckDBException ex)
        {
            connection.Dispose();
            throw Unusable(path, (schema is null ? string.Empty : $"schema '{schema}': ") + FirstLine(ex.Message), console);
        }
    }

    /// <summary>The CDM tables the SQL reads.</summary>
    public static readonly IReadOnlyList<string> Tables = ["person", "measurement", "observation", "condition_occurrence", "drug_exposure", "procedure_occurrence", "concept", "concept_ancestor", "concept_relationship"];

    /// <summary>Reports ELIG4152 for the database and returns the exception that exits 2.</summary>
    public static CliInputException Unusable(string path, string message, CliConsole console)
    {
        console.Error.WriteLine(DiagnosticOutput.FileError(path, OmopDiagnosticCodes.DatabaseUnusable, "cannot screen this OMOP database: " + message).ToString());
        return new CliInputException($"the OMOP database {path} cannot be screened");
    }

    /// <summary>Writes each rule the SQL cannot express as an ELIG4151 warning on the rule file.</summary>
    public static void WriteUnsupported(string ruleFile, OmopSqlCompilation compilation, CliConsole console)
    {
        foreach (var u in compilation.Unsupported)
        {
            string part = u.Path == u.CriterionId ? "the criterion itself" : $"part {u.Path}" + (u.PartId is { } id ? $" ({id})" : string.Empty);
            string message = $"{u.CriterionId}, {part}, kind {u.Kind}: not expressible in SQL ({u.Message}); it is unknown for every person";
            console.Error.WriteLine(new Diagnostic(code: OmopDiagnosticCodes.NotInSql, severity: DiagnosticSeverity.Warning, message: message, file: ruleFile, pointer: string.Empty).ToString());
        }
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string FirstLine(string text) => text.ReplaceLineEndings("\n").Split('\n')[0];
}
