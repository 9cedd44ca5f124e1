namespace Eligibility.Cli.Tests;

[TestFixture]
public sealed class GeneralTests
{
    [TestCase("evaluate")]
    [TestCase("validate")]
    [TestCase("test")]
    [TestCase("screen")]
    [TestCase("render")]
    [TestCase("lock")]
    public void Every_command_has_help_with_examples(string command)
    {
        var r = CliRunner.Run(command, "--help");

        r.ExitCode.Should().Be(0, r.ToString());
        r.Out.Should().Contain("Usage:").And.Contain($"eligibility {command}");
        r.Out.Should().Contain("Examples:");
        r.OutLines.Count(l => l.TrimStart().StartsWith($"eligibility {command} ", StringComparison.Ordinal)).Should().BeGreaterThanOrEqualTo(2);
        r.Err.Should().BeEmpty();
    }

    [Test]
    public void Root_help_lists_every_command()
    {
        var r = CliRunner.Run("--help");

        r.ExitCode.Should().Be(0);
        r.Out.Should().Contain("eligibility [command] [options]");
        foreach (string command in new[] { "evaluate", "validate", "test", "screen", "render", "lock" })
        {
            r.Out.Should().Contain("  " + command);
        }
    }

    [Test]
    public void Version_prints_the_version()
    {
        var r = CliRunner.Run("--version");

        r.ExitCode.Should().Be(0);
        r.Out.Trim().Should().MatchRegex(@"^\d+\.\d+\.\d+");
    }

    [TestCase("")]
    [TestCase("frobnicate")]
    [TestCase("--nope")]
    [TestCase("evaluate extra-argument --rules x --patient y")]
    public void Unknown_or_missing_commands_exit_2(string commandLine)
    {
        var r = CliRunner.Run(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        r.ExitCode.Should().Be(2);
        r.Err.Should().Contain("eligibility: error:");
    }

    [Test]
    public void An_unexpected_exception_exits_3_with_one_line_and_no_stack_trace()
    {
        using var stderr = new StringWriter { NewLine = "\n" };
        using var stdout = new ThrowingWriter();
        int code = EligibilityCli.Run(
            ["evaluate", "--rules", TestPaths.TinyRules, "--patient", TestPaths.Fixture("patients", "tiny-eligible.json"), "--format", "json"],
            new CliConsole(stdout, stderr, CliRunner.Today));

        code.Should().Be(3);
        stderr.ToString().Should().Be("eligibility: internal error: IOException: the disk is on fire (this is a bug in eligibility, not a problem with your input: please report it)\n");
    }

    [Test]
    public void The_public_entry_point_runs_commands()
    {
        var r = CliRunner.RunPublic("validate", TestPaths.TinyRules);

        r.ExitCode.Should().Be(0, r.ToString());
        r.Out.Should().Contain("1 file(s) checked");
    }

    private sealed class ThrowingWriter : StringWriter
    {
        public override void Write(string? value) => throw new IOException("the disk is on fire");

        public override void WriteLine(string? value) => throw new IOException("the disk is on fire");
    }
}
