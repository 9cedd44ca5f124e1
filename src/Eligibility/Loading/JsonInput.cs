using System;
using System.Text.Json;
using Eligibility.Diagnostics;
using Eligibility.Shared;

namespace Eligibility.Loading;

/// <summary>Parses JSON bytes into a document, turning syntax errors and duplicate properties into positioned diagnostics.</summary>
internal static class JsonInput
{
    public const int MaxDepth = 128;

    public static ReadOnlyMemory<byte> WithoutBom(byte[] utf8) => Utf8Bom.Strip(utf8);

    public static bool TryParse(byte[] utf8, DiagnosticSink sink, out JsonDocument? document)
    {
        document = null;
        try
        {
            document = JsonDocument.Parse(WithoutBom(utf8), new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException ex)
        {
            ReportSyntax(ex, utf8, sink);
            return false;
        }

        if (sink.Map is { } map)
        {
            foreach (var (pointer, offset) in map.Duplicates)
            {
                string name = pointer[(pointer.LastIndexOf('/') + 1)..];
                (int line, int column) = map.LineColumn(offset);
                ReportDuplicate(sink, pointer, name, line, column);
            }
        }

        return true;
    }

    /// <summary>ELIG0004 for a property name repeated in one object, positioned at the repeated name itself (the pointer
    /// alone would find the first occurrence).</summary>
    public static void ReportDuplicate(DiagnosticSink sink, string pointer, string name, int line, int column) =>
        sink.Add(new Diagnostic
        {
            Code = DiagnosticCodes.DuplicateProperty,
            Severity = DiagnosticSeverity.Error,
            Message = $"property '{name}' appears more than once in the same object",
            File = sink.File,
            Line = line,
            Column = column,
            Pointer = pointer,
        });

    /// <summary>Reports a parse failure as ELIG0001 at the parser's position (counted from the file's start, in UTF-16 columns).</summary>
    public static void ReportSyntax(JsonException ex, byte[] utf8, DiagnosticSink sink)
    {
        // The reader counts bytes from 0 (after any BOM); diagnostics count characters from 1.
        int bom = Utf8Bom.LengthOf(utf8);
        long bytePosition = (ex.BytePositionInLine ?? 0) + (ex.LineNumber is 0 or null ? bom : 0);
        (int line, int column) = sink.Map is { } lines ? lines.FromReaderPosition(ex.LineNumber ?? 0, bytePosition) : ((int)(ex.LineNumber ?? 0) + 1, (int)bytePosition + 1);
        string message = ex.Message;
        foreach (string marker in new[] { " Path:", " LineNumber:" })
        {
            int cut = message.IndexOf(marker, StringComparison.Ordinal);
            if (cut > 0)
            {
                message = message[..cut];
            }
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
    }
}
