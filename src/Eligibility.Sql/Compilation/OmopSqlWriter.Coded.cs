using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Eligibility.Binding;
using Eligibility.Compilation.Nodes;
using Eligibility.Time;

namespace Eligibility.Sql.Compilation;

/// <summary>Qualitative results, pregnancy and immunizations.</summary>
internal sealed partial class OmopSqlWriter
{
    /// <summary>
    /// The latest result of the concept with any content in the window, read against the declared answers: per answer a
    /// column <c>aN</c>, true when the coded value (<c>value_as_concept_id</c>) or the text (<c>value_source_value</c>,
    /// compared as the engine compares words) means it. Exactly one answer ⇒ it; none, or several (contradictory) ⇒ unknown.
    /// </summary>
    private (string Sql, List<string> Answers) Read(BoundConcept concept, IsoDuration lookback)
    {
        var w = Window(lookback);
        if (w.End == asOf)
        {
            // The shared row's text is already normalised (elig_read's value_text).
            var (shortAnswers, shortMeans, _) = ReadParts(concept, lookback, "m.value_text");
            // The latest result with content in a window ending on as-of is the shared latest up to as-of when it lies inside.
            string set = ConceptSet(concept);
            shared.ReadSets[set] = shared.ReadSets.TryGetValue(set, out var earliest) && earliest < w.Start ? earliest : w.Start;
            return (
                $"SELECT m.person_id{string.Concat(shortMeans.Select((c, i) => $", {c} AS a{i.ToString(CultureInfo.InvariantCulture)}"))}"
                + $" FROM {ReadTable} m WHERE m.set_id = {SetId(set)} AND m.measurement_date >= {Date(w.Start)}",
                shortAnswers);
        }

        var (answers, means, match) = ReadParts(concept, lookback, NormalisedText("m.value_source_value"));

        string sql = dialect.FirstInGroup(
            $"m.person_id{string.Concat(means.Select((c, i) => $", {c} AS a{i.ToString(CultureInfo.InvariantCulture)}"))}",
            $"\n  FROM {Fact("measurement")} m"
            + $"\n  WHERE {match}"
            + $"\n    AND {HasContent}",
            "PARTITION BY m.person_id ORDER BY m.measurement_date DESC, m.measurement_id DESC",
            "  ");
        return (sql, answers);
    }

    /// <summary>A measurement row (alias <c>m</c>) with any content: a number, a coded value or a text.</summary>
    private const string HasContent = "(m.value_as_number IS NOT NULL OR COALESCE(m.value_as_concept_id, 0) <> 0 OR m.value_source_value IS NOT NULL)";

    /// <summary>
    /// The pieces of a read of <paramref name="concept"/>: its answers, per answer whether a row (alias <c>m</c>, its
    /// normalised text <paramref name="text"/>) means it, and the condition on a row of the concept inside the window.
    /// </summary>
    private (List<string> Answers, List<string> Means, string Match) ReadParts(BoundConcept concept, IsoDuration lookback, string text)
    {
        var w = Window(lookback);
        string set = ConceptSet(concept);
        var answers = concept.Answers.Keys.ToList();
        var means = new List<string>();
        for (int i = 0; i < answers.Count; i++)
        {
            var bound = concept.Answers[answers[i]];
            string codes = $"COALESCE(m.value_as_concept_id IN (SELECT concept_id FROM {AnswerSet(concept, answers[i], bound)}), FALSE)";
            string texts = bound.Texts.Count == 0 ? "FALSE" : $"COALESCE({text} IN ({string.Join(", ", bound.Texts.Order(System.StringComparer.Ordinal).Select(Text))}), FALSE)";
            means.Add($"({codes} OR {texts})");
        }

        string match = $"m.measurement_date BETWEEN {Date(w.Start)} AND {Date(w.End)}"
            + $" AND {InSet(set, "m.measurement_concept_id", "m.measurement_source_concept_id")}";
        return (answers, means, match);
    }

    /// <summary>The engine's reading of a text answer: trimmed, trailing dots dropped, lower case, hyphens and underscores as spaces, single spaces.</summary>
    private string NormalisedText(string column) =>
        dialect.CollapseSpaces($"replace(replace(lower({dialect.TrimTrailingDots($"trim({column})")}), '-', ' '), '_', ' ')");

    /// <summary>The answer a read row means, as a SQL expression: its name, or NULL when none or several.</summary>
    private static string AnswerOf(List<string> answers, string row) =>
        AnswerOf(answers, answers.Select((_, i) => $"{row}.a{i.ToString(CultureInfo.InvariantCulture)}").ToList());

