using System;
using Eligibility.Diagnostics;

namespace Eligibility;

/// <summary>
/// A defect in Eligibility itself, never a problem with the input: the readers report bad input as diagnostics and
/// never throw for it, so when one of them meets an exception it does not expect, it throws this (the original exception
/// is <see cref="Exception.InnerException"/>). Please report it. The <c>eligibility</c> tool exits 3 on it and says so.
/// </summary>
public sealed class EligibilityBugException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EligibilityBugException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed.</param>
    public EligibilityBugException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the unexpected exception.</summary>
    /// <param name="message">What failed (which input was being read).</param>
    /// <param name="innerException">The unexpected exception.</param>
    public EligibilityBugException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
