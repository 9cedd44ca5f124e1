using System;

namespace Eligibility.Cli;

/// <summary>Unusable input or arguments: the tool prints the message and exits 2.</summary>
internal sealed class CliInputException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CliInputException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, in one line.</param>
    public CliInputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, in one line.</param>
    /// <param name="innerException">The cause.</param>
    public CliInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
