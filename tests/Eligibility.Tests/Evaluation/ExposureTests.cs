using Eligibility.Patients;
using Eligibility.Time;
using static Eligibility.Tests.Support.TestTrial;

namespace Eligibility.Tests.Evaluation;

/// <summary>
/// Medication exposure as drugs are given: only real exposure counts; intermittent doses last (exposureLasts, a
/// request's dosing interval) for "currently using" and stable regimens but not for washouts; a stable regimen means
/// every drug taken in the window was taken throughout it at one dose. As-of is 2026-01-15.
/// </summary>
public class ExposureTests
{
    // Real codes: RxNorm 3002 cyclophosphamide, 121191 rituximab, 68149 mycophenolate mofetil, 8640 prednisone.
    private const string Pulses = """
        { "cyclophosphamide-iv": { "codes": { "http://www.nlm.nih.gov/research/umls/rxnorm": ["3002"] }, "exposureLasts": "P4W" },
          "rituximab": { "codes": { "http://www.nlm.nih.gov/research/umls/rxnorm": ["121191"] }, "exposureLasts": "P6M" },
          "mycophenolate": { "codes": { "http://www.nlm.nih.gov/research/umls/rxnorm": ["68149"] } },
          "regimen": { "include": ["mycophenolate", "cyclophosphamide-iv"] } }
        """;

    private static MedicationRecord Dose(string rxnorm, string date, decimal? dose = null) => Rx(rxnorm, date, date, dose);

