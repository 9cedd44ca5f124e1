using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Eligibility.Sql.Compilation;

/// <summary>
/// The dialect-specific pieces of the generated SQL: intermediate tables and their statistics, date arithmetic and parts,
/// casts and type names, first-row-per-group, arg-max aggregates, string functions, identifiers and the CDM schema. The
/// writer composes everything else the same way for every dialect.
/// </summary>
internal abstract class SqlDialectWriter
{
    private readonly string? cdmSchema;

    protected SqlDialectWriter(string? cdmSchema) => this.cdmSchema = string.IsNullOrWhiteSpace(cdmSchema) ? null : cdmSchema;

    /// <summary>The engine's name, for the script's header.</summary>
    public abstract string Name { get; }

    public static SqlDialectWriter For(SqlDialect dialect, string? cdmSchema) => dialect switch
    {
        SqlDialect.DuckDb => new DuckDbDialect(cdmSchema),
        SqlDialect.PostgreSql => new PostgreSqlDialect(cdmSchema),
        SqlDialect.Spark => new SparkDialect(cdmSchema),
        _ => throw new ArgumentOutOfRangeException(nameof(dialect), dialect, "unknown SQL dialect"),
    };

    /// <summary>A CDM table, qualified by the CDM schema when one is given (else the connection's search path).</summary>
    public string Cdm(string table) => cdmSchema is null ? table : string.Join(".", cdmSchema.Split('.').Select(Quote)) + "." + table;

    /// <summary>A quoted identifier.</summary>
    public virtual string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>The statement(s) creating an intermediate table from a query (without the final <c>;</c>), statistics included.</summary>
    public abstract string CreateTable(string name, string query);

    /// <summary>
    /// A table of literal rows with typed columns (a column of NULLs only would otherwise have no type: text in PostgreSQL,
    /// a void column Delta cannot store).
    /// </summary>
    public virtual string Values(IReadOnlyList<string> rows, params (string Name, string Type)[] columns) =>
        $"SELECT {string.Join(", ", columns.Select(c => $"CAST({c.Name} AS {Type(c.Type)}) AS {c.Name}"))} FROM (VALUES\n  {string.Join(",\n  ", rows)}) AS v({string.Join(", ", columns.Select(c => c.Name))})";

    /// <summary>A type name (written as DuckDB spells it: INTEGER, DOUBLE, VARCHAR, DECIMAL(p,s)).</summary>
    public virtual string Type(string duckDbType) => duckDbType;

    /// <summary>A NULL of a type.</summary>
    public virtual string TypedNull(string duckDbType) => "CAST(NULL AS " + Type(duckDbType) + ")";

    /// <summary>The alias of a derived table that DuckDB lets go unnamed (with its leading space, or nothing).</summary>
    public virtual string DerivedAlias(string alias) => " AS " + alias;

    /// <summary>
    /// Text closing a derived table that the planner must compute as it is rather than merge into the query around it
    /// (empty where the engine does not merge in a harmful way).
    /// </summary>
    public virtual string Fence => string.Empty;

    public virtual string Year(string date) => $"year({date})";

    public virtual string Month(string date) => $"month({date})";

    public virtual string Day(string date) => $"day({date})";

    /// <summary>A date plus an integer number of days.</summary>
    public virtual string AddDays(string date, string days) => $"{date} + {days}";

    /// <summary>Days from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public abstract string DaysBetween(string from, string to);

    /// <summary>A date plus months (clamped to the month's end), then days; months and days are SQL integer expressions.</summary>
    public abstract string AddMonthsThenDays(string date, string months, string days);

    /// <summary>
    /// The rows of a query that come first in their group: <paramref name="select"/> is the select list,
    /// <paramref name="rest"/> the FROM and WHERE lines (each starting with a line break and its indent),
    /// <paramref name="window"/> the <c>PARTITION BY … ORDER BY …</c> of <c>row_number()</c>.
    /// </summary>
    public virtual string FirstInGroup(string select, string rest, string window, string indent) =>
        $"SELECT * FROM (SELECT {select}, row_number() OVER ({window}) AS elig_rn{rest}) elig_q WHERE elig_rn = 1";

    /// <summary>The value of the row with the largest rank (<paramref name="largest"/>) or the smallest.</summary>
    public abstract string ArgBy(string value, string rank, bool largest);

