namespace Eligibility.Sql.Tests;

/// <summary>
/// Multiples of the upper limit of normal: the result's own range when it has one, else the concept's default for the
/// person's sex (the sex-specific one, else the value for any sex); no unit, or no result inside the window, is unknown.
/// </summary>
[TestFixture]
public sealed class LimitOfNormalTests
{
    // ALT is LOINC 1742-6 (Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma, loinc.org).
    private const string Rules = """
        {
          "formatVersion": 1,
          "trial": {"id": "SQL-ULN", "title": "Limits of normal"},
          "defaults": {"lookback": "P28D"},
          "concepts": {
            "alt": {"label": "ALT", "codes": {"http://loinc.org": ["1742-6"]}, "unit": "U/L", "uln": {"value": 40, "unit": "U/L", "female": 35}}
          },
          "inclusion": [],
          "exclusion": [
            {"id": "EXCL01", "text": "ALT > 2 × ULN", "rule": {"kind": "measurement", "concept": "alt", "gt": 2, "relativeTo": "uln"}}
          ]
        }
        """;

    [Test]
    public void The_default_limit_is_the_persons_sex_one_and_a_result_range_wins()
    {
        using var connection = TestSql.EmptyCdm();
        TestSql.Execute(connection, """
            INSERT INTO concept VALUES
              (101, 'ALT', 'Measurement', 'LOINC', 'Lab Test', 'S', '1742-6', DATE '1970-01-01', DATE '2099-12-31', NULL),
              (201, 'unit per liter', 'Unit', 'UCUM', 'Unit', 'S', 'U/L', DATE '1970-01-01', DATE '2099-12-31', NULL);
            INSERT INTO concept_ancestor VALUES (101, 101, 0, 0);
            INSERT INTO person (person_id, gender_concept_id, year_of_birth, month_of_birth, day_of_birth, race_concept_id, ethnicity_concept_id) VALUES
              (1, 8532, 1980, 1, 1, 0, 0), (2, 8507, 1980, 1, 1, 0, 0), (3, 0, 1980, 1, 1, 0, 0), (4, 8532, 1980, 1, 1, 0, 0),
              (5, 8532, 1980, 1, 1, 0, 0), (6, 8507, 1980, 1, 1, 0, 0), (7, 8507, 1980, 1, 1, 0, 0);
            INSERT INTO measurement (measurement_id, person_id, measurement_concept_id, measurement_date, measurement_type_concept_id, value_as_number, unit_concept_id, range_high) VALUES
              (1, 1, 101, DATE '2026-02-20', 0, 80, 201, NULL),
              (2, 2, 101, DATE '2026-02-20', 0, 80, 201, NULL),
              (3, 3, 101, DATE '2026-02-20', 0, 85, 201, NULL),
              (4, 4, 101, DATE '2026-02-20', 0, 80, 201, 45),
              (5, 5, 101, DATE '2026-02-20', 0, 80, NULL, NULL),
              (6, 7, 101, DATE '2026-01-15', 0, 100, 201, NULL);
            """);

        var result = DuckDbOmopRunner.Run(connection, RuleCompiler.CompileText(Rules, "uln.json").EnsureSuccess(), Population.AsOf);

        result.Compilation.Unsupported.Should().BeEmpty();
        result.Rows.Select(r => (r.PersonId, r.Outcomes[0])).Should().Equal(
            (1L, Outcome.Fail),     // female: 80 > 2 × 35
            (2L, Outcome.Pass),     // male: 80 is not above 2 × 40
            (3L, Outcome.Fail),     // sex unknown: the value for any sex, 85 > 2 × 40
            (4L, Outcome.Pass),     // the result's own range: 80 is not above 2 × 45
            (5L, Outcome.Unknown),  // no unit
            (6L, Outcome.Unknown),  // no result
            (7L, Outcome.Unknown)); // the only result is before the 28-day window
    }
}
