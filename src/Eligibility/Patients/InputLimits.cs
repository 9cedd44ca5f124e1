using System;
using Eligibility.Diagnostics;
using Eligibility.Loading;

namespace Eligibility.Patients;

/// <summary>
/// Limits on one patient input (a native record, a FHIR Bundle, or one NDJSON line), enforced while the bytes are
/// scanned and before any object is built, so that a hostile or broken input costs bounded time and memory. Exceeding
/// the size is ELIG0003; exceeding any other limit is ELIG0005, positioned at the offending token. The defaults
/// (<see cref="Default"/>) are far above what real records need; docs/patient-format.md lists them.
/// </summary>
/// <remarks>An input: a record (init-only, with value equality) because it is a value an application constructs — by
/// hand, from its own store, or with <c>with</c> — and passes in. Derive other limits with <c>InputLimits.Default with { MaxRecordBytes = … }</c>.</remarks>
public sealed record InputLimits
{
    /// <summary>The default of <see cref="MaxRecordBytes"/>: 64 MiB.</summary>
    public const long DefaultMaxRecordBytes = 64L * 1024 * 1024;

    /// <summary>The default of <see cref="MaxStringBytes"/>: 1 MiB.</summary>
    public const int DefaultMaxStringBytes = 1024 * 1024;

    /// <summary>The default of <see cref="MaxDepth"/>: 64.</summary>
    public const int DefaultMaxDepth = 64;

    /// <summary>The default of <see cref="MaxArrayItems"/>: 100,000.</summary>
    public const int DefaultMaxArrayItems = 100_000;

    /// <summary>The default limits.</summary>
    public static InputLimits Default { get; } = new();

    /// <summary>The most bytes in one record (a file, or one NDJSON line), byte order mark included. Default 64 MiB.</summary>
    public long MaxRecordBytes { get; init; } = DefaultMaxRecordBytes;

    /// <summary>The longest string (value or property name), in UTF-8 bytes as written between its quotes (an escape
    /// such as <c>\u00e9</c> counts as written). Default 1 MiB.</summary>
    public int MaxStringBytes { get; init; } = DefaultMaxStringBytes;

    /// <summary>The deepest nesting of objects and arrays (the top-level object is depth 1). Default 64.</summary>
    public int MaxDepth { get; init; } = DefaultMaxDepth;

    /// <summary>The most items in any one array (a bundle's <c>entry</c>, a record's <c>observations</c>, ...). Default 100,000.</summary>
    public int MaxArrayItems { get; init; } = DefaultMaxArrayItems;

    /// <summary>
    /// Scans JSON bytes against these limits before anything is built, and checks that every string is valid Unicode.
    /// Time and memory are linear in the input. Returns the first problem: ELIG0003 (more than
    /// <see cref="MaxRecordBytes"/>), ELIG0005 (a string, nesting or array over its limit) or ELIG0001 (a string that
    /// is not valid UTF-8, or a lone surrogate escape such as <c>\ud800</c>), positioned at the offending token; or
    /// <c>null</c> when there is none. Text that is not well-formed JSON is left to the parser (<c>null</c> unless a
    /// problem comes first). <see cref="PatientReader"/> and the FHIR bundle reader call this first.
    /// </summary>
    /// <param name="utf8">The JSON bytes (a byte order mark is allowed).</param>
    /// <param name="fileName">The name used in the diagnostic, if any.</param>
    /// <param name="what">What the input is called in messages, plural; default <c>"patient records"</c>.</param>
    /// <returns>The first problem, or <c>null</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A limit is zero or negative.</exception>
    public Diagnostic? Check(ReadOnlySpan<byte> utf8, string? fileName, string? what = null)
    {
        ThrowIfInvalid();
        what ??= "patient records";
        if (utf8.Length > MaxRecordBytes)
        {
            return new Diagnostic
            {
                Code = DiagnosticCodes.InputTooLarge,
                Severity = DiagnosticSeverity.Error,
                Message = $"the input is {utf8.Length} bytes; {what} are limited to {MaxRecordBytes} bytes",
                File = fileName,
                Pointer = string.Empty,
            };
        }

        if (JsonScanner.Scan(utf8, MaxDepth, MaxStringBytes, MaxArrayItems, what) is not { } problem)
        {
            return null;
        }

        var (line, column) = JsonScanner.LineColumn(utf8, problem.Offset);
        return new Diagnostic
        {
            Code = problem.Code,
            Severity = DiagnosticSeverity.Error,
            Message = problem.Message,
            File = fileName,
            Line = line,
            Column = column,
            Pointer = problem.Pointer,
        };
    }

    /// <summary>Throws when a limit is not positive.</summary>
    internal void ThrowIfInvalid()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxRecordBytes, nameof(MaxRecordBytes));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxStringBytes, nameof(MaxStringBytes));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxDepth, nameof(MaxDepth));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxArrayItems, nameof(MaxArrayItems));
    }
}
