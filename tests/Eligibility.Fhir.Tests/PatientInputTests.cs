using System.Text;
using Eligibility.Diagnostics;
using Eligibility.Fhir.Tests.Support;
using Eligibility.Patients;
using Eligibility.Tests.Support;

namespace Eligibility.Fhir.Tests;

/// <summary>
/// <see cref="PatientInput"/>: the tool's choice of reader, for applications — a Bundle goes to the FHIR reader, a lone
/// FHIR resource is refused (ELIG3001, at its resourceType), anything else is a native record.
/// </summary>
public class PatientInputTests
{
    private static string Root => TestBundles.RepositoryRoot();

    private static string Bundle => Path.Combine(Root, "samples", "fhir", "NCT07077486-bundle.json");

    private static string Native => Path.Combine(Root, "samples", "patients", "NCT07077486-eligible.json");

    private const string Lone = "{\n  \"resourceType\": \"Patient\",\n  \"id\": \"p1\"\n}";

    private static string Describe(PatientReadResult r) => string.Join("\n", r.Diagnostics);

    [Test]
    public void A_bundle_is_read_as_FHIR_and_a_native_record_natively()
    {
        var bundle = PatientInput.ReadFile(Bundle);
        bundle.Succeeded.Should().BeTrue(Describe(bundle));
        bundle.Patient.Should().BeEquivalentTo(FhirBundleReader.ReadFile(Bundle).Patient);
        bundle.Patient!.Observations.Should().Contain(o => o.Source != null && o.Source.StartsWith("Observation/", StringComparison.Ordinal));

        var native = PatientInput.ReadFile(Native);
        native.Succeeded.Should().BeTrue(Describe(native));
        native.Patient.Should().BeEquivalentTo(PatientReader.ReadFile(Native).Patient);
        native.Patient!.AsOf.Should().NotBeNull("only the native format carries an as-of date");
    }

    [TestCase("")]
    [TestCase("\uFEFF")]
    public void A_lone_resource_is_ELIG3001_at_its_resourceType(string bom)
    {
        var read = PatientInput.Read(Encoding.UTF8.GetBytes(bom + Lone), "lone.json");

        read.Succeeded.Should().BeFalse();
        var d = read.Diagnostics.Should().ContainSingle().Subject;
        d.ToString().Should().Be("lone.json(2,19): error ELIG3001: a lone FHIR Patient is not supported; give a Bundle (or a native patient record)");
        d.Pointer.Should().Be("/resourceType");
        (d.Line, d.Column).Should().Be(TestBundles.PositionOf(Lone, "\"Patient\""));
    }

    [Test]
    public void A_lone_resource_that_is_not_JSON_is_still_refused_as_one()
    {
        var d = PatientInput.Read("{ \"resourceType\": \"Observation\", \"id\": ", "x.json").Diagnostics.Should().ContainSingle().Subject;
        d.Code.Should().Be(DiagnosticCodes.PatientNotRecord);
        d.Message.Should().Be("a lone FHIR resource is not supported; give a Bundle (or a native patient record)");
    }

    [Test]
    public void A_lone_resource_is_held_to_the_limits_first()
    {
        var read = PatientInput.Read(Lone, "lone.json", new InputLimits { MaxRecordBytes = 10 });
        read.Diagnostics.Single().Code.Should().Be(DiagnosticCodes.InputTooLarge);

        var deep = PatientInput.Read("{ \"resourceType\": \"Patient\", \"a\": [[[[1]]]] }", "deep.json", new InputLimits { MaxDepth = 3 });
        deep.Diagnostics.Single().Code.Should().Be(DiagnosticCodes.InputLimitExceeded);
    }

    [Test]
    public async Task Every_overload_reads_either_format()
    {
        foreach (string path in new[] { Bundle, Native })
        {
            byte[] bytes = File.ReadAllBytes(path);
            var expected = PatientInput.Read(bytes, "p.json").EnsureSuccess();
            foreach (var read in new[]
            {
                PatientInput.Read(Encoding.UTF8.GetString(bytes), "p.json"),
                PatientInput.Read(new TrickleStream(bytes), "p.json"),
                await PatientInput.ReadAsync(new TrickleStream(bytes), "p.json"),
                await PatientInput.ReadAsync(new MemoryStream(bytes), "p.json", InputLimits.Default, CancellationToken.None),
            })
            {
                read.Patient.Should().BeEquivalentTo(expected, Describe(read));
            }
        }

        PatientInput.Read(Lone).Diagnostics.Single().File.Should().BeNull("the file name is optional");
        (await PatientInput.ReadAsync(new TrickleStream(Encoding.UTF8.GetBytes(Lone)), "lone.json")).Diagnostics.Single().Code.Should().Be(DiagnosticCodes.PatientNotRecord);
    }

    [Test]
    public async Task A_stream_over_the_cap_is_ELIG0003_a_missing_file_ELIG0002_and_cancellation_throws()
    {
        var limits = new InputLimits { MaxRecordBytes = 100 };
        PatientInput.Read(TrickleStream.Endless(5000), "body", limits).Diagnostics.Single().ToString()
            .Should().Be("body: error ELIG0003: the input holds more than 100 bytes; patient records are limited to 100 bytes");
        (await PatientInput.ReadAsync(TrickleStream.Endless(5000), "body", limits)).Diagnostics.Single().Code.Should().Be(DiagnosticCodes.InputTooLarge);
        PatientInput.ReadFile(Path.Combine(Root, "no-such-patient.json")).Diagnostics.Single().Code.Should().Be(DiagnosticCodes.FileUnreadable);

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await FluentActions.Awaiting(() => PatientInput.ReadAsync(new MemoryStream(File.ReadAllBytes(Native)), cancellationToken: cancelled.Token))
            .Should().ThrowAsync<OperationCanceledException>();
    }
}
