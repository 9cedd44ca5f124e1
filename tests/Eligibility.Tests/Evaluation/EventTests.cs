using Eligibility.Patients;
using static Eligibility.Tests.Support.TestTrial;

namespace Eligibility.Tests.Evaluation;

public class ConditionTests
{
    [Test]
    public void ICD10_bindings_match_by_prefix()
    {
        var trial = With("""{ "kind": "condition", "concept": "sle" }""", inclusion: true);
        trial.Single(Patient().WithConditions(Icd("M32.14", "2019-01-01"))).Outcome.Should().Be(Outcome.Pass);
        trial.Single(Patient().WithConditions(Condition("http://hl7.org/fhir/sid/icd-10-cm", "M3214", "2019-01-01"))).Outcome.Should().Be(Outcome.Pass);
        trial.Single(Patient().WithConditions(Icd("M33.1", "2019-01-01"))).Outcome.Should().Be(Outcome.Fail);
    }

    [Test]
    public void Absent_conditions_mean_not_present_and_the_explanation_says_so()
    {
        var result = With("""{ "kind": "condition", "concept": "sle" }""").Single(Patient());
        result.Outcome.Should().Be(Outcome.Pass);
        result.Truth.Should().Be(Truth.False);
        result.Explanation.Should().Contain("No sle record").And.Contain("taken as complete");
    }

    [Test]
    public void AbsentMeans_unknown_makes_absence_unknown()
    {
        var result = With("""{ "kind": "condition", "concept": "sle", "absentMeans": "unknown" }""").Single(Patient());
        result.Outcome.Should().Be(Outcome.Unknown);
        result.Explanation.Should().Contain("No sle record");
    }

    [TestCase("refuted")]
    [TestCase("entered-in-error")]
    public void Refuted_and_entered_in_error_conditions_never_count(string verification) =>
        With("""{ "kind": "condition", "concept": "sle" }""", inclusion: true)
            .Single(Patient().WithConditions(Icd("M32", "2019-01-01", verification: verification))).Outcome.Should().Be(Outcome.Fail);

    [Test]
    public void Conditions_with_onset_after_as_of_are_ignored() =>
        With("""{ "kind": "condition", "concept": "sle" }""", inclusion: true)
            .Single(Patient().WithConditions(Icd("M32", "2026-01-16"))).Outcome.Should().Be(Outcome.Fail);

    [TestCase("active", null, "true")]
    [TestCase("relapse", null, "true")]
    [TestCase("resolved", null, "false")]
    [TestCase("active", "2026-01-14", "false")]
    [TestCase("active", "2026-01-15", "true")]
    public void Active_means_active_status_and_not_abated_before_as_of(string status, string? abatement, string truth) =>
        With("""{ "kind": "condition", "concept": "sle", "active": true }""")
            .Single(Patient().WithConditions(Icd("M32", "2019-01-01", status, abatement))).Truth.ToString().Should().Be(truth);

    [TestCase("2021-01-15", null, "resolved", "true", Description = "onset exactly at the window start")]
    [TestCase("2021-01-14", null, "resolved", "unknown", Description = "resolved with no abatement date, onset before the window")]
    [TestCase("2015-01-01", "2021-01-15", "resolved", "true", Description = "abated on the window's first day")]
    [TestCase("2015-01-01", "2021-01-14", "resolved", "false", Description = "abated the day before the window")]
    [TestCase("2015-01-01", null, "active", "true", Description = "still active")]
    public void Malignancy_within_5_years_reads_as_active_within(string onset, string? abatement, string status, string truth) =>
        With("""{ "kind": "condition", "concept": "malignancy", "activeWithin": "P5Y" }""")
            .Single(Patient().WithConditions(Icd("C50.9", onset, status, abatement))).Truth.ToString().Should().Be(truth);

    [Test]
    public void An_exception_removes_only_the_matching_records()
    {
        var trial = With("""{ "kind": "condition", "concept": "malignancy", "activeWithin": "P5Y", "except": ["skin-bcc-scc"] }""");
        trial.Single(Patient().WithConditions(Icd("C44.91", "2024-01-01"))).Outcome.Should().Be(Outcome.Pass);
        trial.Single(Patient().WithConditions(Icd("C44.91", "2024-01-01"), Icd("C50.9", "2024-01-01"))).Outcome.Should().Be(Outcome.Fail);
    }

    [TestCase("2025-07-15", "true")]
    [TestCase("2025-07-14", "false")]
    [TestCase(null, "unknown")]
    public void Occurred_within_uses_the_onset_date(string? onset, string truth) =>
        With("""{ "kind": "condition", "concept": "sle", "occurredWithin": "P6M" }""")
            .Single(Patient().WithConditions(Icd("M32", onset))).Truth.ToString().Should().Be(truth);
}

