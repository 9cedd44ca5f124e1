using System.Data.Common;
using DuckDB.NET.Data;

namespace Eligibility.Sql.Tests;

/// <summary>
/// Codes are resolved through the database's own vocabulary: a source code (by prefix for ICD-10), non-standard to
/// standard through 'Maps to' (valid relationships only), and descendants through concept_ancestor — what the in-process
/// engine cannot know. The same rows on DuckDB and on PostgreSQL must give the same outcomes.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class VocabularyTests
{
    private const string Rules = """
        {
          "formatVersion": 1,
          "trial": {"id": "SQL-VOCAB", "title": "Vocabulary resolution"},
          "defaults": {"lookback": "P28D"},
          "concepts": {
            "sle": {"label": "SLE", "codes": {"http://hl7.org/fhir/sid/icd-10": ["M32"]}}
          },
          "inclusion": [
            {"id": "INCL01", "text": "SLE", "rule": {"kind": "condition", "concept": "sle"}}
          ],
          "exclusion": []
        }
        """;

    /// <summary>
    /// The vocabulary: an ICD-10-CM code under the rule's prefix (101) that maps to a standard SNOMED concept (102), which
    /// has a descendant (103); the same source code's second 'Maps to' (to 104) was deprecated (invalid_reason 'D') and
    /// must not be followed.
    /// </summary>
    private const string Vocabulary = """
        INSERT INTO concept VALUES
          (101, 'Glomerular disease in systemic lupus erythematosus', 'Condition', 'ICD10CM', '5-char billing code', NULL, 'M32.14', DATE '1970-01-01', DATE '2099-12-31', NULL),
          (102, 'Systemic lupus erythematosus', 'Condition', 'SNOMED', 'Disorder', 'S', '55464009', DATE '1970-01-01', DATE '2099-12-31', NULL),
          (103, 'SLE glomerulonephritis syndrome', 'Condition', 'SNOMED', 'Disorder', 'S', '68815009', DATE '1970-01-01', DATE '2099-12-31', NULL),
          (104, 'Systemic lupus erythematosus with organ/system involvement', 'Condition', 'SNOMED', 'Disorder', 'S', '239887007', DATE '1970-01-01', DATE '2099-12-31', NULL);
        INSERT INTO concept_relationship VALUES
          (101, 102, 'Maps to', DATE '1970-01-01', DATE '2099-12-31', NULL),
          (101, 104, 'Maps to', DATE '1970-01-01', DATE '2019-12-31', 'D');
        INSERT INTO concept_ancestor VALUES (102, 102, 0, 0), (102, 103, 1, 1), (103, 103, 0, 0), (104, 104, 0, 0);
        INSERT INTO person (person_id, gender_concept_id, year_of_birth, month_of_birth, day_of_birth, race_concept_id, ethnicity_concept_id) VALUES
          (1, 8532, 1980, 1, 1, 0, 0), (2, 8532, 1980, 1, 1, 0, 0), (3, 8532, 1980, 1, 1, 0, 0), (4, 8532, 1980, 1, 1, 0, 0),
          (5, 8532, 1980, 1, 1, 0, 0), (6, 8532, 1980, 1, 1, 0, 0);
        INSERT INTO condition_occurrence (condition_occurrence_id, person_id, condition_concept_id, condition_start_date, condition_type_concept_id, condition_source_concept_id) VALUES
          (1, 1, 102, DATE '2020-05-01', 0, 0),
          (2, 2, 103, DATE '2020-05-01', 0, 0),
          (3, 3, 0, DATE '2020-05-01', 0, 101),
          (4, 5, 102, DATE '2026-03-02', 0, 0),
          (5, 6, 104, DATE '2020-05-01', 0, 0);
        """;

    private static readonly (long Person, Outcome Outcome)[] Expected =
    [
        (1L, Outcome.Pass), // the standard concept the ICD-10-CM code maps to
        (2L, Outcome.Pass), // a descendant of it
        (3L, Outcome.Pass), // the source concept itself
        (4L, Outcome.Fail), // no record: the record is taken as complete
        (5L, Outcome.Fail), // recorded after as-of
        (6L, Outcome.Fail), // reached only through a deprecated 'Maps to'
    ];

    [TestCase(null)]
    [TestCase("omop cdm")]
    public void DuckDB_resolves_source_codes_maps_to_and_descendants(string? cdmSchema)
    {
        var trial = RuleCompiler.CompileText(Rules, "vocab.json").EnsureSuccess();
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        if (cdmSchema is not null)
        {
            // The CDM in its own schema, the connection's current schema elsewhere: the SQL must name the schema.
            TestSql.Execute(connection, $"CREATE SCHEMA \"{cdmSchema}\"; SET schema = '{cdmSchema}'");
        }

        OmopSchema.Create(connection);
        TestSql.Execute(connection, Vocabulary);
        if (cdmSchema is not null)
        {
            TestSql.Execute(connection, "SET schema = 'main'");
        }

        var result = DuckDbOmopRunner.Run(connection, trial, Population.AsOf, cdmSchema);

        result.Compilation.Unsupported.Should().BeEmpty();
        result.Rows.Select(r => (r.PersonId, r.Outcomes[0])).Should().Equal(Expected);
    }

    [Test]
    public void PostgreSQL_resolves_source_codes_maps_to_and_descendants()
    {
        const string schema = "elig_vocab_test";
        var trial = RuleCompiler.CompileText(Rules, "vocab.json").EnsureSuccess();
        using var connection = Population.OpenPostgresEmpty();
        TestSql.Execute(connection, $"DROP SCHEMA IF EXISTS {schema} CASCADE");
        OmopSchema.Create(connection, schema);
        TestSql.Execute(connection, $"SET search_path TO {schema}; {Vocabulary} SET search_path TO public");

        var result = PostgreSqlOmopRunner.Run(connection, trial, Population.AsOf, schema);

        result.Compilation.Unsupported.Should().BeEmpty();
        result.Rows.Select(r => (r.PersonId, r.Outcomes[0])).Should().Equal(Expected);
    }
}
