using System.Text;
using Eligibility.Diagnostics;
using Eligibility.Fhir.Tests.Support;
using Eligibility.Patients;
using Eligibility.Tests.Support;

namespace Eligibility.Fhir.Tests;

/// <summary>
/// The FHIR readers have the core reader's signature shape: <c>Read(input, fileName = null, limits = null)</c> for text,
/// bytes and streams, and <c>ReadAsync(stream, …, cancellationToken)</c>; a stream is read with the file's byte cap.
/// </summary>
public class ReaderOverloadTests
{
    private static readonly InputLimits Small = new() { MaxRecordBytes = 1000 };

    private static string Bundle => Path.Combine(TestBundles.RepositoryRoot(), "samples", "fhir", "NCT07077486-bundle.json");

    private static string ValueSets => Path.Combine(TestBundles.RepositoryRoot(), "tests", "fixtures", "terminology", "valuesets", "all-primary-and-secondary-cancer.json");

    [Test]
    public async Task Every_bundle_overload_reads_the_same_record()
    {
        byte[] bytes = File.ReadAllBytes(Bundle);
        var expected = FhirBundleReader.Read(bytes, "b.json").EnsureSuccess();

        foreach (var read in new[]
        {
            FhirBundleReader.Read(Encoding.UTF8.GetString(bytes), "b.json"),
            FhirBundleReader.Read(new MemoryStream(bytes), "b.json"),
            FhirBundleReader.Read(new TrickleStream(bytes), "b.json"),
            await FhirBundleReader.ReadAsync(new TrickleStream(bytes, chunk: 333), "b.json"),
            await FhirBundleReader.ReadAsync(new MemoryStream(bytes), "b.json", InputLimits.Default, CancellationToken.None),
        })
        {
            read.Succeeded.Should().BeTrue(string.Join("\n", read.Diagnostics));
            read.Patient.Should().BeEquivalentTo(expected);
            read.Diagnostics.Select(d => d.ToString()).Should().Equal(FhirBundleReader.Read(bytes, "b.json").Diagnostics.Select(d => d.ToString()));
        }

        FhirBundleReader.Read("{ \"resourceType\": \"Bundle\", \"type\": \"collection\", \"entry\": [] }").Diagnostics
            .Should().ContainSingle(d => d.Code == FhirDiagnosticCodes.NoPatient).Which.File.Should().BeNull("the file name is optional");
    }

    [Test]
    public async Task A_bundle_stream_longer_than_the_cap_is_ELIG0003()
    {
        foreach (var read in new[]
        {
            FhirBundleReader.Read(TrickleStream.Endless(20_000), "body", Small),
            await FhirBundleReader.ReadAsync(TrickleStream.Endless(20_000), "body", Small),
            FhirBundleReader.Read(new MemoryStream(new byte[20_000]), "body", Small),
        })
        {
            var d = read.Diagnostics.Should().ContainSingle().Subject;
            d.Code.Should().Be(DiagnosticCodes.InputTooLarge);
            d.ToString().Should().StartWith("body: error ELIG0003: the input ").And.EndWith("patient records are limited to 1000 bytes");
        }
    }

    [Test]
    public async Task A_cancelled_bundle_read_throws_OperationCanceledException()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await FluentActions.Awaiting(() => FhirBundleReader.ReadAsync(new MemoryStream(File.ReadAllBytes(Bundle)), cancellationToken: cancelled.Token))
            .Should().ThrowAsync<OperationCanceledException>();

        using var later = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var stalled = new TrickleStream(File.ReadAllBytes(Bundle), chunk: 100, stallAfter: 500);
        await FluentActions.Awaiting(() => FhirBundleReader.ReadAsync(stalled, "b.json", null, later.Token))
            .Should().ThrowAsync<OperationCanceledException>();
    }

    [Test]
    public async Task Every_value_set_overload_reads_the_same_value_sets()
    {
        byte[] bytes = File.ReadAllBytes(ValueSets);
        var expected = ValueSetReader.Read(bytes, "vs.json").EnsureSuccess();

        foreach (var read in new[]
        {
            ValueSetReader.Read(Encoding.UTF8.GetString(bytes), "vs.json"),
            ValueSetReader.Read(new TrickleStream(bytes), "vs.json"),
            await ValueSetReader.ReadAsync(new TrickleStream(bytes), "vs.json"),
            await ValueSetReader.ReadAsync(new MemoryStream(bytes), "vs.json", CancellationToken.None),
        })
        {
            read.Succeeded.Should().BeTrue(string.Join("\n", read.Diagnostics));
            read.ValueSets.Should().BeEquivalentTo(expected);
        }

        ValueSetReader.Read(bytes).ValueSets.Single().Source.Should().BeNull("the file name is optional");
    }

    [Test]
    public async Task A_value_set_stream_longer_than_the_cap_is_ELIG0003_and_cancellation_throws()
    {
        var endless = TrickleStream.Endless((int)InputLimits.DefaultMaxRecordBytes + 10);
        var read = await ValueSetReader.ReadAsync(endless, "vs.json");
        read.Diagnostics.Single().ToString().Should().Be($"vs.json: error ELIG0003: the input holds more than {(int)InputLimits.DefaultMaxRecordBytes} bytes; value set files are limited to {(int)InputLimits.DefaultMaxRecordBytes} bytes");

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await FluentActions.Awaiting(() => ValueSetReader.ReadAsync(new MemoryStream(File.ReadAllBytes(ValueSets)), "vs.json", cancelled.Token))
            .Should().ThrowAsync<OperationCanceledException>();
    }
}
