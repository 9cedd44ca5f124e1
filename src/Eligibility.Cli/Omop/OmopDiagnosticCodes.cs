namespace Eligibility.Cli.Omop;

/// <summary>
/// Permanent codes for SQL over the OMOP CDM (<c>sql</c>, <c>screen --omop</c>, <c>omop-generate</c>). Like every
/// other code, they never change meaning and are never reused.
/// </summary>
internal static class OmopDiagnosticCodes
{
    /// <summary>A rule of the rule file the SQL back end cannot express: it is unknown for every person (never a silent pass).</summary>
    public const string NotInSql = "ELIG4151";

    /// <summary>The OMOP database cannot be screened: the file does not exist, is not a DuckDB database, or lacks the CDM tables the SQL reads.</summary>
    public const string DatabaseUnusable = "ELIG4152";
}
