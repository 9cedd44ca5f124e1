using Eligibility.Binding;
using Eligibility.Compilation.Nodes;
using Eligibility.Patients;
using Eligibility.Tests.Properties;
using Eligibility.Tests.Support;
using Eligibility.Time;
using static Eligibility.Tests.Support.TestTrial;

namespace Eligibility.Tests.Evaluation;

/// <summary>
/// A trial's code table (each concept matcher a slot; what a code matches kept per code) gives a patient index exactly
/// what each matcher gives on its own: on the reference trials and mutated patients, for codes from a terminology, for
/// one code in several systems, past the table's capacity, when a matcher is already in another table, and when several
/// threads fill fresh tables at once.
/// </summary>
public class CodeTableTests
{
    private const string Local = "urn:test:local-codes";

    private static readonly DateWindow[] Windows = [new(DateOnly.MinValue, DateOnly.MaxValue), new(new DateOnly(2025, 6, 1), new DateOnly(2026, 1, 15))];

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<CodeMatcher, CodeMatcher> Copies = new();

    /// <summary>The same matcher in no table (made once per matcher): asked about on an index, it is matched on its own.</summary>
    private static CodeMatcher Alone(CodeMatcher matcher) => Copies.GetOrAdd(matcher, Copy);

    private static CodeMatcher Copy(CodeMatcher matcher)
    {
        var copy = new CodeMatcher();
        foreach (var (system, code, member) in matcher.Entries())
        {
            copy.Add(system, code, member);
        }

        return copy.Freeze();
    }

    /// <summary>What the index gives for a table's matcher against the same matcher on its own and matching each record; null when all agree.</summary>
    private static string? Difference(PatientIndex index, CodeMatcher inTable)
    {
        inTable.Table.Should().NotBeNull();
        var alone = Alone(inTable);
        alone.Table.Should().BeNull();
        foreach (var window in Windows)
        {
            foreach (Func<ObservationRecord, bool> usable in new Func<ObservationRecord, bool>[] { _ => true, o => o.Value is not null, o => o.Unit is null })
            {
                int got = index.Latest(inTable, window, usable);
                int expected = index.Latest(alone, window, usable);
                if (got != expected)
                {
                    return $"latest result {got}, on its own {expected} ({window})";
                }
            }
        }

        var patient = index.Record;
        return Compare("condition", index.ConditionMembers(inTable), index.ConditionMembers(alone), patient.Conditions, inTable)
            ?? Compare("procedure", index.ProcedureMembers(inTable), index.ProcedureMembers(alone), patient.Procedures, inTable)
            ?? Compare("medication", index.MedicationMembers(inTable), index.MedicationMembers(alone), patient.Medications, inTable)
            ?? Compare("immunization", index.ImmunizationMembers(inTable), index.ImmunizationMembers(alone), patient.Immunizations, inTable);
    }

    private static string? Compare<T>(string kind, string?[]? got, string?[]? alone, IReadOnlyList<T> records, CodeMatcher matcher)
        where T : ClinicalRecord
    {
        var expected = records.Select(r => matcher.Match(r.Codes)).ToArray();
        string Show(string?[]? members) => members is null ? "none" : "[" + string.Join(", ", members) + "]";
        if (expected.All(m => m is null))
        {
            return got is null && alone is null ? null : $"{kind}: {Show(got)} / {Show(alone)} although no record matches";
        }

        return got is not null && alone is not null && got.SequenceEqual(expected) && alone.SequenceEqual(expected) ? null
            : $"{kind}: {Show(got)}, on its own {Show(alone)}, records match {Show(expected)}";
    }

    private static IEnumerable<(string Name, PatientRecord Patient)> PatientsAndMutations(int mutations)
    {
        var random = new Random(11);
        return VerdictPathData.Patients.Select(p => (p.Name, p.Patient))
            .Concat(Enumerable.Range(0, mutations).Select(i =>
            {
                var (name, original, _) = VerdictPathData.Patients[random.Next(VerdictPathData.Patients.Count)];
                return ("mutated " + name, VerdictPathProperties.Mutate(original, new Random(1000 + i)));
            }));
    }

