using System;
using System.Collections.Generic;
using Eligibility.Binding;
using Eligibility.Time;

namespace Eligibility.Patients;

/// <summary>
/// A patient record indexed for evaluation: built once per patient, then shared by every trial the patient is screened
/// against (<see cref="TrialEvaluator.Evaluate(PatientIndex, DateOnly)"/>,
/// <see cref="TrialEvaluator.Decide(PatientIndex, DateOnly, Span{Outcome})"/>). The results that count as observations
/// are grouped by coding (system and code), each group sorted by date, so finding a concept's latest result tests each of
/// the patient's distinct codings once instead of every record; the other record kinds keep their distinct codings, so a
/// concept the patient has no record of is ruled out without a scan. Answers to judgements are grouped by what they answer.
/// </summary>
/// <remarks>
/// Nothing in the index depends on a trial or an as-of date, and which data a rule uses is exactly what it uses reading
/// the <see cref="PatientRecord"/> (docs/semantics.md "Which data is used"): evaluating with the index or with the record
/// gives the same results. Immutable and thread-safe once built; it keeps a reference to the record, which must not be
/// changed while the index is in use (records are immutable unless their lists are mutated by the caller).
/// </remarks>
public sealed class PatientIndex
{
    private static readonly Dictionary<string, Assessment[]> NoAnswers = new(StringComparer.OrdinalIgnoreCase);

    private readonly CodingGroup[] observationGroups;
    private readonly CodingTable observationCodings;
    private readonly DateOnly[] observationDates;
    private readonly string?[] normalisedTexts;
    private readonly CodingTable conditionCodings;
    private readonly CodingTable procedureCodings;
    private readonly CodingTable medicationCodings;
    private readonly CodingTable immunizationCodings;
    private readonly Dictionary<string, Assessment[]> answers;

    private PatientIndex(PatientRecord record)
    {
        Record = record;
        var observations = record.Observations;
        observationDates = new DateOnly[observations.Count];
        normalisedTexts = new string?[observations.Count];
        var groups = new Dictionary<(string System, string Code), List<int>>();
        var order = new List<(string System, string Code)>();
        for (int i = 0; i < observations.Count; i++)
        {
            var o = observations[i];
            normalisedTexts[i] = string.IsNullOrWhiteSpace(o.ValueText) ? null : ConceptBinder.NormaliseText(o.ValueText);

            // Only a dated result of final, amended or corrected status is ever used (EvaluationContext.CountsAsResult).
            if (o.Date is not { } date || !Evaluation.EvaluationContext.CountsAsResult(o.Status))
            {
                continue;
            }

            observationDates[i] = date;
            foreach (var coding in o.Codes)
            {
                var key = (coding.System, coding.Code);
                if (!groups.TryGetValue(key, out var members))
                {
                    groups[key] = members = new List<int>();
                    order.Add(key);
                }

                if (members.Count == 0 || members[^1] != i)
                {
                    members.Add(i);
                }
            }
        }

        observationGroups = new CodingGroup[order.Count];
        var groupCodings = new Coding[order.Count];
        var keys = new long[0];
        for (int g = 0; g < order.Count; g++)
        {
            var members = groups[order[g]].ToArray();

            // By date, then by position in the record: the last of equal dates is the later record, which wins a tie.
            if (keys.Length < members.Length)
            {
                keys = new long[Math.Max(members.Length, 2 * keys.Length)];
            }

            for (int k = 0; k < members.Length; k++)
            {
                keys[k] = ((long)observationDates[members[k]].DayNumber << 32) | (uint)members[k];
            }

            Array.Sort(keys, members, 0, members.Length);
            groupCodings[g] = new Coding(order[g].System, order[g].Code);
            observationGroups[g] = new CodingGroup(groupCodings[g], members);
        }

        observationCodings = new CodingTable(groupCodings, alwaysLookup: true);
        conditionCodings = CodingTable.Of(record.Conditions);
        procedureCodings = CodingTable.Of(record.Procedures);
        medicationCodings = CodingTable.Of(record.Medications);
        immunizationCodings = CodingTable.Of(record.Immunizations);
        answers = IndexAnswers(record.Assessments);
    }

