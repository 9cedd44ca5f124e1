using System;
using System.Text.Json;
using Eligibility.Diagnostics;

namespace Eligibility.Loading;

/// <summary>Parses JSON bytes into a document, turning syntax errors and duplicate properties into positioned diagnostics.</summary>
internal static class JsonInput
{
    public const int MaxDepth = 128;

    public static ReadOnlyMemory<byte> WithoutBom(byte[] utf8) =>
        utf8.Length >= 3 && utf8[0] == 0xEF && utf8[1] == 0xBB && utf8[2] == 0xBF ? utf8.AsMemory(3) : utf8.AsMemory();

    public static bool TryParse(byte[] utf8, DiagnosticSink sink, out JsonDocument? document)
    {
        document = null;
        try
        {
            document = JsonDocument.Parse(WithoutBom(utf8), new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException ex)
        {
            int line = (int)(ex.LineNumber ?? 0) + 1;
            int column = (int)(ex.BytePositionInLine ?? 0) + 1;
            string message = ex.Message;
            int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
            if (cut > 0)
            {
                message = message[..cut];
            }

            sink.Add(new Diagnostic
            {
                Code = DiagnosticCodes.JsonSyntax,
                Severity = DiagnosticSeverity.Error,
                Message = "invalid JSON: " + message,
                File = sink.File,
                Line = line,
                Column = column,
            });
            return false;
        }

        if (sink.Map is { } map)
        {
            foreach (var (pointer, _) in map.Duplicates)
            {
                string name = pointer[(pointer.LastIndexOf('/') + 1)..];
                sink.Error(DiagnosticCodes.DuplicateProperty, pointer, $"property '{name}' appears more than once in the same object", atName: true);
            }
        }

        return true;
    }
}