    /// <summary>The answer meant, as a SQL expression: its name, or NULL when none or several (<paramref name="means"/>: per answer, whether it is meant).</summary>
    private static string AnswerOf(List<string> answers, List<string> means)
    {
        if (answers.Count == 0)
        {
            return "NULL";
        }

        string count = string.Join(" + ", means.Select(m => $"CAST({m} AS INTEGER)"));
        string which = "CASE " + string.Concat(answers.Select((a, i) => $"WHEN {means[i]} THEN {Text(a)} ")) + "END";
        return $"(CASE WHEN {count} = 1 THEN {which} END)";
    }

    private string Coded(RuleNode rule)
    {
        var concept = ((CodedNode)rule).Concept;
        var wanted = ((CodedNode)rule).Wanted;
        var lookback = ((CodedNode)rule).Lookback;
        bool absentFalse = ((CodedNode)rule).AbsentFalse;
        var (read, answers) = Read(concept, lookback);
        string wantedList = wanted.Count == 0 ? "NULL" : string.Join(", ", wanted.Order(System.StringComparer.Ordinal).Select(Text));
        string unknownIsUnknown = wanted.Contains("unknown") ? string.Empty : "WHEN r.answer = 'unknown' THEN 1 ";
        return Sparse($"""
            WITH r AS (SELECT person_id, {AnswerOf(answers, "x")} AS answer FROM ({read}) x)
            SELECT r.person_id, CASE WHEN r.answer IS NULL THEN 1 {unknownIsUnknown}
              WHEN r.answer IN ({wantedList}) THEN 2 ELSE 0 END AS s, FALSE AS p
            FROM r
            """, absentFalse ? "0" : "1", "FALSE");
    }

    /// <summary>Male ⇒ false; an active pregnancy condition ⇒ true; else the latest status: pregnant, not pregnant, or unknown.</summary>
    private string Pregnancy(RuleNode rule)
    {
        var status = ((PregnancyNode)rule).Status;
        var condition = ((PregnancyNode)rule).Condition;
        var lookback = ((PregnancyNode)rule).Lookback;
        var (read, answers) = Read(status, lookback);
        string conditions = ConceptSet(condition);
        // Without local codes, the active conditions are a flag of the shared condition pass (no scan of the rows here).
        string active = localSetsRead.Count == 0
            ? $"SELECT person_id FROM elig_g_condition_occurrence WHERE {StatusFromWords(FindGroup("condition_occurrence"), ActiveCondition(conditions), "elig_g_condition_occurrence")} = 2"
            : $"""
              SELECT DISTINCT c.person_id FROM {Fact("condition_occurrence")} c
                WHERE c.condition_start_date <= {Date(asOf)} AND (c.condition_end_date IS NULL OR c.condition_end_date >= {Date(asOf)})
                  AND {InSet(conditions, "c.condition_concept_id", "c.condition_source_concept_id")}
              """;
        // Only the persons with an active condition or a status; male ⇒ false is applied where the wide table reads the
        // leaf (from elig_person), so the table needs no row per person.
        wideRead = new WideRead(x => $"CASE WHEN elig_person.sex = 'M' THEN 0 ELSE COALESCE({x}.s, 1) END", x => $"COALESCE({x}.p, FALSE)");
        return $"""
            WITH r AS (SELECT person_id, {AnswerOf(answers, "x")} AS answer FROM ({read}) x),
            active AS ({active})
            SELECT COALESCE(a.person_id, r.person_id) AS person_id, CASE WHEN a.person_id IS NOT NULL THEN 2
              WHEN r.answer = 'pregnant' THEN 2 WHEN r.answer = 'not-pregnant' THEN 0 ELSE 1 END AS s, FALSE AS p
            FROM active a FULL JOIN r ON r.person_id = a.person_id
            """;
    }

    /// <summary>A vaccination (an OMOP drug_exposure of a vaccine concept) given inside the window.</summary>
    private string Immunization(RuleNode rule)
    {
        var concept = ((ImmunizationNode)rule).Concept;
        var window = ((ImmunizationNode)rule).Window;
        bool absentUnknown = ((ImmunizationNode)rule).AbsentUnknown;
        string set = ConceptSet(concept);
        string where = $"d.drug_exposure_start_date <= {Date(asOf)}";
        string match = InSet(set, "d.drug_concept_id", "d.drug_source_concept_id");
        string hit = $"d.drug_exposure_start_date >= {Date(Window(window).Start)}";
        GroupFindings("drug_exposure", "d", where, match, hit, "FALSE", absentUnknown);
        return SparseFindings($"""
            SELECT d.person_id, {hit} AS hit, FALSE AS undecided FROM {Fact("drug_exposure")} d
                WHERE {where} AND {match}
            """, absentUnknown);
    }
}
