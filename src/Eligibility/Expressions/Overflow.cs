using System;

namespace Eligibility.Expressions;

/// <summary>
/// Whether integer arithmetic in a compiled expression would overflow, checked before it is done so that overflow is
/// an unknown with a reason ("expression failed: arithmetic overflow") without relying on an exception.
/// </summary>
internal static class Overflow
{
    public static bool Add(int a, int b) => (long)a + b is < int.MinValue or > int.MaxValue;

    public static bool Add(long a, long b) => b > 0 ? a > long.MaxValue - b : a < long.MinValue - b;

    public static bool Subtract(int a, int b) => (long)a - b is < int.MinValue or > int.MaxValue;

    public static bool Subtract(long a, long b) => b > 0 ? a < long.MinValue + b : a > long.MaxValue + b;

    public static bool Multiply(int a, int b) => (long)a * b is < int.MinValue or > int.MaxValue;

    public static bool Multiply(long a, long b)
    {
        var high = Math.BigMul(a, b, out long low);
        return high != (low >> 63);
    }

    public static bool Negate(int a) => a == int.MinValue;

    public static bool Negate(long a) => a == long.MinValue;

    /// <summary><c>int.MinValue / -1</c> (and its remainder) overflow.</summary>
    public static bool Divide(int a, int b) => a == int.MinValue && b == -1;

    /// <summary><c>long.MinValue / -1</c> (and its remainder) overflow.</summary>
    public static bool Divide(long a, long b) => a == long.MinValue && b == -1;
}
