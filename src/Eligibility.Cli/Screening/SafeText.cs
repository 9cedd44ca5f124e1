using System;
using System.Text;

namespace Eligibility.Cli.Screening;

/// <summary>
/// Text from a record (an ID, a display, a message quoting a value) made safe to write as JSON or UTF-8: a lone UTF-16
/// surrogate, which a JSON string can hold as an escape (<c>"\ud800"</c>) but no UTF-8 writer can encode, becomes
/// U+FFFD. Nothing a record holds may make writing its row or the summary fail.
/// </summary>
internal static class SafeText
{
    /// <summary><paramref name="text"/> with every lone surrogate replaced by U+FFFD (the same string when there is none).</summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int i = 0;
        while (i < text.Length)
        {
            if (char.IsSurrogate(text[i]))
            {
                if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i += 2;
                    continue;
                }

                return Replace(text, i);
            }

            i++;
        }

        return text;
    }

    /// <summary>Like <see cref="Clean(string)"/>, for an optional text.</summary>
    public static string? CleanOrNull(string? text) => text is null ? null : Clean(text);

    private static string Replace(string text, int from)
    {
        var sb = new StringBuilder(text.Length);
        sb.Append(text, 0, from);
        for (int i = from; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[i + 1]);
                i++;
            }
            else
            {
                sb.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
            }
        }

        return sb.ToString();
    }
}
