namespace Eligibility.Sql.Tests;

/// <summary>
/// Daily doses from drug_exposure and drug_strength: quantity × strength / days_supply, the strength an amount per unit
/// or a concentration (numerator / denominator), converted to the rule's unit; unknown — never a pass or a fail — when a
/// piece is missing or the strength is ambiguous.
/// </summary>
[TestFixture]
public sealed class DoseTests
{
    private const string Rules = """
        {
          "formatVersion": 1,
          "trial": {"id": "SQL-DOSE", "title": "Daily doses"},
          "defaults": {"lookback": "P28D"},
          "concepts": {
            "aspirin": {"label": "aspirin", "codes": {"http://www.nlm.nih.gov/research/umls/rxnorm": ["1191"], "http://www.whocc.no/atc": ["B01AC06", "N02BA01"]}}
          },
          "inclusion": [
            {"id": "INCL01", "text": "High-dose aspirin", "rule": {"kind": "medication", "concept": "aspirin", "current": true, "dose": {"gt": 325, "unit": "mg/d"}}}
          ],
          "exclusion": []
        }
        """;

    [Test]
    public void The_daily_dose_is_quantity_times_strength_over_days_supply_and_unknown_when_a_piece_is_missing()
    {
        using var connection = TestSql.EmptyCdm();
        TestSql.Execute(connection, """
            INSERT INTO concept VALUES
              (101, 'aspirin', 'Drug', 'RxNorm', 'Ingredient', 'S', '1191', DATE '1970-01-01', DATE '2099-12-31', NULL),
              (102, 'aspirin', 'Drug', 'ATC', 'ATC 5th', 'C', 'B01AC06', DATE '1970-01-01', DATE '2099-12-31', NULL),
              (103, 'aspirin', 'Drug', 'ATC', 'ATC 5th', 'C', 'N02BA01', DATE '1970-01-01', DATE '2099-12-31', NULL),
              (201, 'milligram', 'Unit', 'UCUM', 'Unit', 'S', 'mg', DATE '1970-01-01', DATE '2099-12-31', NULL),
              (202, 'gram', 'Unit', 'UCUM', 'Unit', 'S', 'g', DATE '1970-01-01', DATE '2099-12-31', NULL),
              (203, 'milliliter', 'Unit', 'UCUM', 'Unit', 'S', 'mL', DATE '1970-01-01', DATE '2099-12-31', NULL);
            INSERT INTO concept_ancestor VALUES (101, 101, 0, 0), (101, 104, 1, 1), (102, 102, 0, 0), (103, 103, 0, 0);
            INSERT INTO drug_strength (drug_concept_id, ingredient_concept_id, amount_value, amount_unit_concept_id, numerator_value, numerator_unit_concept_id, denominator_value, denominator_unit_concept_id, valid_start_date, valid_end_date) VALUES
              (101, 101, 0.5, 202, NULL, NULL, NULL, NULL, DATE '1970-01-01', DATE '2099-12-31'),
              (104, 101, NULL, NULL, 10, 201, 5, 203, DATE '1970-01-01', DATE '2099-12-31'),
              (102, 102, 325, 201, NULL, NULL, NULL, NULL, DATE '1970-01-01', DATE '2099-12-31'),
              (103, 101, 500, 201, NULL, NULL, NULL, NULL, DATE '1970-01-01', DATE '2099-12-31'),
              (103, 102, 50, 201, NULL, NULL, NULL, NULL, DATE '1970-01-01', DATE '2099-12-31');
            INSERT INTO person (person_id, gender_concept_id, year_of_birth, month_of_birth, day_of_birth, race_concept_id, ethnicity_concept_id) VALUES
              (1, 8532, 1980, 1, 1, 0, 0), (2, 8532, 1980, 1, 1, 0, 0), (3, 8532, 1980, 1, 1, 0, 0), (4, 8532, 1980, 1, 1, 0, 0), (5, 8532, 1980, 1, 1, 0, 0);
            INSERT INTO drug_exposure (drug_exposure_id, person_id, drug_concept_id, drug_exposure_start_date, drug_exposure_end_date, drug_type_concept_id, quantity, days_supply, drug_source_concept_id) VALUES
              (1, 1, 101, DATE '2026-02-01', DATE '2026-03-31', 0, 30, 30, 0),
              (2, 2, 104, DATE '2026-02-01', DATE '2026-03-31', 0, 1200, 30, 0),
              (3, 3, 101, DATE '2026-02-01', DATE '2026-03-31', 0, NULL, 30, 0),
              (4, 4, 103, DATE '2026-02-01', DATE '2026-03-31', 0, 30, 30, 0),
              (5, 5, 102, DATE '2026-02-01', DATE '2026-03-31', 0, 30, 30, 0);
            """);

        var result = DuckDbOmopRunner.Run(connection, RuleCompiler.CompileText(Rules, "dose.json").EnsureSuccess(), Population.AsOf);

        result.Compilation.Unsupported.Should().BeEmpty();
        result.Rows.Select(r => (r.PersonId, r.Outcomes[0])).Should().Equal(
            (1L, Outcome.Pass),     // 30 × 0.5 g / 30 days = 500 mg/d
            (2L, Outcome.Fail),     // 1200 mL × 10 mg / 5 mL / 30 days = 80 mg/d
            (3L, Outcome.Unknown),  // no quantity
            (4L, Outcome.Unknown),  // two strengths (a combination product): which one is not known
            (5L, Outcome.Fail));    // 325 mg/d is not above 325
    }
}