public class ProcedureAndImmunizationTests
{
    [Test]
    public void Procedures_count_unless_not_done_or_entered_in_error()
    {
        var trial = With("""{ "kind": "procedure", "concept": "dialysis" }""");
        var done = new ProcedureRecord { Codes = new[] { new Coding("http://snomed.info/sct", "302497006") }, Status = "completed", Performed = D("2025-06-01") };
        trial.Single(Patient().WithProcedures(done)).Outcome.Should().Be(Outcome.Fail);
        trial.Single(Patient().WithProcedures(done with { Status = "entered-in-error" })).Outcome.Should().Be(Outcome.Pass);
        trial.Single(Patient().WithProcedures(done with { Status = "not-done" })).Outcome.Should().Be(Outcome.Pass);
        trial.Single(Patient().WithProcedures(done with { Performed = D("2026-02-01") })).Outcome.Should().Be(Outcome.Pass, "performed after as-of");
    }

    [TestCase("2025-12-15", "fail", Description = "exactly one month before as-of")]
    [TestCase("2025-12-14", "pass")]
    [TestCase(null, "unknown")]
    public void Live_vaccine_within_one_month(string? date, string outcome)
    {
        var trial = With("""{ "kind": "immunization", "concept": "live-vaccine", "within": "P1M" }""");
        var vaccine = new ImmunizationRecord { Codes = new[] { new Coding("http://hl7.org/fhir/sid/cvx", "03") }, Status = "completed", Date = date is null ? null : D(date) };
        ResultJson.Name(trial.Single(Patient().WithImmunizations(vaccine)).Outcome).Should().Be(outcome);
    }
}

public class MedicationTests
{
    [TestCase("2025-07-15", "2025-07-15", "fail", Description = "ended exactly at the window start")]
    [TestCase("2025-01-01", "2025-07-14", "pass", Description = "ended the day before the window")]
    [TestCase("2026-01-01", null, "fail", Description = "ongoing")]
    public void Used_within_means_the_exposure_intersects_the_window(string start, string? end, string outcome) =>
        ResultJson.Name(With("""{ "kind": "medication", "concept": "cyclophosphamide", "within": "P6M" }""")
            .Single(Patient().WithMedications(Rx("3002", start, end))).Outcome).Should().Be(outcome);

    [Test]
    public void A_medication_record_with_no_usable_date_is_unknown() =>
        With("""{ "kind": "medication", "concept": "cyclophosphamide", "within": "P6M" }""")
            .Single(Patient().WithMedications(Rx("3002", null))).Outcome.Should().Be(Outcome.Unknown);

    [TestCase("entered-in-error")]
    [TestCase("cancelled")]
    [TestCase("not-taken")]
    public void Medication_records_with_void_statuses_never_count(string status) =>
        With("""{ "kind": "medication", "concept": "cyclophosphamide", "within": "P6M" }""")
            .Single(Patient().WithMedications(Rx("3002", "2026-01-01", status: status))).Outcome.Should().Be(Outcome.Pass);

    [Test]
    public void ATC_bindings_match_by_prefix()
    {
        var atc = new MedicationRecord { Codes = new[] { new Coding("http://www.whocc.no/atc", "L01AA01") }, Start = D("2026-01-01") };
        With("""{ "kind": "medication", "concept": "cyclophosphamide", "current": true }""").Single(Patient().WithMedications(atc)).Outcome.Should().Be(Outcome.Fail);
    }

    private const string StableSteroid = """{ "kind": "medication", "concept": "glucocorticoid", "stableFor": "P4W", "dose": { "lte": 10, "unit": "mg/d" }, "prednisoneEquivalent": true, "onlyIfCurrent": true }""";

    [Test]
    public void Not_on_the_treatment_meets_a_conditional_criterion()
    {
        var result = With(StableSteroid, inclusion: true).Single(Patient());
        result.Outcome.Should().Be(Outcome.Pass);
        result.Explanation.Should().Contain("does not apply");
    }

    [TestCase("2025-12-18", 10, "pass", Description = "stable exactly 4 weeks at 10 mg")]
    [TestCase("2025-12-19", 10, "fail", Description = "one day short")]
    [TestCase("2025-06-01", 10.5, "fail", Description = "dose above 10 mg")]
    public void Stable_prednisone_dose(string start, decimal dose, string outcome) =>
        ResultJson.Name(With(StableSteroid, inclusion: true).Single(Patient().WithMedications(Rx("8640", start, dose: dose))).Outcome).Should().Be(outcome);

    [Test]
    public void Methylprednisolone_counts_as_1_25_prednisone_equivalents()
    {
        var trial = With(StableSteroid, inclusion: true);
        trial.Single(Patient().WithMedications(Rx("6902", "2025-06-01", dose: 8))).Outcome.Should().Be(Outcome.Pass, "8 mg × 1.25 = 10 mg");
        var result = trial.Single(Patient().WithMedications(Rx("6902", "2025-06-01", dose: 8.1m)));
        result.Outcome.Should().Be(Outcome.Fail, "8.1 mg × 1.25 = 10.125 mg");
        result.Explanation.Should().Contain("10.13 mg/d");
    }

