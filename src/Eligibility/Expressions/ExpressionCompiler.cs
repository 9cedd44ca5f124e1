using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq.Dynamic.Core.Exceptions;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using System.Threading;
using RulesEngine.ExpressionBuilders;
using RulesEngine.Models;

namespace Eligibility.Expressions;

/// <summary>
/// Compiles <c>expression</c> rules: Dynamic LINQ text, parsed by RulesEngine's <see cref="RuleExpressionParser"/>
/// with the <see cref="Facts"/> instance as the implicit <c>it</c> (so <c>Age</c>, <c>it.Age</c> and
/// <c>Value("alt")</c> all work), bounded in size, checked by the <see cref="SandboxValidator"/> whitelist, rewritten to
/// three-valued code by the <see cref="ThreeValuedRewriter"/>, then compiled to a delegate.
/// </summary>
/// <remarks>
/// Parsing runs on a thread of its own under a time limit. A parser is never shared between two threads: each compile
/// rents one from a small pool and returns it when its parse ends, so a compile that overran its limit (its thread
/// cannot be stopped) holds on to its own parser only and never delays a later compile.
/// </remarks>
internal static class ExpressionCompiler
{
    /// <summary>Longest expression accepted, in characters.</summary>
    public const int MaxLength = 4000;

    /// <summary>Deepest nesting of brackets accepted.</summary>
    public const int MaxNesting = 64;

    /// <summary>
    /// Deepest nesting of <c>np(…)</c> accepted. Null propagation repeats its argument once per member it guards, so
    /// each nested level multiplies the size of the parsed expression.
    /// </summary>
    public const int MaxNpNesting = 4;

    /// <summary>
    /// Largest parsed expression accepted, in expression-tree nodes counted as written out in full (shared parts once
    /// per use). Ordinary expressions have tens of nodes; the longest list within <see cref="MaxLength"/>
    /// (<c>Age in (1, 2, …)</c>) about half of this.
    /// </summary>
    public const int MaxNodes = 10_000;

    /// <summary>
    /// Above this many nodes the three-valued code is interpreted rather than compiled to IL: compiling it would take
    /// seconds (the three-valued form is about fourteen times the parsed tree), interpreting starts at once.
    /// </summary>
    public const int MaxCompiledNodes = 1_000;

    /// <summary>How long a compile may take before it is reported as an error.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    // Dynamic LINQ's recursive-descent parser uses several KB of stack per bracket level; parsing runs on its own
    // thread with this much stack so that no input within MaxLength can overflow it (a stack overflow kills the process).
    private const int ParserStackBytes = 16 * 1024 * 1024;

    // Parsers kept for reuse (each scans the loaded assemblies once, on its first parse); more may exist while in use.
    private const int PooledParsers = 8;

    /// <summary>
    /// RulesEngine settings. <see cref="Facts"/> is registered as the only custom type (Dynamic LINQ refuses method
    /// calls on unregistered types; RulesEngine adds System.Object, System.Linq.Enumerable and its own ExpressionUtils
    /// regardless, which the whitelist then refuses); input types are not auto-registered (only RulesEngine's workflow
    /// API reads that flag, but it stays off); parse errors are rethrown instead of silently becoming the constant
    /// <see langword="false"/> (RulesEngine does that when EnableExceptionAsErrorMessageForRuleExpressionParsing is
    /// off); identifiers are case-sensitive. Read only; each parser gets its own copy.
    /// </summary>
    private static readonly Func<ReSettings> Settings = () => new()
    {
        CustomTypes = [typeof(Facts)],
        AutoRegisterInputType = false,
        EnableExceptionAsErrorMessageForRuleExpressionParsing = true,
        IsExpressionCaseSensitive = true,
    };

    private static readonly ConcurrentBag<RuleExpressionParser> Parsers = [];

    /// <summary>
    /// Compiles an expression. Never throws.
    /// </summary>
    /// <param name="expression">The expression text.</param>
    /// <param name="errors">Empty on success; otherwise at least one error.</param>
    /// <returns>The compiled expression, or null when <paramref name="errors"/> is not empty.</returns>
    public static CompiledExpression? Compile(string expression, out IReadOnlyList<ExpressionError> errors) =>
        Compile(expression, out errors, DefaultTimeout, whileParsing: null);

