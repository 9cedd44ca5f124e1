using System;
using System.Linq;
using Eligibility.Diagnostics;
using Eligibility.Schema;

namespace Eligibility.Loading;

/// <summary>Turns JSON Schema errors into positioned diagnostics with stable ELIG1xxx codes.</summary>
internal static class SchemaDiagnostics
{
    /// <summary>Reports <paramref name="error"/> with the code the validator decided from what failed (<see cref="SchemaError.Code"/>).</summary>
    public static void Report(DiagnosticSink sink, SchemaError error)
    {
        if (error.Code == DiagnosticCodes.DuplicateProperty
            && sink.Items.Any(d => d.Code == DiagnosticCodes.DuplicateProperty && string.Equals(d.Pointer, error.Pointer, StringComparison.Ordinal)))
        {
            // Loading has already reported this repeated property as ELIG0004; the validator finds it too.
            return;
        }

        // Unknown properties and property names that miss their pattern are about the name, not the value.
        sink.Error(error.Code, error.Pointer, error.Message, error.AtName);
    }
}
