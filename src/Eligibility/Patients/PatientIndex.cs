using System;
using System.Buffers;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Eligibility.Binding;
using Eligibility.Time;

namespace Eligibility.Patients;

/// <summary>
/// A patient record indexed for evaluation: built once per patient, then shared by every trial the patient is screened
/// against (<see cref="TrialEvaluator.Evaluate(PatientIndex, DateOnly)"/>,
/// <see cref="TrialEvaluator.Decide(PatientIndex, DateOnly, Span{Outcome})"/>). The results that count as observations
/// are grouped by coding (normalised system and trimmed code), each group sorted by date, so finding a concept's latest
/// result reads only the groups the concept matches. Which groups and which records of the other kinds a concept matches
/// is worked out the first time any trial asks, then kept in the index (per concept), so a concept is matched against a
/// patient's codes once however many trials and criteria use it. Answers to judgements are grouped by what they answer.
/// </summary>
/// <remarks>
/// Nothing in the index depends on a trial or an as-of date, and which data a rule uses is exactly what it uses reading
/// the <see cref="PatientRecord"/> (docs/semantics.md "Which data is used"): evaluating with the index or with the record
/// gives the same results. Thread-safe once built (its only mutable part is the per-concept match cache, filled safely
/// under concurrent use); it keeps a reference to the record, which must not be changed while the index is in use
/// (records are immutable unless their lists are mutated by the caller).
/// </remarks>
public sealed class PatientIndex
{
    private static readonly Dictionary<string, Assessment[]> NoAnswers = new(StringComparer.OrdinalIgnoreCase);
    private static readonly object NoMembers = new();

    private readonly CodingGroup[] observationGroups;
    private readonly Dictionary<(string System, string Code), int> observationGroupByKey;
    private readonly DateOnly[] observationDates;
    private readonly string?[]? normalisedTexts;
    private readonly Dictionary<string, Assessment[]> answers;
    private MatchCache? matches;

    private PatientIndex(PatientRecord record)
    {
        Record = record;
        var observations = record.Observations;
        observationDates = new DateOnly[observations.Count];
        observationGroupByKey = new Dictionary<(string System, string Code), int>();

        // One pass groups every counting result's codings by exact-match key (normalised system, trimmed code): the
        // codings of one key match the same concepts, so they share a group. The group of each coding goes into a
        // pooled buffer (-1 for a repeat within one result), and the second pass fills arrays of exactly the right size.
        int occurrences = 0;
        for (int i = 0; i < observations.Count; i++)
        {
            occurrences += observations[i].Codes.Count;
        }

        // Every buffer is rented: there are at most as many groups as coding occurrences.
        int[] occurrenceGroups = ArrayPool<int>.Shared.Rent(Math.Max(occurrences, 1));
        int[] counts = ArrayPool<int>.Shared.Rent(Math.Max(occurrences, 1));
        int[] lastMember = ArrayPool<int>.Shared.Rent(Math.Max(occurrences, 1));
        Coding[] firstCodings = ArrayPool<Coding>.Shared.Rent(Math.Max(occurrences, 1));
        int groupCount = 0;
        int at = 0;
        for (int i = 0; i < observations.Count; i++)
        {
            var o = observations[i];
            if (!string.IsNullOrWhiteSpace(o.ValueText))
            {
                (normalisedTexts ??= new string?[observations.Count])[i] = ConceptBinder.NormaliseText(o.ValueText);
            }

            // Only a dated result of final, amended or corrected status is ever used (EvaluationContext.CountsAsResult).
            if (o.Date is not { } date || !Evaluation.EvaluationContext.CountsAsResult(o.Status))
            {
                continue;
            }

            observationDates[i] = date;
            foreach (var coding in o.Codes)
            {
                var key = CodeMatcher.ExactKey(coding);
                if (!observationGroupByKey.TryGetValue(key, out int g))
                {
                    observationGroupByKey[key] = g = groupCount++;
                    firstCodings[g] = coding;
                    counts[g] = 0;
                    lastMember[g] = -1;
                }

                if (lastMember[g] == i)
                {
                    occurrenceGroups[at++] = -1;
                    continue;
                }

                lastMember[g] = i;
                counts[g]++;
                occurrenceGroups[at++] = g;
            }
        }

        observationGroups = new CodingGroup[groupCount];
        for (int g = 0; g < observationGroups.Length; g++)
        {
            observationGroups[g] = new CodingGroup(firstCodings[g], new int[counts[g]]);
            counts[g] = 0;
        }

        at = 0;
        for (int i = 0; i < observations.Count; i++)
        {
            var o = observations[i];
            if (o.Date is null || !Evaluation.EvaluationContext.CountsAsResult(o.Status))
            {
                continue;
            }

            for (int c = 0; c < o.Codes.Count; c++)
            {
                if (occurrenceGroups[at++] is var g and >= 0)
                {
                    observationGroups[g].Members[counts[g]++] = i;
                }
            }
        }

        ArrayPool<int>.Shared.Return(occurrenceGroups);
        ArrayPool<int>.Shared.Return(counts);
        ArrayPool<int>.Shared.Return(lastMember);
        ArrayPool<Coding>.Shared.Return(firstCodings, clearArray: true);
        SortByDate(observationGroups, observationDates);
        answers = IndexAnswers(record.Assessments);
    }

