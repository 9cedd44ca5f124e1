namespace Eligibility.Sql;

/// <summary>The SQL engine the generated text is written for.</summary>
public enum SqlDialect
{
    /// <summary>DuckDB (embedded; the default and, so far, the only dialect).</summary>
    DuckDb,
}
