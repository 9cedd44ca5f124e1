using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Eligibility.Sql.Compilation;

/// <summary>
/// Judgement answers: one pass over <c>observation</c> for every trial compiled together gives the latest answer per
/// person and target (<see cref="AnswersTable"/>), and a second one packs them per person into words of two bits per
/// target (<see cref="AnswerWordsTable"/>): answered, and answered yes. A judgement leaf is then an expression over those
/// words, written where its wide table reads it, with no pass or table of the trial's own.
/// </summary>
internal sealed partial class OmopSqlWriter
{
    /// <summary>The shared table of the latest answer per person and judgement target.</summary>
    private const string AnswersTable = "elig_answers";

    /// <summary>The shared table of every person's answers packed into words, two bits per target (<see cref="WriteAnswers"/>).</summary>
    private const string AnswerWordsTable = "elig_g_answers";

    /// <summary>Targets per word: two bits each, the highest pair below the sign bit of a BIGINT.</summary>
    private const int TargetsPerWord = 31;

    /// <summary>The number of a judgement target (lower case <c>TRIAL/ID</c>) in <see cref="AnswersTable"/>, made on first use.</summary>
    private int TargetId(string target)
    {
        int i = shared.Targets.IndexOf(target);
        if (i < 0)
        {
            i = shared.Targets.Count;
            shared.Targets.Add(target);
        }

        return i;
    }

    /// <summary>The weight of target <paramref name="i"/>'s answered bit in its word (its yes bit is twice that).</summary>
    private static long TargetWeight(int i) => 1L << (2 * (i % TargetsPerWord));

    /// <summary>Whether the bit <paramref name="weight"/> of target <paramref name="i"/>'s word is set (NULL for a person without answers).</summary>
    private static string AnswerBit(int i, long weight) =>
        $"(({AnswerWordsTable}.elig_a{K(i / TargetsPerWord)} & CAST({weight.ToString(CultureInfo.InvariantCulture)} AS BIGINT)) <> 0)";

    /// <summary>
    /// A judgement leaf's status and pending flag over <see cref="AnswerWordsTable"/>: the answer of its innermost target
    /// answered (<paramref name="targets"/> innermost first), unknown and pending when that answer has expired
    /// (<paramref name="expired"/> of its date) or when no target is answered (a person without answers has NULL words, so
    /// every <c>CASE</c> falls to its <c>ELSE</c>); else 2 for yes and 0 for no.
    /// </summary>
    private (string Status, string Pending) AnswerRead(IReadOnlyList<string> targets, System.Func<string, string>? expired)
    {
        var ids = targets.Select(TargetId).ToList();
        if (expired is not null)
        {
            foreach (int i in ids)
            {
                shared.DatedTargets.Add(i);
            }
        }

        string Answered(int i) => AnswerBit(i, TargetWeight(i));
        string Yes(int i) => $"CASE WHEN {AnswerBit(i, 2 * TargetWeight(i))} THEN 2 ELSE 0 END";
        string Expired(int i) => expired!($"{AnswerWordsTable}.d_a{K(i)}");
        string status = "CASE " + string.Concat(ids.Select(i => $"WHEN {Answered(i)} THEN {(expired is null ? Yes(i) : $"CASE WHEN {Expired(i)} THEN 1 ELSE {Yes(i)} END")} ")) + "ELSE 1 END";
        string pending = "CASE " + string.Concat(ids.Select(i => $"WHEN {Answered(i)} THEN {(expired is null ? "FALSE" : Expired(i))} ")) + "ELSE TRUE END";
        return (status, pending);
    }

    /// <summary>
    /// Per person and judgement target of any trial compiled together, the latest 0/1 answer up to as-of (ties: the
    /// highest row ID): one pass over <c>observation</c> matching each row's lower-cased source value to the targets'
    /// numbers once. On DuckDB one hash aggregate (arg_max by date and row ID as one number) rather than a window sorting
    /// every answer; PostgreSQL and Spark keep the window. Then per person the answers as words of two bits per target
    /// (a sum of distinct bits: one row per person and target), and the date of each answer a judgement with a validity
    /// reads. Each trial's judgements read these words in its wide tables: one pass for every trial instead of a pivot of
    /// two aggregates per target per trial.
    /// </summary>
    private void WriteAnswers()
    {
        if (shared.Targets.Count == 0)
        {
            return;
        }

        Line("-- the judgement targets of every trial, by number, and per person and target the latest answer up to as-of");
        CreateTable(AnswersTable + "_targets", string.Join("\nUNION ALL\n", shared.Targets.Select((t, i) =>
            $"SELECT {K(i)} AS target, {Text(t)} AS source_value, {K(i / TargetsPerWord)} AS word, CAST({TargetWeight(i).ToString(CultureInfo.InvariantCulture)} AS BIGINT) AS weight")));
        CreateTable(AnswersTable, dialect.LastInGroup(
            new[] { "o.person_id", "o.target" },
            new[] { ("o.v", "v"), ("o.d", "d") },
            "o.d",
            "o.observation_id",
            "\n  FROM (SELECT x.person_id, t.target, x.value_as_number AS v, x.observation_date AS d, x.observation_id"
            + $"\n    FROM {dialect.Cdm("observation")} x JOIN {AnswersTable}_targets t ON t.source_value = lower(x.observation_source_value)"
            + $"\n    WHERE x.observation_date <= {Date(asOf)} AND x.value_as_number IN (0, 1)) o",
            "  "));
        int words = ((shared.Targets.Count - 1) / TargetsPerWord) + 1;
        string packed = string.Concat(Enumerable.Range(0, words).Select(w =>
            $",\n  CAST(sum(CASE WHEN t.word = {K(w)} THEN t.weight * (CASE WHEN a.v = 1 THEN 3 ELSE 1 END) ELSE 0 END) AS BIGINT) AS elig_a{K(w)}"));
        string dates = string.Concat(shared.DatedTargets.Order().Select(i => $",\n  max(CASE WHEN a.target = {K(i)} THEN a.d END) AS d_a{K(i)}"));
        NoteBaseColumns(AnswerWordsTable, Enumerable.Range(0, words).Select(w => $"elig_a{K(w)}").Concat(shared.DatedTargets.Order().Select(i => $"d_a{K(i)}")));
        Line("-- per person the answers, two bits per target (answered, yes), and the dates a validity reads");
        CreateTable(AnswerWordsTable, $"""
            SELECT a.person_id{packed}{dates}
            FROM {AnswersTable} a JOIN {AnswersTable}_targets t ON t.target = a.target
            GROUP BY a.person_id
            """);
    }
}