    /// <summary>Sorts each group by date, then by position in the record: the last of equal dates is the later record, which wins a tie.</summary>
    private static void SortByDate(CodingGroup[] groups, DateOnly[] dates)
    {
        long[]? keys = null;
        foreach (var group in groups)
        {
            int[] members = group.Members;
            if (members.Length < 2)
            {
                continue;
            }

            if (keys is null || keys.Length < members.Length)
            {
                if (keys is not null)
                {
                    ArrayPool<long>.Shared.Return(keys);
                }

                keys = ArrayPool<long>.Shared.Rent(members.Length);
            }

            for (int k = 0; k < members.Length; k++)
            {
                keys[k] = ((long)dates[members[k]].DayNumber << 32) | (uint)members[k];
            }

            Array.Sort(keys, members, 0, members.Length);
        }

        if (keys is not null)
        {
            ArrayPool<long>.Shared.Return(keys);
        }
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
        foreach (int g in ObservationGroupsOf(matcher))
        {
            LatestIn(observationGroups[g].Members, window, usable, ref best, ref bestDate);
        }

        return best;
    }

    /// <summary>
    /// The observation groups whose coding the matcher matches, found once per index and concept (by exact-key lookup
    /// when that is cheaper, else by testing each group's coding) and kept in the index's match cache.
    /// </summary>
    private int[] ObservationGroupsOf(CodeMatcher matcher)
    {
        if (Matches.Find(matcher, MatchKind.Observation) is int[] cached)
        {
            return cached;
        }

        int[] buffer = ArrayPool<int>.Shared.Rent(Math.Max(observationGroups.Length, 1));
        int found = 0;

        // Looking the concept's codes up is the cheaper way when it matches exactly only, with no more codes than groups.
        if (!matcher.HasPrefixes && matcher.ExactKeys.Length <= observationGroups.Length)
        {
            foreach (var key in matcher.ExactKeys)
            {
                if (observationGroupByKey.TryGetValue(key, out int g))
                {
                    buffer[found++] = g;
                }
            }
        }
        else
        {
            for (int g = 0; g < observationGroups.Length; g++)
            {
                if (matcher.Match(observationGroups[g].Coding) is not null)
                {
                    buffer[found++] = g;
                }
            }
        }

        int[] groups = found == 0 ? [] : buffer[..found];
        ArrayPool<int>.Shared.Return(buffer);
        return (int[])Matches.Add(matcher, MatchKind.Observation, groups);
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
    internal string? NormalisedText(int observation) => normalisedTexts?[observation];

    /// <summary>
    /// The member concept each condition record matches (<see cref="CodeMatcher.Match(IReadOnlyList{Coding})"/>, by
    /// position in <see cref="PatientRecord.Conditions"/>, <c>null</c> for none); <c>null</c> when no record matches.
    /// Matched once per index and concept, then kept: the verdict path hashes no code twice.
    /// </summary>
    internal string?[]? ConditionMembers(CodeMatcher matcher) => RecordMembers(matcher, MatchKind.Condition, Record.Conditions);

    /// <summary>The member concept each procedure record matches, as <see cref="ConditionMembers"/>.</summary>
    internal string?[]? ProcedureMembers(CodeMatcher matcher) => RecordMembers(matcher, MatchKind.Procedure, Record.Procedures);

    /// <summary>The member concept each medication record matches, as <see cref="ConditionMembers"/>.</summary>
    internal string?[]? MedicationMembers(CodeMatcher matcher) => RecordMembers(matcher, MatchKind.Medication, Record.Medications);

    /// <summary>The member concept each immunization record matches, as <see cref="ConditionMembers"/>.</summary>
    internal string?[]? ImmunizationMembers(CodeMatcher matcher) => RecordMembers(matcher, MatchKind.Immunization, Record.Immunizations);

    /// <summary>Whether some medication record may match (one of the patient's distinct medication codings matches).</summary>
    internal bool MayHaveMedication(CodeMatcher matcher) => MedicationMembers(matcher) is not null;

    private MatchCache Matches
    {
        get
        {
            var cache = Volatile.Read(ref matches);
            if (cache is null)
            {
                Interlocked.CompareExchange(ref matches, new MatchCache(), null);
                cache = Volatile.Read(ref matches)!;
            }

            return cache;
        }
    }

    private string?[]? RecordMembers<T>(CodeMatcher matcher, MatchKind kind, IReadOnlyList<T> records)
        where T : ClinicalRecord
    {
        var cached = Matches.Find(matcher, kind);
        if (cached is not null)
        {
            return ReferenceEquals(cached, NoMembers) ? null : (string?[])cached;
        }

        string?[]? members = null;
        for (int i = 0; i < records.Count; i++)
        {
            if (matcher.Match(records[i].Codes) is { } member)
            {
                (members ??= new string?[records.Count])[i] = member;
            }
        }

        var added = Matches.Add(matcher, kind, (object?)members ?? NoMembers);
        return ReferenceEquals(added, NoMembers) ? null : (string?[])added;
    }

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

    private enum MatchKind
    {
        Observation,
        Condition,
        Procedure,
        Medication,
        Immunization,
    }

    /// <summary>
    /// What each concept (by its compiled matcher) matches in this index, per record kind: filled on first use by any
    /// trial, then read without locks or allocation. Local to the index, so nothing is shared between patients; safe
    /// under concurrent use (entries are immutable and published whole; two threads may compute the same entry, and the
    /// first one stored wins).
    /// </summary>
    private sealed class MatchCache
    {
        private readonly object gate = new();
        private Entry?[] slots = new Entry?[32];
        private int count;

        /// <summary>The stored value for the matcher and kind, or <c>null</c>.</summary>
        public object? Find(CodeMatcher matcher, MatchKind kind)
        {
            var table = Volatile.Read(ref slots);
            int mask = table.Length - 1;
            for (int i = Slot(matcher, kind) & mask; ; i = (i + 1) & mask)
            {
                var entry = Volatile.Read(ref table[i]);
                if (entry is null)
                {
                    return null;
                }

                if (ReferenceEquals(entry.Matcher, matcher) && entry.Kind == kind)
                {
                    return entry.Value;
                }
            }
        }

        /// <summary>Stores a value unless one is there already; returns the one that is stored.</summary>
        public object Add(CodeMatcher matcher, MatchKind kind, object value)
        {
            lock (gate)
            {
                if (Find(matcher, kind) is { } existing)
                {
                    return existing;
                }

                var table = slots;
                if ((count + 1) * 4 > table.Length * 3)
                {
                    var grown = new Entry?[table.Length * 2];
                    foreach (var e in table)
                    {
                        if (e is not null)
                        {
                            Insert(grown, e);
                        }
                    }

                    table = grown;
                }

                Insert(table, new Entry(matcher, kind, value));
                count++;
                Volatile.Write(ref slots, table);
                return value;
            }
        }

        private static int Slot(CodeMatcher matcher, MatchKind kind) => (RuntimeHelpers.GetHashCode(matcher) * 5) + (int)kind;

        private static void Insert(Entry?[] table, Entry entry)
        {
            int mask = table.Length - 1;
            int i = Slot(entry.Matcher, entry.Kind) & mask;
            while (table[i] is not null)
            {
                i = (i + 1) & mask;
            }

            Volatile.Write(ref table[i], entry);
        }

        private sealed record Entry(CodeMatcher Matcher, MatchKind Kind, object Value);
    }
}
