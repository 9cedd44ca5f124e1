using System;
using System.Collections.Generic;
using System.Linq.Dynamic.Core.Exceptions;
using System.Linq.Expressions;
using System.Threading;
using RulesEngine.ExpressionBuilders;
using RulesEngine.Models;

namespace Eligibility.Expressions;

/// <summary>
/// Compiles <c>expression</c> rules: Dynamic LINQ text, parsed by RulesEngine's <see cref="RuleExpressionParser"/>
/// with the <see cref="Facts"/> instance as the implicit <c>it</c> (so <c>Age</c>, <c>it.Age</c> and
/// <c>Value("alt")</c> all work), checked by the <see cref="SandboxValidator"/> whitelist, then compiled to a delegate.
/// </summary>
internal static class ExpressionCompiler
{
    /// <summary>Longest expression accepted, in characters.</summary>
    public const int MaxLength = 4000;

    /// <summary>Deepest nesting of brackets accepted.</summary>
    public const int MaxNesting = 64;

    // Dynamic LINQ's recursive-descent parser uses several KB of stack per bracket level; parsing runs on its own
    // thread with this much stack so that no input within MaxLength can overflow it (a stack overflow kills the process).
    private const int ParserStackBytes = 16 * 1024 * 1024;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static readonly Lock ParserLock = new();

    /// <summary>
    /// RulesEngine settings. <see cref="Facts"/> is registered as the only custom type (Dynamic LINQ refuses method
    /// calls on unregistered types; RulesEngine adds System.Object, System.Linq.Enumerable and its own ExpressionUtils
    /// regardless, which the whitelist then refuses); input types are not auto-registered (only RulesEngine's workflow
    /// API reads that flag, but it stays off); parse errors are rethrown instead of silently becoming the constant
    /// <see langword="false"/> (RulesEngine does that when EnableExceptionAsErrorMessageForRuleExpressionParsing is
    /// off); identifiers are case-sensitive.
    /// </summary>
    private static readonly ReSettings Settings = new()
    {
        CustomTypes = [typeof(Facts)],
        AutoRegisterInputType = false,
        EnableExceptionAsErrorMessageForRuleExpressionParsing = true,
        IsExpressionCaseSensitive = true,
    };

    private static RuleExpressionParser? parser;

