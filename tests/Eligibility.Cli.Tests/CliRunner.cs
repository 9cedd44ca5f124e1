namespace Eligibility.Cli.Tests;

/// <summary>The outcome of one in-process run of the tool.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Err)
{
    public string[] OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public string[] ErrLines => Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Err}";
}

/// <summary>Runs the tool in-process with string writers (no colour, no progress bar, fixed width).</summary>
internal static class CliRunner
{
    /// <summary>The "today" used in-process, so the as-of fallback is deterministic.</summary>
    public static readonly DateOnly Today = new(2030, 1, 2);

    public static CliResult Run(params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        int code = EligibilityCli.Run(args, new CliConsole(stdout, stderr, Today));
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Through the overload that takes plain writers (the tool is no public API; its types are internal).</summary>
    public static CliResult RunPublic(params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        int code = EligibilityCli.Run(args, stdout, stderr);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }
}
