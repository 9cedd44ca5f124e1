using System;
using System.Collections.Generic;
using System.Linq;
using RulesEngine.Models;

namespace Eligibility.Benchmarks.Comparison;

/// <summary>
/// The 14 criteria as a Microsoft RulesEngine (6.0.1) workflow over <see cref="PatientFields"/>: one lambda-expression
/// rule per criterion, as a RulesEngine user would write them, with the rule file's thresholds typed in. RulesEngine is
/// two-valued; a criterion whose input field is <c>null</c> (the record does not give the fact) is reported unknown by
/// <see cref="Execute"/>, never compared. The extraction into fields is <see cref="FieldExtractor"/>'s, measured
/// separately by the benchmarks.
/// </summary>
public sealed class RulesEngineWorkflow
{
    /// <summary>The workflow's name.</summary>
    public const string Name = "NCT07077486-14";

    private readonly RulesEngine.RulesEngine engine;

    /// <summary>Builds the engine with the workflow (RulesEngine compiles each rule on its first execution).</summary>
    public RulesEngineWorkflow() => engine = new RulesEngine.RulesEngine([Workflow()], new ReSettings());

    /// <summary>The rule expressions, in <see cref="Nct14.Criteria"/> order, over the input <c>input1</c>.</summary>
    public static IReadOnlyList<string> Expressions { get; } =
    [
        "input1.Age >= 18 && input1.Age <= 80",
        "input1.Sle",
        "input1.Ild",
        "input1.Fev1Fvc >= 60",
        "input1.Dlco >= 40",
        "input1.AltUln > 5",
        "input1.AstUln > 5",
        "input1.Egfr < 30",
        "input1.Hemoglobin < 80",
        "input1.Wbc < 2.0m",
        "input1.Platelets < 50",
        "input1.Mi6Months == true",
        "input1.Rituximab == true",
        "input1.Belimumab == true",
    ];

    /// <summary>The workflow definition.</summary>
    /// <returns>A workflow of 14 rules named after the criteria.</returns>
    public static Workflow Workflow() => new()
    {
        WorkflowName = Name,
        Rules = Expressions.Select((expression, i) => new Rule
        {
            RuleName = Nct14.Names[i],
            RuleExpressionType = RuleExpressionType.LambdaExpression,
            Expression = expression,
        }).ToList(),
    };

    /// <summary>Runs the workflow on one patient's fields.</summary>
    /// <param name="fields">The extracted facts.</param>
    /// <returns>RulesEngine's result per rule, in rule order.</returns>
    public List<RuleResultTree> Run(PatientFields fields)
    {
        var pending = engine.ExecuteAllRulesAsync(Name, new RuleParameter("input1", fields));
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Runs the workflow and reads it as three-valued truths: unknown where the field is <c>null</c>.</summary>
    /// <param name="fields">The extracted facts.</param>
    /// <param name="into">The 14 truths, in <see cref="Nct14.Criteria"/> order.</param>
    /// <exception cref="InvalidOperationException">A rule failed to run (RulesEngine reports it as an exception message).</exception>
    public void Execute(PatientFields fields, Span<Truth> into)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var results = Run(fields);
        for (int i = 0; i < results.Count; i++)
        {
            if (!string.IsNullOrEmpty(results[i].ExceptionMessage))
            {
                throw new InvalidOperationException($"rule {results[i].Rule.RuleName}: {results[i].ExceptionMessage}");
            }

            into[i] = fields.Known(i) ? Truth.From(results[i].IsSuccess) : Truth.Unknown;
        }
    }
}
