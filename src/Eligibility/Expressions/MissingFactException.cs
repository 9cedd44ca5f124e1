using System;

namespace Eligibility.Expressions;

/// <summary>
/// Thrown by <see cref="Facts"/> when an expression reads a fact the record lacks; the evaluator turns it
/// into an unknown outcome.
/// </summary>
internal sealed class MissingFactException : Exception
{
    public MissingFactException(string fact)
        : base($"Missing fact: {fact}") =>
        Fact = fact;

    /// <summary>What is missing, e.g. <c>"alt result"</c> or <c>"age (no birth date)"</c>.</summary>
    public string Fact { get; }
}
