using Eligibility.Binding;
using Eligibility.Patients;
using Eligibility.Tests.Properties;

namespace Eligibility.Tests.Evaluation;

/// <summary>
/// The patient index matches each concept against the patient's records once and keeps the answer (per index, per
/// concept, per record kind): the kept answer is what matching each record gives, it is reused by every trial sharing the
/// index, and it stays right when many concepts fill it and when several threads fill and read it at once.
/// </summary>
public class PatientIndexMatchCacheTests
{
    /// <summary>One matcher per distinct coding of any kind, one of all of them, and one matching nothing.</summary>
    private static List<CodeMatcher> Matchers(PatientRecord patient)
    {
        var codings = patient.Conditions.SelectMany(r => r.Codes)
            .Concat(patient.Medications.SelectMany(r => r.Codes))
            .Concat(patient.Procedures.SelectMany(r => r.Codes))
            .Concat(patient.Immunizations.SelectMany(r => r.Codes))
            .DistinctBy(c => (c.System, c.Code))
            .ToList();
        var matchers = new List<CodeMatcher>();
        var all = new CodeMatcher();
        foreach (var c in codings)
        {
            var one = new CodeMatcher();
            one.Add(c.System, c.Code, "one " + c.Code);
            matchers.Add(one.Freeze());
            all.Add(c.System, c.Code, "all " + c.Code);
        }

        matchers.Add(all.Freeze());
        var none = new CodeMatcher();
        none.Add("urn:test:not-a-code-system", "t", "none");
        matchers.Add(none.Freeze());
        return matchers;
    }

    /// <summary>What the index keeps for every kind, against matching each record; null when they agree.</summary>
    private static string? Difference(PatientIndex index, CodeMatcher matcher)
    {
        var patient = index.Record;
        return Compare("condition", index.ConditionMembers(matcher), patient.Conditions, matcher)
            ?? Compare("procedure", index.ProcedureMembers(matcher), patient.Procedures, matcher)
            ?? Compare("medication", index.MedicationMembers(matcher), patient.Medications, matcher)
            ?? Compare("immunization", index.ImmunizationMembers(matcher), patient.Immunizations, matcher);
    }

    private static string? Compare<T>(string kind, string?[]? kept, IReadOnlyList<T> records, CodeMatcher matcher)
        where T : ClinicalRecord
    {
        var expected = records.Select(r => matcher.Match(r.Codes)).ToArray();
        if (expected.All(m => m is null))
        {
            return kept is null ? null : $"{kind}: kept members although no record matches";
        }

        return kept is not null && kept.SequenceEqual(expected) ? null
            : $"{kind}: kept [{string.Join(", ", kept ?? [])}], records match [{string.Join(", ", expected)}]";
    }

    [Test]
    public void The_kept_members_are_what_matching_each_record_gives_and_are_kept_once()
    {
        var differences = new List<string>();
        int matchers = 0;
        var random = new Random(7);
        var patients = VerdictPathData.Patients.Select(p => (p.Name, p.Patient))
            .Concat(Enumerable.Range(0, 200).Select(i =>
            {
                var (name, original, _) = VerdictPathData.Patients[random.Next(VerdictPathData.Patients.Count)];
                return ("mutated " + name, VerdictPathProperties.Mutate(original, new Random(i)));
            }));
        foreach (var (name, patient) in patients)
        {
            var index = PatientIndex.Build(patient);
            var all = Matchers(patient);
            foreach (var matcher in all)
            {
                matchers++;
                if (Difference(index, matcher) is { } difference)
                {
                    differences.Add(name + ": " + difference);
                }
            }

            // Asked again (after many other concepts filled the cache), the same kept array comes back.
            foreach (var matcher in all)
            {
                if (!ReferenceEquals(index.ConditionMembers(matcher), index.ConditionMembers(matcher))
                    || !ReferenceEquals(index.MedicationMembers(matcher), index.MedicationMembers(matcher))
                    || Difference(index, matcher) is not null)
                {
                    differences.Add(name + ": not kept");
                }
            }
        }

        TestContext.Out.WriteLine($"{matchers} concepts checked");
        differences.Should().BeEmpty();
        matchers.Should().BeGreaterThan(1_000);
    }

    [Test]
    public void Trials_sharing_one_index_decide_as_with_their_own_index_in_any_order()
    {
        var trials = VerdictPathData.ReferenceTrials.ToList();
        var differences = new List<string>();
        foreach (var (name, patient, asOf) in VerdictPathData.Samples)
        {
            var expected = trials.Select(t => Decide(t.Trial, PatientIndex.Build(patient), asOf)).ToList();
            var shared = PatientIndex.Build(patient);
            for (int k = trials.Count - 1; k >= 0; k--)
            {
                // Reverse order, twice: the second pass reads what the first kept.
                for (int pass = 0; pass < 2; pass++)
                {
                    string got = Decide(trials[k].Trial, shared, asOf);
                    if (got != expected[k])
                    {
                        differences.Add($"{name} × {trials[k].Name} (pass {pass}): {got} instead of {expected[k]}");
                    }
                }
            }
        }

        differences.Should().BeEmpty();
    }

    [Test]
    public void Threads_filling_and_reading_one_shared_index_get_what_one_thread_gets()
    {
        var trials = VerdictPathData.ReferenceTrials.ToList();
        var cases = VerdictPathData.Samples.Take(40).ToList();
        var expected = cases.Select(c => trials.Select(t => Decide(t.Trial, PatientIndex.Build(c.Patient), c.AsOf)).ToArray()).ToList();
        var differences = new System.Collections.Concurrent.ConcurrentBag<string>();
        for (int round = 0; round < 5; round++)
        {
            var shared = cases.Select(c => PatientIndex.Build(c.Patient)).ToArray();
            var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
            {
                var order = Enumerable.Range(0, trials.Count).ToArray();
                new Random(t + round * 10).Shuffle(order);
                for (int i = 0; i < cases.Count; i++)
                {
                    foreach (int k in order)
                    {
                        string got = Decide(trials[k].Trial, shared[i], cases[i].AsOf);
                        if (got != expected[i][k])
                        {
                            differences.Add($"{cases[i].Name} × {trials[k].Name}: {got} instead of {expected[i][k]}");
                        }
                    }
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join(TimeSpan.FromMinutes(2)).Should().BeTrue("a thread hung"));
        }

        differences.Should().BeEmpty();
    }

    private static string Decide(TrialEvaluator trial, PatientIndex index, DateOnly asOf)
    {
        var outcomes = new Outcome[trial.Criteria.Count];
        var verdict = trial.Decide(index, asOf, outcomes);
        return verdict + ": " + string.Join(",", outcomes);
    }
}
