namespace Eligibility.Sql;

/// <summary>The SQL engine the generated text is written for.</summary>
public enum SqlDialect
{
    /// <summary>DuckDB (embedded; the default).</summary>
    DuckDb,

    /// <summary>PostgreSQL (12 and later): temp tables, analysed after creation.</summary>
    PostgreSql,

    /// <summary>Spark SQL as Databricks runs it: intermediate results are Delta tables in the current schema.</summary>
    Spark,
}
