using System.Data.Common;

namespace Eligibility.Sql.Tests;

/// <summary>
/// The drug pass reads each record's concept set row (its member and dose length, <c>exposureLasts</c>) from one table of
/// every set's rows, joined by the record's concept and by its source concept: the concept's row first, the source
/// concept's only when the concept is in no row of the set. Two sets in one pass, each with its own bit and columns.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class SetRowsTests
{
    private const string Rules = """
        {
          "formatVersion": 1,
          "trial": {"id": "SQL-SETROWS", "title": "Set rows in the drug pass"},
          "defaults": {"lookback": "P28D"},
          "concepts": {
            "long-acting": {"label": "long-acting drug", "exposureLasts": "P6M", "codes": {"http://www.nlm.nih.gov/research/umls/rxnorm": ["SYN900001"]}},
            "plain": {"label": "plain drug", "codes": {"http://www.nlm.nih.gov/research/umls/rxnorm": ["SYN900002"]}},
            "either": {"label": "either drug", "include": ["long-acting", "plain"]}
          },
          "inclusion": [],
          "exclusion": [
            {"id": "EXCL01", "text": "Currently on either drug", "rule": {"kind": "medication", "concept": "either", "current": true}},
            {"id": "EXCL02", "text": "Currently on the plain drug", "rule": {"kind": "medication", "concept": "plain", "current": true}}
          ]
        }
        """;

    // A made-up test vocabulary (codes SYN…, no real RxNorm concept): 201 the long-acting member's ingredient; 202 a
    // product listed by the plain member, and a descendant of 201 (so the plain member, which lists it, keeps it).
    // Every exposure ended on 2025-11-01, four months before as-of, except person 5's, which runs past as-of.
    private const string Data = """
        INSERT INTO concept VALUES
          (201, 'Synthetic ingredient', 'Drug', 'RxNorm', 'Ingredient', 'S', 'SYN900001', DATE '1970-01-01', DATE '2099-12-31', NULL),
          (202, 'Synthetic product', 'Drug', 'RxNorm', 'Clinical Drug', 'S', 'SYN900002', DATE '1970-01-01', DATE '2099-12-31', NULL);
        INSERT INTO concept_ancestor VALUES (201, 201, 0, 0), (201, 202, 1, 1), (202, 202, 0, 0);
        INSERT INTO person (person_id, gender_concept_id, year_of_birth, month_of_birth, day_of_birth, race_concept_id, ethnicity_concept_id) VALUES
          (1, 8532, 1980, 1, 1, 0, 0), (2, 8532, 1980, 1, 1, 0, 0), (3, 8532, 1980, 1, 1, 0, 0),
          (4, 8532, 1980, 1, 1, 0, 0), (5, 8532, 1980, 1, 1, 0, 0), (6, 8532, 1980, 1, 1, 0, 0);
        INSERT INTO drug_exposure (drug_exposure_id, person_id, drug_concept_id, drug_exposure_start_date, drug_exposure_end_date, drug_type_concept_id, quantity, days_supply, drug_source_concept_id) VALUES
          (1, 1, 201, DATE '2025-10-01', DATE '2025-11-01', 0, NULL, NULL, 0),
          (2, 2, 0, DATE '2025-10-01', DATE '2025-11-01', 0, NULL, NULL, 201),
          (3, 3, 202, DATE '2025-10-01', DATE '2025-11-01', 0, NULL, NULL, 0),
          (4, 4, 202, DATE '2025-10-01', DATE '2025-11-01', 0, NULL, NULL, 201),
          (5, 5, 202, DATE '2026-02-01', DATE '2026-04-01', 0, NULL, NULL, 0);
        """;

    /// <summary>Per person, EXCL01 and EXCL02 (an exclusion met fails).</summary>
    private static readonly (long, Outcome, Outcome)[] Expected =
    {
        (1L, Outcome.Fail, Outcome.Pass), // the long-acting ingredient by its concept: its dose lasts six months, to 2026-05-01
        (2L, Outcome.Fail, Outcome.Pass), // the same by its source concept (concept 0): the source row's six months
        (3L, Outcome.Pass, Outcome.Pass), // the plain product: no dose length, ended in November
        (4L, Outcome.Pass, Outcome.Pass), // the plain product by its concept wins over the long-acting source concept
        (5L, Outcome.Fail, Outcome.Fail), // the plain product, running past as-of: in both sets
        (6L, Outcome.Pass, Outcome.Pass), // no drug
    };

    [Test]
    public void DuckDB_reads_each_records_set_row_by_concept_then_source_concept()
    {
        using var connection = TestSql.EmptyCdm();
        TestSql.Execute(connection, Data);

        var result = DuckDbOmopRunner.Run(connection, RuleCompiler.CompileText(Rules, "setrows.json").EnsureSuccess(), Population.AsOf);

        result.Compilation.Sql.Should().Contain("elig_mv_drug_exposure");
        result.Compilation.Unsupported.Should().BeEmpty();
        result.Rows.Select(r => (r.PersonId, r.Outcomes[0], r.Outcomes[1])).Should().Equal(Expected);
    }

    [Test]
    public void Only_a_set_with_a_dose_length_extends_its_records_ends()
    {
        // "either" has a member with a dose length, "plain" has none: the pass extends a record's end by its row of
        // "either" (set 0's ext_months_0), never by its row of "plain" (ext_months_1 is NULL in every row, so the
        // record's end is its own). The answers are the ones above, on both engines.
        string sql = OmopSqlCompiler.Compile(RuleCompiler.CompileText(Rules, "setrows.json").EnsureSuccess(), SqlDialect.DuckDb, new OmopSqlOptions { AsOf = Population.AsOf }).Sql;
        string pass = sql.Split(";\n").Single(s => s.Contains("TEMP TABLE elig_g_drug_exposure AS", StringComparison.Ordinal));
        pass.Should().Contain("ext_months_0").And.Contain("to_months(").And.NotContain("ext_months_1");
    }

    [Test]
    public void PostgreSQL_reads_each_records_set_row_by_concept_then_source_concept()
    {
        const string schema = "elig_setrows_test";
        using var connection = Population.OpenPostgresEmpty();
        TestSql.Execute(connection, $"DROP SCHEMA IF EXISTS {schema} CASCADE");
        OmopSchema.Create(connection, schema);
        TestSql.Execute(connection, $"SET search_path TO {schema}; {Data} SET search_path TO public");

        var result = PostgreSqlOmopRunner.Run(connection, RuleCompiler.CompileText(Rules, "setrows.json").EnsureSuccess(), Population.AsOf, schema);

        result.Rows.Select(r => (r.PersonId, r.Outcomes[0], r.Outcomes[1])).Should().Equal(Expected);
    }
}
