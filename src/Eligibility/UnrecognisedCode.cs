namespace Eligibility;

/// <summary>A code found in patient records that no rule file recognised, and how many patients carry it
/// (<see cref="UnrecognisedCodes.ToList"/>).</summary>
/// <remarks>An output: a sealed class with read-only properties, built only by Eligibility.</remarks>
public sealed class UnrecognisedCode
{
    internal UnrecognisedCode(string kind, string system, string code, string? display, int patients)
    {
        Kind = kind;
        System = system;
        Code = code;
        Display = display;
        Patients = patients;
    }

    /// <summary>The kind of record: <c>condition</c>, <c>procedure</c>, <c>medication</c>, <c>immunization</c> or <c>observation</c>.</summary>
    public string Kind { get; }

    /// <summary>The code system URI.</summary>
    public string System { get; }

    /// <summary>The code.</summary>
    public string Code { get; }

    /// <summary>The display text of the first record seen with it, if any.</summary>
    public string? Display { get; }

    /// <summary>How many patients have at least one such record.</summary>
    public int Patients { get; }
}
