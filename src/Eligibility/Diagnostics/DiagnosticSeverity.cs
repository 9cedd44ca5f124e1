namespace Eligibility.Diagnostics;

/// <summary>How serious a diagnostic is.</summary>
public enum DiagnosticSeverity
{
    /// <summary>Worth fixing, but the file still compiles.</summary>
    Warning,

    /// <summary>The file cannot be compiled (or the record cannot be read).</summary>
    Error,
}
