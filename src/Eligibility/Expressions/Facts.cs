using System;
using System.Collections.Generic;

namespace Eligibility.Expressions;

/// <summary>
/// The read-only fact model that an <c>expression</c> rule is written against. Expressions name its members directly
/// (the instance is the expression's implicit <c>it</c>), for example
/// <c>Value("alt") / Uln("alt") &gt; 3 &amp;&amp; Age &gt;= 65</c>. Concept arguments must be string literals naming
/// concepts declared in the rule file.
/// </summary>
/// <remarks>
/// <para>
/// The members declare the names and types an expression sees. An expression is compiled to three-valued code: a fact
/// the record lacks is <em>unknown</em>, never an error, and unknown spreads the way it does through <c>all</c>,
/// <c>any</c> and <c>not</c> rules. A comparison, arithmetic, a method call or <c>? :</c> with an unknown operand (or
/// condition) is unknown; <c>&amp;&amp;</c> and <c>||</c> follow Kleene logic in either order (<c>false &amp;&amp;
/// unknown</c> is false, <c>true || unknown</c> is true); <c>!unknown</c> is unknown. Division by zero and arithmetic
/// overflow are unknown too.
/// </para>
/// <para>
/// Instances exist only while the evaluator runs a compiled expression; no public API hands one out. Read outside an
/// expression, a member whose fact the record lacks throws <see cref="InvalidOperationException"/>.
/// </para>
/// </remarks>
internal sealed class Facts
{
    private const string Failed = "expression failed: ";

    private readonly IFactSource source;
    private readonly List<string>? missing;

    /// <summary>The fact model over one record's facts.</summary>
    /// <param name="source">The facts of the record.</param>
    /// <param name="recordMissing">
    /// Whether to keep <see cref="Missing"/>: false on the verdict path, where only the value counts (the list never
    /// changes a value, the compiled code only marks and trims it).
    /// </param>
    internal Facts(IFactSource source, bool recordMissing = true)
    {
        ArgumentNullException.ThrowIfNull(source);
        this.source = source;
        missing = recordMissing ? [] : null;
    }

    /// <summary>Completed years at the as-of date. Unknown when the record has no birth date.</summary>
    /// <exception cref="InvalidOperationException">Read outside an expression, and the record has no birth date.</exception>
    public int Age => Require(ReadAge());

    /// <summary>Administrative sex: <c>"female"</c>, <c>"male"</c> or <c>"other"</c>. Unknown when absent.</summary>
    /// <exception cref="InvalidOperationException">Read outside an expression, and the record has no sex.</exception>
    public string Sex => Require(ReadSex());

    /// <summary>
    /// The facts the record lacks that left the expression unknown, and any evaluation failure
    /// (<c>"expression failed: division by zero"</c>), in the order they were met; may repeat.
    /// </summary>
    internal IReadOnlyList<string> Missing => (IReadOnlyList<string>?)missing ?? [];

    /// <summary>
    /// The latest valid result of a measurement concept in the default lookback, in the concept's <c>unit</c>.
    /// Unknown when there is no such result or it cannot be converted to that unit.
    /// </summary>
    /// <param name="concept">A concept name declared in the rule file (a string literal).</param>
    /// <returns>The result value.</returns>
    /// <exception cref="InvalidOperationException">Read outside an expression, and there is no such result.</exception>
    public decimal Value(string concept) => Require(ReadValue(concept));

    /// <summary>
    /// The upper limit of normal applying to the latest result of a concept, in the concept's unit: the result's
    /// reference range, else the rule file's default for the concept. Unknown when no positive ULN applies.
    /// </summary>
    /// <param name="concept">A concept name declared in the rule file (a string literal).</param>
    /// <returns>The upper limit of normal, in the concept's unit.</returns>
    /// <exception cref="InvalidOperationException">Read outside an expression, and no ULN applies.</exception>
    public decimal Uln(string concept) => Require(ReadUln(concept));