    /// <summary>The record the index was built from.</summary>
    public PatientRecord Record { get; }

    /// <summary>Indexes a patient record. Costs about one pass over the record; share the result across trials.</summary>
    /// <param name="record">The patient record.</param>
    /// <returns>The index.</returns>
    public static PatientIndex Build(PatientRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new PatientIndex(record);
    }

    /// <summary>Whether the patient has any answer to a judgement.</summary>
    internal bool HasAnswers => answers.Count > 0;

    /// <summary>
    /// The position in <see cref="PatientRecord.Observations"/> of the most recent result of the concept dated inside the
    /// window, of final, amended or corrected status, that satisfies <paramref name="usable"/>; ties go to the later
    /// record. -1 when none.
    /// </summary>
    internal int Latest(CodeMatcher matcher, DateWindow window, Func<ObservationRecord, bool> usable)
    {
        int best = -1;
        DateOnly bestDate = default;
        if (observationCodings.PreferLookup(matcher))
        {
            foreach (var key in matcher.ExactKeys)
            {
                if (observationCodings.Find(key) is { } found)
                {
                    foreach (int g in found)
                    {
                        LatestIn(observationGroups[g].Members, window, usable, ref best, ref bestDate);
                    }
                }
            }
        }
        else
        {
            foreach (var group in observationGroups)
            {
                if (matcher.Match(group.Coding) is not null)
                {
                    LatestIn(group.Members, window, usable, ref best, ref bestDate);
                }
            }
        }

        return best;
    }

    /// <summary>The latest usable result of one coding's group that beats <paramref name="best"/> (by date, then position).</summary>
    private void LatestIn(int[] members, DateWindow window, Func<ObservationRecord, bool> usable, ref int best, ref DateOnly bestDate)
    {
        var observations = Record.Observations;
        for (int k = members.Length - 1; k >= 0; k--)
        {
            int i = members[k];
            DateOnly date = observationDates[i];
            if (date > window.End)
            {
                continue;
            }

            if (date < window.Start || (best >= 0 && (date < bestDate || (date == bestDate && i <= best))))
            {
                break; // everything before this one is older, or loses to what another coding found
            }

            if (usable(observations[i]))
            {
                best = i;
                bestDate = date;
                break;
            }
        }
    }

    /// <summary>The observation's value text normalised as declared answer texts are (null when it has none).</summary>
    internal string? NormalisedText(int observation) => normalisedTexts[observation];

    /// <summary>Whether some condition record may match (one of the patient's distinct condition codings matches).</summary>
    internal bool MayHaveCondition(CodeMatcher matcher) => conditionCodings.AnyMatch(matcher);

    /// <summary>Whether some procedure record may match.</summary>
    internal bool MayHaveProcedure(CodeMatcher matcher) => procedureCodings.AnyMatch(matcher);

    /// <summary>Whether some medication record may match.</summary>
    internal bool MayHaveMedication(CodeMatcher matcher) => medicationCodings.AnyMatch(matcher);

    /// <summary>Whether some immunization record may match.</summary>
    internal bool MayHaveImmunization(CodeMatcher matcher) => immunizationCodings.AnyMatch(matcher);

    /// <summary>
    /// The answer to <c>trialId/id</c> (case-insensitive) that counts at <paramref name="asOf"/>: answers dated after it
    /// are ignored, the latest dated one wins, an undated one stands in only when nothing dated exists. Allocates nothing.
    /// </summary>
    internal Assessment? AnswerTo(string trialId, string id, DateOnly asOf)
    {
        if (answers.Count == 0)
        {
            return null;
        }

        int length = trialId.Length + 1 + id.Length;
        Span<char> key = length <= 256 ? stackalloc char[length] : new char[length];
        trialId.AsSpan().CopyTo(key);
        key[trialId.Length] = '/';
        id.AsSpan().CopyTo(key[(trialId.Length + 1)..]);
        if (!answers.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out var candidates))
        {
            return null;
        }

