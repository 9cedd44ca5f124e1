using Eligibility.Codes;
using Eligibility.Patients;
using Eligibility.Tests.Support;
using static Eligibility.Tests.Support.TestTrial;

namespace Eligibility.Tests;

/// <summary>The codes in patient data that no rule file recognises, so an author sees the gaps in their bindings.</summary>
public class UnrecognisedCodesTests
{
    private static readonly Coding BreastCancer = new(CodeSystems.Snomed, "254837009", "Malignant tumor of breast");

    [Test]
    public void Lists_codes_no_concept_binds_with_the_number_of_patients()
    {
        var census = new UnrecognisedCodes(new[] { Demo1() });
        var withCancer = Patient().WithConditions(new ConditionRecord { Codes = new[] { BreastCancer }, Onset = D("2024-01-01") });

        census.Add(withCancer);
        census.Add(withCancer with { Id = "p2" });
        census.Add(Patient().WithConditions(Icd("M32.14", "2020-01-01")));

        census.Patients.Should().Be(3);
        census.ToList().Should().BeEquivalentTo(new[] { new UnrecognisedCode("condition", CodeSystems.Snomed, "254837009", "Malignant tumor of breast", 2) });
    }

    [Test]
    public void A_record_with_one_recognised_coding_is_recognised()
    {
        var census = new UnrecognisedCodes(new[] { Demo1() });
        census.Add(Patient().WithConditions(new ConditionRecord { Codes = new[] { BreastCancer, new Coding(CodeSystems.Icd10Cm, "C00.0") }, Onset = D("2024-01-01") }));

        census.ToList().Should().BeEmpty("ICD-10 C matches the malignancy binding by prefix");
    }

    [Test]
    public void With_the_terminology_a_descendant_is_recognised()
    {
        var trial = With("""{ "kind": "condition", "concept": "malignancy" }""", options: new CompileOptions { Terminology = Terminologies.Omop });
        var census = new UnrecognisedCodes(new[] { trial });

        census.Add(Patient().WithConditions(new ConditionRecord { Codes = new[] { BreastCancer }, Onset = D("2024-01-01") }));

        census.ToList().Should().BeEmpty();
        trial.Recognises(BreastCancer).Should().BeTrue();
    }

    [Test]
    public void Each_kind_of_record_is_counted_once_per_patient()
    {
        var census = new UnrecognisedCodes(new[] { Demo1() });
        var tacrolimusCapsule = Rx("198377", "2025-01-01");
        census.Add(Patient().WithMedications(tacrolimusCapsule, tacrolimusCapsule).WithLabs(Lab("751-8", 3.2m, "10*9/L")));

        census.ToList().Select(c => (c.Kind, c.Code, c.Patients)).Should().BeEquivalentTo(new[] { ("medication", "198377", 1), ("observation", "751-8", 1) });
    }

    [Test]
    public void Adding_from_many_threads_loses_nothing()
    {
        var census = new UnrecognisedCodes(new[] { Demo1() });
        var patient = Patient().WithConditions(new ConditionRecord { Codes = new[] { BreastCancer }, Onset = D("2024-01-01") });

        Parallel.For(0, 1000, _ => census.Add(patient));

        census.Patients.Should().Be(1000);
        census.ToList().Single().Patients.Should().Be(1000);
    }
}
