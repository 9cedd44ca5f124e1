namespace Eligibility.Testing;

/// <summary>
/// Permanent codes for problems in example-case files (ELIG40xx); the tool's own ELIG41xx codes are in the tool. Like the
/// core's codes, they never change meaning and are never reused.
/// </summary>
internal static class CaseDiagnosticCodes
{
    /// <summary>The example-case file does not have the required structure (a field missing, of the wrong type or value).</summary>
    public const string CaseFileInvalid = "ELIG4001";

    /// <summary>The rule file named by <c>rules</c> does not exist.</summary>
    public const string CaseRulesMissing = "ELIG4002";

    /// <summary><c>expect.criteria</c> names a criterion or part ID that the rule file does not have.</summary>
    public const string CaseUnknownCriterion = "ELIG4003";

    /// <summary>A case has no patient: neither <c>patient</c> nor <c>patientFile</c>, both, or a <c>patientFile</c> that does not exist.</summary>
    public const string CasePatientMissing = "ELIG4004";

    /// <summary>Neither the case nor its patient record gives an as-of date (cases must be reproducible).</summary>
    public const string CaseNoAsOf = "ELIG4005";

    /// <summary>Two cases in one file share a name.</summary>
    public const string CaseDuplicateName = "ELIG4006";

    /// <summary>A property is not part of the example-case format (a typo, usually): an error, so that a misspelt
    /// expectation cannot pass by checking nothing.</summary>
    public const string CaseUnknownProperty = "ELIG4007";

    /// <summary>A case expects nothing (no verdict and no criteria): it could never fail.</summary>
    public const string CaseExpectsNothing = "ELIG4008";

    /// <summary>The rule file named by <c>rules</c> has errors, so the cases cannot run.</summary>
    public const string CaseRulesInvalid = "ELIG4009";

    /// <summary><c>rules</c> or <c>patientFile</c> names a path outside the case file's repository (the git work tree that
    /// holds it, else its folder), symbolic links resolved; <c>--allow-outside-paths</c> allows it.</summary>
    public const string CasePathOutside = "ELIG4010";
}
