using Eligibility.Diagnostics;
namespace Eligibility;

/// <summary>Where something was read: the file, 1-based line and column (0 when unknown) and the JSON pointer.</summary>
/// <param name="File">The file, as the caller named it, or <c>null</c>.</param>
/// <param name="Line">1-based line, or 0.</param>
/// <param name="Column">1-based column in UTF-16 characters, or 0.</param>
/// <param name="Pointer">The RFC 6901 JSON pointer of the value.</param>
public readonly record struct SourcePosition(string? File, int Line, int Column, string Pointer);