    /// <summary>
    /// Per group, the values of the row with the largest key: the query's columns are the <paramref name="group"/> columns
    /// (named as given, without their table alias) and the <paramref name="values"/>' aliases (and, by default, a row number
    /// to ignore). The key is the row's <paramref name="date"/> (never NULL: <paramref name="rest"/> bounds it), then its
    /// <paramref name="rowId"/> (a BIGINT, unique within a group); <paramref name="rest"/> is the FROM and WHERE lines, as for
    /// <see cref="FirstInGroup"/>. The first row of the window ordered by the key descending, in every dialect. On DuckDB
    /// this replaced one hash aggregate taking <c>arg_max</c> by a (date, row ID) key (benchmarks/RESULTS.md, fifteenth
    /// round): at 1,000,000 persons the latest results 3.9–4.7 s against 5.8–7.1 s and the answers 1.9 s against 3.1 s,
    /// and the rows come out in group order, which makes the next per-person aggregate faster.
    /// </summary>
    public string LastInGroup(IReadOnlyList<string> group, IReadOnlyList<(string Value, string Alias)> values, string date, string rowId, string rest, string indent) =>
        FirstInGroup(
            string.Join(", ", group.Concat(values.Select(v => $"{v.Value} AS {v.Alias}"))),
            rest,
            $"PARTITION BY {string.Join(", ", group)} ORDER BY {date} DESC, {rowId} DESC",
            indent);

    public virtual string StartsWith(string text, string prefix) => $"starts_with({text}, {prefix})";

    /// <summary>Runs of spaces as one, no leading or trailing space.</summary>
    public abstract string CollapseSpaces(string text);

    /// <summary>Trailing dots dropped.</summary>
    public virtual string TrimTrailingDots(string text) => $"rtrim({text}, '.')";

    /// <summary>
    /// The text of a line comment. Semicolons become commas: the PostgreSQL grammar of the parser the text is checked with
    /// ends a statement at a semicolon even inside a comment.
    /// </summary>
    public virtual string CommentText(string text) => text.Replace(';', ',');

    /// <summary>The sum of a count column over the rows meeting a condition, as a BIGINT: 0 when none does.</summary>
    public virtual string SumWhere(string count, string condition) => $"COALESCE(CAST(sum({count}) FILTER (WHERE {condition}) AS BIGINT), 0)";

    /// <summary>The integer quotient of two non-negative integers (PostgreSQL's <c>/</c> on integers).</summary>
    public virtual string IntDiv(string dividend, string divisor) => $"({dividend} / {divisor})";

    /// <summary>A decimal literal used as a double (for <c>pow</c> and the like).</summary>
    public virtual string DoubleLiteral(string literal) => literal;

    /// <summary>A double rounded to <paramref name="digits"/> decimals.</summary>
    public virtual string RoundDouble(string value, int digits) => $"round({value}, {digits.ToString(CultureInfo.InvariantCulture)})";
}

/// <summary>DuckDB: the first dialect; its text is what the writer produced before dialects existed.</summary>
internal sealed class DuckDbDialect : SqlDialectWriter
{
    public DuckDbDialect(string? cdmSchema)
        : base(cdmSchema)
    {
    }

    public override string Name => "DuckDB";

    public override string CreateTable(string name, string query) => $"CREATE OR REPLACE TEMP TABLE {name} AS\n{query}";

    public override string TypedNull(string duckDbType) => "NULL::" + duckDbType;

    public override string DerivedAlias(string alias) => string.Empty;

    public override string CommentText(string text) => text;

    public override string Values(IReadOnlyList<string> rows, params (string Name, string Type)[] columns) =>
        $"SELECT * FROM (VALUES\n  {string.Join(",\n  ", rows)}) AS v({string.Join(", ", columns.Select(c => c.Name))})";

    public override string DaysBetween(string from, string to) => $"date_diff('day', {from}, {to})";

    public override string AddMonthsThenDays(string date, string months, string days) =>
        $"CAST(CAST({date} + to_months(CAST({months} AS INTEGER)) AS DATE) + to_days(CAST({days} AS INTEGER)) AS DATE)";

    public override string FirstInGroup(string select, string rest, string window, string indent) =>
        $"SELECT {select}{rest}\n{indent}QUALIFY row_number() OVER ({window}) = 1";

