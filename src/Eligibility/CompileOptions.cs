using Eligibility.Codes;

namespace Eligibility;

/// <summary>How <see cref="RuleCompiler"/> resolves concept bindings. Immutable; share one instance.</summary>
/// <remarks>An input: a record (init-only, with value equality) because it is a value an application constructs — by
/// hand, from its own store, or with <c>with</c> — and passes in. Immutable: share one instance.</remarks>
public sealed record CompileOptions
{
    /// <summary>The defaults: no terminology; a lock file beside the rule file is used when present.</summary>
    public static CompileOptions Default { get; } = new();

    /// <summary>
    /// The code hierarchies and value sets to expand bindings with (see <see cref="Terminology"/>), or <c>null</c>:
    /// then SNOMED CT and RxNorm bindings match the codes the rule file lists, plus those its lock file pins.
    /// </summary>
    public Terminology? Terminology { get; init; }

    /// <summary>
    /// Whether <see cref="RuleCompiler.CompileFile(string, CompileOptions?)"/> reads the lock file beside the rule file
    /// (<c>&lt;TrialId&gt;.lock.json</c>, see <see cref="RuleCompiler.LockFilePath"/>). With a terminology the lock is only
    /// checked (a difference is a warning); without one its codes are used. Default <c>true</c>.
    /// </summary>
    public bool UseLockFile { get; init; } = true;
}
