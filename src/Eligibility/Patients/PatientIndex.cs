using System;
using System.Buffers;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Eligibility.Binding;
using Eligibility.Time;

namespace Eligibility.Patients;

/// <summary>
/// A patient record indexed for evaluation: built once per patient, then shared by every trial the patient is screened
/// against (<see cref="TrialEvaluator.Evaluate(PatientIndex, DateOnly)"/>,
/// <see cref="TrialEvaluator.Decide(PatientIndex, DateOnly, Span{Outcome})"/>). The results that count as observations
/// are grouped by coding (normalised system and trimmed code), each group sorted by date, so finding a concept's latest
/// result reads only the groups the concept matches. Which groups and which records of the other kinds a trial's concepts
/// match is worked out the first time the trial asks, for all its concepts at once: one look-up per distinct code in the
/// trial's table of what each code matches (kept per trial and code, never per patient), then kept in the index, so each
/// trial matches a patient's codes once however many criteria use them. Answers to judgements are grouped by what they
/// answer.
/// </summary>
/// <remarks>
/// Nothing in the index depends on a trial or an as-of date, and which data a rule uses is exactly what it uses reading
/// the <see cref="PatientRecord"/> (docs/semantics.md "Which data is used"): evaluating with the index or with the record
/// gives the same results. Thread-safe once built (its only mutable parts are what each trial's concepts match, filled
/// safely under concurrent use); it keeps a reference to the record, which must not be changed while the index is in use
/// (records are immutable unless their lists are mutated by the caller).
/// </remarks>
public sealed class PatientIndex
{
    private static readonly Dictionary<string, Assessment[]> NoAnswers = new(StringComparer.OrdinalIgnoreCase);
    private static readonly object NoMembers = new();

    // Working space on the stack: for a record's coding occurrences (four ints each, and two places of the table of
    // groups), and for the groups matched by a concept.
    private const int StackInts = 512;
    private const int StackGroups = 128;

    // The slots of a trial's code table one kind of record is matched in on the stack (more go to a rented array).
    private const int FewSlots = 16;

    // The groups, found in one pass (the array may be longer than observationGroupCount: it is allocated before the
    // groups are counted, sized as the working space, so nothing is copied).
    private readonly CodingGroup[] observationGroups;
    private readonly int observationGroupCount;

    // The members of every group, group after group (CodingGroup.Start, CodingGroup.Length), each group sorted by date.
    private readonly int[] observationMembers;
    private readonly DateOnly[] observationDates;
    private readonly string?[]? normalisedTexts;
    private readonly Dictionary<string, Assessment[]> answers;
    private MatchCache? matches;
    private TableView[] views = [];

