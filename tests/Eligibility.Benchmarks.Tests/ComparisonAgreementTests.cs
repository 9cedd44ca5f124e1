using Eligibility.Benchmarks;
using Eligibility.Benchmarks.Comparison;

namespace Eligibility.Benchmarks.Tests;

/// <summary>
/// The side-by-side benchmark compares the same answers: the library, the RulesEngine workflow and the hand-written
/// criteria agree on every criterion of every generated patient, and the generated patients exercise every answer.
/// </summary>
public class ComparisonAgreementTests
{
    [Test]
    public void The_three_comparison_points_agree_on_every_criterion_of_every_generated_patient()
    {
        var patients = ComparisonPatients.Standard();
        var report = Agreement.Check(patients, Nct14.Compile(), new RulesEngineWorkflow(), SampleData.AsOf);
        TestContext.Out.WriteLine(report);

        Assert.That(report.FirstDisagreement, Is.Null, () => $"{report.Disagreements} patients disagree; the first: {report.FirstDisagreement}");
        Assert.That(report.Patients, Is.EqualTo(ComparisonPatients.Count));
    }

    [Test]
    public void The_generated_patients_give_every_answer_on_every_criterion()
    {
        var patients = ComparisonPatients.Generate(2_000, ComparisonPatients.Seed);
        var report = Agreement.Check(patients, Nct14.Compile(), new RulesEngineWorkflow(), SampleData.AsOf);

        Assert.Multiple(() =>
        {
            for (int i = 0; i < Nct14.Count; i++)
            {
                string name = Nct14.Names[i];
                Assert.That(report.Count(i, Truth.True), Is.GreaterThanOrEqualTo(20), name + " true");
                Assert.That(report.Count(i, Truth.False), Is.GreaterThanOrEqualTo(20), name + " false");
                if (name is not ("sle" or "ild"))
                {
                    // A history of a diagnosis is never unknown (absence means not present); every other fact can be missing.
                    Assert.That(report.Count(i, Truth.Unknown), Is.GreaterThanOrEqualTo(20), name + " unknown");
                }
            }
        });
    }

    [Test]
    public void A_disagreement_is_reported_with_the_patient_the_criterion_and_each_answer()
    {
        var same = Enumerable.Repeat(Truth.False, Nct14.Count).ToArray();
        var changed = (Truth[])same.Clone();
        changed[5] = Truth.Unknown;

        Assert.Multiple(() =>
        {
            Assert.That(Agreement.Compare("p7", same, same, same), Is.Null);
            Assert.That(Agreement.Compare("p7", same, same, changed),
                Is.EqualTo("patient p7, criterion alt (EXCL01): library false, RulesEngine false, hand-written unknown"));
            Assert.That(Agreement.Compare("p7", same, changed, same),
                Is.EqualTo("patient p7, criterion alt (EXCL01): library false, RulesEngine unknown, hand-written false"));
        });
    }

    [Test]
    public void The_verdict_path_gives_evaluation_s_outcomes_on_every_generated_patient_with_a_shared_or_own_index()
    {
        var patients = ComparisonPatients.Generate(2_000, ComparisonPatients.Seed);
        var library = Nct14.Compile();
        var outcomes = new Outcome[Nct14.Count];
        var fromRecord = new Outcome[Nct14.Count];
        int checkedPatients = 0;
        foreach (var patient in patients)
        {
            var evaluated = library.Evaluate(patient, SampleData.AsOf);
            var verdict = library.Decide(Patients.PatientIndex.Build(patient), SampleData.AsOf, outcomes);
            Assert.That(Agreement.VerdictPathDifference(patient.Id ?? "?", evaluated, verdict, outcomes), Is.Null);
            Assert.That(library.Decide(patient, SampleData.AsOf, fromRecord), Is.EqualTo(verdict));
            Assert.That(fromRecord, Is.EqualTo(outcomes));
            checkedPatients++;
        }

        Assert.That(checkedPatients, Is.EqualTo(2_000));
    }

    [Test]
    public void A_verdict_path_difference_names_the_patient_the_criterion_and_both_outcomes()
    {
        var patient = ComparisonPatients.Generate(1, ComparisonPatients.Seed)[0];
        var library = Nct14.Compile();
        var evaluated = library.Evaluate(patient, SampleData.AsOf);
        var outcomes = evaluated.Criteria.Select(c => c.Outcome).ToArray();

        Assert.That(Agreement.VerdictPathDifference("p7", evaluated, evaluated.Verdict, outcomes), Is.Null);
        var changed = (Outcome[])outcomes.Clone();
        changed[5] = changed[5] == Outcome.Pass ? Outcome.Fail : Outcome.Pass;
        Assert.That(Agreement.VerdictPathDifference("p7", evaluated, evaluated.Verdict, changed),
            Is.EqualTo($"patient p7, criterion alt (EXCL01): verdict path {ResultJson.Name(changed[5])}, evaluation {ResultJson.Name(outcomes[5])}"));
        var otherVerdict = evaluated.Verdict == Verdict.Eligible ? Verdict.Ineligible : Verdict.Eligible;
        Assert.That(Agreement.VerdictPathDifference("p7", evaluated, otherVerdict, outcomes),
            Is.EqualTo($"patient p7: verdict path {ResultJson.Name(otherVerdict)}, evaluation {ResultJson.Name(evaluated.Verdict)}"));
    }

    [Test]
    public void The_14_criteria_are_the_rule_file_s_own_rule_nodes()
    {
        var evaluator = Nct14.Compile();
        var checks = evaluator.Criteria.Select(c => c.Checks).ToArray();
        TestContext.Out.WriteLine(string.Join(Environment.NewLine, checks));

        Assert.Multiple(() =>
        {
            Assert.That(evaluator.Criteria.Select(c => c.Id), Is.EqualTo(Nct14.Criteria.Select(c => c.Id)));
            Assert.That(checks[5], Does.Contain("ALT").And.Contain("5").And.Contain("ULN"));
            Assert.That(checks[7], Does.Contain("eGFR").And.Contain("CKD-EPI 2021"));
            Assert.That(checks[12], Does.Contain("rituximab").And.Contain("6 months"));
            Assert.That(checks[13], Does.Contain("belimumab").And.Contain("4 weeks"));
        });
    }
}
