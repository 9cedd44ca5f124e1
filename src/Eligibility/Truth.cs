using System;

namespace Eligibility;

/// <summary>
/// A three-valued truth (Kleene logic): <see cref="True"/>, <see cref="False"/> or <see cref="Unknown"/>.
/// Every rule evaluates to a <see cref="Truth"/>; unknown means the record does not say.
/// </summary>
public readonly struct Truth : IEquatable<Truth>
{
    private readonly sbyte value; // -1 false, 0 unknown, 1 true

    private Truth(sbyte value) => this.value = value;

    /// <summary>The rule holds.</summary>
    public static Truth True { get; } = new(1);

    /// <summary>The rule does not hold.</summary>
    public static Truth False { get; } = new(-1);

    /// <summary>The record does not say whether the rule holds.</summary>
    public static Truth Unknown { get; } = new(0);

    /// <summary>Whether this is <see cref="True"/>.</summary>
    public bool IsTrue => value > 0;

    /// <summary>Whether this is <see cref="False"/>.</summary>
    public bool IsFalse => value < 0;

    /// <summary>Whether this is <see cref="Unknown"/>.</summary>
    public bool IsUnknown => value == 0;

    /// <summary>Converts a two-valued answer.</summary>
    /// <param name="value">The answer.</param>
    /// <returns><see cref="True"/> or <see cref="False"/>.</returns>
    public static Truth From(bool value) => value ? True : False;

    /// <summary>Converts a nullable answer: <c>null</c> is <see cref="Unknown"/>.</summary>
    /// <param name="value">The answer, or <c>null</c> when unknown.</param>
    /// <returns>The truth.</returns>
    public static Truth From(bool? value) => value is null ? Unknown : From(value.Value);

    /// <summary>Kleene AND: false if either is false, else unknown if either is unknown.</summary>
    /// <param name="other">The other operand.</param>
    /// <returns>The conjunction.</returns>
    public Truth And(Truth other) => new(Math.Min(value, other.value));

    /// <summary>Kleene OR: true if either is true, else unknown if either is unknown.</summary>
    /// <param name="other">The other operand.</param>
    /// <returns>The disjunction.</returns>
    public Truth Or(Truth other) => new(Math.Max(value, other.value));

    /// <summary>Kleene NOT: unknown stays unknown.</summary>
    /// <returns>The negation.</returns>
    public Truth Not() => new((sbyte)-value);

    /// <summary>Kleene AND.</summary>
    /// <param name="left">Left operand.</param>
    /// <param name="right">Right operand.</param>
    /// <returns>The conjunction.</returns>
    public static Truth operator &(Truth left, Truth right) => left.And(right);

    /// <summary>Kleene OR.</summary>
    /// <param name="left">Left operand.</param>
    /// <param name="right">Right operand.</param>
    /// <returns>The disjunction.</returns>
    public static Truth operator |(Truth left, Truth right) => left.Or(right);

    /// <summary>Kleene NOT.</summary>
    /// <param name="operand">The operand.</param>
    /// <returns>The negation.</returns>
    public static Truth operator !(Truth operand) => operand.Not();

    /// <summary>Equality.</summary>
    /// <param name="left">Left operand.</param>
    /// <param name="right">Right operand.</param>
    /// <returns>Whether both are the same truth value.</returns>
    public static bool operator ==(Truth left, Truth right) => left.value == right.value;

    /// <summary>Inequality.</summary>
    /// <param name="left">Left operand.</param>
    /// <param name="right">Right operand.</param>
    /// <returns>Whether the truth values differ.</returns>
    public static bool operator !=(Truth left, Truth right) => left.value != right.value;

    /// <summary>Alternate for the <c>&amp;</c> operator.</summary>
    /// <param name="left">Left operand.</param>
    /// <param name="right">Right operand.</param>
    /// <returns>The conjunction.</returns>
    public static Truth BitwiseAnd(Truth left, Truth right) => left.And(right);

    /// <summary>Alternate for the <c>|</c> operator.</summary>
    /// <param name="left">Left operand.</param>
    /// <param name="right">Right operand.</param>
    /// <returns>The disjunction.</returns>
    public static Truth BitwiseOr(Truth left, Truth right) => left.Or(right);

    /// <summary>Alternate for the <c>!</c> operator.</summary>
    /// <param name="operand">The operand.</param>
    /// <returns>The negation.</returns>
    public static Truth LogicalNot(Truth operand) => operand.Not();

    /// <inheritdoc/>
    public bool Equals(Truth other) => value == other.value;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Truth other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => value;

    /// <summary>The JSON spelling: <c>true</c>, <c>false</c> or <c>unknown</c>.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => value switch { 1 => "true", -1 => "false", _ => "unknown" };
}
