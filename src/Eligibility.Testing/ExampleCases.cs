using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Eligibility.Diagnostics;
using Eligibility.Patients;

namespace Eligibility.Testing;

/// <summary>
/// Runs the example cases of a rule file (an example-case file, <c>&lt;TrialId&gt;.cases.json</c>) from a test suite: the
/// same reader and runner as <c>eligibility test</c>. Never throws for bad input: a file that cannot be read, or a rule
/// file with errors, comes back as diagnostics and failed cases.
/// </summary>
/// <example>
/// <code>
/// var run = ExampleCases.Run("rules/NCT07077486.cases.json");
/// Assert.That(run.Passed, run.FailureMessage);
/// </code>
/// </example>
public static class ExampleCases
{
    /// <summary>Reads an example-case file without running it: its diagnostics and the names of its cases.</summary>
    /// <param name="path">The example-case file.</param>
    /// <param name="options">Limits and path rules; <c>null</c> for <see cref="ExampleCaseOptions.Default"/>.</param>
    /// <returns>What was read; <see cref="CaseFileReadResult.HasErrors"/> when the file or a case cannot be used.</returns>
    public static CaseFileReadResult Load(string path, ExampleCaseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var file = CaseFileReader.Read(path, (options ?? ExampleCaseOptions.Default).ToReaderOptions());
        return new CaseFileReadResult(file.Path, file.RulesPath, file.AllDiagnostics.ToList(), file.Cases.Select(c => c.Name).ToList());
    }

    /// <summary>
    /// Reads an example-case file, compiles the rule file it names (with <see cref="ExampleCaseOptions.Compile"/>, so its
    /// lock file applies as in <c>eligibility test</c>) and runs every case.
    /// </summary>
    /// <param name="path">The example-case file.</param>
    /// <param name="options">Compile options, limits and path rules; <c>null</c> for <see cref="ExampleCaseOptions.Default"/>.</param>
    /// <returns>Every case's outcome, the coverage, and a failure message when any case failed.</returns>
    public static CaseRunResult Run(string path, ExampleCaseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= ExampleCaseOptions.Default;
        var file = CaseFileReader.Read(path, options.ToReaderOptions());
        var diagnostics = file.AllDiagnostics.ToList();
        if (file.IsUnusable)
        {
            return new CaseRunResult(file.Path, file.RulesPath, diagnostics, [], null);
        }

        var compiled = RuleCompiler.CompileFile(file.RulesPath!, options.Compile ?? CompileOptions.Default);
        if (compiled.Evaluator is not { } evaluator)
        {
            diagnostics.AddRange(compiled.Diagnostics.Where(d => d.IsError));
            diagnostics.Add(CaseFileValidator.RulesInvalid(file));
            var notRun = file.Cases.Select(c => CaseResult.NotRun(c, [CaseFileValidator.RulesInvalid(file)])).ToList();
            return new CaseRunResult(file.Path, file.RulesPath, diagnostics, notRun, null);
        }

        var ids = CriterionIds.Of(evaluator);
        var coverage = new Coverage(file.RulesPath!, evaluator);
        var cases = new List<CaseResult>();
        foreach (var exampleCase in file.Cases)
        {
            var run = CaseRunner.Run(exampleCase, evaluator, ids, file.Path);
            if (run.Result is { } result)
            {
                coverage.Add(result);
            }

            cases.Add(CaseResult.From(run));
        }

        return new CaseRunResult(file.Path, file.RulesPath, diagnostics, cases, new CaseCoverage(coverage.CoveredCells, coverage.TotalCells, coverage.Percent, coverage.Gaps().ToList()));
    }
}

/// <summary>How <see cref="ExampleCases"/> reads and runs example-case files.</summary>
public sealed record ExampleCaseOptions
{
    /// <summary>No terminology (bindings match the codes they list, plus the rule file's lock file), the default limits,
    /// and paths kept inside the case file's repository.</summary>
    public static ExampleCaseOptions Default { get; } = new();

    /// <summary>The options the rule file is compiled with; <c>null</c> for <see cref="CompileOptions.Default"/>.</summary>
    public CompileOptions? Compile { get; init; }

    /// <summary>The limits on every patient (inline or <c>patientFile</c>); default <see cref="InputLimits.Default"/>.</summary>
    public InputLimits Limits { get; init; } = InputLimits.Default;

