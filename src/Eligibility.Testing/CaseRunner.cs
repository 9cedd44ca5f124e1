using System.Collections.Generic;
using System.Linq;
using Eligibility.Diagnostics;

namespace Eligibility.Testing;

/// <summary>One difference between what a case expects and what the rule file gives.</summary>
/// <param name="Subject"><c>verdict</c>, or the criterion or part ID.</param>
/// <param name="Expected">The expected value.</param>
/// <param name="Actual">The actual value (<c>absent</c> when the ID is not in the result).</param>
/// <param name="Explanation">The explanation behind the actual value.</param>
internal sealed record Mismatch(string Subject, string Expected, string Actual, string? Explanation);

/// <summary>The run of one case.</summary>
internal sealed record CaseRun(ExampleCase Case, EvaluationResult? Result, IReadOnlyList<Mismatch> Mismatches, IReadOnlyList<Diagnostic> Problems)
{
    public bool Passed => Result is not null && Mismatches.Count == 0 && !Problems.Any(p => p.IsError);
}

/// <summary>Runs example cases against a compiled trial and compares the verdict and the listed outcomes.</summary>
internal static class CaseRunner
{
    public static CaseRun Run(ExampleCase exampleCase, TrialEvaluator evaluator, IReadOnlySet<string> knownIds, string caseFilePath)
    {
        var problems = exampleCase.Diagnostics.Where(d => d.IsError).ToList();
        foreach (var expected in exampleCase.ExpectedCriteria.Where(e => !knownIds.Contains(e.Id)))
        {
            problems.Add(UnknownCriterion(expected, evaluator.Trial.Id, exampleCase, caseFilePath));
        }

        if (!exampleCase.CanRun || problems.Count > 0)
        {
            return new CaseRun(exampleCase, null, [], problems);
        }

        var result = evaluator.Evaluate(exampleCase.Patient!, exampleCase.AsOf!.Value);
        var mismatches = new List<Mismatch>();
        if (exampleCase.ExpectedVerdict is { } verdict && verdict != result.Verdict)
        {
            // What decides a verdict: failing criteria, then those with data missing, then those awaiting the investigator.
            string why = string.Join(" ", result.Criteria
                .Where(c => c.Outcome is Outcome.Fail or Outcome.Unknown or Outcome.Review)
                .OrderBy(c => c.Outcome switch { Outcome.Fail => 0, Outcome.Unknown => 1, _ => 2 })
                .Select(c => $"{c.Id} {ResultJson.Name(c.Outcome)}: {c.Explanation}"));
            mismatches.Add(new Mismatch("verdict", ResultJson.Name(verdict), ResultJson.Name(result.Verdict), why.Length > 0 ? why : null));
        }

        foreach (var expected in exampleCase.ExpectedCriteria)
        {
            var actual = CriterionIds.Find(result.Criteria, expected.Id);
            if (actual is null)
            {
                mismatches.Add(new Mismatch(expected.Id, ResultJson.Name(expected.Outcome), "absent", "the result has no criterion or part with this ID"));
            }
            else if (actual.Outcome != expected.Outcome)
            {
                mismatches.Add(new Mismatch(expected.Id, ResultJson.Name(expected.Outcome), ResultJson.Name(actual.Outcome), actual.Explanation));
            }
        }

        return new CaseRun(exampleCase, result, mismatches, problems);
    }

    public static Diagnostic UnknownCriterion(ExpectedOutcome expected, string trialId, ExampleCase exampleCase, string caseFilePath) => new Diagnostic(
        code: CaseDiagnosticCodes.CaseUnknownCriterion,
        severity: DiagnosticSeverity.Error,
        message: $"case '{exampleCase.Name}' expects an outcome for {expected.Id}, which trial {trialId} does not have",
        file: caseFilePath,
        line: expected.Line,
        column: expected.Column,
        pointer: expected.Pointer);
}
