using System.Text;
using Eligibility.Diagnostics;
using Eligibility.Tests.Support;

namespace Eligibility.Tests.Api;

/// <summary>The compiler's inputs have the readers' shape: <c>CompileText(json, fileName = null, options = null)</c>,
/// <c>Compile(stream, …)</c>, <c>CompileAsync(stream, …, cancellationToken)</c>; a stream has the file's byte cap.</summary>
public class CompilerOverloadTests
{
    private static byte[] Demo => File.ReadAllBytes(TestTrial.DemoPath);

    [Test]
    public async Task Text_stream_and_async_stream_compile_the_same_file()
    {
        var expected = RuleCompiler.CompileText(Encoding.UTF8.GetString(Demo), "DEMO-1.json");
        expected.Succeeded.Should().BeTrue(string.Join("\n", expected.Diagnostics));

        foreach (var compiled in new[]
        {
            RuleCompiler.Compile(new TrickleStream(Demo), "DEMO-1.json"),
            await RuleCompiler.CompileAsync(new TrickleStream(Demo), "DEMO-1.json"),
            await RuleCompiler.CompileAsync(new MemoryStream(Demo), "DEMO-1.json", CompileOptions.Default, CancellationToken.None),
        })
        {
            compiled.Succeeded.Should().BeTrue();
            compiled.Diagnostics.Select(d => d.ToString()).Should().Equal(expected.Diagnostics.Select(d => d.ToString()));
            compiled.Evaluator!.Criteria.Select(c => c.Id).Should().Equal(expected.Evaluator!.Criteria.Select(c => c.Id));
        }
    }

    [Test]
    public async Task A_stream_over_the_rule_file_cap_is_ELIG0003()
    {
        string expected = $"big.json: error ELIG0003: the input holds more than {RuleCompiler.MaxFileBytes} bytes; rule files are limited to {RuleCompiler.MaxFileBytes} bytes";
        RuleCompiler.Compile(TrickleStream.Endless(RuleCompiler.MaxFileBytes + 1), "big.json").Diagnostics.Single().ToString().Should().Be(expected);
        (await RuleCompiler.CompileAsync(TrickleStream.Endless(RuleCompiler.MaxFileBytes + 1), "big.json")).Diagnostics.Single().ToString().Should().Be(expected);
        RuleCompiler.Compile(new MemoryStream(new byte[RuleCompiler.MaxFileBytes + 1]), "big.json").Diagnostics.Single().Code.Should().Be(DiagnosticCodes.InputTooLarge);
    }

    [Test]
    public async Task A_cancelled_compile_throws_OperationCanceledException()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await FluentActions.Awaiting(() => RuleCompiler.CompileAsync(new MemoryStream(Demo), cancellationToken: cancelled.Token))
            .Should().ThrowAsync<OperationCanceledException>();

        using var later = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await FluentActions.Awaiting(() => RuleCompiler.CompileAsync(new TrickleStream(Demo, chunk: 64, stallAfter: 256), "DEMO-1.json", null, later.Token))
            .Should().ThrowAsync<OperationCanceledException>();
    }
}
