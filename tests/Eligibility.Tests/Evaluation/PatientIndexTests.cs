using Eligibility.Binding;
using Eligibility.Evaluation;
using Eligibility.Patients;
using Eligibility.Tests.Properties;
using Eligibility.Time;

namespace Eligibility.Tests.Evaluation;

/// <summary>
/// The patient index finds the same latest result as a plain scan of the record in the order docs/semantics.md gives
/// ("Which data is used": final, amended or corrected only; dated inside the window; ties to the later record), for
/// matchers of one code, of several codes and of every code the patient has, over the repository's patients and mutated
/// variants of them. Evaluation reads results only through the index, so this checks the index against the rule itself.
/// </summary>
public class PatientIndexTests
{
    private static readonly Func<ObservationRecord, bool>[] Usable = [o => o.Value is not null, o => o.HasContent];

    /// <summary>The selection as written in docs/semantics.md, one record at a time in record order.</summary>
    private static ObservationRecord? Scan(PatientRecord patient, CodeMatcher matcher, DateWindow window, Func<ObservationRecord, bool> usable)
    {
        ObservationRecord? best = null;
        foreach (var o in patient.Observations)
        {
            if (o.Date is not { } date || !window.Contains(date) || !EvaluationContext.CountsAsResult(o.Status) || !usable(o) || matcher.Match(o.Codes) is null)
            {
                continue;
            }

            if (best is null || date >= best.Date!.Value)
            {
                best = o;
            }
        }

        return best;
    }

    private static IEnumerable<CodeMatcher> Matchers(PatientRecord patient)
    {
        var codings = patient.Observations.SelectMany(o => o.Codes).DistinctBy(c => (c.System, c.Code)).ToList();
        var all = new CodeMatcher();
        foreach (var c in codings)
        {
            var one = new CodeMatcher();
            one.Add(c.System, c.Code, "one");
            yield return one.Freeze();
            all.Add(c.System, c.Code, "all");
        }

        for (int i = 0; i + 1 < codings.Count; i += 2)
        {
            var pair = new CodeMatcher();
            pair.Add(codings[i].System, codings[i].Code, "pair");
            pair.Add(codings[i + 1].System, codings[i + 1].Code, "pair");
            yield return pair.Freeze();
        }

        yield return all.Freeze();

        // More codes than the patient has codings: the index tests each coding against the matcher instead of looking codes up.
        var wide = new CodeMatcher();
        foreach (var c in codings.Where((_, i) => i % 2 == 0))
        {
            wide.Add(" " + c.System + "/ ", " " + c.Code + " ", "wide");
        }

        for (int i = 0; i <= codings.Count; i++)
        {
            wide.Add("urn:test:not-a-code-system", "t" + i, "wide");
        }

        yield return wide.Freeze();
    }

    internal static string? Difference(PatientRecord patient, DateOnly asOf)
    {
        var index = PatientIndex.Build(patient);
        foreach (var matcher in Matchers(patient))
        {
            foreach (int days in new[] { 0, 7, 30, 90, 365, 36500 })
            {
                var window = new DateWindow(asOf.AddDays(-days), asOf);
                foreach (var usable in Usable)
                {
                    var expected = Scan(patient, matcher, window, usable);
                    int at = index.Latest(matcher, window, usable);
                    var found = at < 0 ? null : patient.Observations[at];
                    if (!ReferenceEquals(expected, found))
                    {
                        return $"window {window}: scan {expected?.Id ?? "none"}, index {found?.Id ?? "none"}";
                    }
                }
            }
        }

        return null;
    }

    [Test]
    public void The_index_finds_the_latest_result_a_scan_of_the_record_finds_for_every_repository_patient()
    {
        var differences = VerdictPathData.Patients
            .Select(p => (p.Name, Difference: Difference(p.Patient, p.AsOf)))
            .Where(d => d.Difference is not null)
            .Select(d => d.Name + ": " + d.Difference)
            .ToList();
        differences.Should().BeEmpty();
    }

    [Test]
    public void The_index_finds_the_latest_result_a_scan_finds_on_mutated_patients()
    {
        var random = new Random(14);
        var differences = new List<string>();
        for (int i = 0; i < 1_000; i++)
        {
            var (name, original, asOf) = VerdictPathData.Patients[random.Next(VerdictPathData.Patients.Count)];
            int seed = random.Next();
            var patient = VerdictPathProperties.Mutate(original, new Random(seed));
            if (Difference(patient, asOf.AddDays(random.Next(-60, 60))) is { } difference)
            {
                differences.Add($"mutated {name} (seed {seed}): {difference}");
            }
        }

        differences.Should().BeEmpty();
    }

    [Test]
    public void Answers_are_found_case_insensitively_latest_dated_first_and_never_after_as_of()
    {
        var asOf = new DateOnly(2026, 1, 15);
        var patient = new PatientRecord
        {
            Assessments =
            [
                new Assessment { Criterion = "T1/INCL05", Value = false },
                new Assessment { Criterion = "t1/incl05", Value = true, Date = new DateOnly(2026, 1, 2) },
                new Assessment { Criterion = "T1/Incl05", Value = false, Date = new DateOnly(2026, 1, 2) },
                new Assessment { Criterion = "T1/INCL05", Value = true, Date = new DateOnly(2026, 1, 20) },
                new Assessment { Criterion = "T1/EXCL01", Value = true },
            ],
        };
        var index = PatientIndex.Build(patient);

        index.AnswerTo("T1", "INCL05", asOf)!.Should().BeSameAs(patient.Assessments[2], "of two equally dated answers the later one wins");
        index.AnswerTo("t1", "incl05", new DateOnly(2026, 1, 1))!.Should().BeSameAs(patient.Assessments[0], "an undated answer stands in when nothing dated counts");
        index.AnswerTo("T1", "INCL05", new DateOnly(2026, 2, 1))!.Should().BeSameAs(patient.Assessments[3]);
        index.AnswerTo("T1", "EXCL01", asOf)!.Should().BeSameAs(patient.Assessments[4]);
        index.AnswerTo("T2", "EXCL01", asOf).Should().BeNull();
        index.AnswerTo("T1", new string('x', 400), asOf).Should().BeNull("a long key is looked up too");
    }
}
