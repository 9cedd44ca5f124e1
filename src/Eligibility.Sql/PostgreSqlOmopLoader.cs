using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DuckDB.NET.Data;
using Npgsql;
using NpgsqlTypes;

namespace Eligibility.Sql;

/// <summary>
/// Copies the CDM tables of a DuckDB database (such as a generated synthetic population) into a PostgreSQL schema with
/// binary COPY: the same rows, so the same SQL can be compared on both engines.
/// </summary>
internal static class PostgreSqlOmopLoader
{
    private static readonly string[] Tables =
    {
        "person", "observation_period", "measurement", "observation", "condition_occurrence", "drug_exposure",
        "procedure_occurrence", "device_exposure", "concept", "concept_ancestor", "concept_relationship", "drug_strength",
    };

    /// <summary>Creates the CDM tables in the schema (dropping it first if it exists) and copies every row from DuckDB.</summary>
    /// <returns>The number of rows copied, by table.</returns>
    public static IReadOnlyDictionary<string, long> Copy(DuckDBConnection source, NpgsqlConnection target, string schema)
    {
        string quoted = "\"" + schema.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        using (var drop = target.CreateCommand())
        {
            drop.CommandText = $"DROP SCHEMA IF EXISTS {quoted} CASCADE";
            drop.ExecuteNonQuery();
        }

        OmopSchema.Create(target, schema);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (string table in Tables)
        {
            var columns = ColumnTypes(target, schema, table);
            using var read = source.CreateCommand();
            read.CommandText = $"SELECT {string.Join(", ", columns.Select(c => c.Name))} FROM {table}";
            using var reader = read.ExecuteReader();
            long rows = 0;
            using (var writer = target.BeginBinaryImport($"COPY {quoted}.{table} ({string.Join(", ", columns.Select(c => c.Name))}) FROM STDIN (FORMAT BINARY)"))
            {
                while (reader.Read())
                {
                    writer.StartRow();
                    for (int i = 0; i < columns.Count; i++)
                    {
                        Write(writer, reader.IsDBNull(i) ? null : reader.GetValue(i), columns[i].Type);
                    }

                    rows++;
                }

                writer.Complete();
            }

            counts[table] = rows;
            using var analyze = target.CreateCommand();
            analyze.CommandText = $"ANALYZE {quoted}.{table}";
            analyze.ExecuteNonQuery();
        }

        return counts;
    }

    private static List<(string Name, string Type)> ColumnTypes(NpgsqlConnection connection, string schema, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = @schema AND table_name = @table ORDER BY ordinal_position";
        command.Parameters.AddWithValue("schema", schema);
        command.Parameters.AddWithValue("table", table);
        using var reader = command.ExecuteReader();
        var columns = new List<(string, string)>();
        while (reader.Read())
        {
            columns.Add((reader.GetString(0), reader.GetString(1)));
        }

        return columns;
    }

    private static void Write(NpgsqlBinaryImporter writer, object? value, string type)
    {
        if (value is null)
        {
            writer.WriteNull();
            return;
        }

        switch (type)
        {
            case "integer":
                writer.Write(Convert.ToInt32(value, CultureInfo.InvariantCulture), NpgsqlDbType.Integer);
                break;
            case "bigint":
                writer.Write(Convert.ToInt64(value, CultureInfo.InvariantCulture), NpgsqlDbType.Bigint);
                break;
            case "numeric":
                writer.Write(Convert.ToDecimal(value, CultureInfo.InvariantCulture), NpgsqlDbType.Numeric);
                break;
            case "date":
                writer.Write(value switch { DateOnly d => d, DateTime t => DateOnly.FromDateTime(t), _ => throw Unexpected(value, type) }, NpgsqlDbType.Date);
                break;
            case "timestamp without time zone":
                writer.Write(value switch { DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Unspecified), DateOnly d => d.ToDateTime(TimeOnly.MinValue), _ => throw Unexpected(value, type) }, NpgsqlDbType.Timestamp);
                break;
            case "character varying":
            case "text":
                writer.Write(value as string ?? throw Unexpected(value, type), NpgsqlDbType.Text);
                break;
            default:
                throw Unexpected(value, type);
        }
    }

    private static InvalidOperationException Unexpected(object value, string type) =>
        new($"cannot copy a {value.GetType().Name} into a PostgreSQL {type} column: this is a bug");
}