    private static MedicationRecord[] MonthlyPulses(string first, int count, int everyDays = 28, decimal dose = 500)
    {
        var start = D(first);
        return Enumerable.Range(0, count).Select(i => Dose("3002", start.AddDays(i * everyDays).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), dose)).ToArray();
    }

    [TestCase("plan")]
    [TestCase("proposal")]
    [TestCase("option")]
    public void An_order_that_is_only_a_plan_is_not_exposure(string intent)
    {
        var trial = With("""{ "kind": "medication", "concept": "prednisone", "within": "P6M" }""");
        var planned = Rx("8640", "2026-01-10") with { Intent = intent };

        trial.Single(Patient().WithMedications(planned)).Outcome.Should().Be(Outcome.Pass);
        trial.Single(Patient().WithMedications(planned with { Intent = "order" })).Outcome.Should().Be(Outcome.Fail);
    }

    [TestCase("draft")]
    [TestCase("cancelled")]
    [TestCase("entered-in-error")]
    [TestCase("not-taken")]
    [TestCase("intended")]
    [TestCase("not-done")]
    [TestCase("declined")]
    public void Records_that_say_the_drug_was_not_taken_never_count(string status) =>
        With("""{ "kind": "medication", "concept": "prednisone", "within": "P6M" }""")
            .Single(Patient().WithMedications(Rx("8640", "2026-01-10", status: status))).Outcome.Should().Be(Outcome.Pass);

    [Test]
    public void Monthly_pulses_until_two_weeks_ago_are_current_use()
    {
        var trial = With("""{ "kind": "medication", "concept": "cyclophosphamide-iv", "current": true }""", extraConcepts: Pulses);

        // Every 4 weeks from 2025-10-09: the last pulse is 2026-01-01, two weeks before as-of, and lasts to 2026-01-29.
        var recent = trial.Single(Patient().WithMedications(MonthlyPulses("2025-10-09", 4)));
        recent.Outcome.Should().Be(Outcome.Fail, recent.Explanation);
        recent.Explanation.Should().Contain("cyclophosphamide-iv 500 mg/day on 2026-01-01, a dose counting for 4 weeks, so through 2026-01-29");

        // Every 4 weeks from 2025-09-18: the last pulse is 2025-12-11, five weeks ago; it lasted to 2026-01-08.
        trial.Single(Patient().WithMedications(MonthlyPulses("2025-09-18", 4))).Outcome.Should().Be(Outcome.Pass);
    }

    [TestCase("2026-01-01", "fail", Description = "last pulse two weeks ago: on it")]
    [TestCase("2025-12-18", "fail", Description = "exactly 4 weeks ago: the dose still counts on as-of")]
    [TestCase("2025-12-17", "pass", Description = "4 weeks and a day ago: no longer on it")]
    public void A_single_pulse_lasts_exposureLasts_for_current_use(string date, string outcome) =>
        With("""{ "kind": "medication", "concept": "cyclophosphamide-iv", "current": true }""", extraConcepts: Pulses)
            .Single(Patient().WithMedications(Dose("3002", date, 500))).Outcome.ToString().ToLowerInvariant().Should().Be(outcome);

    [Test]
    public void A_rituximab_infusion_three_months_ago_is_current_use()
    {
        var result = With("""{ "kind": "medication", "concept": "rituximab", "current": true }""", extraConcepts: Pulses)
            .Single(Patient().WithMedications(Dose("121191", "2025-10-15", 1000)));

        result.Outcome.Should().Be(Outcome.Fail);
        result.Explanation.Should().Contain("a dose counting for 6 months, so through 2026-04-15");
    }

    [Test]
    public void Washouts_count_from_the_dose_and_are_not_extended()
    {
        // "No rituximab within 6 months": an infusion 7 months ago lasts (exposureLasts P6M) into the window, but a
        // washout window already counts from the dose.
        var trial = With("""{ "kind": "medication", "concept": "rituximab", "within": "P6M" }""", extraConcepts: Pulses);

        trial.Single(Patient().WithMedications(Dose("121191", "2025-06-14", 1000))).Outcome.Should().Be(Outcome.Pass);
        trial.Single(Patient().WithMedications(Dose("121191", "2025-07-15", 1000))).Outcome.Should().Be(Outcome.Fail);
    }

    [Test]
    public void A_requests_own_dosing_interval_extends_each_dose()
    {
        // No exposureLasts on prednisone; the record says it is given every 4 weeks.
        var trial = With("""{ "kind": "medication", "concept": "prednisone", "current": true }""");
        var lastDose = Dose("8640", "2026-01-01") with { DosingInterval = new IsoDuration(0, 0, 4, 0) };

        trial.Single(Patient().WithMedications(lastDose)).Outcome.Should().Be(Outcome.Fail);
        trial.Single(Patient().WithMedications(lastDose with { DosingInterval = null })).Outcome.Should().Be(Outcome.Pass);
    }

    [Test]
    public void Monthly_pulses_for_eight_months_are_a_stable_regimen()
    {
        var trial = With("""{ "kind": "medication", "concept": "cyclophosphamide-iv", "stableFor": "P6M" }""", inclusion: true, extraConcepts: Pulses);

        var result = trial.Single(Patient().WithMedications(MonthlyPulses("2025-05-29", 9)));   // every 28 days to 2026-01-08

        result.Outcome.Should().Be(Outcome.Pass, result.Explanation);
        result.Explanation.Should().Contain("one unchanged dose throughout");
    }

    [Test]
    public void Pulses_started_two_months_ago_are_not_stable_for_six_months()
    {
        var result = With("""{ "kind": "medication", "concept": "cyclophosphamide-iv", "stableFor": "P6M" }""", inclusion: true, extraConcepts: Pulses)
            .Single(Patient().WithMedications(MonthlyPulses("2025-11-13", 3)));

        result.Outcome.Should().Be(Outcome.Fail);
        result.Explanation.Should().Contain("started inside the window (first on 2025-11-13)");
    }

    [Test]
    public void A_drug_stopped_inside_the_window_breaks_the_stable_regimen_even_when_another_is_stable()
    {
        var trial = With("""{ "kind": "medication", "concept": "regimen", "stableFor": "P6M" }""", inclusion: true, extraConcepts: Pulses);
        var mmfStable = Rx("68149", "2024-01-01", dose: 2000);
        var pulsesStopped = MonthlyPulses("2025-01-02", 10);   // every 28 days to 2025-09-18, + 4 weeks = 2025-10-16: stopped in the window

        trial.Single(Patient().WithMedications(mmfStable)).Outcome.Should().Be(Outcome.Pass);
        var result = trial.Single(Patient().WithMedications(pulsesStopped.Append(mmfStable).ToArray()));
        result.Outcome.Should().Be(Outcome.Fail);
        result.Explanation.Should().Contain("cyclophosphamide-iv").And.Contain("stopped or interrupted");
    }

    [Test]
    public void MMF_stopped_a_month_ago_is_not_stable()
    {
        var result = With("""{ "kind": "medication", "concept": "mycophenolate", "stableFor": "P6M" }""", inclusion: true, extraConcepts: Pulses)
            .Single(Patient().WithMedications(Rx("68149", "2024-01-01", "2025-12-15", 2000)));

        result.Outcome.Should().Be(Outcome.Fail);
    }

    [Test]
    public void A_dose_change_inside_the_window_is_not_stable()
    {
        var result = With("""{ "kind": "medication", "concept": "mycophenolate", "stableFor": "P6M" }""", inclusion: true, extraConcepts: Pulses)
            .Single(Patient().WithMedications(Rx("68149", "2024-01-01", "2025-10-31", 2000), Rx("68149", "2025-11-01", null, 3000)));

        result.Outcome.Should().Be(Outcome.Fail);
        result.Explanation.Should().Contain("the dose changed");
    }

    [Test]
    public void Stable_if_on_it_is_met_by_a_patient_who_took_none_in_the_window_but_not_by_one_who_stopped_inside_it()
    {
        var trial = With("""{ "kind": "medication", "concept": "prednisone", "stableFor": "P4W", "dose": { "lte": 10, "unit": "mg/d" }, "prednisoneEquivalent": true, "onlyIfCurrent": true }""", inclusion: true);

        trial.Single(Patient()).Outcome.Should().Be(Outcome.Pass);
        trial.Single(Patient().WithMedications(Rx("8640", "2025-01-01", "2025-12-01", 5))).Outcome.Should().Be(Outcome.Pass, "stopped before the 4 weeks began");
        trial.Single(Patient().WithMedications(Rx("8640", "2025-01-01", "2026-01-01", 5))).Outcome.Should().Be(Outcome.Fail, "stopped inside the 4 weeks");
        trial.Single(Patient().WithMedications(Rx("8640", "2025-01-01", null, 5))).Outcome.Should().Be(Outcome.Pass);
        trial.Single(Patient().WithMedications(Rx("8640", "2025-01-01", null, 15))).Outcome.Should().Be(Outcome.Fail, "above 10 mg/day");
    }

    [Test]
    public void A_stable_regimen_without_onlyIfCurrent_is_not_met_by_a_patient_on_nothing() =>
        With("""{ "kind": "medication", "concept": "mycophenolate", "stableFor": "P6M" }""", inclusion: true, extraConcepts: Pulses)
            .Single(Patient()).Outcome.Should().Be(Outcome.Fail);

    [Test]
    public void An_undated_record_of_the_regimen_makes_stability_unknown() =>
        With("""{ "kind": "medication", "concept": "mycophenolate", "stableFor": "P6M" }""", inclusion: true, extraConcepts: Pulses)
            .Single(Patient().WithMedications(Rx("68149", null, dose: 2000))).Outcome.Should().Be(Outcome.Unknown);

    [Test]
    public void The_expression_fact_OnMedication_uses_the_same_records_as_the_rule()
    {
        // One record, one answer: a cancelled or planned order is exposure neither for the rule nor for the expression.
        var rule = With("""{ "kind": "medication", "concept": "prednisone", "current": true }""");
        var expression = With("""{ "kind": "expression", "expression": "OnMedication(\"prednisone\")" }""");
        foreach (var record in new[] { Rx("8640", "2025-12-01", status: "cancelled"), Rx("8640", "2025-12-01") with { Intent = "plan" }, Rx("8640", "2025-12-01", status: "draft"), Rx("8640", "2025-12-01") })
        {
            var patient = Patient().WithMedications(record);
            expression.Single(patient).Truth.Should().Be(rule.Single(patient).Truth, $"status {record.Status}, intent {record.Intent}");
        }

        var pulses = With("""{ "kind": "expression", "expression": "OnMedication(\"rituximab\")" }""", extraConcepts: Pulses);
        pulses.Single(Patient().WithMedications(Dose("121191", "2025-10-15", 1000))).Truth.Should().Be(Truth.True, "exposureLasts applies to the expression fact too");
    }
}
