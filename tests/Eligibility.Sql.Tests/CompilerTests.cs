namespace Eligibility.Sql.Tests;

/// <summary>The compiler's contract besides agreement with the engine: the DDL, determinism, and unsupported rules.</summary>
[TestFixture]
public sealed class CompilerTests
{
    private static readonly string[] CdmTables =
    {
        "person", "observation_period", "measurement", "observation", "condition_occurrence", "drug_exposure",
        "procedure_occurrence", "device_exposure", "concept", "concept_ancestor", "concept_relationship", "drug_strength",
    };

    [Test]
    public void The_DDL_creates_the_CDM_5_4_tables_the_SQL_reads()
    {
        using var connection = TestSql.EmptyCdm();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT table_name, column_name, data_type FROM information_schema.columns";
        using var reader = command.ExecuteReader();
        var columns = new List<(string Table, string Column, string Type)>();
        while (reader.Read())
        {
            columns.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        columns.Select(c => c.Table).Distinct().Should().BeEquivalentTo(CdmTables);
        columns.Should().Contain(("measurement", "value_as_number", "DECIMAL(18,3)"));
        columns.Should().Contain(("drug_exposure", "drug_exposure_end_date", "DATE"));
        columns.Should().Contain(("concept", "vocabulary_id", "VARCHAR"));
        columns.Should().Contain(("drug_strength", "amount_value", "DECIMAL(18,3)"));
        columns.Should().Contain(("observation", "observation_source_value", "VARCHAR"));
    }

    [Test]
    public void On_PostgreSQL_every_level_of_elig_state_is_computed_once_not_merged_into_the_level_above()
    {
        // PostgreSQL pulls plain subqueries up, copying each column's expression wherever it is read: over the nested
        // levels of elig_state that grew the expressions level after level (a 10,000-person trial took minutes).
        // OFFSET 0 keeps each level a subquery of its own; DuckDB and Spark do not need it, and their text is unchanged.
        var trial = Population.Trials["NCT07077486"];
        var options = new OmopSqlOptions { AsOf = Population.AsOf };
        string postgres = OmopSqlCompiler.Compile(trial, SqlDialect.PostgreSql, options).Sql;
        var levels = System.Text.RegularExpressions.Regex.Matches(postgres, @"\) elig_l(\d+)").Select(m => m.Groups[1].Value).ToList();
        levels.Should().NotBeEmpty("NCT07077486 has all/any/not nodes, combined in nested levels");
        foreach (string level in levels)
        {
            postgres.Should().Contain($"OFFSET 0) elig_l{level}", "level {0} must be fenced", level);
        }

        OmopSqlCompiler.Compile(trial, SqlDialect.DuckDb, options).Sql.Should().NotContain("OFFSET");
        OmopSqlCompiler.Compile(trial, SqlDialect.Spark, options).Sql.Should().NotContain("OFFSET");
    }

    [Test]
    public void A_trials_leaves_over_one_fact_table_are_computed_in_one_pass()
    {
        // Conditions, procedures, immunizations, judgements and simple medications each go into one grouped
        // statement per table they read (elig_g_<table>), not one table per leaf; the differential tests check the answers.
        var trial = Population.Trials["NCT07077486"];
        string sql = OmopSqlCompiler.Compile(trial, SqlDialect.DuckDb, new OmopSqlOptions { AsOf = Population.AsOf }).Sql;
        int Count(string text) => System.Text.RegularExpressions.Regex.Matches(sql, System.Text.RegularExpressions.Regex.Escape(text)).Count;
        Count("TEMP TABLE elig_g_condition_occurrence AS").Should().Be(1);
        Count("TEMP TABLE elig_g_answers AS").Should().Be(1, "every judgement reads the one table of answer words");
        Count("elig_g_observation").Should().Be(0, "the trial has no judgement pass of its own");
        Count("FROM observation").Should().Be(1, "every judgement of the trial reads observation in the one pass");
        sql.Split(";\n").Single(s => s.Contains("TEMP TABLE elig_g_answers AS", StringComparison.Ordinal))
            .Should().Contain("FROM elig_answers").And.NotContain("'nct07077486/", "the pass compares the targets' numbers, resolved once in elig_answers");
        System.Text.RegularExpressions.Regex.Matches(sql, @"TEMP TABLE elig_n\d+ AS").Count.Should().BeLessThan(20, "most leaves are in a group");
        // "Pregnant" is in three of its criteria: one table, read by all three (the differential tests check the answers).
        System.Text.RegularExpressions.Regex.Matches(sql, @"TEMP TABLE elig_n\d+ AS\nWITH r AS \(SELECT person_id, \(CASE WHEN CAST\(x\.a0").Count.Should().Be(1);
        Count(": the same table as elig_n").Should().Be(2);
    }

    [Test]
    public void Grouped_passes_read_concept_sets_through_a_membership_table_and_coded_results_a_shared_pass()
    {
        // Each grouped pass joins its rows to one small table (a flag per concept set) on each concept column instead of
        // one semi-join per leaf and column on every row; coded and pregnancy results read the shared latest-result
        // table instead of scanning the measurement copy each.
        var trial = Population.Trials["NCT07077486"];
        string sql = OmopSqlCompiler.Compile(trial, SqlDialect.DuckDb, new OmopSqlOptions { AsOf = Population.AsOf }).Sql;
        var statements = sql.Split(";\n");
        string grouped = statements.Single(s => s.Contains("TEMP TABLE elig_g_condition_occurrence AS", StringComparison.Ordinal));
        grouped.Should().NotMatchRegex(@"IN \(SELECT concept_id FROM elig_set\d", "no leaf tests its set by a semi-join on every row");
        // The pass is the only reader of the condition rows, so it reads the CDM table filtered to the sets' concepts
        // (what the copy held) instead of a copy written first.
        grouped.Should().Contain("FROM condition_occurrence\nWHERE condition_concept_id IN (SELECT concept_id FROM elig_sets) OR condition_source_concept_id IN (SELECT concept_id FROM elig_sets)");
        sql.Should().NotContain("elig_f_condition_occurrence");
        grouped.Should().Contain("LEFT JOIN elig_mm_condition_occurrence c_mm0 ON c_mm0.concept_id = c.condition_concept_id");
        grouped.Should().Contain("LEFT JOIN elig_mm_condition_occurrence c_mm1 ON c_mm1.concept_id = c.condition_source_concept_id");
        statements.Where(s => System.Text.RegularExpressions.Regex.IsMatch(s, @"\(pregnancy\)[^\n]*\nCREATE")).Should().NotBeEmpty().And.OnlyContain(s => s.Contains("FROM elig_read m", StringComparison.Ordinal)
            && s.Contains("FROM elig_g_condition_occurrence WHERE CASE WHEN ((elig_g_condition_occurrence.elig_w0 & ", StringComparison.Ordinal) && !s.Contains("elig_f_condition_occurrence", StringComparison.Ordinal), "the active pregnancy conditions are a flag of the shared condition pass");
        // The findings leaves' statuses are read from the pass's words by the wide table: the pass keeps no column per leaf.
        grouped.Should().Contain("SELECT g.person_id, g.elig_w0").And.NotContain(" AS s_t");
        var coded = OmopSqlCompiler.Compile(Population.Trials["NCT06394063"], SqlDialect.DuckDb, new OmopSqlOptions { AsOf = Population.AsOf }).Sql.Split(";\n");
        coded.Where(s => System.Text.RegularExpressions.Regex.IsMatch(s, @"\(coded\)[^\n]*\nCREATE")).Should().NotBeEmpty().And.OnlyContain(s => s.Contains("FROM elig_read m", StringComparison.Ordinal));
        // Nothing else reads the measurement rows: the shared passes read the CDM table joined to their sets, with no copy first.
        statements.Concat(coded).Should().NotContain(s => s.Contains("elig_f_measurement", StringComparison.Ordinal));
        statements.Concat(coded).Where(s => s.Contains("FROM measurement m", StringComparison.Ordinal))
            .Should().NotBeEmpty().And.OnlyContain(s => s.Contains("TEMP TABLE elig_latest AS", StringComparison.Ordinal) || s.Contains("TEMP TABLE elig_read AS", StringComparison.Ordinal));
    }

    [Test]
    public void A_pass_ORs_the_membership_words_of_the_rows_meeting_each_condition_and_keeps_its_rows_by_one_mask()
    {
        // A findings leaf whose filter is one set's bit and whose flag is "in the set AND a row condition" is that bit of
        // the OR of the membership words of the person's rows meeting the condition: one aggregate per row condition, not
        // a CASE per leaf on every row. The pass keeps the rows some leaf matches by one test of each word against the
        // mask of its leaves' bits. Flags read before the pass is written (the active pregnancy conditions, read by the
        // rule's own table) stay bits of the flag words. The differential tests check the answers.
        var trial = Population.Trials["NCT07077486"];
        var statements = OmopSqlCompiler.Compile(trial, SqlDialect.DuckDb, new OmopSqlOptions { AsOf = Population.AsOf }).Sql.Split(";\n");
        string conditions = statements.Single(s => s.Contains("TEMP TABLE elig_g_condition_occurrence AS", StringComparison.Ordinal));
        conditions.Should().Contain("bit_or(c.elig_k0) AS elig_v0", "the leaves with no row condition read the OR of every row's word");
        System.Text.RegularExpressions.Regex.Matches(conditions, @"bit_or\(CASE WHEN c\.elig_ht\w+ THEN c\.elig_k0 ELSE CAST\(0 AS BIGINT\) END\) AS elig_v\d+").Count.Should().BeGreaterThan(1);
        conditions.Should().NotMatchRegex(@"CASE WHEN c\.elig_mt\w+ AND c\.elig_ht0_1 THEN", "a plain membership flag is no CASE of its own");
        conditions.Should().MatchRegex(@"WHERE \(c\.condition_start_date <= DATE '2026-03-01'\) AND \(\(\(c\.elig_k0 & CAST\(\d+ AS BIGINT\)\) <> 0\)\)\) c\n  GROUP BY", "the rows are kept before any leaf's row columns are computed");
        conditions.Should().MatchRegex(@"bit_or\(CASE WHEN c\.elig_mt\w+_active AND c\.elig_ht\w+_active THEN CAST\(\d+ AS BIGINT\) ELSE CAST\(0 AS BIGINT\) END\) AS elig_w0");
        statements.Where(s => System.Text.RegularExpressions.Regex.IsMatch(s, @"\(pregnancy\)[^\n]*\nCREATE")).Should().NotBeEmpty()
            .And.OnlyContain(s => s.Contains("(elig_g_condition_occurrence.elig_w0 & ", StringComparison.Ordinal));
        statements.Single(s => s.Contains("TEMP TABLE elig_state AS", StringComparison.Ordinal))
            .Should().MatchRegex(@"\(\(elig_person\.elig_g_condition_occurrence__elig_v\d+ & CAST\(\d+ AS BIGINT\)\) <> 0\)");
        // The drug pass's leaves test their set's bit in either word of the set rows' table: the rows are kept by one
        // test of the two words OR-ed, with the pass's own condition on the rows.
        statements.Single(s => s.Contains("TEMP TABLE elig_g_drug_exposure AS", StringComparison.Ordinal))
            .Should().MatchRegex(@" AND \(\(\(\(COALESCE\(d_mv0\.k0, 0\) \| COALESCE\(d_mv1\.k0, 0\)\) & CAST\(\d+ AS BIGINT\)\) <> 0\)\)\) d\n  GROUP BY");
    }

    [Test]
    public void The_same_trial_and_options_give_the_same_SQL()
    {
        var trial = Population.Trials["NCT07077486"];
        var options = new OmopSqlOptions { AsOf = Population.AsOf, UnitCodes = new[] { "mg/dL", "umol/L", "U/L" } };
        var first = OmopSqlCompiler.Compile(trial, SqlDialect.DuckDb, options);
        var second = OmopSqlCompiler.Compile(trial, SqlDialect.DuckDb, options);
        second.Sql.Should().Be(first.Sql);
        first.Nodes.Select(n => n.Path).Should().OnlyHaveUniqueItems();
        first.Nodes.Where(n => n.IsCriterion).Select(n => n.CriterionId).Should().Equal(trial.Criteria.Select(c => c.Id));
    }

    [Test]
    [SetCulture("de-DE")]
    public void The_SQL_does_not_depend_on_the_culture()
    {
        var trial = Population.Trials["NCT06394063"];
        var options = new OmopSqlOptions { AsOf = Population.AsOf, UnitCodes = new[] { "mg/dL", "umol/L", "g/L", "U/L" } };
        string german = OmopSqlCompiler.Compile(trial, SqlDialect.DuckDb, options).Sql;
        var saved = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
            OmopSqlCompiler.Compile(trial, SqlDialect.DuckDb, options).Sql.Should().Be(german);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = saved;
        }

        german.Should().Contain("0.011312", "the umol/L → mg/dL factor of creatinine is written with a decimal point");
    }

