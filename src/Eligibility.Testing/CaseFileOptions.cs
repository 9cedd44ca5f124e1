using Eligibility.Patients;

namespace Eligibility.Testing;

/// <summary>How example-case files are read: the limits on their patients, and whether their paths may leave their repository.</summary>
internal sealed record CaseFileOptions
{
    /// <summary>The default limits; paths must stay inside the case file's repository.</summary>
    public static CaseFileOptions Default { get; } = new();

    /// <summary>The limits on every patient (inline or <c>patientFile</c>); default <see cref="InputLimits.Default"/>.</summary>
    public InputLimits Limits { get; init; } = InputLimits.Default;

    /// <summary>Whether <c>rules</c> and <c>patientFile</c> may name files outside the case file's repository (<c>--allow-outside-paths</c>).</summary>
    public bool AllowOutsidePaths { get; init; }
}
