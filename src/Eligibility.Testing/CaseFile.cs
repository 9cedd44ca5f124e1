using System;
using System.Collections.Generic;
using System.Linq;
using Eligibility.Diagnostics;
using Eligibility.Patients;

namespace Eligibility.Testing;

/// <summary>One expected per-criterion outcome of a case (<c>expect.criteria</c>).</summary>
internal sealed record ExpectedOutcome(string Id, Outcome Outcome, string Pointer, int Line, int Column);

/// <summary>One named example case: a patient, an as-of date and what the rule file must make of them.</summary>
internal sealed record ExampleCase
{
    public required string Name { get; init; }

    public string? Description { get; init; }

    /// <summary>The JSON pointer of the case object (<c>/cases/3</c>).</summary>
    public required string Pointer { get; init; }

    public int Line { get; init; }

    public int Column { get; init; }

    /// <summary>The case's as-of date, else the patient record's; <c>null</c> when neither gives one (an error).</summary>
    public DateOnly? AsOf { get; init; }

    public PatientRecord? Patient { get; init; }

    public Verdict? ExpectedVerdict { get; init; }

    public IReadOnlyList<ExpectedOutcome> ExpectedCriteria { get; init; } = Array.Empty<ExpectedOutcome>();

    /// <summary>Problems found in this case (its patient, its dates); errors stop it from running.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; init; } = Array.Empty<Diagnostic>();

    public bool CanRun => Patient is not null && AsOf is not null && !Diagnostics.Any(d => d.IsError);
}

/// <summary>An example-case file (<c>rules/&lt;TrialId&gt;.cases.json</c>), as read.</summary>
internal sealed record CaseFile
{
    public required string Path { get; init; }

    /// <summary>The rule file, resolved against the case file's folder; <c>null</c> when the file does not say.</summary>
    public string? RulesPath { get; init; }

    /// <summary>Where <c>rules</c> is in the file.</summary>
    public (int Line, int Column) RulesPosition { get; init; } = (1, 1);

    public IReadOnlyList<ExampleCase> Cases { get; init; } = Array.Empty<ExampleCase>();

    /// <summary>Problems with the file as a whole (the per-case ones are on each case).</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; init; } = Array.Empty<Diagnostic>();

    /// <summary>Whether the file could not be used at all (unreadable, not JSON, no <c>rules</c> or <c>cases</c>).</summary>
    public bool IsUnusable => RulesPath is null || Diagnostics.Any(d => d.IsError);

    public IEnumerable<Diagnostic> AllDiagnostics => Diagnostics.Concat(Cases.SelectMany(c => c.Diagnostics));
}
