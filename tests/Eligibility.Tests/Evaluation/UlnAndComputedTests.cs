using Eligibility.Compilation.Nodes;
using Eligibility.Patients;
using static Eligibility.Tests.Support.TestTrial;

namespace Eligibility.Tests.Evaluation;

public class UlnTests
{
    private static TrialEvaluator AltOver5Uln() => With("""{ "kind": "measurement", "concept": "alt", "gt": 5, "relativeTo": "uln" }""");

    [Test]
    public void ULN_comes_from_the_results_reference_range_first()
    {
        var result = AltOver5Uln().Single(Patient().WithLabs(Lab("1742-6", 212, "U/L", uln: 40)));
        result.Outcome.Should().Be(Outcome.Fail);
        result.Explanation.Should().Be("ALT 212 U/L on 2026-01-10 (obs-1742-6-2026-01-10) is 5.3 × ULN (ULN 40 U/L from the result's reference range), above 5 × ULN");
    }

    [TestCase(200, "pass", TestName = "ALT exactly 5 x ULN is not above 5 x ULN")]
    [TestCase(200.1, "fail", TestName = "ALT just over 5 x ULN excludes")]
    public void Exactly_at_the_multiple(decimal value, string outcome) =>
        ResultJson.Name(AltOver5Uln().Single(Patient().WithLabs(Lab("1742-6", value, "U/L", uln: 40))).Outcome).Should().Be(outcome);

    [Test]
    public void A_reference_range_in_another_unit_is_converted_to_the_values_unit()
    {
        // 0.6667 ukat/L = 40 U/L
        var result = AltOver5Uln().Single(Patient().WithLabs(Lab("1742-6", 212, "U/L", uln: 0.6666666666666667m, ulnUnit: "ukat/L")));
        result.Outcome.Should().Be(Outcome.Fail);
        result.Explanation.Should().Contain("ULN 40 U/L");
    }

    [TestCase("female", 176, "fail", TestName = "Female default ULN 35: ALT 176 is above 5 x ULN")]
    [TestCase("male", 176, "pass", TestName = "Male default ULN 40: ALT 176 is not above 5 x ULN")]
    [TestCase("other", 201, "fail", TestName = "Default ULN for any sex is 40")]
    public void Without_a_reference_range_the_rule_files_default_applies_by_sex(string sex, decimal value, string outcome)
    {
        var result = AltOver5Uln().Single(Patient(sex).WithLabs(Lab("1742-6", value, "U/L")));
        ResultJson.Name(result.Outcome).Should().Be(outcome);
        result.Explanation.Should().Contain("the rule file's default");
    }

    [Test]
    public void Without_reference_range_or_default_the_comparison_is_unknown()
    {
        var trial = With("""{ "kind": "measurement", "concept": "hemoglobin", "gt": 2, "relativeTo": "uln" }""");
        var result = trial.Single(Patient().WithLabs(Lab("718-7", 200, "g/L")));
        result.Outcome.Should().Be(Outcome.Unknown);
        result.Explanation.Should().Contain("declares no default ULN");
    }
}

public class ComputedMeasureTests
{
    // CKD-EPI 2021 (Inker et al., NEJM 2021): the NKF calculator gives 68 for a 50-year-old woman with creatinine
    // 1.0 mg/dL, and 86 for a 60-year-old man with 1.0 mg/dL.
    [TestCase(1.0, 50, true, 68.6)]
    [TestCase(1.0, 60, false, 86.2)]
    [TestCase(0.7, 40, true, 112.1)]
    [TestCase(2.5, 70, false, 27.0)]
    [TestCase(0.5, 30, true, 129.3)]
    public void CKD_EPI_2021_matches_worked_examples(decimal scr, int age, bool female, decimal expected) =>
        ComputedMeasure.CkdEpi(scr, age, female).Should().Be(expected);

    // Cockcroft & Gault 1976: the textbook 40-year-old 72 kg man with creatinine 1.0 mg/dL clears 100 mL/min.
    [TestCase(1.0, 40, 72, false, 100.0)]
    [TestCase(1.2, 60, 80, true, 63.0)]
    public void Cockcroft_Gault_matches_worked_examples(decimal scr, int age, decimal kg, bool female, decimal expected) =>
        ComputedMeasure.CockcroftGaultClearance(scr, age, kg, female).Should().Be(expected);

    private static TrialEvaluator Egfr() => With("""{ "kind": "measurement", "concept": "egfr", "lt": 30, "unit": "mL/min/{1.73_m2}", "compute": "ckd-epi-2021" }""");

    [Test]
    public void A_reported_eGFR_is_used_when_present()
    {
        var p = Patient().WithLabs(Lab("98979-8", 25, "mL/min/{1.73_m2}"), Lab("2160-0", 0.7m, "mg/dL"));
        var result = Egfr().Single(p);
        result.Outcome.Should().Be(Outcome.Fail);
        result.Explanation.Should().StartWith("egfr 25");
    }

    [Test]
    public void Without_a_reported_eGFR_it_is_computed_from_creatinine_at_the_specimen_date()
    {
        // Born 1956-01-12: 70 on the specimen date 2026-01-12. Creatinine 221 umol/L = 2.5 mg/dL → eGFR 27.0.
        var p = Patient("male", "1956-01-12").WithLabs(Lab("14682-9", 221.0m, "umol/L", date: "2026-01-12"));
        var result = Egfr().Single(p);
        result.Outcome.Should().Be(Outcome.Fail);
        result.Explanation.Should().Contain("computed egfr 27").And.Contain("CKD-EPI 2021").And.Contain("age 70");
        result.Facts.Should().Contain(f => f.Formula == "CKD-EPI 2021");
    }

    [Test]
    public void Computed_eGFR_needs_sex_and_birth_date()
    {
        var noSex = Patient() with { Sex = AdministrativeSex.Unknown };
        Egfr().Single(noSex.WithLabs(Lab("2160-0", 1, "mg/dL"))).Missing.Should().Equal("sex");
        var noBirth = Patient() with { BirthDate = null };
        Egfr().Single(noBirth.WithLabs(Lab("2160-0", 1, "mg/dL"))).Missing.Should().Equal("birth date");
        Egfr().Single(Patient()).Missing.Should().Equal("egfr or creatinine within the last 28 days");
    }

    [Test]
    public void Creatinine_clearance_by_Cockcroft_Gault_needs_weight()
    {
        var trial = With("""{ "kind": "measurement", "concept": "creatinine-clearance", "gt": 60, "unit": "mL/min", "compute": "cockcroft-gault" }""", inclusion: true);
        var man = Patient("male", "1986-01-01").WithLabs(Lab("2160-0", 1.0m, "mg/dL"));
        trial.Single(man).Outcome.Should().Be(Outcome.Unknown);
        var result = trial.Single(man.WithLabs(Lab("29463-7", 72, "kg")));
        result.Outcome.Should().Be(Outcome.Pass);
        result.Explanation.Should().Contain("computed creatinine-clearance 100 mL/min").And.Contain("Cockcroft–Gault");
    }
}