    /// <summary>
    /// Compiles an expression with a given time limit. Never throws.
    /// </summary>
    /// <param name="expression">The expression text.</param>
    /// <param name="errors">Empty on success; otherwise at least one error.</param>
    /// <param name="timeout">How long the compile may take.</param>
    /// <param name="whileParsing">
    /// For tests: runs on the compiling thread while it holds its parser, just before parsing (to stand for a parse
    /// that hangs).
    /// </param>
    /// <returns>The compiled expression, or null when <paramref name="errors"/> is not empty.</returns>
    internal static CompiledExpression? Compile(
        string expression, out IReadOnlyList<ExpressionError> errors, TimeSpan timeout, Action? whileParsing)
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
            var thread = new Thread(() => outcome = CompileCore(expression, tokens, whileParsing), ParserStackBytes)
            {
                IsBackground = true,
                Name = "Eligibility expression compiler",
            };
            thread.Start();
            if (!thread.Join(timeout))
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

        var (np, npOffset) = ExpressionText.MaxNpNesting(tokens, MaxNpNesting);
        if (np > MaxNpNesting)
        {
            return new ExpressionError(
                ExpressionErrorKind.Syntax,
                $"np(...) is nested too deeply ({np} levels; at most {MaxNpNesting} are allowed)",
                npOffset);
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

    private static (CompiledExpression?, IReadOnlyList<ExpressionError>) CompileCore(
        string expression, List<ExpressionText.Token> tokens, Action? whileParsing)
    {
        try
        {
            var facts = Expression.Parameter(typeof(Facts), null);
            Expression body;
            try
            {
                body = Parse(expression, facts, whileParsing);
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

            // Checked before anything walks the tree in full: null propagation shares repeated parts, so the tree
            // written out can be exponentially larger than what the parser built.
            var nodes = NodeCounter.Count(body, MaxNodes);
            if (nodes > MaxNodes)
            {
                return (null, [new ExpressionError(
                    ExpressionErrorKind.Syntax,
                    $"the expression is too large: it expands to more than {MaxNodes} operations"
                        + " (np(...) repeats its argument for every member it guards)",
                    ExpressionText.FindIdentifierIgnoringCase(tokens, "np") ?? 0)]);
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

            var lambda = ThreeValuedRewriter.Rewrite(body, facts);
            var compiled = nodes > MaxCompiledNodes ? lambda.Compile(preferInterpretation: true) : lambda.Compile();
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

    /// <summary>Parses with a parser no other thread is using, returning it to the pool when the parse ends.</summary>
    private static Expression Parse(string expression, ParameterExpression facts, Action? whileParsing)
    {
        if (!Parsers.TryTake(out var parser))
        {
            parser = new RuleExpressionParser(Settings());
        }

        try
        {
            whileParsing?.Invoke();

            // A null result type: the result type is checked here (NotBoolean) rather than by the parser.
            return parser.Parse(expression, [facts], null);
        }
        finally
        {
            if (Parsers.Count < PooledParsers)
            {
                Parsers.Add(parser);
            }
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

/// <summary>Counts the nodes of an expression tree as written out in full, stopping as soon as a limit is passed.</summary>
internal sealed class NodeCounter : ExpressionVisitor
{
    private readonly int limit;
    private int count;

    private NodeCounter(int limit) => this.limit = limit;

    /// <summary>The number of nodes, or a number above <paramref name="limit"/> as soon as it is passed.</summary>
    public static int Count(Expression node, int limit)
    {
        var counter = new NodeCounter(limit);
        counter.Visit(node);
        return counter.count;
    }

    /// <inheritdoc/>
    public override Expression? Visit(Expression? node)
    {
        if (node is null || count > limit)
        {
            return node;
        }

        RuntimeHelpers.EnsureSufficientExecutionStack();
        count++;
        return base.Visit(node);
    }
}