    private static string Decide(TrialEvaluator trial, PatientIndex index, DateOnly asOf)
    {
        var outcomes = new Outcome[trial.Criteria.Count];
        var verdict = trial.Decide(index, asOf, outcomes);
        return verdict + ": " + string.Join(",", outcomes);
    }

    [Test]
    public void Every_reference_trials_concepts_find_through_the_table_what_they_find_on_their_own()
    {
        var differences = new List<string>();
        int compared = 0;
        var trials = VerdictPathData.ReferenceTrials.ToList();
        foreach (var (name, patient) in PatientsAndMutations(150))
        {
            // One index shared by every trial, as screen shares it: each trial's table makes its own view of it.
            var index = PatientIndex.Build(patient);
            foreach (var (trialName, trial) in trials)
            {
                trial.Codes.Should().NotBeNull();
                foreach (var matcher in trial.Codes!.Matchers)
                {
                    compared++;
                    if (Difference(index, matcher) is { } difference)
                    {
                        differences.Add($"{name} × {trialName}: {difference}");
                    }
                }
            }
        }

        differences.Should().BeEmpty();
        compared.Should().BeGreaterThan(1000);
    }

    [Test]
    public void Fresh_tables_filled_by_several_threads_at_once_decide_as_one_thread()
    {
        // Expected from one compilation on one thread; the threads use another compilation, whose tables are empty when
        // they start, and fill them at once, on fresh indexes and on indexes every thread shares.
        var cases = PatientsAndMutations(60).ToList();
        var asOf = new DateOnly(2026, 1, 15);
        var expectedTrials = VerdictPathData.ReferenceTrials.ToList();
        var expected = cases.Select(c => expectedTrials.Select(t => Decide(t.Trial, PatientIndex.Build(c.Patient), asOf)).ToArray()).ToList();
        string root = Robustness.InputRobustnessTests.RepositoryRoot();
        var fresh = expectedTrials.Select(t => RuleCompiler.CompileFile(Path.Combine(root, "rules", t.Name + ".json")).EnsureSuccess()).ToList();
        fresh.Should().OnlyContain(t => t.Codes != null && t.Codes.Kept == 0);
        var shared = cases.Select(c => PatientIndex.Build(c.Patient)).ToArray();
        var differences = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var start = new Barrier(4);
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            var random = new Random(t);
            start.SignalAndWait();
            for (int n = 0; n < 2 * cases.Count; n++)
            {
                int i = random.Next(cases.Count);
                int k = random.Next(fresh.Count);
                var index = n % 2 == 0 ? PatientIndex.Build(cases[i].Patient) : shared[i];
                string got = Decide(fresh[k], index, asOf);
                if (got != expected[i][k])
                {
                    differences.Add($"{cases[i].Name} × {expectedTrials[k].Name} on thread {t}: {got} instead of {expected[i][k]}");
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join(TimeSpan.FromMinutes(3)).Should().BeTrue("a thread hung"));
        differences.Should().BeEmpty();
        fresh.Sum(t => t.Codes!.Kept).Should().BeGreaterThan(0, "the threads filled the tables");
    }

    [Test]
    public void Codes_from_a_terminology_match_through_the_table_as_the_matcher_does()
    {
        var compiled = Compile("""{ "kind": "condition", "concept": "malignancy" }""", options: new CompileOptions { Terminology = Terminologies.Omop });
        var evaluator = compiled.Evaluator!;
        var matcher = evaluator.CompiledCriteria.Select(c => c.Rule).OfType<ConditionNode>().Single().Concept.Matcher;
        matcher.Table.Should().BeSameAs(evaluator.Codes);

        // Listed, a child, a grandchild (from the terminology), unrelated; in the canonical URI and spellings that need normalising.
        string[] codes = ["363346000", "254837009", "372064008", "62479008"];
        string[] systems = [CodeSystems.Snomed, new(CodeSystems.Snomed.AsSpan()), "http://snomed.info/sct/", "HTTP://SNOMED.INFO/SCT"];
        foreach (string system in systems)
        {
            foreach (string code in codes)
            {
                var hits = evaluator.Codes!.Lookup(CodeMatcher.NormaliseSystem(system), code);
                string? expected = matcher.Match(new Coding(system, code));
                hits.Where(h => h.Slot == matcher.Slot).Select(h => (string?)h.Member).SingleOrDefault().Should().Be(expected, $"for {system}|{code}");
            }
        }

        var patient = Patient().WithConditions(systems.SelectMany(s => codes.Select(c => Condition(s, c, "2024-03-01"))).ToArray())
            .WithLabs(codes.Select((c, i) => new ObservationRecord
            {
                Codes = [new Coding(systems[i % systems.Length], c)],
                Value = i,
                Date = D("2025-11-01").AddDays(i),
                Status = "final",
            }).ToArray());
        Difference(PatientIndex.Build(patient), matcher).Should().BeNull();
        evaluator.Single(Patient().WithConditions(Condition("HTTP://SNOMED.INFO/SCT", "372064008", "2024-03-01"))).Outcome
            .Should().Be(Outcome.Fail, "a grandchild in a spelling that needs normalising is still a malignancy");
    }

    /// <summary>Matchers sharing codes: one code in three systems with different members, prefixes, and a matcher of one system only.</summary>
    private static CodeMatcher[] SeveralSystems()
    {
        var several = new CodeMatcher();
        several.Add(CodeSystems.Loinc, "1234", "loinc member");
        several.Add(Local, "1234", "local member");
        several.Add(CodeSystems.Snomed, "1234", "snomed member");
        several.Add(CodeSystems.Icd10Cm, "M32", "sle class");
        several.Add(CodeSystems.Icd10, "M32.14", "sle nephritis");
        var onlyLocal = new CodeMatcher();
        onlyLocal.Add(Local + "/", " 1234 ", "local");
        var onlyLoinc = new CodeMatcher();
        onlyLoinc.Add("HTTP://LOINC.ORG", "1234", "loinc");
        var atc = new CodeMatcher();
        atc.Add(CodeSystems.Atc, "L04AA", "immunosuppressant");
        atc.Add(CodeSystems.Atc, "L04AA26", "belimumab");
        return [several, onlyLocal, onlyLoinc, atc];
    }

    private static PatientRecord SeveralSystemsPatient() => Patient()
        .WithLabs(
            new ObservationRecord { Codes = [new Coding(CodeSystems.Loinc, "1234")], Value = 1, Date = D("2025-12-01"), Status = "final" },
            new ObservationRecord { Codes = [new Coding(new string(Local.AsSpan()), "1234 ")], Value = 2, Date = D("2025-12-05"), Status = "final" },
            new ObservationRecord { Codes = [new Coding("urn:test:other", "1234")], Value = 3, Date = D("2025-12-09"), Status = "final" },
            new ObservationRecord { Codes = [new Coding(CodeSystems.Snomed, "1234"), new Coding(CodeSystems.Loinc, "1234")], Value = 5, Date = D("2025-12-02"), Status = "final" },
            new ObservationRecord { Codes = [new Coding(CodeSystems.Icd10Cm, "M32.1")], Value = 4, Date = D("2025-12-03"), Status = "final" })
        .WithConditions(
            Condition(CodeSystems.Icd10, "m32.14", "2024-03-01"),
            Condition("urn:test:other", "1234", "2024-03-01"),
            Condition(CodeSystems.Snomed, " 1234", "2024-03-01"))
        with
        {
            Medications =
            [
                new MedicationRecord { Codes = [new Coding(CodeSystems.Atc, "L04AA26"), new Coding(Local, "1234")], Status = "completed", Start = D("2025-10-01") },
                new MedicationRecord { Codes = [new Coding(CodeSystems.Atc, "L04AA01"), new Coding(CodeSystems.Atc, "L04AA26")], Status = "completed", Start = D("2025-10-02") },
            ],
        };

    [Test]
    public void One_code_in_several_systems_gives_each_systems_slots_and_members()
    {
        var matchers = SeveralSystems();
        var table = CodeTable.Over(matchers)!;
        table.SlotCount.Should().Be(4);
        matchers.Select(m => m.Slot).Should().Equal(0, 1, 2, 3);

        table.Lookup(CodeSystems.Loinc, "1234").Should().Equal(new CodeTable.Hit(0, "loinc member"), new CodeTable.Hit(2, "loinc"));
        table.Lookup(Local, "1234").Should().Equal(new CodeTable.Hit(0, "local member"), new CodeTable.Hit(1, "local"));
        table.Lookup(CodeSystems.Snomed, "1234").Should().Equal(new CodeTable.Hit(0, "snomed member"));
        table.Lookup("urn:test:other", "1234").Should().BeEmpty();
        table.Lookup(CodeSystems.Icd10, "M32.14").Should().Equal(new CodeTable.Hit(0, "sle nephritis"));
        table.Lookup(CodeSystems.Atc, "L04AA26").Should().Equal(new CodeTable.Hit(3, "belimumab"));

        var index = PatientIndex.Build(SeveralSystemsPatient());
        foreach (var matcher in matchers)
        {
            Difference(index, matcher).Should().BeNull();
        }

        var window = new DateWindow(D("2025-01-01"), AsOf);
        index.Latest(matchers[0], window, _ => true).Should().Be(1, "the local result is the latest the matcher's systems have");
        index.Latest(matchers[0], window, o => o.Value != 2).Should().Be(4, "then the ICD-10 result, matched by prefix");
        index.Latest(matchers[2], window, _ => true).Should().Be(3, "a result coded in two systems counts once, by its LOINC coding");
        index.MedicationMembers(matchers[3]).Should().Equal(["belimumab", "immunosuppressant"], "a record's first matching coding gives its member");
        index.MedicationMembers(matchers[1]).Should().Equal(["local", null]);
    }

    [Test]
    public void Records_matching_more_slots_than_the_index_keeps_on_the_stack_give_each_matcher_s_members()
    {
        // Matcher k binds SNOMED CT code 100+k, and every third matcher also 999 (one record code matching many slots),
        // so the conditions match from 1 to 40 slots: below, at and past the places MatchRecords keeps on the stack.
        foreach (int slots in new[] { 1, 15, 16, 17, 40 })
        {
            var matchers = Enumerable.Range(0, slots).Select(k =>
            {
                var m = new CodeMatcher();
                m.Add(CodeSystems.Snomed, (100 + k).ToString(System.Globalization.CultureInfo.InvariantCulture), "member" + k);
                if (k % 3 == 0)
                {
                    m.Add(CodeSystems.Snomed, "999", "shared" + k);
                }

                return m.Freeze();
            }).ToArray();
            CodeTable.Over(matchers).Should().NotBeNull();
            var conditions = Enumerable.Range(0, slots).Reverse()
                .Select(k => Condition(CodeSystems.Snomed, (100 + k).ToString(System.Globalization.CultureInfo.InvariantCulture), "2024-01-01"))
                .Append(Condition(CodeSystems.Snomed, "999", "2024-02-01"))
                .Append(Condition(CodeSystems.Snomed, "5", "2024-02-01"))
                .ToList();
            var index = PatientIndex.Build(SeveralSystemsPatient() with { Conditions = conditions });
            foreach (var matcher in matchers)
            {
                Difference(index, matcher).Should().BeNull($"{slots} slots, slot {matcher.Slot}");
            }
        }
    }

    [Test]
    public void Past_its_capacity_a_table_keeps_nothing_more_and_answers_the_same()
    {
        foreach (int capacity in new[] { 0, 1, 3 })
        {
            var matchers = SeveralSystems();
            var table = CodeTable.Over(matchers, capacity)!;
            var alone = matchers.Select(Alone).ToArray();
            string[] systems = [CodeSystems.Loinc, Local, CodeSystems.Snomed, CodeSystems.Icd10, CodeSystems.Atc, "urn:test:other"];
            string[] codes = ["1234", "M32", "M32.14", "M32.9", "L04AA26", "L04AA01", "X"];
            for (int round = 0; round < 3; round++)
            {
                foreach (string system in systems)
                {
                    foreach (string code in codes)
                    {
                        var expected = alone.Select((m, slot) => (slot, member: m.Match(system, code)))
                            .Where(x => x.member is not null).Select(x => new CodeTable.Hit(x.slot, x.member!));
                        table.Lookup(system, code).Should().Equal(expected, $"for {system}|{code} at capacity {capacity}");
                    }
                }

                table.Kept.Should().Be(capacity, "the table is full and keeps no more");
            }

            for (int n = 0; n < 3; n++)
            {
                var index = PatientIndex.Build(SeveralSystemsPatient());
                foreach (var matcher in matchers)
                {
                    Difference(index, matcher).Should().BeNull();
                }
            }
        }
    }

    [Test]
    public void A_matcher_keeps_its_first_table_and_is_matched_alike_from_either()
    {
        var matchers = SeveralSystems();
        var first = CodeTable.Over(matchers.Take(2))!;
        var extra = new CodeMatcher();
        extra.Add(CodeSystems.Loinc, "1234", "extra");
        var second = CodeTable.Over([matchers[1], matchers[2], matchers[2], extra, matchers[3]])!;
        matchers[0].Table.Should().BeSameAs(first);
        matchers[1].Table.Should().BeSameAs(first, "a matcher stays in the table that took it first");
        second.Matchers.Should().Equal(matchers[2], extra, matchers[3]);
        matchers[2].Slot.Should().Be(0);
        extra.Slot.Should().Be(1);
        CodeTable.Over([matchers[0], matchers[1]]).Should().BeNull("every matcher is in a table already");

        var index = PatientIndex.Build(SeveralSystemsPatient());
        foreach (var matcher in matchers.Append(extra))
        {
            Difference(index, matcher).Should().BeNull();
        }
    }

    /// <summary>The latest result as docs/semantics.md selects it, one record at a time in record order.</summary>
    private static int Scan(PatientRecord patient, CodeMatcher matcher, DateWindow window, Func<ObservationRecord, bool> usable)
    {
        int best = -1;
        for (int i = 0; i < patient.Observations.Count; i++)
        {
            var o = patient.Observations[i];
            if (o.Date is { } date && window.Contains(date) && Eligibility.Evaluation.EvaluationContext.CountsAsResult(o.Status) && usable(o)
                && matcher.Match(o.Codes) is not null && (best < 0 || date >= patient.Observations[best].Date!.Value))
            {
                best = i;
            }
        }

        return best;
    }

    [Test]
    public void Results_with_many_codings_each_are_found_as_a_scan_finds_them()
    {
        // Far more codings than results (the build's working space doubles, twice), repeats within one result, one code
        // in several systems and spellings, out of date order.
        string[] systems = [CodeSystems.Loinc, Local, "HTTP://LOINC.ORG", CodeSystems.Snomed];
        var random = new Random(5);
        var results = Enumerable.Range(0, 9).Select(i => new ObservationRecord
        {
            Id = "r" + i,
            Codes = Enumerable.Range(0, 1 + random.Next(14)).Select(_ => new Coding(systems[random.Next(systems.Length)], (random.Next(12) + (random.Next(3) == 0 ? " " : "")).ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray(),
            Value = random.Next(4) == 0 ? null : i,
            Status = random.Next(6) == 0 ? "preliminary" : "final",
            Date = AsOf.AddDays(-random.Next(40)),
        }).ToArray();
        var patient = Patient().WithLabs(results);
        results.Sum(r => r.Codes.Count).Should().BeGreaterThan(4 * (results.Length + 4));

        var codings = results.SelectMany(r => r.Codes).DistinctBy(c => (c.System, c.Code)).ToList();
        var matchers = codings.Select(c =>
        {
            var one = new CodeMatcher();
            one.Add(c.System, c.Code, "one");
            return one;
        }).ToList();
        var all = new CodeMatcher();
        codings.ForEach(c => all.Add(c.System, c.Code, "all"));
        matchers.Add(all);
        CodeTable.Over(matchers).Should().NotBeNull();

        var index = PatientIndex.Build(patient);
        foreach (var matcher in matchers)
        {
            foreach (int days in new[] { 0, 7, 30, 365 })
            {
                var window = new DateWindow(AsOf.AddDays(-days), AsOf);
                foreach (Func<ObservationRecord, bool> usable in new Func<ObservationRecord, bool>[] { _ => true, o => o.Value is not null })
                {
                    index.Latest(matcher, window, usable).Should().Be(Scan(patient, matcher, window, usable), $"window {window}");
                    index.Latest(Alone(matcher), window, usable).Should().Be(Scan(patient, matcher, window, usable), $"window {window}, on its own");
                }
            }
        }
    }
}
