using System.Diagnostics;

namespace Eligibility.Sql.Tests;

/// <summary>
/// The Spark SQL and PostgreSQL text of the five reference trials parses with dt-sql-parser's SparkSQL and PostgreSQL
/// grammars (tools/sql-check, run by node; .ci/run installs it with npm ci). No Spark engine runs here: this checks the
/// syntax only. Without node or the installed parser: a failure when CI=true, else ignored with the reason.
/// </summary>
[TestFixture]
public sealed class ParseCheckTests
{
    private static readonly string[] UnitCodes = { "mg/dL", "mg/L", "g/L", "g/dL", "umol/L", "mmol/L", "U/L", "10*9/L", "%", "mL/min/{1.73_m2}", "{score}", "mL/min" };

    [TestCase(SqlDialect.Spark, "spark")]
    [TestCase(SqlDialect.PostgreSql, "postgres")]
    public void The_five_trials_parse(SqlDialect dialect, string parser)
    {
        string folder = Directory.CreateTempSubdirectory("elig-sql-check").FullName;
        try
        {
            var files = new List<string>();
            foreach (var (name, trial) in Population.Trials)
            {
                var options = new OmopSqlOptions { AsOf = Population.AsOf, UnitCodes = UnitCodes, CdmSchema = dialect == SqlDialect.Spark ? "main.cdm" : "cdm" };
                string file = Path.Combine(folder, name + ".sql");
                File.WriteAllText(file, OmopSqlCompiler.Compile(trial, dialect, options).Sql);
                files.Add(file);
            }

            files.Should().HaveCount(5);
            var (exitCode, output) = Check(parser, files);
            exitCode.Should().Be(0, "the generated {0} text must parse:\n{1}", parser, output);
            output.Should().Contain("0 error(s) in 5 file(s)");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestCase("spark")]
    [TestCase("postgres")]
    public void A_syntax_error_is_reported_with_its_line_and_column(string parser)
    {
        string file = Path.Combine(Path.GetTempPath(), $"elig-broken-{parser}-{Environment.ProcessId}.sql");
        File.WriteAllText(file, "SELECT 1;\nSELECT person_id FROM WHERE s = 2;\n");
        try
        {
            var (exitCode, output) = Check(parser, new[] { file });
            exitCode.Should().Be(1, output);
            output.Should().Contain(file + "(2,");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void The_Spark_text_qualifies_the_CDM_tables_and_keeps_its_tables_with_statistics()
    {
        var options = new OmopSqlOptions { AsOf = Population.AsOf, UnitCodes = UnitCodes, CdmSchema = "main.omop cdm" };
        string sql = OmopSqlCompiler.Compile(Population.Trials["NCT07077486"], SqlDialect.Spark, options).Sql;
        sql.Should().Contain("FROM `main`.`omop cdm`.person").And.Contain("CREATE OR REPLACE TABLE elig_person AS")
            .And.Contain("ANALYZE TABLE elig_person COMPUTE STATISTICS").And.NotContain("QUALIFY").And.NotContain("TEMP TABLE");
        string postgres = OmopSqlCompiler.Compile(Population.Trials["NCT07077486"], SqlDialect.PostgreSql, options).Sql;
        postgres.Should().Contain("FROM \"main\".\"omop cdm\".person").And.Contain("CREATE TEMP TABLE elig_person AS").And.Contain("ANALYZE elig_person;");
    }

    private static (int ExitCode, string Output) Check(string parser, IReadOnlyList<string> files)
    {
        string tool = Path.Combine(Population.RepositoryRoot, "tools", "sql-check");
        string? missing = !Directory.Exists(Path.Combine(tool, "node_modules", "dt-sql-parser"))
            ? $"dt-sql-parser is not installed (run: npm ci --prefix tools/sql-check)"
            : null;
        Process? process = null;
        if (missing is null)
        {
            var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(tool, "check.js"));
            start.ArgumentList.Add("--dialect");
            start.ArgumentList.Add(parser);
            foreach (string f in files)
            {
                start.ArgumentList.Add(f);
            }

            try
            {
                process = Process.Start(start);
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                missing = "node is not installed: " + e.Message;
            }
        }

        if (process is null)
        {
            string reason = missing ?? "node did not start";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(reason);
            }

            Assert.Ignore(reason);
        }

        using (process)
        {
            var stdout = process!.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("the parse check did not finish in 5 minutes");
            }

            return (process.ExitCode, stdout.Result + stderr.Result);
        }
    }
}
