using Eligibility.Fhir.Tests.Support;
using Eligibility.Patients;

namespace Eligibility.Fhir.Tests;

/// <summary>
/// <see cref="PatientInput.Prepare"/> reads a built-in bundle so that the first real record does not pay for the FHIR
/// model tables. The bundle must go down the path real records take (the fast reader, every mapper), or the preparation
/// prepares nothing: these tests read it the way Prepare does and check that every resource was taken by the fast reader
/// and mapped without a word, and that preparing changes nothing a later read gives.
/// </summary>
public class PrepareTests
{
    [Test]
    public void The_preparation_bundle_reads_cleanly_through_the_fast_reader_and_every_mapper()
    {
        var counts = new ParseCounts();
        var result = FhirBundleReader.Read(PatientInput.PreparationBundle.ToArray(), "(prepare)", ResourceParsing.Fast, counts);

        result.Diagnostics.Should().BeEmpty("the preparation bundle is common, clean FHIR");
        counts.Fallback.Should().Be(0, "a resource left to Firely would not prepare the fast reader");
        counts.Fast.Should().Be(14, "every entry: a patient, four observations, a condition, a procedure, an immunization, a medication and five medication uses");
        var patient = result.Patient!;
        patient.Id.Should().Be("prepare");
        patient.Sex.Should().Be(AdministrativeSex.Female);
        patient.BirthDate.Should().Be(new DateOnly(1970, 1, 1));
        patient.Observations.Should().HaveCount(4, "a quantity, a coded value, its component and a text");
        patient.Observations[0].ReferenceRange.Should().NotBeNull();
        patient.Observations[0].Interpretation.Should().NotBeNull();
        patient.Assessments.Should().ContainSingle().Which.Criterion.Should().Be("PREPARE/C1");
        patient.Conditions.Should().ContainSingle();
        patient.Procedures.Should().ContainSingle();
        patient.Immunizations.Should().ContainSingle();
        patient.Medications.Should().HaveCount(5, "two statements (a referenced and a contained medication), a request, an administration and a dispense");
        patient.Medications.Should().Contain(m => m.DailyDose != null, "the dosages are read");
    }

    [Test]
    public void Preparing_is_idempotent_and_changes_nothing_a_read_gives()
    {
        byte[] sample = File.ReadAllBytes(Path.Combine(TestBundles.RepositoryRoot(), "samples", "fhir", "NCT07077486-bundle.json"));
        string before = Describe(PatientInput.Read(sample, "sample.json"));

        var tasks = Enumerable.Range(0, 4).Select(_ => Task.Run(PatientInput.Prepare)).ToArray();
        Task.WaitAll(tasks);
        PatientInput.Prepare();

        Describe(PatientInput.Read(sample, "sample.json")).Should().Be(before);
    }

    private static string Describe(PatientReadResult result) =>
        System.Text.Json.JsonSerializer.Serialize(new { result.Patient, Diagnostics = result.Diagnostics.Select(d => d.ToString()) });
}
