using Eligibility.Diagnostics;
namespace Eligibility;

/// <summary>How serious a diagnostic is.</summary>
public enum DiagnosticSeverity
{
    /// <summary>Worth fixing, but the file still compiles.</summary>
    Warning,

    /// <summary>The file cannot be compiled (or the record cannot be read).</summary>
    Error,

    /// <summary>Information about how the file was compiled (e.g. which codes a binding matches); nothing to fix.</summary>
    Info,
}