    public override string ArgBy(string value, string rank, bool largest) => $"{(largest ? "arg_max" : "arg_min")}({value}, {rank})";

    public override string IntDiv(string dividend, string divisor) => $"({dividend} // {divisor})";

    public override string CollapseSpaces(string text) => $"array_to_string(list_filter(string_split({text}, ' '), x -> x <> ''), ' ')";
}

/// <summary>PostgreSQL (12 and later): temp tables analysed after creation.</summary>
internal sealed class PostgreSqlDialect : SqlDialectWriter
{
    public PostgreSqlDialect(string? cdmSchema)
        : base(cdmSchema)
    {
    }

    public override string Name => "PostgreSQL";

    public override string CreateTable(string name, string query) => $"DROP TABLE IF EXISTS {name};\nCREATE TEMP TABLE {name} AS\n{query};\nANALYZE {name}";

    public override string Type(string duckDbType) => duckDbType == "DOUBLE" ? "float8" : duckDbType;

    // PostgreSQL pulls a plain subquery up into the query above it, copying each column's expression into every place it
    // is read: over elig_state's nested levels that multiplies the expressions level after level (10,000 persons took
    // minutes). A subquery with OFFSET is never pulled up, so each level is computed once.
    public override string Fence => " OFFSET 0";

    public override string Year(string date) => $"CAST(EXTRACT(YEAR FROM {date}) AS INTEGER)";

    public override string Month(string date) => $"CAST(EXTRACT(MONTH FROM {date}) AS INTEGER)";

    public override string Day(string date) => $"CAST(EXTRACT(DAY FROM {date}) AS INTEGER)";

    public override string DaysBetween(string from, string to) => $"({to} - {from})";

    public override string AddMonthsThenDays(string date, string months, string days) =>
        $"(CAST({date} + make_interval(months => CAST({months} AS INTEGER)) AS DATE) + CAST({days} AS INTEGER))";

    public override string ArgBy(string value, string rank, bool largest) => $"(array_agg({value} ORDER BY {rank}{(largest ? " DESC" : string.Empty)}))[1]";

    public override string CollapseSpaces(string text) => $"btrim(regexp_replace({text}, ' +', ' ', 'g'), ' ')";

    public override string DoubleLiteral(string literal) => $"CAST({literal} AS float8)";

    public override string RoundDouble(string value, int digits) => $"round(CAST({value} AS NUMERIC), {digits.ToString(CultureInfo.InvariantCulture)})";
}

/// <summary>
/// Spark SQL as Databricks runs it: intermediate results are Delta tables in the current schema (the SQL Statement
/// Execution API keeps no session between statements, so temporary views would not survive), with statistics computed.
/// </summary>
internal sealed class SparkDialect : SqlDialectWriter
{
    public SparkDialect(string? cdmSchema)
        : base(cdmSchema)
    {
    }

    public override string Name => "Spark SQL";

    public override string Quote(string identifier) => "`" + identifier.Replace("`", "``", StringComparison.Ordinal) + "`";

    public override string CreateTable(string name, string query) => $"CREATE OR REPLACE TABLE {name} AS\n{query};\nANALYZE TABLE {name} COMPUTE STATISTICS";

    public override string Type(string duckDbType) => duckDbType == "VARCHAR" ? "STRING" : duckDbType;

    public override string AddDays(string date, string days) => $"date_add({date}, {days})";

    public override string DaysBetween(string from, string to) => $"datediff({to}, {from})";

    public override string AddMonthsThenDays(string date, string months, string days) =>
        $"date_add(add_months({date}, CAST({months} AS INTEGER)), CAST({days} AS INTEGER))";

    public override string ArgBy(string value, string rank, bool largest) => $"{(largest ? "max_by" : "min_by")}({value}, {rank})";

    public override string StartsWith(string text, string prefix) => $"(substring({text}, 1, length({prefix})) = {prefix})";

    public override string CollapseSpaces(string text) => $"trim(regexp_replace({text}, ' +', ' '))";

    public override string TrimTrailingDots(string text) => $"trim(TRAILING '.' FROM {text})";

    public override string SumWhere(string count, string condition) => $"COALESCE(CAST(sum(CASE WHEN {condition} THEN {count} ELSE 0 END) AS BIGINT), 0)";

    public override string IntDiv(string dividend, string divisor) => $"({dividend} div {divisor})";
}