    [Test]
    public void A_dose_change_inside_the_window_is_not_stable()
    {
        var p = Patient().WithMedications(Rx("8640", "2025-06-01", "2025-12-31", dose: 7.5m), Rx("8640", "2026-01-01", dose: 5));
        var result = With(StableSteroid, inclusion: true).Single(p);
        result.Outcome.Should().Be(Outcome.Fail);
        result.Explanation.Should().Contain("dose changed");
    }

    [Test]
    public void Adjacent_records_at_the_same_dose_are_continuous()
    {
        var p = Patient().WithMedications(Rx("8640", "2025-06-01", "2025-12-31", dose: 5), Rx("8640", "2026-01-01", dose: 5));
        With(StableSteroid, inclusion: true).Single(p).Outcome.Should().Be(Outcome.Pass);
    }

    [Test]
    public void A_gap_breaks_continuity()
    {
        var p = Patient().WithMedications(Rx("8640", "2025-06-01", "2025-12-30", dose: 5), Rx("8640", "2026-01-01", dose: 5));
        With(StableSteroid, inclusion: true).Single(p).Outcome.Should().Be(Outcome.Fail);
    }

    [Test]
    public void A_stable_dose_needs_the_dose()
    {
        var result = With(StableSteroid, inclusion: true).Single(Patient().WithMedications(Rx("8640", "2025-06-01")));
        result.Outcome.Should().Be(Outcome.Unknown);
        result.Explanation.Should().Contain("no daily dose recorded");
    }

    [TestCase(14, "pass", Description = "exactly 14 days is not more than 14")]
    [TestCase(15, "fail")]
    public void High_dose_for_more_than_14_days_within_a_month(int days, string outcome)
    {
        var trial = With("""{ "kind": "medication", "concept": "prednisone", "within": "P1M", "dose": { "gte": 100, "unit": "mg/d" }, "longerThan": "P14D" }""");
        var end = D("2026-01-10");
        var p = Patient().WithMedications(Rx("8640", end.AddDays(-(days - 1)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), "2026-01-10", dose: 100));
        ResultJson.Name(trial.Single(p).Outcome).Should().Be(outcome);
    }

    [TestCase(84, "fail", Description = "exactly 12 weeks is not more than 12 weeks")]
    [TestCase(85, "pass")]
    public void Ever_for_more_than_12_weeks_adds_up_courses_of_any_age(int days, string outcome)
    {
        var trial = With("""{ "kind": "medication", "concept": "prednisone", "ever": true, "longerThan": "P12W" }""", inclusion: true);
        int first = days - 30;
        var p = Patient().WithMedications(
            Rx("8640", "2001-03-01", new DateOnly(2001, 3, 1).AddDays(first - 1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
            Rx("8640", "2025-12-01", "2025-12-30"));
        var result = trial.Single(p);
        ResultJson.Name(result.Outcome).Should().Be(outcome);
        result.Explanation.Should().Contain($"{days} days");
    }
}

public class PregnancyTests
{
    private static Eligibility.Patients.ObservationRecord Status(string answer, string date = "2026-01-12") => new()
    {
        Codes = new[] { Loinc("82810-3") },
        ValueCodes = new[] { new Coding("http://loinc.org", answer) },
        Status = "final",
        Date = D(date),
    };

    [TestCase("LA15173-0", "fail")]
    [TestCase("LA26683-5", "pass")]
    [TestCase("LA4489-6", "unknown")]
    public void Latest_pregnancy_status_decides(string answer, string outcome) =>
        ResultJson.Name(With("""{ "kind": "pregnancy" }""").Single(Patient().WithLabs(Status(answer))).Outcome).Should().Be(outcome);

    [Test]
    public void Pregnancy_is_not_met_for_male_patients() =>
        With("""{ "kind": "pregnancy" }""").Single(Patient("male")).Outcome.Should().Be(Outcome.Pass);

    [Test]
    public void No_status_for_a_female_patient_is_unknown() =>
        With("""{ "kind": "pregnancy" }""").Single(Patient()).Outcome.Should().Be(Outcome.Unknown);

    [Test]
    public void An_active_pregnancy_condition_means_pregnant() =>
        With("""{ "kind": "pregnancy" }""").Single(Patient().WithConditions(Icd("Z33.1", "2025-12-01"))).Outcome.Should().Be(Outcome.Fail);

    [Test]
    public void The_latest_status_wins() =>
        With("""{ "kind": "pregnancy" }""").Single(Patient().WithLabs(Status("LA15173-0", "2026-01-01"), Status("LA26683-5", "2026-01-12"))).Outcome.Should().Be(Outcome.Pass);
}