        Assessment? chosen = null;
        foreach (var a in candidates)
        {
            if (a.Date is { } d && d > asOf)
            {
                continue;
            }

            if (chosen is null || (chosen.Date ?? DateOnly.MinValue) <= (a.Date ?? DateOnly.MinValue))
            {
                chosen = a;
            }
        }

        return chosen;
    }

    private static Dictionary<string, Assessment[]> IndexAnswers(IReadOnlyList<Assessment> assessments)
    {
        if (assessments.Count == 0)
        {
            return NoAnswers;
        }

        var grouped = new Dictionary<string, List<Assessment>>(StringComparer.OrdinalIgnoreCase);
        foreach (var a in assessments)
        {
            if (!grouped.TryGetValue(a.Criterion, out var list))
            {
                grouped[a.Criterion] = list = new List<Assessment>();
            }

            list.Add(a); // in record order: of equal dates the later answer wins
        }

        var index = new Dictionary<string, Assessment[]>(grouped.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (criterion, list) in grouped)
        {
            index[criterion] = list.ToArray();
        }

        return index;
    }

    private readonly record struct CodingGroup(Coding Coding, int[] Members);

    /// <summary>
    /// A record kind's distinct codings, each also under its exact-match key (normalised system, trimmed code), so a
    /// concept with few exact codes is looked up code by code, and any other is tested against each coding once.
    /// </summary>
    private sealed class CodingTable
    {
        // Below this many codings a table of the rarely searched kinds keeps no lookup: testing each coding is about as
        // quick as hashing the concept's codes. Observations, searched for every measurement, always keep one.
        private const int LookupFrom = 8;

        private readonly Coding[] codings;
        private readonly Dictionary<(string System, string Code), int[]>? byKey;

        public CodingTable(Coding[] codings, bool alwaysLookup = false)
        {
            this.codings = codings;
            if (codings.Length < LookupFrom && !alwaysLookup)
            {
                return;
            }

            byKey = new Dictionary<(string System, string Code), int[]>();
            var build = new Dictionary<(string, string), List<int>>();
            for (int i = 0; i < codings.Length; i++)
            {
                var key = CodeMatcher.ExactKey(codings[i]);
                if (!build.TryGetValue(key, out var list))
                {
                    build[key] = list = new List<int>();
                }

                list.Add(i);
            }

            foreach (var (key, list) in build)
            {
                byKey[key] = list.ToArray();
            }
        }

        public static CodingTable Of<T>(IReadOnlyList<T> records)
            where T : ClinicalRecord
        {
            var seen = new HashSet<(string, string)>();
            var distinct = new List<Coding>();
            foreach (var r in records)
            {
                foreach (var coding in r.Codes)
                {
                    if (seen.Add((coding.System, coding.Code)))
                    {
                        distinct.Add(coding);
                    }
                }
            }

            return new CodingTable(distinct.ToArray());
        }

        /// <summary>Whether looking the matcher's codes up is the cheaper way: it matches exactly only, and lists no more codes than there are codings.</summary>
        public bool PreferLookup(CodeMatcher matcher) => byKey is not null && !matcher.HasPrefixes && matcher.ExactKeys.Length <= codings.Length;

        /// <summary>The positions of the codings under an exact-match key, or <c>null</c> (only when <see cref="PreferLookup"/>).</summary>
        public int[]? Find((string System, string Code) key) => byKey!.TryGetValue(key, out var found) ? found : null;

        /// <summary>Whether the matcher matches any of the codings.</summary>
        public bool AnyMatch(CodeMatcher matcher)
        {
            if (PreferLookup(matcher))
            {
                foreach (var key in matcher.ExactKeys)
                {
                    if (byKey!.ContainsKey(key))
                    {
                        return true;
                    }
                }

                return false;
            }

            foreach (var coding in codings)
            {
                if (matcher.Match(coding) is not null)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
