using System;
using System.Globalization;
using Eligibility;
using Eligibility.Patients;

// Usage: Eligibility.Sample <rules.json> <patient.json> [yyyy-MM-dd]
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Eligibility.Sample <rules.json> <patient.json> [as-of yyyy-MM-dd]");
    return 2;
}

CompilationResult compiled = RuleCompiler.CompileFile(args[0]);
foreach (var diagnostic in compiled.Diagnostics)
{
    Console.Error.WriteLine(diagnostic); // path(line,col): error ELIG2001: message
}

if (compiled.Evaluator is not { } trial)
{
    return 1;
}

PatientReadResult read = PatientReader.ReadFile(args[1]);
if (read.Patient is not { } patient)
{
    foreach (var diagnostic in read.Diagnostics)
    {
        Console.Error.WriteLine(diagnostic);
    }

    return 2;
}

// An answer naming a criterion the trial does not have (or a computed part) would otherwise be ignored silently.
foreach (var warning in AnswerCheck.Check(patient, [trial]))
{
    Console.Error.WriteLine(warning); // patient.json(40,7): warning ELIG3006: the answer to 'NCT07077486/INCL09' names …
}

DateOnly asOf = args.Length > 2
    ? DateOnly.ParseExact(args[2], "yyyy-MM-dd", CultureInfo.InvariantCulture)
    : patient.AsOf ?? throw new InvalidOperationException("give an as-of date: the patient record has none");

EvaluationResult result = trial.Evaluate(patient, asOf);
// eligible | review (only the investigator's answers are missing) | undetermined (data missing) | ineligible
Console.WriteLine($"{result.Trial} / {result.Patient} as of {result.AsOf:yyyy-MM-dd}: {ResultJson.Name(result.Verdict)}");
foreach (CriterionResult criterion in result.Criteria)
{
    Console.WriteLine($"  {criterion.Id,-7} {ResultJson.Name(criterion.Outcome),-8} {criterion.Explanation}");
    foreach (string question in criterion.Questions)
    {
        Console.WriteLine($"          ask the investigator: {question}");
    }
}

foreach (string missing in result.Missing)
{
    Console.WriteLine($"  collect: {missing}"); // e.g. "ALT within the last 28 days"
}

return 0;
