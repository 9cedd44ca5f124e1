using System.Data.Common;

namespace Eligibility.Sql.Tests;

/// <summary>Running the tests' own SQL (schema and rows) on a connection.</summary>
internal static class TestSql
{
    /// <summary>Executes <paramref name="sql"/> (one or more statements) on an open connection.</summary>
    public static void Execute(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
