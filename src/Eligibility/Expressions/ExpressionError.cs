namespace Eligibility.Expressions;

/// <summary>One reason an expression did not compile.</summary>
/// <param name="Kind">The category of the error.</param>
/// <param name="Message">A message for the rule author.</param>
/// <param name="Offset">0-based character index in the expression if known, else 0.</param>
internal sealed record ExpressionError(ExpressionErrorKind Kind, string Message, int Offset);

/// <summary>Categories of <see cref="ExpressionError"/>.</summary>
internal enum ExpressionErrorKind
{
    /// <summary>The text is not a valid expression (or is too long or too deeply nested).</summary>
    Syntax,

    /// <summary>The expression is valid but its result is not a boolean.</summary>
    NotBoolean,

    /// <summary>The expression reaches something outside the fact model and basic types.</summary>
    Forbidden,

    /// <summary>A concept argument is not a string literal.</summary>
    NonConstantConcept,
}