    private PatientIndex(PatientRecord record)
    {
        Record = record;
        var observations = record.Observations;
        observationDates = new DateOnly[observations.Count];

        // One pass groups every counting result's codings by exact-match key (normalised system, trimmed code): the
        // codings of one key match the same concepts, so they share a group. Each occurrence's group and result go into
        // working buffers (a repeat of a key within one result is left out), and the members are then laid out group
        // after group in one array (a counting sort), so the index allocates one array for all the groups' members.
        // The lists are read as spans when they are arrays or lists (what the readers make), sparing an interface call per item.
        var observationSpan = Items(observations, out bool observationsSpanned);
        int observationCount = observationsSpanned ? observationSpan.Length : observations.Count;

        // Results usually carry one coding each, so the working space is first sized for a few more occurrences than
        // results, and doubled (rented) when they carry more. The four working buffers and an open-addressing table of
        // the groups (group + 1 per place, 0 for empty; at least twice as many places as occurrences) share one span, on
        // the stack for a usual record, else rented.
        int capacity = observationCount + 4;
        int places = (int)BitOperations.RoundUpToPowerOf2((uint)(2 * capacity));
        int[]? rented = null;
        Span<int> buffers = (4 * capacity) + places <= StackInts ? stackalloc int[(4 * capacity) + places]
            : (rented = ArrayPool<int>.Shared.Rent((4 * capacity) + places));
        Span<int> occurrenceGroups = buffers[..capacity];
        Span<int> occurrenceResults = buffers.Slice(capacity, capacity);
        Span<int> counts = buffers.Slice(2 * capacity, capacity);
        Span<int> lastMember = buffers.Slice(3 * capacity, capacity);
        Span<int> table = buffers.Slice(4 * capacity, places);
        table.Clear();
        var groups = observationCount == 0 ? [] : new CodingGroup[capacity];
        int groupCount = 0;
        int at = 0;
        string? lastSystem = null;
        string lastNormalised = string.Empty;
        for (int i = 0; i < observationCount; i++)
        {
            var o = observationsSpanned ? observationSpan[i] : observations[i];
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
            var codes = o.Codes;
            var codeSpan = Items(codes, out bool codesSpanned);
            int codeCount = codesSpanned ? codeSpan.Length : codes.Count;
            for (int c = 0; c < codeCount; c++)
            {
                var coding = codesSpanned ? codeSpan[c] : codes[c];

                // Results usually repeat the system of the coding before (one laboratory, one code system): normalise it once.
                if (!string.Equals(coding.System, lastSystem, StringComparison.Ordinal))
                {
                    lastSystem = coding.System;
                    lastNormalised = CodeMatcher.NormaliseSystem(coding.System);
                }

                if (at == capacity)
                {
                    // More occurrences than the space holds (each new group comes with an occurrence): double it.
                    int larger = 2 * capacity;
                    int largerPlaces = 2 * places;
                    var bigger = ArrayPool<int>.Shared.Rent((4 * larger) + largerPlaces);
                    occurrenceGroups[..at].CopyTo(bigger);
                    occurrenceResults[..at].CopyTo(bigger.AsSpan(larger));
                    counts[..groupCount].CopyTo(bigger.AsSpan(2 * larger));
                    lastMember[..groupCount].CopyTo(bigger.AsSpan(3 * larger));
                    if (rented is not null)
                    {
                        ArrayPool<int>.Shared.Return(rented);
                    }

                    rented = bigger;
                    buffers = bigger;
                    capacity = larger;
                    places = largerPlaces;
                    occurrenceGroups = buffers[..capacity];
                    occurrenceResults = buffers.Slice(capacity, capacity);
                    counts = buffers.Slice(2 * capacity, capacity);
                    lastMember = buffers.Slice(3 * capacity, capacity);
                    table = buffers.Slice(4 * capacity, places);
                    table.Clear();
                    for (int k = 0; k < groupCount; k++)
                    {
                        int free = groups[k].Hash & (places - 1);
                        while (table[free] != 0)
                        {
                            free = (free + 1) & (places - 1);
                        }

                        table[free] = k + 1;
                    }

                    Array.Resize(ref groups, capacity);
                }

                // One hash of the code finds its group in the table, or the empty place where it goes.
                string code = coding.Code.Trim();
                int hash = CodeTable.Hash(code);
                int place = hash & (places - 1);
                int g;
                while ((g = table[place] - 1) >= 0
                    && !(groups[g].Hash == hash && string.Equals(groups[g].Code, code, StringComparison.Ordinal)
                        && string.Equals(groups[g].System, lastNormalised, StringComparison.Ordinal)))
                {
                    place = (place + 1) & (places - 1);
                }

                if (g < 0)
                {
                    g = groupCount++;
                    groups[g] = new CodingGroup(code, lastNormalised, hash, 0, 0);
                    table[place] = g + 1;
                    counts[g] = 0;
                    lastMember[g] = -1;
                }

                if (lastMember[g] == i)
                {
                    continue;
                }

                lastMember[g] = i;
                counts[g]++;
                occurrenceGroups[at] = g;
                occurrenceResults[at++] = i;
            }
        }

        int start = 0;
        for (int g = 0; g < groupCount; g++)
        {
            groups[g] = groups[g] with { Start = start, Length = counts[g] };
            counts[g] = start; // from here on: where the group's next member goes
            start += groups[g].Length;
        }

        observationMembers = at == 0 ? [] : new int[at];
        for (int k = 0; k < at; k++)
        {
            observationMembers[counts[occurrenceGroups[k]]++] = occurrenceResults[k];
        }

        if (rented is not null)
        {
            ArrayPool<int>.Shared.Return(rented);
        }

        observationGroups = groups;
        observationGroupCount = groupCount;
        SortByDate(groups.AsSpan(0, groupCount), observationMembers, observationDates);
        answers = IndexAnswers(record.Assessments);
    }

