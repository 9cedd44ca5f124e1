using Eligibility.Patients;

namespace Eligibility.Tests.Evaluation;

/// <summary>
/// The verdict path (<see cref="TrialEvaluator.Decide(PatientIndex, DateOnly, Span{Outcome})"/>) and the patient index:
/// Decide gives Evaluate's outcomes and verdict, Evaluate(index) gives Evaluate(record)'s result to the byte, on every
/// rule file and every patient in the repository at several as-of dates; Decide allocates nothing with a prebuilt index;
/// one index serves several trials.
/// </summary>
public class VerdictPathTests
{
    private static readonly int[] AsOfShifts = [0, -400, -30, 45, 800];

    private static IEnumerable<TestCaseData> Trials() =>
        VerdictPathData.Trials.Select(t => new TestCaseData(t.Name).SetName("Decide and Evaluate(index) agree with Evaluate(record): " + t.Name));

    [TestCaseSource(nameof(Trials))]
    public void Decide_and_the_indexed_evaluation_agree_with_Evaluate_on_every_repository_patient(string trialName)
    {
        var trial = VerdictPathData.Trials.Single(t => t.Name == trialName).Trial;
        int checkedCount = 0;
        var differences = new List<string>();
        foreach (var (name, patient, asOf) in VerdictPathData.Patients)
        {
            var index = PatientIndex.Build(patient);
            foreach (int shift in AsOfShifts)
            {
                checkedCount++;
                if (VerdictPathData.Difference(trial, patient, asOf.AddDays(shift), index) is { } difference)
                {
                    differences.Add($"{name} as of {asOf.AddDays(shift):yyyy-MM-dd}: {difference}");
                }
            }
        }

        TestContext.Out.WriteLine($"{checkedCount} evaluations of {VerdictPathData.Patients.Count} patients");
        differences.Should().BeEmpty();
        VerdictPathData.Patients.Count.Should().BeGreaterThan(600, "every sample patient and example case is checked");
    }

    [Test]
    public void Decide_allocates_nothing_with_a_prebuilt_index_for_every_reference_trial_and_patient()
    {
        var measured = new List<string>();
        int calls = 0;
        foreach (var (trialName, trial) in VerdictPathData.ReferenceTrials)
        {
            var outcomes = new Outcome[trial.Criteria.Count];
            foreach (var (name, patient, asOf) in VerdictPathData.Patients)
            {
                calls++;
                var index = PatientIndex.Build(patient);
                for (int i = 0; i < 3; i++)
                {
                    trial.Decide(index, asOf, outcomes); // warm-up: JIT, unit-conversion caches, array pool
                }

                // The least of three calls: a one-off runtime event (a method tiering up, a cache filled by another
                // trial's first use of a unit) can land in one call, while anything Decide itself allocates is in every one.
                long allocated = long.MaxValue;
                for (int i = 0; i < 3; i++)
                {
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    trial.Decide(index, asOf, outcomes);
                    allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
                }

                if (allocated != 0)
                {
                    measured.Add($"{trialName} × {name}: {allocated} bytes");
                }
            }
        }

        TestContext.Out.WriteLine($"{calls} Decide calls measured");
        measured.Should().BeEmpty("Decide with a prebuilt index allocates nothing");
    }

    [Test]
    public void One_index_shared_by_five_trials_gives_what_five_separate_evaluations_give()
    {
        var trials = VerdictPathData.ReferenceTrials.Select(t => t.Trial).ToList();
        trials.Should().HaveCount(5);
        foreach (var (name, patient, asOf) in VerdictPathData.Samples)
        {
            var shared = PatientIndex.Build(patient);
            foreach (var trial in trials)
            {
                string separate = ResultJson.ToJson(trial.Evaluate(patient, asOf), ResultDetail.Full);
                ResultJson.ToJson(trial.Evaluate(shared, asOf), ResultDetail.Full).Should().Be(separate, name + " against " + trial.Trial.Id);

                var outcomes = new Outcome[trial.Criteria.Count];
                var verdict = trial.Decide(shared, asOf, outcomes);
                var alone = trial.Evaluate(patient, asOf);
                verdict.Should().Be(alone.Verdict, name + " against " + trial.Trial.Id);
                outcomes.Should().Equal(alone.Criteria.Select(c => c.Outcome), name + " against " + trial.Trial.Id);
            }
        }
    }

