using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Eligibility.Diagnostics;

namespace Eligibility.Testing;

/// <summary>
/// What <c>validate</c> checks in an example-case file: its structure, that its patients parse, that its rule file
/// exists and compiles, and that every criterion ID in <c>expect</c> exists in that rule file.
/// </summary>
internal static class CaseFileValidator
{
    public sealed record Result(IReadOnlyList<Diagnostic> Diagnostics, string? RulesPath);

    public static Result Validate(string path, Func<string, CompilationResult> compile, CaseFileOptions? options = null)
    {
        var file = CaseFileReader.Read(path, options ?? CaseFileOptions.Default);
        var diagnostics = file.AllDiagnostics.ToList();
        if (file.RulesPath is not { } rules || !File.Exists(rules))
        {
            return new Result(diagnostics, file.RulesPath);
        }

        var compiled = compile(rules);
        if (compiled.Evaluator is not { } evaluator)
        {
            diagnostics.Add(RulesInvalid(file));
            return new Result(diagnostics, rules);
        }

        var ids = CriterionIds.Of(evaluator);
        foreach (var c in file.Cases)
        {
            foreach (var expected in c.ExpectedCriteria.Where(e => !ids.Contains(e.Id)))
            {
                diagnostics.Add(CaseRunner.UnknownCriterion(expected, evaluator.Trial.Id, c, path));
            }
        }

        return new Result(diagnostics, rules);
    }

    public static Diagnostic RulesInvalid(CaseFile file) => new Diagnostic(
        code: CaseDiagnosticCodes.CaseRulesInvalid,
        severity: DiagnosticSeverity.Error,
        message: $"the rule file {file.RulesPath} has errors, so these cases cannot run",
        file: file.Path,
        line: file.RulesPosition.Line,
        column: file.RulesPosition.Column,
        pointer: "/rules");
}