    /// <summary>The items of an array or a <see cref="List{T}"/> as a span (<paramref name="spanned"/>); else empty, to be read through the interface.</summary>
    private static ReadOnlySpan<T> Items<T>(IReadOnlyList<T> list, out bool spanned)
    {
        if (list is T[] array)
        {
            spanned = true;
            return array;
        }

        if (list.GetType() == typeof(List<T>))
        {
            spanned = true;
            return CollectionsMarshal.AsSpan(Unsafe.As<List<T>>(list));
        }

        spanned = false;
        return default;
    }


    /// <summary>Sorts each group by date, then by position in the record: the last of equal dates is the later record, which wins a tie.</summary>
    private static void SortByDate(ReadOnlySpan<CodingGroup> groups, int[] members, DateOnly[] dates)
    {
        long[]? keys = null;
        foreach (var group in groups)
        {
            if (group.Length < 2)
            {
                continue;
            }

            var span = members.AsSpan(group.Start, group.Length);
            if (IsSorted(span, dates))
            {
                continue; // results are often recorded in date order
            }

            if (keys is null || keys.Length < span.Length)
            {
                if (keys is not null)
                {
                    ArrayPool<long>.Shared.Return(keys);
                }

                keys = ArrayPool<long>.Shared.Rent(span.Length);
            }

            var sortKeys = keys.AsSpan(0, span.Length);
            for (int k = 0; k < span.Length; k++)
            {
                sortKeys[k] = ((long)dates[span[k]].DayNumber << 32) | (uint)span[k];
            }

            sortKeys.Sort(span);
        }

        if (keys is not null)
        {
            ArrayPool<long>.Shared.Return(keys);
        }
    }

    /// <summary>Whether the members (in record order) are already in date order.</summary>
    private static bool IsSorted(ReadOnlySpan<int> members, DateOnly[] dates)
    {
        for (int k = 1; k < members.Length; k++)
        {
            if (dates[members[k]] < dates[members[k - 1]])
            {
                return false;
            }
        }

        return true;
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
        var groups = matcher.Table is { } table ? ViewOf(table).ObservationGroups(this, matcher.Slot) : ObservationGroupsOf(matcher);
        foreach (int g in groups)
        {
            var group = observationGroups[g];
            LatestIn(observationMembers.AsSpan(group.Start, group.Length), window, usable, ref best, ref bestDate);
        }

        return best;
    }

    /// <summary>
    /// The observation groups whose coding the matcher matches, for a matcher in no trial's code table: found once per
    /// index and concept by testing each group's coding, and kept in the index's match cache.
    /// </summary>
    private int[] ObservationGroupsOf(CodeMatcher matcher)
    {
        if (Matches.Find(matcher, MatchKind.Observation) is int[] cached)
        {
            return cached;
        }

        int groupCount = observationGroupCount;
        if (groupCount == 0)
        {
            return []; // nothing to match, nothing worth keeping
        }

        int[]? rented = null;
        Span<int> buffer = groupCount <= StackGroups ? stackalloc int[groupCount] : (rented = ArrayPool<int>.Shared.Rent(groupCount));
        int found = 0;
        for (int g = 0; g < groupCount; g++)
        {
            if (matcher.Match(observationGroups[g].System, observationGroups[g].Code) is not null)
            {
                buffer[found++] = g;
            }
        }

        int[] groups = found == 0 ? [] : buffer[..found].ToArray();
        if (rented is not null)
        {
            ArrayPool<int>.Shared.Return(rented);
        }

        return (int[])Matches.Add(matcher, MatchKind.Observation, groups);
    }

