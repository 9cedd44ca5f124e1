using System.Data.Common;
using System.Text.RegularExpressions;

namespace Eligibility.Sql.Tests;

/// <summary>
/// Where two member concepts of one concept set reach the same OMOP concept (here a clinical drug listed by one member
/// and a descendant of the other member's ingredient), the concept set keeps one member for it, and that member's own
/// dose length (<c>exposureLasts</c>) — never one member's name with the other's length. The member listing the concept
/// itself wins over the member reaching it as a descendant, as a listed code wins in the engine.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class MemberChoiceTests
{
    private const string Rules = """
        {
          "formatVersion": 1,
          "trial": {"id": "SQL-MEMBERS", "title": "Member choice"},
          "defaults": {"lookback": "P28D"},
          "concepts": {
            "long-acting": {"label": "long-acting drug", "exposureLasts": "P6M", "codes": {"http://www.nlm.nih.gov/research/umls/rxnorm": ["SYN900001"]}},
            "plain": {"label": "plain drug", "codes": {"http://www.nlm.nih.gov/research/umls/rxnorm": ["SYN900002"]}},
            "either": {"label": "either drug", "include": ["long-acting", "plain"]}
          },
          "inclusion": [
            {"id": "INCL01", "text": "Ever took either drug", "rule": {"kind": "medication", "concept": "either", "ever": true}}
          ],
          "exclusion": []
        }
        """;

    // A made-up test vocabulary (codes SYN…, no real RxNorm concept): 201 the long-acting member's ingredient; 202 a
    // product listed by the plain member, and a descendant of 201.
    private const string Vocabulary = """
        INSERT INTO concept VALUES
          (201, 'Synthetic ingredient', 'Drug', 'RxNorm', 'Ingredient', 'S', 'SYN900001', DATE '1970-01-01', DATE '2099-12-31', NULL),
          (202, 'Synthetic product', 'Drug', 'RxNorm', 'Clinical Drug', 'S', 'SYN900002', DATE '1970-01-01', DATE '2099-12-31', NULL);
        INSERT INTO concept_ancestor VALUES (201, 201, 0, 0), (201, 202, 1, 1), (202, 202, 0, 0);
        INSERT INTO person (person_id, gender_concept_id, year_of_birth, month_of_birth, day_of_birth, race_concept_id, ethnicity_concept_id) VALUES
          (1, 8532, 1980, 1, 1, 0, 0);
        """;

    [Test]
    public void DuckDB_keeps_one_member_and_its_own_dose_length_per_concept()
    {
        var trial = RuleCompiler.CompileText(Rules, "members.json").EnsureSuccess();
        using var connection = TestSql.EmptyCdm();
        TestSql.Execute(connection, Vocabulary);

        var result = DuckDbOmopRunner.Run(connection, trial, Population.AsOf);

        Members(connection, SetOf(result.Compilation.Sql)).Should().Equal(
            (201L, "long-acting", (int?)6, (int?)0),
            (202L, "plain", null, null));
    }

    [Test]
    public void PostgreSQL_keeps_one_member_and_its_own_dose_length_per_concept()
    {
        const string schema = "elig_members_test";
        var trial = RuleCompiler.CompileText(Rules, "members.json").EnsureSuccess();
        using var connection = Population.OpenPostgresEmpty();
        TestSql.Execute(connection, $"DROP SCHEMA IF EXISTS {schema} CASCADE");
        OmopSchema.Create(connection, schema);
        TestSql.Execute(connection, $"SET search_path TO {schema}; {Vocabulary} SET search_path TO public");

        var result = PostgreSqlOmopRunner.Run(connection, trial, Population.AsOf, schema);

        Members(connection, SetOf(result.Compilation.Sql)).Should().Equal(
            (201L, "long-acting", (int?)6, (int?)0),
            (202L, "plain", null, null));
    }

    /// <summary>The table of the concept set of concept 'either', from the script's comment naming it.</summary>
    private static string SetOf(string sql) =>
        Regex.Match(sql, @"concept set 'either'[^\n]*\n[^\n]*?(elig_set\d+)_codes").Groups[1].Value;

    private static List<(long Concept, string Member, int? Months, int? Days)> Members(DbConnection connection, string set)
    {
        set.Should().NotBeEmpty();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT concept_id, member, ext_months, ext_days FROM {set} ORDER BY concept_id";
        using var reader = command.ExecuteReader();
        var rows = new List<(long, string, int?, int?)>();
        while (reader.Read())
        {
            rows.Add((Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), reader.GetString(1),
                reader.IsDBNull(2) ? null : Convert.ToInt32(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture),
                reader.IsDBNull(3) ? null : Convert.ToInt32(reader.GetValue(3), System.Globalization.CultureInfo.InvariantCulture)));
        }

        return rows;
    }
}
