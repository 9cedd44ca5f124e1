namespace Eligibility.Cli;

/// <summary>The process entry point of the <c>eligibility</c> tool.</summary>
internal static class Program
{
    /// <summary>Runs the tool on the real console.</summary>
    /// <param name="args">The command line.</param>
    /// <returns>The exit code (0 done, 1 the checked thing failed, 2 unusable input, 3 internal error, 4 interrupted screen).</returns>
    public static int Main(string[] args) => EligibilityCli.Run(args, CliConsole.ForProcess());
}
