using System;

namespace Eligibility.Expressions;

/// <summary>
/// The read-only fact model that an <c>expression</c> rule is evaluated against. Expressions name its
/// members directly (the instance is the expression's implicit <c>it</c>), for example
/// <c>Value("alt") / Uln("alt") &gt; 3 &amp;&amp; Age &gt;= 65</c>. Concept arguments must be string literals naming
/// concepts declared in the rule file. When the record lacks a fact that the expression reads, the rule is
/// unknown.
/// </summary>
public sealed class Facts
{
    private readonly IFactSource source;

    internal Facts(IFactSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        this.source = source;
    }

    /// <summary>Completed years at the as-of date. Unknown when the record has no birth date.</summary>
    public int Age => this.source.Age ?? throw new MissingFactException("age (no birth date)");

    /// <summary>Administrative sex: <c>"female"</c>, <c>"male"</c> or <c>"other"</c>. Unknown when absent.</summary>
    public string Sex => this.source.Sex ?? throw new MissingFactException("sex");

    /// <summary>
    /// The latest valid result of a measurement concept in the default lookback, in the concept's <c>unit</c>.
    /// Unknown when there is no such result.
    /// </summary>
    /// <param name="concept">A concept name declared in the rule file (a string literal).</param>
    /// <returns>The result value.</returns>
    public decimal Value(string concept) =>
        this.source.Value(concept) ?? throw new MissingFactException($"{concept} result");

    /// <summary>
    /// The upper limit of normal applying to the latest result of a concept: the result's reference range,
    /// else the concept's default. Unknown when no ULN applies.
    /// </summary>
    /// <param name="concept">A concept name declared in the rule file (a string literal).</param>
    /// <returns>The upper limit of normal, in the concept's unit.</returns>
    public decimal Uln(string concept) =>
        this.source.Uln(concept) ?? throw new MissingFactException($"{concept} upper limit of normal");

    /// <summary>Whether the record has a non-refuted condition of the concept with onset on or before as-of.</summary>
    /// <param name="concept">A concept name declared in the rule file (a string literal).</param>
    /// <returns><see langword="true"/> when such a condition is recorded.</returns>
    public bool HasCondition(string concept) =>
        this.source.HasCondition(concept) ?? throw new MissingFactException($"{concept} condition");

    /// <summary>Whether a condition of the concept is active at the as-of date.</summary>
    /// <param name="concept">A concept name declared in the rule file (a string literal).</param>
    /// <returns><see langword="true"/> when such a condition is active.</returns>
    public bool HasActiveCondition(string concept) =>
        this.source.HasActiveCondition(concept) ?? throw new MissingFactException($"{concept} active condition");

    /// <summary>Whether an exposure to a medication of the concept contains the as-of date.</summary>
    /// <param name="concept">A concept name declared in the rule file (a string literal).</param>
    /// <returns><see langword="true"/> when the patient is on the medication at as-of.</returns>
    public bool OnMedication(string concept) =>
        this.source.OnMedication(concept) ?? throw new MissingFactException($"{concept} medication");
}