    /// <summary>Whether <c>rules</c> and <c>patientFile</c> may name files outside the case file's repository (the git
    /// work tree holding it, else its folder); refused by default (ELIG4010).</summary>
    public bool AllowOutsidePaths { get; init; }

    internal CaseFileOptions ToReaderOptions() => new() { Limits = Limits, AllowOutsidePaths = AllowOutsidePaths };
}

/// <summary>An example-case file as read by <see cref="ExampleCases.Load"/>.</summary>
public sealed class CaseFileReadResult
{
    internal CaseFileReadResult(string path, string? rulesPath, IReadOnlyList<Diagnostic> diagnostics, IReadOnlyList<string> caseNames)
    {
        Path = path;
        RulesPath = rulesPath;
        Diagnostics = diagnostics;
        CaseNames = caseNames;
    }

    /// <summary>The case file.</summary>
    public string Path { get; }

    /// <summary>The rule file it names, resolved against its folder; <c>null</c> when it names none usable.</summary>
    public string? RulesPath { get; }

    /// <summary>Every problem found in the file and its cases (warnings included).</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>The names of its cases, in file order.</summary>
    public IReadOnlyList<string> CaseNames { get; }

    /// <summary>Whether any diagnostic is an error (then a case, or the whole file, cannot run).</summary>
    public bool HasErrors => Diagnostics.Any(d => d.IsError);
}

/// <summary>One value a case checks: its verdict or one criterion's outcome, expected against actual.</summary>
public sealed class CaseCheck
{
    internal CaseCheck(string subject, string expected, string? actual, string? explanation)
    {
        Subject = subject;
        Expected = expected;
        Actual = actual;
        Explanation = explanation;
    }

    /// <summary><c>verdict</c>, or the criterion or part ID.</summary>
    public string Subject { get; }

    /// <summary>The expected value (<c>eligible</c>, <c>pass</c>, …).</summary>
    public string Expected { get; }

    /// <summary>The actual value, <c>absent</c> when the result has no such ID, <c>null</c> when the case did not run.</summary>
    public string? Actual { get; }

    /// <summary>The explanation behind the actual value, when it differs.</summary>
    public string? Explanation { get; }

    /// <summary>Whether the actual value is the expected one.</summary>
    public bool Passed => string.Equals(Expected, Actual, StringComparison.Ordinal);
}

/// <summary>The run of one example case.</summary>
public sealed class CaseResult
{
    private CaseResult()
    {
    }

    /// <summary>The case's name.</summary>
    public string Name { get; private init; } = string.Empty;

    /// <summary>The case's description, if it has one.</summary>
    public string? Description { get; private init; }

    /// <summary>The 1-based line of the case in its file.</summary>
    public int Line { get; private init; }

    /// <summary>The 1-based column of the case in its file.</summary>
    public int Column { get; private init; }

    /// <summary>Whether the case ran and everything it expects came out as expected.</summary>
    public bool Passed { get; private init; }

    /// <summary>Every value the case checks (the verdict, then each listed criterion), expected against actual.</summary>
    public IReadOnlyList<CaseCheck> Checks { get; private init; } = [];

    /// <summary>Errors that kept the case from running (its patient, its as-of date, an unknown criterion ID).</summary>
    public IReadOnlyList<Diagnostic> Problems { get; private init; } = [];

    /// <summary>The evaluation, <c>null</c> when the case could not run.</summary>
    public EvaluationResult? Result { get; private init; }

    /// <summary>What went wrong, as <c>eligibility test</c> prints it; empty when the case passed.</summary>
    public string FailureMessage { get; private init; } = string.Empty;

    internal static CaseResult From(CaseRun run)
    {
        var c = run.Case;
        var checks = new List<CaseCheck>();
        if (c.ExpectedVerdict is { } verdict)
        {
            var miss = run.Mismatches.FirstOrDefault(m => m.Subject == "verdict");
            checks.Add(new CaseCheck("verdict", ResultJson.Name(verdict), run.Result is { } r ? ResultJson.Name(r.Verdict) : null, miss?.Explanation));
        }

        foreach (var expected in c.ExpectedCriteria)
        {
            string want = ResultJson.Name(expected.Outcome);
            var miss = run.Mismatches.FirstOrDefault(m => m.Subject == expected.Id);
            string? actual = run.Result is null ? null : miss?.Actual ?? want;
            checks.Add(new CaseCheck(expected.Id, want, actual, miss?.Explanation));
        }

        return new CaseResult
        {
            Name = c.Name,
            Description = c.Description,
            Line = c.Line,
            Column = c.Column,
            Passed = run.Passed,
            Checks = checks,
            Problems = run.Problems,
            Result = run.Result,
            FailureMessage = run.Passed ? string.Empty : Message(c, run.Problems, run.Mismatches),
        };
    }

