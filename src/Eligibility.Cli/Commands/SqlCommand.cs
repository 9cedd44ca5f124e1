using System;
using System.Collections.Generic;
using System.CommandLine;
using Eligibility.Cli.Input;
using Eligibility.Cli.Omop;
using Eligibility.Sql;

namespace Eligibility.Cli.Commands;

/// <summary>
/// <c>eligibility sql</c>: a rule file compiled to SQL over the OMOP CDM 5.4, printed on stdout; the rules the SQL cannot
/// express are ELIG4151 warnings on stderr (they are unknown for every person).
/// </summary>
internal sealed class SqlCommand : CliCommand
{
    /// <summary>
    /// The UCUM unit codes the SQL converts when no database is named: common laboratory units. A result in a unit not
    /// listed is unknown; <c>--omop</c> reads the database's own unit concepts instead.
    /// </summary>
    internal static readonly string[] CommonUnits =
    [
        "%", "/uL", "10*3/uL", "10*6/uL", "10*9/L", "10*12/L", "U/L", "[IU]/L", "g/L", "g/dL", "mg/L", "mg/dL", "ug/L", "ng/mL",
        "pg/mL", "umol/L", "mmol/L", "nmol/L", "mmol/mol", "mg/g", "mg/mmol", "mL/min", "mL/min/{1.73_m2}", "kg", "g", "cm", "m",
        "mm[Hg]", "{score}", "{ratio}", "s", "a", "d",
    ];

    private readonly Option<string> rules = new("--rules") { Description = "The rule file (rules/<TrialId>.json).", Required = true, HelpName = "FILE" };
    private readonly Option<string> dialect = new("--dialect")
    {
        Description = "The SQL engine: duckdb (embedded, the default), postgres (PostgreSQL) or spark (Spark SQL for Databricks).",
        DefaultValueFactory = _ => "duckdb",
        HelpName = "duckdb|postgres|spark",
    };

    private readonly Option<DateOnly?> asOf = AsOfDate.CreateOption("The screening date the SQL is written for. Default: today (the SQL has no per-record as-of date).");
    private readonly Option<string?> omop = new("--omop") { Description = "Read the unit concepts (UCUM) of this OMOP database (duckdb:PATH, or a PostgreSQL connection string) so the SQL converts every unit it holds. Default: a built-in list of common laboratory units.", HelpName = "CONNECTION" };
    private readonly Option<string?> cdmSchema = new("--cdm-schema") { Description = "The schema holding the CDM tables: the SQL names it (and --omop reads the units from it).", HelpName = "NAME" };
    private readonly Option<string[]> terminology = TerminologyInput.CreateOption();

    public SqlCommand(CliConsole console)
        : base("sql", "Compile a rule file to SQL over the OMOP CDM 5.4 (stdout); rules the SQL cannot express are warnings on stderr.", console)
    {
        Options.Add(rules);
        Options.Add(dialect);
        Options.Add(asOf);
        Options.Add(omop);
        Options.Add(cdmSchema);
        Options.Add(terminology);
        dialect.Validators.Add(r =>
        {
            if (r.Tokens.Count == 0)
            {
                return; // the default: duckdb
            }

            string value = r.Tokens[0].Value;
            if (DialectOf(value) is null)
            {
                r.AddError($"--dialect: '{value}' is not a dialect; use duckdb, postgres or spark");
            }
        });
    }

    public override IReadOnlyList<(string CommandLine, string Comment)> Examples { get; } =
    [
        ("eligibility sql --dialect duckdb --rules rules/NCT07077486.json --as-of 2026-03-01 > NCT07077486.sql", "The trial as one DuckDB script over the CDM: temp tables, then one row per person"),
        ("eligibility omop-generate --rules rules --persons 100 --out duckdb:cdm.duckdb && eligibility sql --rules rules/NCT07008196.json --omop duckdb:cdm.duckdb > NCT07008196.sql", "Converting every unit the database's UCUM concepts hold"),
    ];

    protected override int Execute(ParseResult parseResult)
    {
        string rulesPath = parseResult.GetRequiredValue(rules);
        var compiler = new RuleFiles(TerminologyInput.Load(parseResult.GetValue(terminology), Console));
        var trial = compiler.LoadOrThrow(rulesPath, Console);
        DateOnly date = parseResult.GetValue(asOf) ?? Console.Today;
        var sqlDialect = DialectOf(parseResult.GetValue(dialect) ?? "duckdb") ?? SqlDialect.DuckDb;
        string? schema = parseResult.GetValue(cdmSchema);
        IReadOnlyCollection<string> units = CommonUnits;
        if (parseResult.GetValue(omop) is { } connection)
        {
            using var database = OmopConnection.Open(connection, "--omop", schema, null, Console);
            units = database.UnitCodes();
        }

        var compilation = OmopSqlCompiler.Compile(trial, sqlDialect, new OmopSqlOptions { AsOf = date, UnitCodes = units, CdmSchema = schema });
        OmopDatabase.WriteUnsupported(rulesPath, compilation, Console);
        Console.Out.Write(compilation.Sql);
        if (!compilation.Sql.EndsWith('\n'))
        {
            Console.Out.WriteLine();
        }

        string from = parseResult.GetValue(asOf) is null ? "today: no --as-of" : "from --as-of";
        Console.Error.WriteLine($"{trial.Trial.Id}: SQL for {DialectName(sqlDialect)} as of {AsOfDate.Format(date)} ({from}); {compilation.Nodes.Count} criteria and parts, {compilation.Unsupported.Count} not expressible in SQL (unknown for every person).");
        return ExitCodes.Success;
    }

    /// <summary>The dialect an option word names; null when it names none.</summary>
    internal static SqlDialect? DialectOf(string word) => word switch
    {
        "duckdb" => SqlDialect.DuckDb,
        "postgres" => SqlDialect.PostgreSql,
        "spark" => SqlDialect.Spark,
        _ => null,
    };

    private static string DialectName(SqlDialect d) => d switch
    {
        SqlDialect.PostgreSql => "PostgreSQL",
        SqlDialect.Spark => "Spark SQL",
        _ => "DuckDB",
    };
}
