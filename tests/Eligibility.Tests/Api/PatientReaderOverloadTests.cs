using System.Text;
using Eligibility.Diagnostics;
using Eligibility.Patients;
using Eligibility.Tests.Support;

namespace Eligibility.Tests.Api;

/// <summary>
/// One signature shape for every input type: <c>Read(input, fileName = null, limits = null)</c> for text, bytes and
/// streams, <c>ReadAsync(stream, fileName, limits, cancellationToken)</c>, <c>ReadFile(path, limits)</c>; all give the
/// same record, and a stream is read with the same byte cap as a file.
/// </summary>
public class PatientReaderOverloadTests
{
    private static readonly byte[] Demo = File.ReadAllBytes(Path.Combine(TestContext.CurrentContext.TestDirectory, "TestFiles", "patient-demo.json"));

    private static readonly InputLimits Small = new() { MaxRecordBytes = 1000 };

    private static string Describe(PatientReadResult r) => string.Join("\n", r.Diagnostics);

    [Test]
    public async Task Every_overload_reads_the_same_record()
    {
        var fromBytes = PatientReader.Read(Demo, "p.json").EnsureSuccess();
        string text = Encoding.UTF8.GetString(Demo);

        var all = new[]
        {
            PatientReader.Read(text, "p.json"),
            PatientReader.Read(new MemoryStream(Demo), "p.json"),
            PatientReader.Read(new TrickleStream(Demo), "p.json"),
            await PatientReader.ReadAsync(new MemoryStream(Demo), "p.json"),
            await PatientReader.ReadAsync(new TrickleStream(Demo), "p.json", InputLimits.Default, CancellationToken.None),
            PatientReader.ReadFile(Path.Combine(TestContext.CurrentContext.TestDirectory, "TestFiles", "patient-demo.json")),
        };

        foreach (var read in all)
        {
            read.Succeeded.Should().BeTrue(Describe(read));
            read.Patient.Should().BeEquivalentTo(fromBytes, o => o.Excluding(m => m.Path.EndsWith(".File", StringComparison.Ordinal)));
            read.Patient!.Assessments[0].Position!.Value.File.Should().BeOneOf("p.json", Path.Combine(TestContext.CurrentContext.TestDirectory, "TestFiles", "patient-demo.json"));
        }
    }

    [Test]
    public void The_file_name_and_limits_are_optional_and_named_the_same_everywhere()
    {
        PatientReader.Read("{ \"sex\": 1 }").Diagnostics.Should().ContainSingle().Which.File.Should().BeNull();
        PatientReader.Read(Encoding.UTF8.GetBytes("{ \"sex\": 1 }"), limits: Small).Diagnostics.Single().Code.Should().Be(DiagnosticCodes.PatientInvalidValue);
        PatientReader.Read(new MemoryStream(Encoding.UTF8.GetBytes("{ \"sex\": 1 }")), fileName: "s.json").Diagnostics.Single().File.Should().Be("s.json");
        PatientReader.ReadFile("no/such.json", limits: Small).Diagnostics.Single().Code.Should().Be(DiagnosticCodes.FileUnreadable);
    }

    [Test]
    public void A_stream_starts_at_its_position_and_is_left_open()
    {
        var stream = new MemoryStream([.. "xxxx"u8, .. Demo]) { Position = 4 };

        PatientReader.Read(stream, "p.json").Succeeded.Should().BeTrue();
        stream.CanRead.Should().BeTrue("the reader does not close the caller's stream");
        stream.Position.Should().Be(stream.Length);
    }

    [Test]
    public async Task A_stream_longer_than_the_cap_is_ELIG0003_and_is_not_read_to_its_end()
    {
        foreach (var read in new[]
        {
            PatientReader.Read(TrickleStream.Endless(50_000), "body", Small),
            await PatientReader.ReadAsync(TrickleStream.Endless(50_000), "body", Small),
        })
        {
            var d = read.Diagnostics.Should().ContainSingle().Subject;
            d.Code.Should().Be(DiagnosticCodes.InputTooLarge);
            d.IsError.Should().BeTrue();
            d.File.Should().Be("body");
            d.ToString().Should().Be("body: error ELIG0003: the input holds more than 1000 bytes; patient records are limited to 1000 bytes");
        }

        var endless = TrickleStream.Endless(1_000_000);
        PatientReader.Read(endless, null, Small).HasErrors.Should().BeTrue();
        endless.BytesRead.Should().BeLessThan(1000 + 70_000, "reading stops once the cap is passed");
    }

    [Test]
    public void A_seekable_stream_longer_than_the_cap_is_refused_before_it_is_read()
    {
        var stream = new MemoryStream(new byte[5000]);

        PatientReader.Read(stream, "big.json", Small).Diagnostics.Single().ToString()
            .Should().Be("big.json: error ELIG0003: the input is 5000 bytes; patient records are limited to 1000 bytes");
        stream.Position.Should().Be(0);
    }

    [Test]
    public void A_stream_exactly_at_the_cap_is_read()
    {
        string json = "{ \"id\": \"p\" }";
        var limits = new InputLimits { MaxRecordBytes = json.Length };

        PatientReader.Read(new TrickleStream(Encoding.UTF8.GetBytes(json)), null, limits).Succeeded.Should().BeTrue();
        PatientReader.Read(new TrickleStream(Encoding.UTF8.GetBytes(json + " ")), null, limits).Diagnostics.Single().Code.Should().Be(DiagnosticCodes.InputTooLarge);
    }

    [Test]
    public async Task A_cancelled_token_throws_OperationCanceledException()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await FluentActions.Awaiting(() => PatientReader.ReadAsync(new MemoryStream(Demo), "p.json", null, cancelled.Token))
            .Should().ThrowAsync<OperationCanceledException>();

        // Cancelled while the stream is waiting for more bytes (a slow client): the read stops.
        using var later = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var stalled = new TrickleStream(Demo, chunk: 16, stallAfter: 64);
        await FluentActions.Awaiting(() => PatientReader.ReadAsync(stalled, "p.json", cancellationToken: later.Token))
            .Should().ThrowAsync<OperationCanceledException>();
        stalled.BytesRead.Should().Be(64);
    }

    [Test]
    public void Bad_arguments_throw()
    {
        FluentActions.Invoking(() => PatientReader.Read((Stream)null!)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => PatientReader.Read((string)null!)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => PatientReader.Read(new MemoryStream(), null, new InputLimits { MaxRecordBytes = 0 })).Should().Throw<ArgumentOutOfRangeException>();
        var unreadable = new MemoryStream();
        unreadable.Dispose();
        FluentActions.Invoking(() => PatientReader.Read(unreadable)).Should().Throw<ArgumentException>();
    }
}
