using System;
using Eligibility.Diagnostics;
using Eligibility.Schema;

namespace Eligibility.Tests.Schema;

/// <summary>The schema messages' wording, read back into codes: an oracle for the tests only.</summary>
internal static class SchemaMessageCatalogue
{
    /// <summary>
    /// The code a reader of one of <see cref="SchemaValidator"/>'s messages would infer from its text (the wording
    /// docs/diagnostics.md documents per code). The library never does this: each error carries the code decided from
    /// the keyword that failed (<see cref="SchemaError.Code"/>). This independent reading is the tests' cross-check that
    /// message and code agree.
    /// </summary>
    public static string CodeFor(string message)
    {
        ArgumentNullException.ThrowIfNull(message);

        // Templates that start with fixed text.
        if (Starts(message, "malformed JSON"))
        {
            // The validator parses at most 64 levels deep (the compiler 128); anything else was reported as ELIG0001 first.
            return Has(message, "depth") ? DiagnosticCodes.OutOfRange : DiagnosticCodes.JsonSyntax;
        }

        if (Starts(message, "duplicate property ")) return DiagnosticCodes.DuplicateProperty;
        if (Starts(message, "missing required property ")) return DiagnosticCodes.MissingProperty;
        if (Starts(message, "unknown property ")) return DiagnosticCodes.UnknownProperty;
        if (Starts(message, "property name ")) return DiagnosticCodes.PatternMismatch;
        if (Starts(message, "expected ")) return DiagnosticCodes.WrongType;
        if (Starts(message, "only one of ") || Starts(message, "exactly one of ") || Starts(message, "at least one of ")
            || Starts(message, "matches more than one of ") || Starts(message, "matches an excluded combination"))
        {
            // "one of which is required" and "must not appear together" (oneOf / anyOf of required sets, not).
            return DiagnosticCodes.InvalidCombination;
        }

        if (Starts(message, "must be ") && Has(message, "(const), found ")) return DiagnosticCodes.NotAllowedValue;
        if (Starts(message, "must be ") || Starts(message, "must have ") || Starts(message, "must contain ")
            || Starts(message, "number is too large"))
        {
            // Numeric bounds, string lengths, item and property counts.
            return DiagnosticCodes.OutOfRange;
        }

        if (Starts(message, "items must be unique") || Starts(message, "does not match any of the allowed alternatives")
            || Starts(message, "violates the schema") || Starts(message, "could not validate"))
        {
            return DiagnosticCodes.SchemaViolation;
        }

        // Templates that start with the offending value: the last template text wins, since the value comes first.
        if (message.EndsWith(" cannot be used together", StringComparison.Ordinal)) return DiagnosticCodes.InvalidCombination;
        int notOneOf = message.LastIndexOf(" is not one of ", StringComparison.Ordinal);
        int noMatch = message.LastIndexOf(" does not match the ", StringComparison.Ordinal);
        if (noMatch >= 0 && noMatch > notOneOf) return DiagnosticCodes.PatternMismatch; // a pattern or a format
        if (notOneOf >= 0) return DiagnosticCodes.NotAllowedValue;

        return Heuristic(message);
    }

    /// <summary>Keyword guesses for messages the templates above do not know.</summary>
    private static string Heuristic(string message)
    {
        if (Has(message, "unknown property") || Has(message, "not allowed")) return DiagnosticCodes.UnknownProperty;
        if (Has(message, "one of") && (Has(message, "is required") || Has(message, "together"))) return DiagnosticCodes.InvalidCombination;
        if (Has(message, "missing required") || Has(message, "is required")) return DiagnosticCodes.MissingProperty;
        if (Has(message, "is not one of") || Has(message, "must be") && Has(message, "const")) return DiagnosticCodes.NotAllowedValue;
        if (Has(message, "pattern") || Has(message, "format")) return DiagnosticCodes.PatternMismatch;
        if (Has(message, "expected") && (Has(message, "type") || Has(message, "string") || Has(message, "number") || Has(message, "object") || Has(message, "array") || Has(message, "boolean") || Has(message, "integer"))) return DiagnosticCodes.WrongType;
        if (Has(message, "minimum") || Has(message, "maximum") || Has(message, "at least") || Has(message, "at most") || Has(message, "too ")) return DiagnosticCodes.OutOfRange;
        if (Has(message, "exactly one") || Has(message, "only one") || Has(message, "together") || Has(message, "one of")) return DiagnosticCodes.InvalidCombination;
        return DiagnosticCodes.SchemaViolation;
    }

    private static bool Starts(string message, string start) => message.StartsWith(start, StringComparison.Ordinal);

    private static bool Has(string message, string part) => message.Contains(part, StringComparison.OrdinalIgnoreCase);
}