    /// <summary>The latest usable result of one coding's group that beats <paramref name="best"/> (by date, then position).</summary>
    private void LatestIn(ReadOnlySpan<int> members, DateWindow window, Func<ObservationRecord, bool> usable, ref int best, ref DateOnly bestDate)
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
        if (matcher.Table is { } table)
        {
            return ViewOf(table).Members(kind, matcher.Slot, records);
        }

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

    /// <summary>What one trial's code table resolves in this index, made on the first question of a matcher in that table.</summary>
    private TableView ViewOf(CodeTable table)
    {
        var current = Volatile.Read(ref views);
        TableView? made = null;
        while (true)
        {
            foreach (var view in current)
            {
                if (ReferenceEquals(view.Table, table))
                {
                    return view;
                }
            }

            made ??= new TableView(table);
            var grown = new TableView[current.Length + 1];
            current.CopyTo(grown, 0);
            grown[^1] = made;
            var seen = Interlocked.CompareExchange(ref views, grown, current);
            if (ReferenceEquals(seen, current))
            {
                return made;
            }

            current = seen; // another thread added a view: look again
        }
    }

    /// <summary>
    /// Each observation group's matches in one code table, laid out by slot in one array: <c>[0..slots]</c> where each
    /// slot's groups start (counted from <c>slots + 1</c>), then the groups, slot after slot, in group order. One
    /// look-up per group; empty when there are no groups.
    /// </summary>
    private int[] LayOutGroups(CodeTable table)
    {
        int groupCount = observationGroupCount;
        if (groupCount == 0)
        {
            return [];
        }

        int slots = table.SlotCount;
        var hitsOf = ArrayPool<CodeTable.Hit[]>.Shared.Rent(groupCount);
        int total = 0;
        for (int g = 0; g < groupCount; g++)
        {
            var group = observationGroups[g];
            total += (hitsOf[g] = table.Lookup(group.System, group.Code, group.Hash)).Length;
        }

        var layout = new int[slots + 1 + total];
        for (int g = 0; g < groupCount; g++)
        {
            foreach (var hit in hitsOf[g])
            {
                layout[hit.Slot + 1]++;
            }
        }

        for (int slot = 1; slot <= slots; slot++)
        {
            layout[slot] += layout[slot - 1];
        }

        int[]? rented = null;
        Span<int> next = slots <= StackGroups ? stackalloc int[slots] : (rented = ArrayPool<int>.Shared.Rent(slots));
        layout.AsSpan(0, slots).CopyTo(next);
        for (int g = 0; g < groupCount; g++)
        {
            foreach (var hit in hitsOf[g])
            {
                layout[slots + 1 + next[hit.Slot]++] = g;
            }
        }

        if (rented is not null)
        {
            ArrayPool<int>.Shared.Return(rented);
        }

        hitsOf.AsSpan(0, groupCount).Clear();
        ArrayPool<CodeTable.Hit[]>.Shared.Return(hitsOf);
        return layout;
    }