    internal static CaseResult NotRun(ExampleCase c, IReadOnlyList<Diagnostic> problems) => new()
    {
        Name = c.Name,
        Description = c.Description,
        Line = c.Line,
        Column = c.Column,
        Passed = false,
        Problems = problems,
        FailureMessage = Message(c, problems, []),
    };

    private static string Message(ExampleCase c, IReadOnlyList<Diagnostic> problems, IReadOnlyList<Mismatch> mismatches)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"case '{c.Name}' ({c.Line},{c.Column}) failed");
        if (c.Description is { } description)
        {
            text.Append(": ").Append(description);
        }

        text.Append('\n');
        if (mismatches.Count == 0 && problems.Count > 0)
        {
            text.Append("  could not run:\n");
            foreach (var p in problems)
            {
                text.Append("    ").Append(p.Code).Append(": ").Append(p.Message).Append('\n');
            }
        }

        foreach (var m in mismatches)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {m.Subject}: expected {m.Expected}, actual {m.Actual}\n");
            if (m.Explanation is { } why)
            {
                text.Append("    ").Append(why).Append('\n');
            }
        }

        return text.ToString().TrimEnd('\n');
    }
}

/// <summary>
/// Case coverage of a rule file: of every computable top-level criterion, the pass, fail and unknown outcomes (unknown only
/// where a record can reach it) that at least one case reached. Judgement-only criteria are not counted.
/// </summary>
public sealed class CaseCoverage
{
    internal CaseCoverage(int coveredCells, int totalCells, double percent, IReadOnlyList<string> gaps)
    {
        CoveredCells = coveredCells;
        TotalCells = totalCells;
        Percent = percent;
        Gaps = gaps;
    }

    /// <summary>The (criterion, outcome) cells some case reached.</summary>
    public int CoveredCells { get; }

    /// <summary>All the cells.</summary>
    public int TotalCells { get; }

    /// <summary>Covered cells as a percentage; 100 when there is nothing computable.</summary>
    public double Percent { get; }

    /// <summary>The cells no case reached: <c>INCL01 unknown</c>, …</summary>
    public IReadOnlyList<string> Gaps { get; }
}

/// <summary>The run of an example-case file by <see cref="ExampleCases.Run"/>.</summary>
public sealed class CaseRunResult
{
    internal CaseRunResult(string path, string? rulesPath, IReadOnlyList<Diagnostic> diagnostics, IReadOnlyList<CaseResult> cases, CaseCoverage? coverage)
    {
        Path = path;
        RulesPath = rulesPath;
        Diagnostics = diagnostics;
        Cases = cases;
        Coverage = coverage;
    }

    /// <summary>The case file.</summary>
    public string Path { get; }

    /// <summary>The rule file it names, resolved against its folder; <c>null</c> when it names none usable.</summary>
    public string? RulesPath { get; }

    /// <summary>Problems with the file, its cases and (when it has errors) the rule file.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>Every case, in file order (none when the file could not be used).</summary>
    public IReadOnlyList<CaseResult> Cases { get; }

    /// <summary>The case coverage of the rule file; <c>null</c> when the cases could not run.</summary>
    public CaseCoverage? Coverage { get; }

    /// <summary>Whether the file was usable, had at least one case, and every case passed.</summary>
    public bool Passed => Cases.Count > 0 && Cases.All(c => c.Passed) && !Diagnostics.Any(d => d.IsError);

    /// <summary>The failing cases' messages (or the file's errors); empty when <see cref="Passed"/>.</summary>
    public string FailureMessage
    {
        get
        {
            if (Passed)
            {
                return string.Empty;
            }

            var parts = new List<string>();
            if (Cases.Count == 0 || Cases.All(c => c.Passed))
            {
                parts.Add($"{Path}: " + string.Join("\n  ", Diagnostics.Where(d => d.IsError).Select(d => d.ToString()).DefaultIfEmpty("no cases ran")));
            }

            parts.AddRange(Cases.Where(c => !c.Passed).Select(c => $"{Path}: {c.FailureMessage}"));
            return string.Join("\n", parts);
        }
    }
}
