// The C# example of the repository's README.md, compiled: every line of the README's first C# block is a line of this
// file, in the same order (tests/Eligibility.Cli.Tests/ReadmeSampleTests.cs checks it). Run it from the repository
// root: dotnet run --project samples/Eligibility.Sample
using System;
using Eligibility;
using Eligibility.Patients;

CompilationResult compiled = RuleCompiler.CompileFile("rules/NCT07077486.json");
foreach (var diagnostic in compiled.Diagnostics)
    Console.Error.WriteLine(diagnostic);            // path(line,col): error ELIG2001: message
if (!compiled.Succeeded)
    return 1;                                       // the errors are printed above

TrialEvaluator trial = compiled.Evaluator;          // immutable, thread-safe: build once, reuse
PatientRecord patient = PatientReader.ReadFile("samples/patients/NCT07077486-no-rhc.json").EnsureSuccess(); // or InvalidInputException
foreach (var warning in AnswerCheck.Check(patient, [trial]))
    Console.Error.WriteLine(warning);               // an answer naming a criterion the trial does not have
EvaluationResult result = trial.Evaluate(patient, new DateOnly(2026, 1, 15));

Console.WriteLine($"{result.TrialId} / {result.PatientId}: {ResultJson.Name(result.Verdict)}"); // eligible | review | undetermined | ineligible
foreach (CriterionResult c in result.Criteria)
    Console.WriteLine($"{c.Id} {ResultJson.Name(c.Outcome)}: {c.Explanation}");
// result.Missing: what to collect ("ALT within the last 28 days"); c.Questions: what to ask the investigator
foreach (string missing in result.Missing)
    Console.WriteLine($"collect: {missing}");
string json = ResultJson.ToJson(result);            // the result JSON (docs/cli.md)
Console.WriteLine($"{json.Length} characters of result JSON");
return 0;
