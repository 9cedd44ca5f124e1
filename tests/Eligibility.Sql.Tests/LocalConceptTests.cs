using DuckDB.NET.Data;

namespace Eligibility.Sql.Tests;

/// <summary>
/// The rule files' local codes (<c>urn:eligibility:concept</c>) are found through the database's custom concepts
/// (vocabulary 'Eligibility', concept_code the local code, concept_id above 2,000,000,000); when the concept table holds
/// none of a concept's local codes the rule is unknown for everyone — never false, so never an exclusion passed.
/// </summary>
[TestFixture]
public sealed class LocalConceptTests
{
    private const string Rules = """
        {
          "formatVersion": 1,
          "trial": {"id": "SQL-LOCAL", "title": "Local concepts"},
          "defaults": {"lookback": "P28D"},
          "concepts": {
            "ssc-acr-2013": {"label": "SSc classification criteria met", "codes": {"urn:eligibility:concept": ["ssc-acr-2013"]}}
          },
          "inclusion": [],
          "exclusion": [
            {"id": "EXCL01", "text": "Meets the SSc classification criteria", "rule": {"kind": "condition", "concept": "ssc-acr-2013"}}
          ]
        }
        """;

    [Test]
    public void A_local_code_is_found_through_its_custom_concept_by_source_or_standard_column()
    {
        using var connection = Database(withConcept: true);
        var result = DuckDbOmopRunner.Run(connection, RuleCompiler.CompileText(Rules, "local.json").EnsureSuccess(), Population.AsOf);

        result.Compilation.Unsupported.Should().BeEmpty();
        result.Rows.Select(r => (r.PersonId, r.Outcomes[0])).Should().Equal(
            (1L, Outcome.Fail),  // recorded in condition_source_concept_id
            (2L, Outcome.Fail),  // recorded in condition_concept_id
            (3L, Outcome.Pass)); // no record: the record is taken as complete
    }

    [Test]
    public void Without_the_custom_concept_the_rule_is_unknown_for_everyone_never_a_pass()
    {
        using var connection = Database(withConcept: false);
        var result = DuckDbOmopRunner.Run(connection, RuleCompiler.CompileText(Rules, "local.json").EnsureSuccess(), Population.AsOf);

        result.Rows.Select(r => r.Outcomes[0]).Should().Equal(Outcome.Unknown, Outcome.Unknown, Outcome.Unknown);
        result.Rows.Select(r => r.Truths[0].IsUnknown).Should().AllBeEquivalentTo(true);
    }

    [Test]
    public void A_condition_with_local_codes_is_in_the_shared_pass_and_guarded_where_its_status_is_read()
    {
        // No table of its own: its status is a flag of the condition pass (read from elig_base), and the wide table applies the guard.
        var compilation = OmopSqlCompiler.Compile(RuleCompiler.CompileText(Rules, "local.json").EnsureSuccess(), SqlDialect.DuckDb, new OmopSqlOptions { AsOf = Population.AsOf });
        var statements = compilation.Sql.Split(";\n");

        statements.Should().Contain(s => s.Contains("-- EXCL01 (condition)", StringComparison.Ordinal) && s.Contains(": in elig_g_condition_occurrence", StringComparison.Ordinal));
        statements.Should().NotContain(s => s.Contains("TEMP TABLE elig_n", StringComparison.Ordinal));
        statements.Single(s => s.Contains("TEMP TABLE elig_state AS", StringComparison.Ordinal))
            .Should().MatchRegex(@"CASE WHEN EXISTS \(SELECT 1 FROM elig_set\d+\) THEN CASE WHEN \(\(elig_person\.elig_g_condition_occurrence__elig_[wv]\d+ & ");
    }

    private static DuckDBConnection Database(bool withConcept)
    {
        var connection = TestSql.EmptyCdm();
        TestSql.Execute(connection, """
            INSERT INTO person (person_id, gender_concept_id, year_of_birth, month_of_birth, day_of_birth, race_concept_id, ethnicity_concept_id) VALUES
              (1, 8532, 1980, 1, 1, 0, 0), (2, 8532, 1980, 1, 1, 0, 0), (3, 8532, 1980, 1, 1, 0, 0);
            INSERT INTO condition_occurrence (condition_occurrence_id, person_id, condition_concept_id, condition_start_date, condition_type_concept_id, condition_source_concept_id, condition_source_value) VALUES
              (1, 1, 0, DATE '2020-05-01', 0, 2000000101, 'ssc-acr-2013'),
              (2, 2, 2000000101, DATE '2020-05-01', 0, 0, 'ssc-acr-2013');
            """);
        if (withConcept)
        {
            TestSql.Execute(connection, """
                INSERT INTO concept VALUES
                  (2000000101, 'SSc classification criteria met', 'Condition', 'Eligibility', 'Undefined', NULL, 'ssc-acr-2013', DATE '1970-01-01', DATE '2099-12-31', NULL);
                """);
        }

        return connection;
    }
}
