using System;
using System.Collections.Generic;

namespace Eligibility.Expressions;

/// <summary>
/// An <c>expression</c> rule compiled once when its rule file loads. Immutable; <see cref="Evaluate"/> is safe to
/// call concurrently.
/// </summary>
internal sealed class CompiledExpression
{
    private readonly Func<Facts, bool> evaluate;

    internal CompiledExpression(string source, IReadOnlyList<string> referencedConcepts, Func<Facts, bool> evaluate)
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
    /// Evaluates the expression over one patient's facts.
    /// </summary>
    /// <param name="facts">The patient's facts.</param>
    /// <param name="missing">
    /// When the result is null: the fact the record lacks (e.g. <c>"alt result"</c>), or
    /// <c>"expression failed: &lt;message&gt;"</c> when evaluation failed for another reason (e.g. division by zero).
    /// </param>
    /// <returns>The expression's value, or null when it could not be decided.</returns>
    public bool? Evaluate(IFactSource facts, out string? missing)
    {
        ArgumentNullException.ThrowIfNull(facts);
        try
        {
            var result = this.evaluate(new Facts(facts));
            missing = null;
            return result;
        }
        catch (MissingFactException ex)
        {
            missing = ex.Fact;
            return null;
        }
#pragma warning disable CA1031 // Any failure of the rule author's expression makes the rule unknown, never a crash.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            missing = "expression failed: " + ex.Message;
            return null;
        }
    }
}
