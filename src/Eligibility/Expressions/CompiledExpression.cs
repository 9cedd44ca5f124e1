using System;
using System.Collections.Generic;
using System.Linq;

namespace Eligibility.Expressions;

/// <summary>
/// An <c>expression</c> rule compiled once when its rule file loads, to three-valued code (see
/// <see cref="ThreeValuedRewriter"/>). Immutable; <see cref="Evaluate"/> is safe to call concurrently.
/// </summary>
internal sealed class CompiledExpression
{
    private static readonly IReadOnlyList<string> None = [];

    private readonly Func<Facts, Tri<bool>> evaluate;

    internal CompiledExpression(string source, IReadOnlyList<string> referencedConcepts, Func<Facts, Tri<bool>> evaluate)
    {
        this.Source = source;
        this.ReferencedConcepts = referencedConcepts;
        this.evaluate = evaluate;
    }

    /// <summary>The expression text as written in the rule file.</summary>
    public string Source { get; }

    /// <summary>
    /// The concept names passed to <c>Value</c>, <c>Uln</c>, <c>HasCondition</c>, <c>HasActiveCondition</c> and
    /// <c>OnMedication</c> (always string literals), distinct, in the order they appear.
    /// </summary>
    public IReadOnlyList<string> ReferencedConcepts { get; }

    /// <summary>
    /// Evaluates the expression over one patient's facts. Missing data never throws: it makes the parts that read it
    /// unknown, combined with Kleene logic.
    /// </summary>
    /// <param name="facts">The patient's facts.</param>
    /// <param name="missing">
    /// When the result is null: every missing fact that mattered (e.g. <c>"alt result"</c>), and
    /// <c>"expression failed: &lt;reason&gt;"</c> for each part that could not be computed (e.g. division by zero),
    /// distinct, in the order met. Empty when the result is known.
    /// </param>
    /// <returns>The expression's value, or null when it is unknown.</returns>
    public bool? Evaluate(IFactSource facts, out IReadOnlyList<string> missing)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var model = new Facts(facts);
        if (Run(model, out var result) is { } failure)
        {
            missing = ["expression failed: " + failure];
            return null;
        }

        if (result.Known)
        {
            missing = None;
            return result.Value;
        }

        missing = model.Missing.Count == 0 ? ["expression facts"] : model.Missing.Distinct(StringComparer.Ordinal).ToList();
        return null;
    }

    /// <summary>
    /// The verdict path: the value <see cref="Evaluate"/> gives for the same facts (the same compiled code run once),
    /// without the list of missing facts or the failure message.
    /// </summary>
    /// <param name="facts">The patient's facts.</param>
    /// <returns>The expression's value, or null when it is unknown.</returns>
    public bool? Decide(IFactSource facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return Run(new Facts(facts, recordMissing: false), out var result) is null && result.Known ? result.Value : null;
    }

    /// <summary>Runs the compiled code once: null with its result, or the message of the failure that made it unknown.</summary>
    private string? Run(Facts model, out Tri<bool> result)
    {
        try
        {
            result = this.evaluate(model);
            return null;
        }
#pragma warning disable CA1031 // The generated code catches every failure of an operation; anything else still makes the rule unknown, never a crash.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            result = default;
            return ex.Message;
        }
    }
}