    /// <summary>
    /// The member concept each record matches, per slot of one code table, for the slots some record matches only
    /// (<see cref="SlotMembers"/>; <see cref="NoMembers"/> when no record matches any): one look-up per coding. A record's
    /// member for a slot is the one its first matching coding gives, as
    /// <see cref="CodeMatcher.Match(IReadOnlyList{Coding})"/> finds it.
    /// </summary>
    private static object MatchRecords<T>(CodeTable table, IReadOnlyList<T> records)
        where T : ClinicalRecord
    {
        var recordSpan = Items(records, out bool recordsSpanned);
        int recordCount = recordsSpanned ? recordSpan.Length : records.Count;
        if (recordCount == 0)
        {
            return NoMembers;
        }

        // The slots some record matches and their members, found by a short scan of a few places on the stack (a kind
        // of record usually matches a few of a trial's many slots); past that many slots, by slot in a rented array.
        Span<int> slots = stackalloc int[FewSlots];
        var few = default(FewMembers);
        Span<string?[]?> fewMembers = few;
        string?[]?[]? bySlot = null;
        int hitSlots = 0;
        string? lastSystem = null;
        string lastNormalised = string.Empty;
        for (int i = 0; i < recordCount; i++)
        {
            var codes = (recordsSpanned ? recordSpan[i] : records[i]).Codes;
            var codeSpan = Items(codes, out bool codesSpanned);
            int codeCount = codesSpanned ? codeSpan.Length : codes.Count;
            for (int c = 0; c < codeCount; c++)
            {
                var coding = codesSpanned ? codeSpan[c] : codes[c];
                if (!string.Equals(coding.System, lastSystem, StringComparison.Ordinal))
                {
                    lastSystem = coding.System;
                    lastNormalised = CodeMatcher.NormaliseSystem(coding.System);
                }

                foreach (var hit in table.Lookup(lastNormalised, coding.Code.Trim()))
                {
                    string?[]? members = null;
                    if (bySlot is null)
                    {
                        for (int k = 0; k < hitSlots; k++)
                        {
                            if (slots[k] == hit.Slot)
                            {
                                members = fewMembers[k];
                                break;
                            }
                        }

                        if (members is null && hitSlots < FewSlots)
                        {
                            slots[hitSlots] = hit.Slot;
                            fewMembers[hitSlots++] = members = new string?[recordCount];
                        }
                        else if (members is null)
                        {
                            bySlot = ArrayPool<string?[]?>.Shared.Rent(table.SlotCount);
                            bySlot.AsSpan(0, table.SlotCount).Clear();
                            for (int k = 0; k < hitSlots; k++)
                            {
                                bySlot[slots[k]] = fewMembers[k];
                            }
                        }
                    }

                    if (bySlot is not null && (members = bySlot[hit.Slot]) is null)
                    {
                        bySlot[hit.Slot] = members = new string?[recordCount];
                        hitSlots++;
                    }

                    members![i] ??= hit.Member;
                }
            }
        }

        if (hitSlots == 0)
        {
            return NoMembers;
        }

        var kept = new SlotMembers(hitSlots);
        if (bySlot is null)
        {
            slots[..hitSlots].CopyTo(kept.Slots);
            for (int k = 0; k < hitSlots; k++)
            {
                kept.Members[k] = fewMembers[k]!;
            }

            return kept;
        }

        for (int slot = 0, k = 0; k < hitSlots; slot++)
        {
            if (bySlot[slot] is { } members)
            {
                kept.Slots[k] = slot;
                kept.Members[k++] = members;
                bySlot[slot] = null;
            }
        }

        ArrayPool<string?[]?>.Shared.Return(bySlot);
        return kept;
    }

    /// <summary>Places on the stack for the member arrays of the first few slots <see cref="MatchRecords"/> finds.</summary>
    [InlineArray(FewSlots)]
    private struct FewMembers
    {
        private string?[]? first;
    }

    /// <summary>
    /// The records of one kind a code table's slots match: the slots some record matches (in no set order), each with
    /// the member concept each record matches (<c>null</c> for none), by position in the record list.
    /// </summary>
    private sealed class SlotMembers
    {
        public SlotMembers(int count)
        {
            Slots = new int[count];
            Members = new string?[count][];
        }

        public int[] Slots { get; }

        public string?[][] Members { get; }

        /// <summary>The members for the slot, or <c>null</c> when no record matches it (a short scan: few slots match).</summary>
        public string?[]? Of(int slot)
        {
            var slots = Slots;
            for (int k = 0; k < slots.Length; k++)
            {
                if (slots[k] == slot)
                {
                    return Members[k];
                }
            }

            return null;
        }
    }

    /// <summary>
    /// One code table's view of the index: per slot, the observation groups and the records of each kind its matcher
    /// matches. Each part is made on first use and published whole (two threads may both make it; the first one stored
    /// wins, and both are the same).
    /// </summary>
    private sealed class TableView
    {
        private readonly object?[] records = new object?[4];
        private int[]? groups;

        public TableView(CodeTable table) => Table = table;

        public CodeTable Table { get; }