    [Test]
    public void An_index_is_shared_safely_by_concurrent_evaluations()
    {
        var trials = VerdictPathData.ReferenceTrials.Select(t => t.Trial).ToArray();
        var (_, patient, asOf) = VerdictPathData.Samples.First();
        var shared = PatientIndex.Build(patient);
        var expected = trials.Select(t => ResultJson.ToJson(t.Evaluate(patient, asOf), ResultDetail.Full)).ToArray();
        var seen = new string[64];
        Parallel.For(0, seen.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            seen[i] = ResultJson.ToJson(trials[i % trials.Length].Evaluate(shared, asOf), ResultDetail.Full));
        for (int i = 0; i < seen.Length; i++)
        {
            seen[i].Should().Be(expected[i % trials.Length]);
        }
    }

    [Test]
    public void Decide_checks_the_span_length_and_the_as_of_date_as_Evaluate_does()
    {
        var trial = VerdictPathData.ReferenceTrials.First().Trial;
        var (_, patient, asOf) = VerdictPathData.Samples.First();
        var index = PatientIndex.Build(patient);

        var tooShort = () => trial.Decide(index, asOf, new Outcome[trial.Criteria.Count - 1]);
        var tooLong = () => trial.Decide(patient, asOf, new Outcome[trial.Criteria.Count + 1]);
        var early = () => trial.Decide(index, new DateOnly(1899, 12, 31), new Outcome[trial.Criteria.Count]);
        var late = () => trial.Decide(patient, new DateOnly(3000, 1, 1), new Outcome[trial.Criteria.Count]);
        var evaluateLate = () => trial.Evaluate(index, new DateOnly(3000, 1, 1));

        tooShort.Should().Throw<ArgumentException>().WithParameterName("outcomes");
        tooLong.Should().Throw<ArgumentException>().WithParameterName("outcomes");
        early.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("asOf");
        late.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("asOf");
        evaluateLate.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("asOf");
        FluentActions.Invoking(() => PatientIndex.Build(null!)).Should().Throw<ArgumentNullException>();
    }

    [Test]
    public void Decide_on_a_record_indexes_it_and_gives_the_same_outcomes()
    {
        foreach (var (_, trial) in VerdictPathData.ReferenceTrials)
        {
            foreach (var (name, patient, asOf) in VerdictPathData.Samples)
            {
                var fromRecord = new Outcome[trial.Criteria.Count];
                var fromIndex = new Outcome[trial.Criteria.Count];
                trial.Decide(patient, asOf, fromRecord).Should().Be(trial.Decide(PatientIndex.Build(patient), asOf, fromIndex), name);
                fromRecord.Should().Equal(fromIndex, name);
            }
        }
    }

    [Test]
    public void The_latest_result_is_the_same_through_the_index_when_codings_overlap_and_dates_tie()
    {
        // One result carries two codings of the concept; two results share a date (the later record wins the tie);
        // a preliminary result and one after as-of are never used; an undated one neither.
        var alt = new Coding("http://loinc.org", "1742-6");
        var altOther = new Coding("http://loinc.org", "1743-4");
        var asOf = new DateOnly(2026, 1, 15);
        ObservationRecord Result(decimal value, DateOnly? date, string? status = "final", params Coding[] codes) => new()
        {
            Id = "o" + value, Codes = codes, Value = value, Unit = "U/L", Status = status, Date = date,
            ReferenceRange = new ReferenceRange { High = 40 },
        };

        var patient = new PatientRecord
        {
            Id = "ties",
            BirthDate = new DateOnly(1980, 1, 1),
            Sex = AdministrativeSex.Female,
            Observations =
            [
                Result(300, new DateOnly(2026, 1, 10), "final", alt, altOther),
                Result(20, new DateOnly(2026, 1, 10), "final", altOther, alt),
                Result(500, new DateOnly(2026, 1, 12), "preliminary", alt),
                Result(600, new DateOnly(2026, 1, 16), "final", alt),
                Result(700, null, "final", alt),
                Result(10, new DateOnly(2025, 12, 1), "amended", alt),
            ],
        };

        foreach (var (name, trial) in VerdictPathData.Trials)
        {
            VerdictPathData.Difference(trial, patient, asOf).Should().BeNull(name);
            VerdictPathData.Difference(trial, patient with { Observations = patient.Observations.Reverse().ToArray() }, asOf).Should().BeNull(name);
        }
    }
}
