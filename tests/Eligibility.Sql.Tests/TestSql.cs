using System.Data.Common;
using DuckDB.NET.Data;

namespace Eligibility.Sql.Tests;

/// <summary>Running the tests' own SQL (schema and rows) on a connection.</summary>
internal static class TestSql
{
    /// <summary>An open in-memory DuckDB database with the empty CDM 5.4 tables; the caller disposes of it.</summary>
    public static DuckDBConnection EmptyCdm()
    {
        var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        OmopSchema.Create(connection);
        return connection;
    }

    /// <summary>Executes <paramref name="sql"/> (one or more statements) on an open connection.</summary>
    public static void Execute(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
