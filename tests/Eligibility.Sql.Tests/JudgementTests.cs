namespace Eligibility.Sql.Tests;

/// <summary>
/// Judgement answers from <c>observation</c> (<c>observation_source_value</c> naming <c>TRIAL/ID</c>, value 1 met or 0 not
/// met): the latest answer on or before as-of per target, the innermost answered part deciding, an expired answer (older
/// than <c>answerValidity</c>) making the part pending review rather than falling back to an outer answer, and no answer
/// pending review. Read from the shared answer words where each trial's wide table reads the part.
/// </summary>
[TestFixture]
public sealed class JudgementTests
{
    private const string Rules = """
        {
          "formatVersion": 1,
          "trial": {"id": "SQL-JUDGE", "title": "Judgement answers"},
          "defaults": {"lookback": "P28D", "answerValidity": "P6M"},
          "concepts": {},
          "inclusion": [
            {"id": "INCL01", "text": "Judged suitable", "rule": {"kind": "all", "rules": [
              {"id": "INCL01.1", "text": "suitable", "kind": "judgement", "question": "Is the patient suitable?"}
            ]}}
          ],
          "exclusion": []
        }
        """;

    [Test]
    public void The_innermost_latest_answer_decides_unless_it_has_expired()
    {
        using var connection = TestSql.EmptyCdm();
        var persons = string.Join(", ", Enumerable.Range(1, 10).Select(i => $"({i}, 8532, 1980, 1, 1, 0, 0)"));
        TestSql.Execute(connection, $"""
            INSERT INTO person (person_id, gender_concept_id, year_of_birth, month_of_birth, day_of_birth, race_concept_id, ethnicity_concept_id) VALUES {persons};
            INSERT INTO observation (observation_id, person_id, observation_concept_id, observation_date, observation_type_concept_id, value_as_number, observation_source_value) VALUES
              (1, 1, 0, DATE '2026-02-01', 0, 1, 'SQL-JUDGE/INCL01.1'),
              (2, 2, 0, DATE '2026-02-01', 0, 0, 'sql-judge/incl01'),
              (3, 3, 0, DATE '2026-02-01', 0, 1, 'SQL-JUDGE/INCL01.1'),
              (4, 3, 0, DATE '2026-02-15', 0, 0, 'SQL-JUDGE/INCL01'),
              (5, 4, 0, DATE '2025-06-01', 0, 1, 'SQL-JUDGE/INCL01.1'),
              (6, 4, 0, DATE '2026-02-01', 0, 1, 'SQL-JUDGE/INCL01'),
              (7, 6, 0, DATE '2026-02-01', 0, 1, 'SQL-JUDGE/INCL01.1'),
              (8, 6, 0, DATE '2026-02-20', 0, 0, 'SQL-JUDGE/INCL01.1'),
              (9, 7, 0, DATE '2026-04-01', 0, 1, 'SQL-JUDGE/INCL01.1'),
              (10, 8, 0, DATE '2025-09-01', 0, 1, 'SQL-JUDGE/INCL01.1'),
              (11, 9, 0, DATE '2025-08-31', 0, 1, 'SQL-JUDGE/INCL01.1'),
              (12, 10, 0, DATE '2026-02-01', 0, 1, 'SQL-JUDGE/OTHER');
            """);

        var trial = RuleCompiler.CompileText(Rules, "judge.json").EnsureSuccess();
        var result = DuckDbOmopRunner.Run(connection, trial, Population.AsOf);

        result.Compilation.Unsupported.Should().BeEmpty();
        result.Rows.Select(r => (r.PersonId, r.Outcomes[1], r.Truths[1].IsUnknown)).Should().Equal(
            (1L, Outcome.Pass, false),    // the part answered: met
            (2L, Outcome.Fail, false),    // only the criterion answered (any case): not met decides the part
            (3L, Outcome.Pass, false),    // the part's own answer wins over a later answer to the criterion
            (4L, Outcome.Review, true),   // the part's answer expired (+6 months is before as-of): no fall-back to the criterion's
            (5L, Outcome.Review, true),   // no answer
            (6L, Outcome.Fail, false),    // the latest of two answers
            (7L, Outcome.Review, true),   // answered after as-of: not yet
            (8L, Outcome.Pass, false),    // +6 months is as-of itself: still valid
            (9L, Outcome.Review, true),   // +6 months is the day before as-of: expired
            (10L, Outcome.Review, true)); // another target's answer
        result.Rows.Select(r => r.Verdict).Should().Equal(
            Verdict.Eligible, Verdict.Ineligible, Verdict.Eligible, Verdict.Review, Verdict.Review,
            Verdict.Ineligible, Verdict.Review, Verdict.Eligible, Verdict.Review, Verdict.Review);
    }

    [Test]
    public void Judgements_read_the_shared_answer_words_with_no_pass_of_the_trials_own()
    {
        var compilation = OmopSqlCompiler.Compile(RuleCompiler.CompileText(Rules, "judge.json").EnsureSuccess(), SqlDialect.DuckDb, new OmopSqlOptions { AsOf = Population.AsOf });
        var statements = compilation.Sql.Split(";\n");

        statements.Should().ContainSingle(s => s.Contains("TEMP TABLE elig_g_answers AS", StringComparison.Ordinal))
            .Which.Should().Contain("FROM elig_answers a JOIN elig_answers_targets t").And.Contain("AS d_a0", "a judgement with a validity reads its answer's date");
        statements.Should().NotContain(s => s.Contains("TEMP TABLE elig_n", StringComparison.Ordinal) || s.Contains("elig_g_observation", StringComparison.Ordinal));
        statements.Single(s => s.Contains("TEMP TABLE elig_base AS", StringComparison.Ordinal))
            .Should().Contain("LEFT JOIN elig_g_answers ON elig_g_answers.person_id = elig_person.person_id", "the words are joined once for every trial");
        statements.Single(s => s.Contains("TEMP TABLE elig_state AS", StringComparison.Ordinal))
            .Should().Contain("FROM elig_base elig_person").And.Contain("elig_person.elig_g_answers__elig_a0 & ").And.NotContain("JOIN elig_g_answers");
    }
}