    /// <summary>
    /// Compiles an expression. Never throws.
    /// </summary>
    /// <param name="expression">The expression text.</param>
    /// <param name="errors">Empty on success; otherwise at least one error.</param>
    /// <returns>The compiled expression, or null when <paramref name="errors"/> is not empty.</returns>
    public static CompiledExpression? Compile(string expression, out IReadOnlyList<ExpressionError> errors)
    {
        try
        {
            var pre = PreCheck(expression, out var tokens);
            if (pre is not null)
            {
                errors = [pre];
                return null;
            }

            (CompiledExpression? Result, IReadOnlyList<ExpressionError> Errors) outcome = (null, []);
            var thread = new Thread(() => outcome = CompileCore(expression, tokens), ParserStackBytes)
            {
                IsBackground = true,
                Name = "Eligibility expression compiler",
            };
            thread.Start();
            if (!thread.Join(Timeout))
            {
                errors = [new ExpressionError(ExpressionErrorKind.Syntax, "the expression took too long to compile", 0)];
                return null;
            }

            errors = outcome.Errors;
            return outcome.Result;
        }
#pragma warning disable CA1031 // Compile never throws: every failure is a diagnostic.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            errors = [new ExpressionError(ExpressionErrorKind.Syntax, "the expression could not be compiled: " + ex.Message, 0)];
            return null;
        }
    }

    private static ExpressionError? PreCheck(string expression, out List<ExpressionText.Token> tokens)
    {
        tokens = [];
        if (string.IsNullOrWhiteSpace(expression))
        {
            return new ExpressionError(ExpressionErrorKind.Syntax, "the expression is empty", 0);
        }

        if (expression.Length > MaxLength)
        {
            return new ExpressionError(
                ExpressionErrorKind.Syntax,
                $"the expression is {expression.Length} characters long; at most {MaxLength} are allowed",
                MaxLength);
        }

        tokens = ExpressionText.Tokenize(expression);
        var (depth, offset) = ExpressionText.MaxNesting(tokens);
        if (depth > MaxNesting)
        {
            return new ExpressionError(
                ExpressionErrorKind.Syntax,
                $"the expression is nested too deeply ({depth} levels of brackets; at most {MaxNesting} are allowed)",
                offset);
        }

        // Dynamic LINQ's 'new' emits a new runtime type while parsing; refuse it before parsing.
        foreach (var token in tokens)
        {
            if (token.Kind == ExpressionText.TokenKind.Identifier && string.Equals(token.Text, "new", StringComparison.OrdinalIgnoreCase))
            {
                return new ExpressionError(
                    ExpressionErrorKind.Forbidden,
                    $"'new' (object creation) is not allowed: {SandboxValidator.Reachable}",
                    token.Offset);
            }
        }

        return null;
    }

    private static (CompiledExpression?, IReadOnlyList<ExpressionError>) CompileCore(string expression, List<ExpressionText.Token> tokens)
    {
        try
        {
            var facts = Expression.Parameter(typeof(Facts), null);
            Expression body;
            try
            {
                lock (ParserLock)
                {
                    parser ??= new RuleExpressionParser(Settings);

                    // A null result type: the result type is checked here (NotBoolean) rather than by the parser.
                    body = parser.Parse(expression, [facts], null);
                }
            }
            catch (ParseException ex)
            {
                return (null, [ParseError(ex.Message, ex.Position)]);
            }
            catch (InsufficientExecutionStackException)
            {
                return (null, [new ExpressionError(ExpressionErrorKind.Syntax, "the expression is nested too deeply", 0)]);
            }
#pragma warning disable CA1031 // Dynamic LINQ also reports bad input as InvalidOperationException, ArgumentException, ...
            catch (Exception ex)
#pragma warning restore CA1031
            {
                return (null, [new ExpressionError(ExpressionErrorKind.Syntax, ex.Message, 0)]);
            }

            var (errors, concepts) = SandboxValidator.Validate(body, facts, tokens);
            if (errors.Count > 0)
            {
                return (null, errors);
            }

            if (body.Type != typeof(bool))
            {
                return (null, [new ExpressionError(
                    ExpressionErrorKind.NotBoolean,
                    $"the expression must be true or false, but its result is of type {body.Type.Name}",
                    0)]);
            }

            var compiled = Expression.Lambda<Func<Facts, bool>>(body, facts).Compile();
            return (new CompiledExpression(expression, concepts, compiled), []);
        }
        catch (InsufficientExecutionStackException)
        {
            return (null, [new ExpressionError(ExpressionErrorKind.Syntax, "the expression is nested too deeply", 0)]);
        }
#pragma warning disable CA1031 // Compile never throws: every failure is a diagnostic.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return (null, [new ExpressionError(ExpressionErrorKind.Syntax, "the expression could not be compiled: " + ex.Message, 0)]);
        }
    }

    private static ExpressionError ParseError(string message, int position)
    {
        // Dynamic LINQ's own access checks ("Methods on type 'X' are not accessible") are sandbox refusals.
        var kind = message.Contains("accessible", StringComparison.Ordinal)
            ? ExpressionErrorKind.Forbidden
            : ExpressionErrorKind.Syntax;
        var hint = message.Contains("not found", StringComparison.Ordinal)
            || message.Contains("Unknown identifier", StringComparison.Ordinal)
            || message.Contains("No property or field", StringComparison.Ordinal)
            || message.Contains("No applicable method", StringComparison.Ordinal)
            || kind == ExpressionErrorKind.Forbidden
            ? $" ({SandboxValidator.Reachable})"
            : string.Empty;
        return new ExpressionError(kind, message + hint, Math.Max(0, position));
    }
}
