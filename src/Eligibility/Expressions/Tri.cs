namespace Eligibility.Expressions;

/// <summary>
/// The value of one part of a compiled expression under three-valued logic: known, with its value (which may itself be
/// <see langword="null"/>, e.g. a string), or unknown. <c>default</c> is unknown. Only the code that
/// <see cref="ThreeValuedRewriter"/> generates creates and reads these.
/// </summary>
/// <typeparam name="T">The type the part has in the expression as written.</typeparam>
internal readonly struct Tri<T>
{
    /// <summary>Whether the value is known.</summary>
    public readonly bool Known;

    /// <summary>The value; meaningful only when <see cref="Known"/>.</summary>
    public readonly T Value;

    /// <summary>A known value.</summary>
    public Tri(T value)
    {
        Known = true;
        Value = value;
    }
}
