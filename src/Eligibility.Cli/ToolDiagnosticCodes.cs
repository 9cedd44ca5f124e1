namespace Eligibility.Cli;

/// <summary>
/// The diagnostic codes only the tool reports (ELIG41xx: generated files out of date, lock files given as input). The
/// example-case codes (ELIG40xx) are Eligibility.Testing's <c>CaseDiagnosticCodes</c>. Codes are permanent.
/// </summary>
internal static class ToolDiagnosticCodes
{
    /// <summary>A generated rendering (<c>docs/trials/&lt;TrialId&gt;.md</c>) differs from what <c>eligibility render</c> writes.</summary>
    public const string RenderingOutOfDate = "ELIG4101";

    /// <summary>A lock file (<c>&lt;TrialId&gt;.lock.json</c>) is missing or differs from what <c>eligibility lock</c> writes with the given terminology.</summary>
    public const string LockFileOutOfDate = "ELIG4102";

    /// <summary>A lock file (<c>*.lock.json</c>) was given where a rule file or example-case file is expected.</summary>
    public const string LockFileGivenAsInput = "ELIG4103";
}
