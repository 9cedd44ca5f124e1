namespace Eligibility.Cli;

/// <summary>The exit codes of every command (docs/cli.md).</summary>
internal static class ExitCodes
{
    /// <summary>Done, whatever the verdicts.</summary>
    public const int Success = 0;

    /// <summary>The checked thing failed: validation errors, failing rule tests, an out-of-date rendering.</summary>
    public const int Failed = 1;

    /// <summary>Unusable input or arguments.</summary>
    public const int BadInput = 2;

    /// <summary>Internal error.</summary>
    public const int InternalError = 3;

    /// <summary>Interrupted (SIGINT or SIGTERM): <c>screen</c> finished the records in flight, kept what was done and can resume.</summary>
    public const int Interrupted = 4;
}