    /// <summary>
    /// Whether the record has a condition of the concept with onset on or before as-of (refuted and entered-in-error
    /// records never count), exactly as a <c>condition</c> rule's history.
    /// </summary>
    /// <param name="concept">A concept name declared in the rule file (a string literal).</param>
    /// <returns><see langword="true"/> when such a condition is recorded.</returns>
    /// <exception cref="InvalidOperationException">Read outside an expression, and the answer is unknown.</exception>
    public bool HasCondition(string concept) => Require(ReadHasCondition(concept));

    /// <summary>Whether a condition of the concept is active at the as-of date, exactly as an <c>active</c> condition rule.</summary>
    /// <param name="concept">A concept name declared in the rule file (a string literal).</param>
    /// <returns><see langword="true"/> when such a condition is active.</returns>
    /// <exception cref="InvalidOperationException">Read outside an expression, and the answer is unknown.</exception>
    public bool HasActiveCondition(string concept) => Require(ReadHasActiveCondition(concept));

    /// <summary>
    /// Whether an exposure to a medication of the concept contains the as-of date, exactly as a <c>current</c>
    /// medication rule. Unknown when a matching record has no usable start date and none is current.
    /// </summary>
    /// <param name="concept">A concept name declared in the rule file (a string literal).</param>
    /// <returns><see langword="true"/> when the patient is on the medication at as-of.</returns>
    /// <exception cref="InvalidOperationException">Read outside an expression, and the answer is unknown.</exception>
    public bool OnMedication(string concept) => Require(ReadOnMedication(concept));

    // ------------------------------------------------------------------ called by the compiled three-valued code

    internal Tri<int> ReadAge() => Read(source.Age, "age (no birth date)");

    internal Tri<string> ReadSex() => source.Sex is { } sex ? new Tri<string>(sex) : Unknown<string>("sex");

    internal Tri<decimal> ReadValue(string concept) => Read(source.Value(concept), concept, " result");

    internal Tri<decimal> ReadUln(string concept) => Read(source.Uln(concept), concept, " upper limit of normal");

    internal Tri<bool> ReadHasCondition(string concept) => Read(source.HasCondition(concept), concept, " condition");

    internal Tri<bool> ReadHasActiveCondition(string concept) => Read(source.HasActiveCondition(concept), concept, " active condition");

    internal Tri<bool> ReadOnMedication(string concept) => Read(source.OnMedication(concept), concept, " medication");

    /// <summary>How many missing facts are recorded so far.</summary>
    internal int Mark() => missing?.Count ?? 0;

    /// <summary>
    /// Forgets the missing facts recorded since <paramref name="mark"/>: the part that read them turned out known
    /// (<c>false &amp;&amp; unknown</c>), so they did not matter.
    /// </summary>
    internal void Forget(int mark) => missing?.RemoveRange(mark, missing.Count - mark);

    /// <summary>Records why a part could not be evaluated (a division by zero) and makes it unknown.</summary>
    internal Tri<T> Fail<T>(string reason)
    {
        missing?.Add(Failed + reason);
        return default;
    }

    /// <summary>Records an exception that an operation threw despite the guards and makes the part unknown.</summary>
    internal Tri<T> Failure<T>(Exception exception) => Fail<T>(exception switch
    {
        OverflowException => "arithmetic overflow",
        DivideByZeroException => "division by zero",
        _ => exception.Message,
    });

    private static T Require<T>(Tri<T> fact) =>
        fact.Known ? fact.Value : throw new InvalidOperationException("The record does not establish this fact; in an expression rule it is unknown.");

    private Tri<T> Read<T>(T? value, string fact)
        where T : struct =>
        value is { } known ? new Tri<T>(known) : Unknown<T>(fact);

    // The missing fact is worded (concept + what) only when it is missing and the list is kept.
    private Tri<T> Read<T>(T? value, string concept, string what)
        where T : struct
    {
        if (value is { } known)
        {
            return new Tri<T>(known);
        }

        missing?.Add(concept + what);
        return default;
    }

    private Tri<T> Unknown<T>(string fact)
    {
        missing?.Add(fact);
        return default;
    }
}