        /// <summary>The observation groups the slot's matcher matches.</summary>
        public ReadOnlySpan<int> ObservationGroups(PatientIndex index, int slot)
        {
            var layout = Volatile.Read(ref groups);
            if (layout is null)
            {
                var made = index.LayOutGroups(Table);
                layout = Interlocked.CompareExchange(ref groups, made, null) ?? made;
            }

            if (layout.Length == 0)
            {
                return [];
            }

            int start = layout[slot];
            return layout.AsSpan(Table.SlotCount + 1 + start, layout[slot + 1] - start);
        }

        /// <summary>The member each record of the kind matches for the slot's matcher, or <c>null</c> when none does.</summary>
        public string?[]? Members<T>(MatchKind kind, int slot, IReadOnlyList<T> of)
            where T : ClinicalRecord
        {
            ref object? part = ref records[(int)kind - 1];
            var perSlot = Volatile.Read(ref part);
            if (perSlot is null)
            {
                var made = MatchRecords(Table, of);
                perSlot = Interlocked.CompareExchange(ref part, made, null) ?? made;
            }

            return ReferenceEquals(perSlot, NoMembers) ? null : ((SlotMembers)perSlot).Of(slot);
        }
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

    /// <summary>One exact-match key's results: its trimmed code, normalised system and the code's hash
    /// (<see cref="CodeTable.Hash"/>), and where its members lie in the members array.</summary>
    private readonly record struct CodingGroup(string Code, string System, int Hash, int Start, int Length);

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
    /// under concurrent use without locks: entries are immutable and each is published whole into an empty slot by a
    /// compare-and-swap (two threads may compute the same entry; the first one stored wins). A table that grows is
    /// copied and the copy published the same way; an entry stored in the old table while it was being copied can be
    /// left behind, which costs only matching that concept again (the value is the same).
    /// </summary>
    private sealed class MatchCache
    {
        private Entry?[] slots = new Entry?[32];
        private int count;

        /// <summary>The stored value for the matcher and kind, or <c>null</c>.</summary>
        public object? Find(CodeMatcher matcher, MatchKind kind)
        {
            var table = Volatile.Read(ref slots);
            int mask = table.Length - 1;
            for (int i = Slot(matcher, kind) & mask, probes = 0; probes < table.Length; i = (i + 1) & mask, probes++)
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

            return null;
        }

        /// <summary>Stores a value unless one is there already; returns the one that is stored.</summary>
        public object Add(CodeMatcher matcher, MatchKind kind, object value)
        {
            var entry = new Entry(matcher, kind, value);
            while (true)
            {
                var table = Volatile.Read(ref slots);
                if (Interlocked.Increment(ref count) * 4 > table.Length * 3)
                {
                    Interlocked.Decrement(ref count);
                    Grow(table);
                    continue;
                }

                int mask = table.Length - 1;
                for (int i = Slot(matcher, kind) & mask, probes = 0; probes < table.Length; i = (i + 1) & mask, probes++)
                {
                    var existing = Interlocked.CompareExchange(ref table[i], entry, null);
                    if (existing is null)
                    {
                        return value;
                    }

                    if (ReferenceEquals(existing.Matcher, matcher) && existing.Kind == kind)
                    {
                        Interlocked.Decrement(ref count);
                        return existing.Value;
                    }
                }

                // Full (only when concurrent adds overshot the load factor): grow and try again.
                Interlocked.Decrement(ref count);
                Grow(table);
            }
        }

        /// <summary>Publishes a copy of <paramref name="table"/> twice its size, unless another thread replaced it first.</summary>
        private void Grow(Entry?[] table)
        {
            var grown = new Entry?[table.Length * 2];
            int copied = 0;
            for (int k = 0; k < table.Length; k++)
            {
                var entry = Volatile.Read(ref table[k]);
                if (entry is not null)
                {
                    Insert(grown, entry);
                    copied++;
                }
            }

            if (Interlocked.CompareExchange(ref slots, grown, table) == table)
            {
                Volatile.Write(ref count, copied);
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

            table[i] = entry;
        }

        private sealed record Entry(CodeMatcher Matcher, MatchKind Kind, object Value);
    }
}
