namespace Eligibility;

/// <summary>A code found in patient records that no rule file recognised, and how many patients carry it.</summary>
/// <param name="Kind">The kind of record: <c>condition</c>, <c>procedure</c>, <c>medication</c>, <c>immunization</c> or <c>observation</c>.</param>
/// <param name="System">The code system URI.</param>
/// <param name="Code">The code.</param>
/// <param name="Display">The display text of the first record seen with it, if any.</param>
/// <param name="Patients">How many patients have at least one such record.</param>
public sealed record UnrecognisedCode(string Kind, string System, string Code, string? Display, int Patients);