    [Test]
    public void A_rule_the_back_end_cannot_express_is_reported_and_unknown_never_a_pass()
    {
        const string rules = """
            {
              "formatVersion": 1,
              "trial": {"id": "SQL-TINY", "title": "Unsupported parts in SQL"},
              "defaults": {"lookback": "P28D"},
              "concepts": {},
              "inclusion": [
                {"id": "INCL01", "text": "Adults", "rule": {"kind": "age", "gte": 18}}
              ],
              "exclusion": [
                {"id": "EXCL01", "text": "Older than 120 by expression", "rule": {"kind": "expression", "expression": "Age > 120"}}
              ]
            }
            """;
        var trial = RuleCompiler.CompileText(rules, "tiny.json").EnsureSuccess();
        using var connection = TestSql.EmptyCdm();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "INSERT INTO person (person_id, gender_concept_id, year_of_birth, month_of_birth, day_of_birth, race_concept_id, ethnicity_concept_id) VALUES (1, 8532, 1980, 5, 17, 0, 0), (2, 8507, 2015, 1, 2, 0, 0)";
            command.ExecuteNonQuery();
        }

        var result = DuckDbOmopRunner.Run(connection, trial, Population.AsOf);

        var unsupported = result.Compilation.Unsupported.Should().ContainSingle().Subject;
        unsupported.CriterionId.Should().Be("EXCL01");
        unsupported.Kind.Should().Be("expression");
        unsupported.Message.Should().Contain("expression");
        var adult = result.Rows.Single(r => r.PersonId == 1);
        adult.Outcomes.Should().Equal(Outcome.Pass, Outcome.Unknown);
        adult.Verdict.Should().Be(Verdict.Undetermined, "an exclusion the SQL cannot check never counts as passed");
        var child = result.Rows.Single(r => r.PersonId == 2);
        child.Outcomes[0].Should().Be(Outcome.Fail);
        child.Verdict.Should().Be(Verdict.Ineligible);
        result.Attrition.Select(a => (a.CriterionId, a.Excluded, a.Unknown, a.Remaining)).Should().Equal(("INCL01", 1L, 0L, 1L), ("EXCL01", 0L, 2L, 1L));
    }
}
