using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using Eligibility.Cli.Omop;
using Eligibility.Sql;

namespace Eligibility.Cli.Tests;

/// <summary>
/// <c>sql</c>, <c>screen --omop</c> and <c>omop-generate</c>: one generated population screened from the DuckDB file and
/// from its native NDJSON gives the same rows and attrition where the SQL supports the criteria, and exactly unknown
/// where it does not; the refusals (PostgreSQL, other dialects, <c>--detail full</c>) exit 2; the codes ELIG415x are
/// triggered and documented.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class OmopCommandTests
{
    private const string AsOf = "2026-03-01";
    private const int Persons = 600;

    private static readonly string Rules = Path.Combine(TestPaths.Project, "..", "..", "rules");

    private string dir = null!;
    private string database = null!;
    private string native = null!;

    [OneTimeSetUp]
    public void Generate()
    {
        dir = TestPaths.NewTempFolder();
        database = Path.Combine(dir, "cdm.duckdb");
        native = Path.Combine(dir, "patients.ndjson");
        var r = CliRunner.Run("omop-generate", "--rules", Rules, "--persons", Persons.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", "7", "--as-of", AsOf, "--out", "duckdb:" + database, "--native", native);
        r.ExitCode.Should().Be(0, r.ToString());
        r.Err.Should().Contain($"Generated {Persons} person(s)");
        File.ReadAllLines(native).Should().HaveCount(Persons);
    }

    [OneTimeTearDown]
    public void Remove() => Directory.Delete(dir, recursive: true);

    private static List<JsonElement> Rows(string path) =>
        File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    /// <summary>The rules the SQL cannot express, per trial: criterion id → whether the criterion itself (not only a part) is unsupported.</summary>
    private static Dictionary<string, Dictionary<string, bool>> Unsupported()
    {
        var result = new Dictionary<string, Dictionary<string, bool>>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(Rules, "*.json").Where(f => !f.EndsWith(".cases.json", StringComparison.Ordinal) && !f.EndsWith(".lock.json", StringComparison.Ordinal)))
        {
            var trial = RuleCompiler.CompileFile(file).EnsureSuccess();
            var compilation = OmopSqlCompiler.Compile(trial, SqlDialect.DuckDb, new OmopSqlOptions { AsOf = DateOnly.Parse(AsOf, System.Globalization.CultureInfo.InvariantCulture) });
            var map = new Dictionary<string, bool>(StringComparer.Ordinal);
            foreach (var u in compilation.Unsupported)
            {
                map[u.CriterionId] = map.GetValueOrDefault(u.CriterionId) || u.Path == u.CriterionId;
            }

            result[trial.Trial.Id] = map;
        }

        return result;
    }

    [Test]
    public void The_database_and_the_native_records_screen_alike_where_the_SQL_supports_the_criteria()
    {
        string omopRows = Path.Combine(dir, "omop.ndjson"), fileRows = Path.Combine(dir, "file.ndjson");
        string omopSummary = Path.Combine(dir, "omop.json"), fileSummary = Path.Combine(dir, "file.json");
        var sql = CliRunner.Run("screen", "--omop", "duckdb:" + database, "--rules", Rules, "--as-of", AsOf, "--out", omopRows, "--summary", omopSummary);
        sql.ExitCode.Should().Be(0, sql.ToString());
        sql.Err.Should().NotContain("ELIG4151");
        var file = CliRunner.Run("screen", "--patients", native, "--rules", Rules, "--as-of", AsOf, "--out", fileRows, "--summary", fileSummary);
        file.ExitCode.Should().Be(0, file.ToString());

        var unsupported = Unsupported();
        unsupported.Values.Sum(m => m.Count).Should().Be(0, "the SQL expresses every rule of the reference trials");
        var fromSql = Rows(omopRows);
        var fromFile = Rows(fileRows).ToDictionary(r => (r.GetProperty("trial").GetString()!, r.GetProperty("patient").GetString()!));
        fromSql.Should().HaveCount(Persons * unsupported.Count);
        fromFile.Should().HaveCount(Persons * unsupported.Count, "every native record is read (no error rows)");
        int compared = 0, unknownAsExpected = 0;
        foreach (var row in fromSql)
        {
            string trial = row.GetProperty("trial").GetString()!, patient = row.GetProperty("patient").GetString()!;
            row.GetProperty("person_id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture).Should().Be(patient);
            var other = fromFile[(trial, patient)];
            var sqlCriteria = row.GetProperty("criteria").EnumerateArray().ToList();
            var fileCriteria = other.GetProperty("criteria").EnumerateArray().ToList();
            sqlCriteria.Select(c => c.GetProperty("id").GetString()).Should().Equal(fileCriteria.Select(c => c.GetProperty("id").GetString()));
            for (int k = 0; k < sqlCriteria.Count; k++)
            {
                string id = sqlCriteria[k].GetProperty("id").GetString()!;
                string sqlOutcome = sqlCriteria[k].GetProperty("outcome").GetString()!, fileOutcome = fileCriteria[k].GetProperty("outcome").GetString()!;
                if (!unsupported[trial].TryGetValue(id, out bool itself))
                {
                    sqlOutcome.Should().Be(fileOutcome, $"{trial} {id}, person {patient}: the SQL supports the whole criterion");
                    compared++;
                }
                else if (itself)
                {
                    sqlOutcome.Should().Be("unknown", $"{trial} {id} cannot be expressed in SQL");
                    unknownAsExpected++;
                }
                else
                {
                    // A part cannot be expressed: unknown, unless the other parts decide the criterion (Kleene logic).
                    sqlOutcome.Should().BeOneOf(["unknown", fileOutcome], $"{trial} {id}, person {patient}: a part is not in SQL");
                    if (sqlOutcome == "unknown" && fileOutcome != "unknown")
                    {
                        unknownAsExpected++;
                    }
                }
            }

            string verdict = row.GetProperty("verdict").GetString()!, fileVerdict = other.GetProperty("verdict").GetString()!;
            if (unsupported[trial].Count == 0)
            {
                verdict.Should().Be(fileVerdict);
            }
            else
            {
                verdict.Should().BeOneOf([fileVerdict, "undetermined"], $"{trial}, person {patient}: an unsupported rule never makes a person eligible");
            }
        }

        compared.Should().BeGreaterThan(Persons * 20);
        unknownAsExpected.Should().Be(0, "no rule of a reference trial is unsupported");

        // The attrition summaries: the same records and, per supported criterion, the same counts; remaining agrees up to the first unsupported one.
        using var a = JsonDocument.Parse(File.ReadAllText(omopSummary));
        using var b = JsonDocument.Parse(File.ReadAllText(fileSummary));
        a.RootElement.GetProperty("records").GetInt32().Should().Be(Persons);
        b.RootElement.GetProperty("records").GetInt32().Should().Be(Persons);
        a.RootElement.GetProperty("errorRows").GetInt32().Should().Be(0);
        var trialsA = a.RootElement.GetProperty("trials").EnumerateArray().ToList();
        var trialsB = b.RootElement.GetProperty("trials").EnumerateArray().ToList();
        trialsA.Select(t => t.GetProperty("trial").GetString()).Should().Equal(trialsB.Select(t => t.GetProperty("trial").GetString()));
        for (int t = 0; t < trialsA.Count; t++)
        {
            string trial = trialsA[t].GetProperty("trial").GetString()!;
            var criteriaA = trialsA[t].GetProperty("criteria").EnumerateArray().ToList();
            var criteriaB = trialsB[t].GetProperty("criteria").EnumerateArray().ToList();
            bool allSupportedSoFar = true;
            for (int k = 0; k < criteriaA.Count; k++)
            {
                string id = criteriaA[k].GetProperty("id").GetString()!;
                if (unsupported[trial].ContainsKey(id))
                {
                    allSupportedSoFar = false;
                    if (unsupported[trial][id])
                    {
                        criteriaA[k].GetProperty("unknown").GetInt32().Should().Be(Persons, $"{trial} {id} is unknown for every person");
                        criteriaA[k].GetProperty("excluded").GetInt32().Should().Be(0);
                    }

                    continue;
                }

                foreach (string count in new[] { "review", "unknown", "excluded" })
                {
                    criteriaA[k].GetProperty(count).GetInt32().Should().Be(criteriaB[k].GetProperty(count).GetInt32(), $"{trial} {id} {count}");
                }

                if (allSupportedSoFar)
                {
                    criteriaA[k].GetProperty("remaining").GetInt32().Should().Be(criteriaB[k].GetProperty("remaining").GetInt32(), $"{trial} {id} remaining");
                }
            }
        }
    }

    [Test]
    public void Verdict_rows_are_those_of_a_file_screen_after_their_origin()
    {
        var sql = CliRunner.Run("screen", "--omop", "duckdb:" + database, "--rules", Path.Combine(Rules, "NCT07077486.json"), "--as-of", AsOf, "--detail", "verdict");
        sql.ExitCode.Should().Be(0, sql.ToString());
        sql.OutLines.Should().HaveCount(Persons);
        sql.OutLines[0].Should().MatchRegex("""^\{"person_id":1,"trial":"NCT07077486","patient":"1","asOf":"2026-03-01","verdict":"(eligible|review|undetermined|ineligible)"\}$""");
        sql.Err.Should().Contain("as-of: 2026-03-01 (from --as-of)").And.Contain("Screened 600 record(s) against 1 trial(s)");
    }

    [Test]
    public void The_CDM_schema_option_reads_the_tables_from_that_schema()
    {
        string path = Path.Combine(dir, "schema.duckdb");
        using (var connection = new DuckDBConnection("Data Source=" + path))
        {
            connection.Open();
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "CREATE SCHEMA cdm; SET schema = 'cdm'";
                command.ExecuteNonQuery();
            }

            SyntheticOmop.Generate(connection, [RuleCompiler.CompileFile(Path.Combine(Rules, "NCT07077486.json")).EnsureSuccess()], 20, 1, new DateOnly(2026, 3, 1));
        }

        var r = CliRunner.Run("screen", "--omop", "duckdb:" + path, "--cdm-schema", "cdm", "--rules", Path.Combine(Rules, "NCT07077486.json"), "--as-of", AsOf, "--detail", "verdict");
        r.ExitCode.Should().Be(0, r.ToString());
        r.OutLines.Should().HaveCount(20);

        var wrong = CliRunner.Run("screen", "--omop", "duckdb:" + path, "--rules", Path.Combine(Rules, "NCT07077486.json"), "--as-of", AsOf);
        wrong.ExitCode.Should().Be(2, wrong.ToString());
        wrong.Err.Should().Contain("schema.duckdb: error ELIG4152: cannot screen this OMOP database: ");
        wrong.Out.Should().BeEmpty();
    }

    [Test]
    public void Sql_prints_the_script_and_warns_of_what_it_cannot_express()
    {
        string rules = Path.Combine(Rules, "NCT06394063.json");
        var r = CliRunner.Run("sql", "--dialect", "duckdb", "--rules", rules, "--as-of", AsOf);
        r.ExitCode.Should().Be(0, r.ToString());
        r.Out.Should().StartWith("-- Eligibility: trial NCT06394063 as of DATE '2026-03-01'").And.Contain("CREATE OR REPLACE TEMP TABLE elig_result");
        r.Err.Should().NotContain("ELIG4151", "the SQL expresses every rule of the reference trials");

        // An expression rule is what the SQL cannot express: a warning on stderr, never in the script's text.
        string expression = Path.Combine(dir, "SQL-EXPR.json");
        File.WriteAllText(expression, """
            {
              "formatVersion": 1,
              "trial": {"id": "SQL-EXPR", "title": "An expression rule"},
              "defaults": {"lookback": "P28D"},
              "concepts": {},
              "inclusion": [{"id": "INCL01", "text": "Older than 120 by expression", "rule": {"kind": "expression", "expression": "Age > 120"}}],
              "exclusion": []
            }
            """);
        var e = CliRunner.Run("sql", "--dialect", "duckdb", "--rules", expression, "--as-of", AsOf);
        e.ExitCode.Should().Be(0, e.ToString());
        e.Err.Should().MatchRegex(Regex.Escape(expression) + @": warning ELIG4151: INCL01, the criterion itself, kind expression: not expressible in SQL");
        e.Out.Should().NotContain("ELIG4151");

        // Without --as-of the SQL is written for today, and says so.
        var today = CliRunner.Run("sql", "--rules", rules);
        today.ExitCode.Should().Be(0, today.ToString());
        today.Out.Should().StartWith("-- Eligibility: trial NCT06394063 as of DATE '2030-01-02'");
        today.Err.Should().Contain("as of 2030-01-02 (today: no --as-of)");

        // With --omop the units are read from the database's UCUM concepts.
        var units = CliRunner.Run("sql", "--rules", rules, "--as-of", AsOf, "--omop", "duckdb:" + database);
        units.ExitCode.Should().Be(0, units.ToString());
        units.Out.Should().StartWith("-- Eligibility: trial NCT06394063");
    }

    [TestCase("postgres", "SQL for PostgreSQL")]
    [TestCase("spark", "SQL for Spark SQL")]
    public void Sql_writes_each_dialect_and_names_the_CDM_schema(string dialect, string said)
    {
        string rules = Path.Combine(Rules, "NCT06394063.json");
        var duck = CliRunner.Run("sql", "--rules", rules, "--as-of", AsOf);
        var r = CliRunner.Run("sql", "--dialect", dialect, "--rules", rules, "--as-of", AsOf);
        var inSchema = CliRunner.Run("sql", "--dialect", dialect, "--rules", rules, "--as-of", AsOf, "--cdm-schema", "cdm_54");

        r.ExitCode.Should().Be(0, r.ToString());
        r.Err.Should().Contain(said);
        r.Out.Should().StartWith("-- Eligibility: trial NCT06394063").And.NotBe(duck.Out, "each dialect writes its own SQL");
        inSchema.ExitCode.Should().Be(0, inSchema.ToString());
        inSchema.Out.Should().Contain("cdm_54").And.NotBe(r.Out);
    }

    [Test]
    public void Sql_refuses_a_dialect_it_does_not_know()
    {
        var r = CliRunner.Run("sql", "--dialect", "oracle", "--rules", TestPaths.TinyRules);
        r.ExitCode.Should().Be(2, r.ToString());
        r.Err.Should().Contain("'oracle' is not a dialect");
        r.Out.Should().BeEmpty();
    }

    [Test]
    public void A_PostgreSQL_database_screens_as_the_same_population_in_DuckDB_does()
    {
        string? server = Environment.GetEnvironmentVariable("ELIGIBILITY_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
        {
            string reason = "ELIGIBILITY_TEST_POSTGRES is not set: no PostgreSQL server (.ci/run starts one and sets it)";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(reason);
            }

            Assert.Ignore(reason);
        }

        const string schema = "elig_cli_test";
        using (var source = new DuckDB.NET.Data.DuckDBConnection("Data Source=" + database + ";ACCESS_MODE=READ_ONLY"))
        using (var target = new Npgsql.NpgsqlConnection(server))
        {
            source.Open();
            target.Open();
            Eligibility.Sql.PostgreSqlOmopLoader.Copy(source, target, schema);
        }

        string duckRows = Path.Combine(dir, "duck-rows.ndjson"), pgRows = Path.Combine(dir, "pg-rows.ndjson");
        string duckSummary = Path.Combine(dir, "duck-summary.json"), pgSummary = Path.Combine(dir, "pg-summary.json");
        var duck = CliRunner.Run("screen", "--omop", "duckdb:" + database, "--rules", Rules, "--as-of", AsOf, "--out", duckRows, "--summary", duckSummary);
        var pg = CliRunner.Run("screen", "--omop", server, "--cdm-schema", schema, "--rules", Rules, "--as-of", AsOf, "--out", pgRows, "--summary", pgSummary);

        duck.ExitCode.Should().Be(0, duck.ToString());
        pg.ExitCode.Should().Be(0, pg.ToString());
        pg.Err.Should().Contain("Screening PostgreSQL ").And.NotContain("Password", "the connection string is not echoed");
        File.ReadAllText(pgRows).Should().Be(File.ReadAllText(duckRows));
        File.ReadAllLines(pgRows).Should().HaveCount(Persons * 5);
        var a = JsonNode.Parse(File.ReadAllText(duckSummary))!["trials"]!.ToJsonString();
        var b = JsonNode.Parse(File.ReadAllText(pgSummary))!["trials"]!.ToJsonString();
        b.Should().Be(a, "the attrition is the same");
    }

    [Test]
    public void Screen_refuses_what_an_OMOP_run_cannot_do()
    {
        string rules = Path.Combine(Rules, "NCT07077486.json");
        var postgres = CliRunner.Run("screen", "--omop", "Host=127.0.0.1;Port=1;Database=cdm;Timeout=3", "--rules", rules);
        postgres.ExitCode.Should().Be(2, postgres.ToString());
        postgres.Err.Should().Contain("ELIG4152").And.Contain("PostgreSQL 127.0.0.1:1/cdm");

        var full = CliRunner.Run("screen", "--omop", "duckdb:" + database, "--rules", rules, "--detail", "full");
        full.ExitCode.Should().Be(2, full.ToString());
        full.Err.Should().Contain("--detail full is not available with --omop: explanations are not computed in SQL");

        var both = CliRunner.Run("screen", "--omop", "duckdb:" + database, "--patients", native, "--rules", rules);
        both.ExitCode.Should().Be(2, both.ToString());
        both.Err.Should().Contain("--patients and --omop cannot be combined");

        var neither = CliRunner.Run("screen", "--rules", rules);
        neither.ExitCode.Should().Be(2, neither.ToString());
        neither.Err.Should().Contain("Option '--patients' is required");

        var resume = CliRunner.Run("screen", "--omop", "duckdb:" + database, "--rules", rules, "--out", Path.Combine(dir, "x.ndjson"), "--resume");
        resume.ExitCode.Should().Be(2, resume.ToString());
        resume.Err.Should().Contain("--resume is not available with --omop");

        var missing = CliRunner.Run("screen", "--omop", "duckdb:" + Path.Combine(dir, "nope.duckdb"), "--rules", rules);
        missing.ExitCode.Should().Be(2, missing.ToString());
        missing.Err.Should().Contain("nope.duckdb: error ELIG4152: cannot screen this OMOP database: the database file does not exist");
        File.Exists(Path.Combine(dir, "nope.duckdb")).Should().BeFalse("a missing database is not created");

        var exists = CliRunner.Run("omop-generate", "--rules", rules, "--persons", "1", "--out", "duckdb:" + database);
        exists.ExitCode.Should().Be(2, exists.ToString());
        exists.Err.Should().Contain("exists; omop-generate writes a new database");
    }

    [Test]
    public void The_generator_gives_the_same_population_for_the_same_seed()
    {
        string again = Path.Combine(dir, "again.ndjson");
        var r = CliRunner.Run("omop-generate", "--rules", Rules, "--persons", "50", "--seed", "7", "--as-of", AsOf, "--out", "duckdb:" + Path.Combine(dir, "again.duckdb"), "--native", again);
        r.ExitCode.Should().Be(0, r.ToString());
        File.ReadAllLines(again).Should().Equal(File.ReadAllLines(native).Take(50), "the first persons of a larger population are those of a smaller one");
    }

    private static IEnumerable<string> Codes() =>
        typeof(OmopDiagnosticCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!);

    [Test]
    public void The_OMOP_codes_are_in_the_tool_range_documented_and_triggered_above()
    {
        string docs = File.ReadAllText(Path.Combine(TestPaths.Project, "..", "..", "docs", "cli.md"));
        string self = File.ReadAllText(Path.Combine(TestPaths.Project, "OmopCommandTests.cs"));
        Codes().Should().BeEquivalentTo(["ELIG4151", "ELIG4152"]);
        foreach (string code in Codes())
        {
            code.Should().MatchRegex("^ELIG4[12][0-9]{2}$");
            docs.Should().MatchRegex($@"\|\s*{code}\s*\|", $"docs/cli.md lists {code}");
            Regex.Matches(self, $@"(error|warning) {code}:").Should().NotBeEmpty($"a test here makes the tool print {code}");
        }
    }
}
