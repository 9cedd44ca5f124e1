using System;
using System.Text;

namespace Eligibility.Cli.Output;

/// <summary>Escaping for generated Markdown.</summary>
internal static class Md
{
    /// <summary>Text safe inside a table cell: pipes escaped, line breaks as <c>&lt;br&gt;</c>.</summary>
    public static string Cell(string text) => Escape(text).ReplaceLineEndings("<br>");

    /// <summary>Escapes the characters that would change Markdown structure inline.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length);
        foreach (char ch in text)
        {
            if (ch is '|' or '\\' or '*' or '_' or '`' or '<' or '>' or '[' or ']')
            {
                sb.Append('\\');
            }

            sb.Append(ch);
        }

        return sb.ToString();
    }
}
