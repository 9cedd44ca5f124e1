using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Eligibility.Diagnostics;

namespace Eligibility.Fuzz;

/// <summary>A broken promise of the API under test: the fuzzing engine sees it as a crash, like any unhandled exception.</summary>
public sealed class FuzzInvariantException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="invariant">A short, stable name of the broken invariant (the first part of the crash's signature).</param>
    /// <param name="message">What was wrong, with the offending diagnostic.</param>
    /// <param name="key">What tells this failure from others of the same invariant (a diagnostic code), for the signature.</param>
    public FuzzInvariantException(string invariant, string message, string? key = null)
        : base(invariant + ": " + message)
    {
        Invariant = invariant;
        Key = key;
    }

    /// <summary>Creates the exception.</summary>
    public FuzzInvariantException()
        : this("unspecified", string.Empty)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was wrong.</param>
    public FuzzInvariantException(string message)
        : this("unspecified", message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was wrong.</param>
    /// <param name="innerException">The cause.</param>
    public FuzzInvariantException(string message, Exception innerException)
        : base(message, innerException)
    {
        Invariant = "unspecified";
    }

    /// <summary>The broken invariant's short name, e.g. <c>line-outside-input</c>.</summary>
    public string Invariant { get; } = "unspecified";

    /// <summary>What tells this failure from others of the same invariant (a diagnostic code), or <c>null</c>.</summary>
    public string? Key { get; }
}

/// <summary>
/// The promises every reader makes about its diagnostics, checked against the input the fuzzer gave it:
/// a diagnostic about the input has a line inside the input and a column inside that line (1-based, UTF-16
/// characters, one past the end allowed), and its JSON pointer is empty or names a value that exists.
/// </summary>
public sealed class InputText : IDisposable
{
    private static readonly JsonDocumentOptions LenientDepth = new() { MaxDepth = 4096 };

    private readonly byte[] utf8;
    private readonly List<int> lineStarts = [0];
    private JsonDocument? document;
    private bool parsed;

    /// <summary>Indexes the lines of the input.</summary>
    /// <param name="utf8">The input as given to the reader.</param>
    public InputText(byte[] utf8)
    {
        this.utf8 = utf8;
        for (int i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'\n')
            {
                lineStarts.Add(i + 1);
            }
        }
    }

    /// <summary>The number of lines (a final line without a newline counts; an empty input has one empty line).</summary>
    public int LineCount => lineStarts.Count;

    /// <summary>The length of a 1-based line in UTF-16 characters, the newline excluded (invalid UTF-8 counts as the decoder replaces it).</summary>
    /// <param name="line">The 1-based line.</param>
    /// <returns>The number of characters.</returns>
    public int LineLength(int line)
    {
        int start = lineStarts[line - 1];
        int end = line < lineStarts.Count ? lineStarts[line] - 1 : utf8.Length;
        return Encoding.UTF8.GetCharCount(utf8, start, end - start);
    }

    /// <summary>
    /// Checks each diagnostic that is about this input (its <see cref="Diagnostic.File"/> is <paramref name="file"/>):
    /// positioned inside the text, pointer empty or resolvable. Throws <see cref="FuzzInvariantException"/> for the first that is not.
    /// </summary>
    /// <param name="diagnostics">The reader's diagnostics.</param>
    /// <param name="file">The name the input was given to the reader under.</param>
    public void CheckDiagnostics(IEnumerable<Diagnostic> diagnostics, string? file)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        foreach (var d in diagnostics)
        {
            if (d is null)
            {
                throw new FuzzInvariantException("null-diagnostic", "the list of diagnostics holds null");
            }

            if (!string.Equals(d.File, file, StringComparison.Ordinal))
            {
                continue; // about another file (e.g. a case file's patientFile): positioned in that file
            }

            if (string.IsNullOrWhiteSpace(d.Code) || string.IsNullOrWhiteSpace(d.Message))
            {
                throw new FuzzInvariantException("diagnostic-without-code-or-message", Describe(d), d.Code);
            }

            // "No position applies" (0, 0) only for problems with the input as a whole: too large, unreadable.
            bool wholeInput = d.Code is DiagnosticCodes.InputTooLarge or DiagnosticCodes.FileUnreadable;
            CheckPosition(d.Line, d.Column, wholeInput, Describe(d), d.Code);
            CheckPointer(d.Pointer, Describe(d), d.Code);
        }
    }

    /// <summary>Checks a position the reader reports outside a diagnostic (a case's line and column, say).</summary>
    /// <param name="line">1-based line.</param>
    /// <param name="column">1-based column.</param>
    /// <param name="what">What the position belongs to, for the message.</param>
    public void CheckPosition(int line, int column, string what)
    {
        CheckPosition(line, column, false, what, null);
    }

    /// <summary>Releases the parsed document.</summary>
    public void Dispose()
    {
        document?.Dispose();
        document = null;
    }

    /// <summary>Checks a JSON pointer the reader reports: empty, or naming a value of the input.</summary>
    /// <param name="pointer">The RFC 6901 pointer, or <c>null</c>.</param>
    /// <param name="what">What the pointer belongs to, for the message.</param>
    public void CheckPointer(string? pointer, string what) => CheckPointer(pointer, what, null);

    private void CheckPointer(string? pointer, string what, string? key)
    {
        if (string.IsNullOrEmpty(pointer))
        {
            return;
        }

        var root = Document()?.RootElement;
        if (root is null)
        {
            // The harness cannot parse the input (e.g. deeper than it allows): nothing to resolve against, no verdict.
            return;
        }

        (string Invariant, string Detail)? problem;
        try
        {
            problem = Resolve(root.Value, pointer);
        }
        catch (InvalidOperationException)
        {
            // A member name of the input is not valid UTF-8 (System.Text.Json parses it, but cannot give it as a string):
            // the harness cannot compare names, no verdict.
            return;
        }

        if (problem is { } broken)
        {
            throw new FuzzInvariantException(broken.Invariant, $"pointer '{Escape(pointer)}' {broken.Detail}: {what}", key);
        }
    }

    /// <summary>The input as a JSON document, or <c>null</c> when it is not well-formed JSON.</summary>
    /// <returns>The document.</returns>
    public JsonDocument? Document()
    {
        if (!parsed)
        {
            parsed = true;
            int bom = utf8.Length >= 3 && utf8[0] == 0xEF && utf8[1] == 0xBB && utf8[2] == 0xBF ? 3 : 0;
            try
            {
                document = JsonDocument.Parse(utf8.AsMemory(bom), LenientDepth);
            }
            catch (JsonException)
            {
                document = null;
            }
        }

        return document;
    }

    /// <summary>
    /// Why the pointer does not resolve, or <c>null</c> when it does. Three kinds, told apart in the crash signature:
    /// the last member is absent but one differs from it only in case (<c>pointer-member-case-differs</c>: the reader
    /// matched a name case-insensitively); the last member is absent (<c>pointer-names-absent-member</c>: the
    /// diagnostic is about a value that is missing); or the path leaves the document earlier (<c>pointer-unresolvable</c>).
    /// A name that appears more than once in an object (itself an error, ELIG0004) makes the pointer ambiguous: it
    /// resolves when it resolves through any of them.
    /// </summary>
    private static (string Invariant, string Detail)? Resolve(JsonElement root, string pointer)
    {
        if (pointer[0] != '/')
        {
            return ("pointer-unresolvable", "does not start with '/'");
        }

        string[] segments = pointer[1..].Split('/');
        return Resolve(root, segments, 0);
    }

    private static (string Invariant, string Detail)? Resolve(JsonElement current, string[] segments, int i)
    {
        if (i == segments.Length)
        {
            return null;
        }

        string segment = segments[i].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
        bool last = i == segments.Length - 1;
        switch (current.ValueKind)
        {
            case JsonValueKind.Object:
                (string Invariant, string Detail)? first = null;
                bool any = false;
                foreach (var property in current.EnumerateObject())
                {
                    if (property.NameEquals(segment))
                    {
                        any = true;
                        var problem = Resolve(property.Value, segments, i + 1);
                        if (problem is null)
                        {
                            return null;
                        }

                        first ??= problem;
                    }
                }

                if (any)
                {
                    return first;
                }

                string at = string.Join('/', segments[..i]);
                if (NameDifferingInCase(current, segment) is { } other)
                {
                    return ("pointer-member-case-differs", $"names member '{Escape(segment)}' of '/{Escape(at)}', which has '{Escape(other)}' instead");
                }

                return (last ? "pointer-names-absent-member" : "pointer-unresolvable", $"names no member '{Escape(segment)}' of '/{Escape(at)}'");
            case JsonValueKind.Array:
                if (!int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out int index)
                    || (segment.Length > 1 && segment[0] == '0')
                    || index >= current.GetArrayLength())
                {
                    return ("pointer-unresolvable", $"names no element '{Escape(segment)}' (the array has {current.GetArrayLength()})");
                }

                return Resolve(current[index], segments, i + 1);
            default:
                return ("pointer-unresolvable", $"goes into a {current.ValueKind} at '{Escape(segment)}'");
        }
    }

    /// <summary>A member whose name equals <paramref name="name"/> but for case, or <c>null</c>.</summary>
    private static string? NameDifferingInCase(JsonElement obj, string name)
    {
        foreach (var property in obj.EnumerateObject())
        {
            try
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    return property.Name;
                }
            }
            catch (InvalidOperationException)
            {
                // This name is not valid UTF-8: it cannot be the one.
            }
        }

        return null;
    }

    private void CheckPosition(int line, int column, bool mayBeNone, string what, string? key)
    {
        if (line == 0 && column == 0)
        {
            if (mayBeNone)
            {
                return;
            }

            throw new FuzzInvariantException("position-missing", what, key);
        }

        if (line < 1 || line > LineCount)
        {
            throw new FuzzInvariantException("line-outside-input", $"line {line} of {LineCount}: {what}", key);
        }

        int length = LineLength(line);
        if (column < 1 || column > length + 1)
        {
            throw new FuzzInvariantException("column-outside-line", $"column {column} of line {line} ({length} characters): {what}", key);
        }
    }

    private static string Describe(Diagnostic d) => Escape(d.ToString()) + (d.Pointer is null ? string.Empty : " [pointer '" + Escape(d.Pointer) + "']");

    /// <summary>Keeps messages on one printable line, whatever the fuzzer put in the input.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(Math.Min(text.Length, 300));
        foreach (char c in text)
        {
            if (sb.Length >= 300)
            {
                sb.Append('…');
                break;
            }

            if (char.IsControl(c) || char.IsSurrogate(c))
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
