using System;
using Eligibility.Diagnostics;
using Eligibility.Schema;

namespace Eligibility.Loading;

/// <summary>Turns JSON Schema errors into positioned diagnostics with stable ELIG1xxx codes.</summary>
internal static class SchemaDiagnostics
{
    public static void Report(DiagnosticSink sink, SchemaError error)
    {
        string code = CodeFor(error.Message);
        bool atName = code == DiagnosticCodes.UnknownProperty;
        sink.Error(code, error.Pointer, error.Message, atName);
    }

    public static string CodeFor(string message)
    {
        if (Has(message, "unknown property") || Has(message, "not allowed")) return DiagnosticCodes.UnknownProperty;
        if (Has(message, "missing required") || Has(message, "is required")) return DiagnosticCodes.MissingProperty;
        if (Has(message, "is not one of") || Has(message, "must be") && Has(message, "const")) return DiagnosticCodes.NotAllowedValue;
        if (Has(message, "pattern") || Has(message, "format")) return DiagnosticCodes.PatternMismatch;
        if (Has(message, "expected") && (Has(message, "type") || Has(message, "string") || Has(message, "number") || Has(message, "object") || Has(message, "array") || Has(message, "boolean") || Has(message, "integer"))) return DiagnosticCodes.WrongType;
        if (Has(message, "minimum") || Has(message, "maximum") || Has(message, "at least") || Has(message, "at most") || Has(message, "too ")) return DiagnosticCodes.OutOfRange;
        if (Has(message, "exactly one") || Has(message, "only one") || Has(message, "together") || Has(message, "one of")) return DiagnosticCodes.InvalidCombination;
        return DiagnosticCodes.SchemaViolation;
    }

    private static bool Has(string message, string part) => message.Contains(part, StringComparison.OrdinalIgnoreCase);
}
