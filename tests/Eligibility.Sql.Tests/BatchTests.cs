using System.Data.Common;

namespace Eligibility.Sql.Tests;

/// <summary>
/// The five reference trials compiled together (one shared prelude: persons, concept sets, fact copies over the union of
/// their concept sets) give, trial by trial, exactly the rows and attrition each gives compiled and run alone — on DuckDB
/// and on PostgreSQL over the differential population; the shared part runs once.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class BatchTests
{
    [Test]
    public void Trials_compiled_together_on_DuckDB_give_what_each_gives_alone()
    {
        using var connection = Population.OpenDatabase();
        var options = new OmopSqlOptions { AsOf = Population.AsOf, UnitCodes = DuckDbOmopRunner.UnitCodes(connection) };
        var (files, trials) = Trials();
        var compilations = OmopSqlCompiler.Compile(trials, SqlDialect.DuckDb, options);

        var together = DuckDbOmopRunner.Run(connection, compilations);
        var alone = trials.Select(t => DuckDbOmopRunner.Run(connection, t, Population.AsOf)).ToList();

        Same(files, together, alone);
    }

    [Test]
    public void Trials_compiled_together_on_PostgreSQL_give_what_each_gives_alone()
    {
        using var connection = Population.OpenPostgres();
        var options = new OmopSqlOptions { AsOf = Population.AsOf, UnitCodes = PostgreSqlOmopRunner.UnitCodes(connection, Population.PostgresSchema), CdmSchema = Population.PostgresSchema };
        var (files, trials) = Trials();
        var compilations = OmopSqlCompiler.Compile(trials, SqlDialect.PostgreSql, options);

        var together = PostgreSqlOmopRunner.Run(connection, compilations);
        var alone = trials.Select(t => PostgreSqlOmopRunner.Run(connection, t, Population.AsOf, Population.PostgresSchema)).ToList();

        Same(files, together, alone);
    }

    [Test]
    public void The_shared_part_runs_once_and_each_script_still_runs_alone()
    {
        using var connection = Population.OpenDatabase();
        var options = new OmopSqlOptions { AsOf = Population.AsOf, UnitCodes = DuckDbOmopRunner.UnitCodes(connection) };
        var (_, trials) = Trials();
        var compilations = OmopSqlCompiler.Compile(trials, SqlDialect.DuckDb, options);
        var shared = new OmopRunProfile();
        var own = new List<OmopRunProfile>();

        var together = OmopResults.Run((DbConnection)connection, compilations, shared, own);

        shared.Statements.Should().Contain(s => s.Statement.Contains("TEMP TABLE elig_f_drug_exposure ", StringComparison.Ordinal));
        shared.Statements.Concat(own.SelectMany(p => p.Statements)).Should().NotContain(s => s.Statement.Contains("elig_f_condition_occurrence", StringComparison.Ordinal),
            "only the condition pass reads the condition rows (every condition leaf is in it), so it reads the CDM table with no copy first");
        shared.Statements.Should().ContainSingle(s => s.Statement.Contains("TEMP TABLE elig_g_condition_occurrence ", StringComparison.Ordinal), "every trial's condition leaves are computed in one pass");
        shared.Statements.Should().ContainSingle(s => s.Statement.Contains("TEMP TABLE elig_answers ", StringComparison.Ordinal), "every trial's judgement answers are read in one pass");
        own.Should().HaveCount(trials.Count);
        own.SelectMany(p => p.Statements).Should().NotContain(s => s.Statement.Contains("TEMP TABLE elig_f_", StringComparison.Ordinal)
            || s.Statement.Contains("TEMP TABLE elig_set", StringComparison.Ordinal) || s.Statement.Contains("TEMP TABLE elig_person ", StringComparison.Ordinal)
            || s.Statement.Contains("TEMP TABLE elig_g_condition_occurrence ", StringComparison.Ordinal) || s.Statement.Contains("TEMP TABLE elig_answers", StringComparison.Ordinal));
        compilations.Should().OnlyContain(c => c.Sql.Contains("TEMP TABLE elig_sets ", StringComparison.Ordinal) && c.Sql.Contains("TEMP TABLE elig_g_condition_occurrence ", StringComparison.Ordinal), "each script runs alone");
        // The eGFR three trials compare (reported, else computed from creatinine) is one shared table of the two values;
        // each trial's leaf reads it with its own bounds.
        var values = shared.Statements.Select(s => System.Text.RegularExpressions.Regex.Match(s.Statement, @"TEMP TABLE (elig_cv\d+) ")).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        values.Should().NotBeEmpty().And.OnlyHaveUniqueItems();
        values.Should().Contain(v => own.Count(p => p.Statements.Any(s => s.Statement.Contains("FROM " + v + " ", StringComparison.Ordinal) || s.Statement.EndsWith("FROM " + v, StringComparison.Ordinal))) >= 3,
            "three trials compare the same eGFR");
        own.SelectMany(p => p.Statements).Should().NotContain(s => s.Statement.Contains("TEMP TABLE elig_cv", StringComparison.Ordinal));

        // The last trial's script, run alone on a fresh connection, gives what it gave after the others.
        using var fresh = Population.OpenDatabase();
        var last = DuckDbOmopRunner.Run(fresh, compilations[^1]);
        Same(new[] { compilations[^1].TrialId }, new[] { together[^1] }, new[] { last });
    }

    [Test]
    public void The_runners_DuckDB_settings_change_no_answer_and_the_connections_own_come_back()
    {
        using var connection = Population.OpenDatabase();
        var options = new OmopSqlOptions { AsOf = Population.AsOf, UnitCodes = DuckDbOmopRunner.UnitCodes(connection) };
        var (files, trials) = Trials();
        var compilations = OmopSqlCompiler.Compile(trials, SqlDialect.DuckDb, options);
        Setting(connection, "SET preserve_insertion_order = true");

        var tuned = OmopResults.Run((DbConnection)connection, compilations);
        Setting(connection, "SELECT current_setting('preserve_insertion_order')").Should().Be(true, "the run sets back the connection's own value");
        var plain = OmopResults.Run((DbConnection)connection, compilations, duckDbSettings: false);

        OmopResults.DuckDbSettings.Should().Contain(("preserve_insertion_order", "false"));
        Same(files, tuned, plain);
    }

    private static object? Setting(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static (List<string> Files, List<TrialEvaluator> Trials) Trials()
    {
        var files = Population.TrialFiles().ToList();
        files.Should().HaveCountGreaterThanOrEqualTo(5);
        return (files, files.Select(f => Population.Trials[f]).ToList());
    }

    private static void Same(IReadOnlyList<string> names, IReadOnlyList<OmopScreenResult> together, IReadOnlyList<OmopScreenResult> alone)
    {
        together.Should().HaveCount(alone.Count);
        for (int i = 0; i < alone.Count; i++)
        {
            var (t, a) = (together[i], alone[i]);
            t.Compilation.TrialId.Should().Be(a.Compilation.TrialId);
            t.Rows.Should().HaveCount(Population.Size);
            var differences = new List<string>();
            foreach (var (x, y) in t.Rows.Zip(a.Rows))
            {
                if (x.PersonId != y.PersonId || x.Verdict != y.Verdict || !x.Truths.SequenceEqual(y.Truths) || !x.Outcomes.SequenceEqual(y.Outcomes))
                {
                    differences.Add($"person {x.PersonId}/{y.PersonId}: together {x.Verdict} [{string.Join(",", x.Outcomes)}], alone {y.Verdict} [{string.Join(",", y.Outcomes)}]");
                }
            }

            differences.Should().BeEmpty("{0} compiled with the other trials gives what it gives alone ({1} differ; first: {2})", names[i], differences.Count, string.Join("\n", differences.Take(10)));
            t.Attrition.Select(r => (r.CriterionId, r.Review, r.Unknown, r.Excluded, r.Remaining))
                .Should().Equal(a.Attrition.Select(r => (r.CriterionId, r.Review, r.Unknown, r.Excluded, r.Remaining)));
            t.Compilation.Nodes.Select(n => (n.Path, n.Kind)).Should().Equal(a.Compilation.Nodes.Select(n => (n.Path, n.Kind)));
        }
    }
}
