using System;
using System.Collections.Generic;

namespace Eligibility.Expressions;

/// <summary>
/// A light lexical scan of expression text, done before Dynamic LINQ sees it: nesting depth, <c>np</c> nesting, the
/// <c>new</c> keyword, and positions of identifiers for error offsets. It only needs to tell identifiers and string literals apart.
/// </summary>
internal static class ExpressionText
{
    internal enum TokenKind
    {
        Identifier,
        StringLiteral,
        Number,
        Symbol,
    }

    internal readonly record struct Token(TokenKind Kind, int Offset, string Text);

    /// <summary>Splits the text into identifiers, string/char literals, numbers and single symbols.</summary>
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '"' or '\'')
            {
                var start = i++;
                while (i < text.Length && text[i] != c)
                {
                    i += text[i] == '\\' ? 2 : 1;
                }

                i = Math.Min(i + 1, text.Length);
                tokens.Add(new Token(TokenKind.StringLiteral, start, text[start..i]));
            }
            else if (char.IsLetter(c) || c is '_' or '@' or '$')
            {
                var start = i++;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Identifier, start, text[start..i]));
            }
            else if (char.IsDigit(c))
            {
                var start = i++;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '.'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Number, start, text[start..i]));
            }
            else
            {
                tokens.Add(new Token(TokenKind.Symbol, i, text.Substring(i, 1)));
                i++;
            }
        }

        return tokens;
    }

    /// <summary>The deepest nesting of (), [] and {} outside string literals, and where it is first reached.</summary>
    public static (int Depth, int Offset) MaxNesting(List<Token> tokens)
    {
        int depth = 0, max = 0, offset = 0;
        foreach (var token in tokens)
        {
            if (token.Kind != TokenKind.Symbol)
            {
                continue;
            }

            switch (token.Text[0])
            {
                case '(' or '[' or '{':
                    depth++;
                    if (depth > max)
                    {
                        max = depth;
                        offset = token.Offset;
                    }

                    break;
                case ')' or ']' or '}':
                    depth = Math.Max(0, depth - 1);
                    break;
                default:
                    break;
            }
        }

        return (max, offset);
    }

    /// <summary>
    /// The deepest nesting of <c>np(…)</c> calls (Dynamic LINQ's null propagation, which repeats its argument once for
    /// every member it guards, so nesting multiplies), and the offset of the first <c>np</c> nested deeper than
    /// <paramref name="allowed"/> levels (0 when none is).
    /// </summary>
    public static (int Depth, int Offset) MaxNpNesting(List<Token> tokens, int allowed)
    {
        // The bracket depth just inside each np( that is still open.
        var open = new Stack<int>();
        int depth = 0, max = 0, offset = 0;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Kind == TokenKind.Identifier && string.Equals(token.Text, "np", StringComparison.OrdinalIgnoreCase)
                && i + 1 < tokens.Count && tokens[i + 1].Text == "(")
            {
                open.Push(depth + 1);
                if (open.Count > allowed && max <= allowed)
                {
                    offset = token.Offset;
                }

                max = Math.Max(max, open.Count);

                continue;
            }

            if (token.Kind != TokenKind.Symbol)
            {
                continue;
            }

            switch (token.Text[0])
            {
                case '(' or '[' or '{':
                    depth++;
                    break;
                case ')' or ']' or '}':
                    while (open.Count > 0 && open.Peek() >= depth)
                    {
                        open.Pop();
                    }

                    depth = Math.Max(0, depth - 1);
                    break;
                default:
                    break;
            }
        }

        return (max, offset);
    }

    /// <summary>The offset of the first identifier named <paramref name="name"/> (any case), or null.</summary>
    public static int? FindIdentifierIgnoringCase(List<Token> tokens, string name)
    {
        foreach (var token in tokens)
        {
            if (token.Kind == TokenKind.Identifier && string.Equals(token.Text, name, StringComparison.OrdinalIgnoreCase))
            {
                return token.Offset;
            }
        }

        return null;
    }

    /// <summary>
    /// The offset of the first identifier <paramref name="name"/>; when <paramref name="nonLiteralCall"/> is set,
    /// the first one called with something other than a string literal as its first argument. Null if not found.
    /// </summary>
    public static int? FindIdentifier(List<Token> tokens, string name, bool nonLiteralCall = false)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].Kind != TokenKind.Identifier || !string.Equals(tokens[i].Text, name, StringComparison.Ordinal))
            {
                continue;
            }

            if (!nonLiteralCall)
            {
                return tokens[i].Offset;
            }

            var literalArgument = i + 3 < tokens.Count
                && tokens[i + 1].Text == "("
                && tokens[i + 2].Kind == TokenKind.StringLiteral
                && tokens[i + 3].Text is ")";
            if (!literalArgument)
            {
                return tokens[i].Offset;
            }
        }

        return null;
    }
}
