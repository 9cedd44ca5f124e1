using System;
using System.Collections.Generic;
using System.Linq;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Eligibility.Expressions;

/// <summary>
/// Rewrites a parsed, sandbox-checked expression into three-valued code: every part of type <c>T</c> becomes a
/// <see cref="Tri{T}"/> (known with a value, or unknown).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Facts are read through <see cref="Facts"/>' internal <c>Read…</c> members, which return unknown (and record
/// the missing fact) instead of throwing.</item>
/// <item><c>&amp;&amp;</c> and <c>||</c> (and <c>&amp;</c>, <c>|</c>) on booleans follow Kleene logic in both operand
/// orders; the right operand is evaluated only when the left does not decide. When the result is known, the missing
/// facts recorded while computing it are forgotten, so an unknown result names exactly the missing facts that
/// mattered.</item>
/// <item><c>c ? a : b</c> is unknown when <c>c</c> is; otherwise it is the chosen branch.</item>
/// <item>Every other operation (comparisons, arithmetic, <c>!</c>, conversions, member access, method calls) is
/// strict: all operands are evaluated, and any unknown operand makes the result unknown. Integer and decimal division
/// by zero, <c>int</c> and <c>long</c> overflow (<see cref="Overflow"/>) and a null instance are caught before they
/// happen; other integer arithmetic and conversions are checked, and an exception an operation still throws (decimal
/// overflow, <c>Substring</c> out of range) makes that part unknown with the reason, never the whole rule.</item>
/// </list>
/// The rewrite adds no way to reach anything: the only members it introduces are <see cref="Tri{T}"/>'s and those
/// listed in <see cref="Helpers"/>, and it refuses node kinds the <see cref="SandboxValidator"/> does not allow.
/// </remarks>
internal sealed class ThreeValuedRewriter
{
    private static readonly MethodInfo MarkMethod = Internal(nameof(Facts.Mark));
    private static readonly MethodInfo ForgetMethod = Internal(nameof(Facts.Forget));
    private static readonly MethodInfo FailMethod = Internal(nameof(Facts.Fail));
    private static readonly MethodInfo FailureMethod = Internal(nameof(Facts.Failure));

    private static readonly Dictionary<string, MethodInfo> FactReaders = new(StringComparer.Ordinal)
    {
        [nameof(Facts.Age)] = Internal(nameof(Facts.ReadAge)),
        [nameof(Facts.Sex)] = Internal(nameof(Facts.ReadSex)),
        [nameof(Facts.Value)] = Internal(nameof(Facts.ReadValue)),
        [nameof(Facts.Uln)] = Internal(nameof(Facts.ReadUln)),
        [nameof(Facts.HasCondition)] = Internal(nameof(Facts.ReadHasCondition)),
        [nameof(Facts.HasActiveCondition)] = Internal(nameof(Facts.ReadHasActiveCondition)),
        [nameof(Facts.OnMedication)] = Internal(nameof(Facts.ReadOnMedication)),
    };

    // Members that cannot throw once their instance is known not to be null: no catch is generated for them, which
    // keeps the compiled code small (np(...) repeats them many times).
    private static readonly HashSet<string> NeverThrowingStringMembers = new(StringComparer.Ordinal)
    {
        nameof(string.Length), nameof(string.Trim), nameof(string.TrimStart), nameof(string.TrimEnd), nameof(string.ToUpper),
        nameof(string.ToLower), nameof(string.ToUpperInvariant), nameof(string.ToLowerInvariant), nameof(string.ToString),
    };

    private static readonly Expression True = Known(Expression.Constant(true));
    private static readonly Expression False = Known(Expression.Constant(false));

    private readonly ParameterExpression facts;

    // Every temporary, declared once at the top: nested blocks with variables of their own make compiling to IL
    // quadratic in the nesting depth. Each temporary is assigned before it is read, within one evaluation.
    private readonly List<ParameterExpression> temporaries = [];

    private ThreeValuedRewriter(ParameterExpression facts) => this.facts = facts;

    /// <summary>
    /// The internal members that rewritten code may call besides the sandboxed ones: <see cref="Facts"/>' and the
    /// <see cref="Overflow"/> checks.
    /// </summary>
    internal static IReadOnlyCollection<MethodInfo> Helpers { get; } =
        FactReaders.Values.Concat([MarkMethod, ForgetMethod, FailMethod, FailureMethod])
            .Concat(typeof(Overflow).GetMethods(BindingFlags.Public | BindingFlags.Static))
            .ToArray();

    /// <summary>The lambda computing <paramref name="body"/> (of type bool) three-valued.</summary>
    /// <exception cref="NotSupportedException">The tree contains a node the sandbox does not allow.</exception>
    public static Expression<Func<Facts, Tri<bool>>> Rewrite(Expression body, ParameterExpression facts)
    {
        if (body.Type != typeof(bool))
        {
            throw new NotSupportedException("an expression must be boolean");
        }

        var rewriter = new ThreeValuedRewriter(facts);
        var rewritten = rewriter.Visit(body);
        return Expression.Lambda<Func<Facts, Tri<bool>>>(
            rewriter.temporaries.Count == 0 ? rewritten : Expression.Block(typeof(Tri<bool>), rewriter.temporaries, rewritten),
            facts);
    }

    private static MethodInfo Internal(string name) =>
        typeof(Facts).GetMethod(name, BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new InvalidOperationException($"Facts.{name} is missing.");

    private static Type TriOf(Type type) => typeof(Tri<>).MakeGenericType(type);

    private static Expression Known(Expression value) =>
        Expression.New(TriOf(value.Type).GetConstructor([value.Type])!, value);

    private static Expression Unknown(Type type) => Expression.Default(TriOf(type));

    private static MemberExpression IsKnown(Expression tri) => Expression.Field(tri, nameof(Tri<int>.Known));

    private static MemberExpression ValueOf(Expression tri) => Expression.Field(tri, nameof(Tri<int>.Value));

    private static bool IsIntegral(Type type) =>
        (Nullable.GetUnderlyingType(type) ?? type) is var t
        && (t == typeof(int) || t == typeof(long) || t == typeof(short) || t == typeof(sbyte)
            || t == typeof(uint) || t == typeof(ulong) || t == typeof(ushort) || t == typeof(byte) || t == typeof(char));

    private static bool IsDecimal(Type type) => (Nullable.GetUnderlyingType(type) ?? type) == typeof(decimal);

    /// <summary>Whether a member or method with these arguments cannot throw on a non-null instance.</summary>
    private static bool NeverThrows(MemberInfo member, int arguments) =>
        arguments == 0 && member.DeclaringType == typeof(string) && NeverThrowingStringMembers.Contains(member.Name);

    /// <summary>
    /// A part that cannot be unknown and cannot fail: a constant, a static constant (int.MaxValue), or <c>it</c>.
    /// </summary>
    private bool IsConstant(Expression node) => node switch
    {
        ConstantExpression or DefaultExpression => true,
        MemberExpression { Expression: null } => true,
        ParameterExpression p => p == facts,
        _ => false,
    };

    private Expression Visit(Expression node)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        return node switch
        {
            ConstantExpression or DefaultExpression => Known(node),
            ParameterExpression p when p == facts => Known(node),
            MemberExpression m => VisitMember(m),
            MethodCallExpression c => VisitCall(c),
            BinaryExpression b => VisitBinary(b),
            UnaryExpression u => VisitUnary(u),
            ConditionalExpression c => VisitConditional(c),
            NewExpression n when n.Members is null && n.Constructor is { } ctor =>
                Strict(node.Type, n.Arguments, values => Expression.New(ctor, values), guard: true),
            TypeBinaryExpression t when t.NodeType == ExpressionType.TypeIs =>
                Strict(node.Type, [t.Expression], values => Expression.TypeIs(values[0], t.TypeOperand), guard: false),
            TypeBinaryExpression t when t.NodeType == ExpressionType.TypeEqual =>
                Strict(node.Type, [t.Expression], values => Expression.TypeEqual(values[0], t.TypeOperand), guard: false),
            _ => throw new NotSupportedException($"a {node.NodeType} expression is not supported"),
        };
    }

    private Expression VisitMember(MemberExpression node)
    {
        if (node.Expression is null)
        {
            return Known(node);
        }

        if (node.Expression == facts && node.Member.DeclaringType == typeof(Facts) && FactReaders.TryGetValue(node.Member.Name, out var reader))
        {
            return Expression.Call(facts, reader);
        }

        return Strict(
            node.Type,
            [node.Expression],
            values => Expression.MakeMemberAccess(values[0], node.Member),
            guard: !NeverThrows(node.Member, 0),
            nullGuard: true);
    }

    private Expression VisitCall(MethodCallExpression node)
    {
        if (node.Object == facts && node.Method.DeclaringType == typeof(Facts))
        {
            if (FactReaders.TryGetValue(node.Method.Name, out var reader) && node.Arguments is [ConstantExpression { Value: string }])
            {
                return Expression.Call(facts, reader, node.Arguments);
            }

            throw new NotSupportedException($"Facts.{node.Method.Name} is not supported");
        }

        if (node.Object is null)
        {
            return Strict(node.Type, node.Arguments, values => Expression.Call(node.Method, values), guard: true);
        }

        return Strict(
            node.Type,
            [node.Object, .. node.Arguments],
            values => Expression.Call(values[0], node.Method, values.Skip(1)),
            guard: !NeverThrows(node.Method, node.Arguments.Count),
            nullGuard: true);
    }

    private Expression VisitBinary(BinaryExpression node)
    {
        if (node.Conversion is not null)
        {
            throw new NotSupportedException("a conversion lambda is not supported");
        }

        var plainBoolean = node.Method is null && node.Type == typeof(bool) && node.Left.Type == typeof(bool) && node.Right.Type == typeof(bool);
        switch (node.NodeType)
        {
            case ExpressionType.AndAlso or ExpressionType.And when plainBoolean:
                return Kleene(node.Left, node.Right, decidingValue: false);
            case ExpressionType.OrElse or ExpressionType.Or when plainBoolean:
                return Kleene(node.Left, node.Right, decidingValue: true);
            case ExpressionType.Coalesce:
                return Coalesce(node);
            default:
                break;
        }

        var type = node.NodeType;
        var overflowCheck = node.Method is null && node.Left.Type == node.Type && node.Right.Type == node.Type
            && (node.Type == typeof(int) || node.Type == typeof(long))
            ? type switch
            {
                ExpressionType.Add or ExpressionType.AddChecked => nameof(Overflow.Add),
                ExpressionType.Subtract or ExpressionType.SubtractChecked => nameof(Overflow.Subtract),
                ExpressionType.Multiply or ExpressionType.MultiplyChecked => nameof(Overflow.Multiply),
                ExpressionType.Divide or ExpressionType.Modulo => nameof(Overflow.Divide),
                _ => null,
            }
            : null;
        if (node.Method is null && IsIntegral(node.Type))
        {
            // Overflow is an error, never a silently wrapped number.
            type = type switch
            {
                ExpressionType.Add => ExpressionType.AddChecked,
                ExpressionType.Subtract => ExpressionType.SubtractChecked,
                ExpressionType.Multiply => ExpressionType.MultiplyChecked,
                _ => type,
            };
        }

        // What int and long overflow checks do not cover (decimal, other integer types, shifts) runs in a catch;
        // floating-point arithmetic never throws (IEEE infinities and NaN, as written).
        var floating = (Nullable.GetUnderlyingType(node.Type) ?? node.Type) is var f && (f == typeof(double) || f == typeof(float));
        var mayFail = overflowCheck is null && !floating && type is ExpressionType.AddChecked or ExpressionType.SubtractChecked
            or ExpressionType.MultiplyChecked or ExpressionType.Add or ExpressionType.Subtract or ExpressionType.Multiply
            or ExpressionType.Divide or ExpressionType.Modulo or ExpressionType.Power or ExpressionType.LeftShift
            or ExpressionType.RightShift;
        var divides = type is ExpressionType.Divide or ExpressionType.Modulo
            && (IsIntegral(node.Right.Type) || IsDecimal(node.Right.Type));
        return Strict(
            node.Type,
            [node.Left, node.Right],
            values => Expression.MakeBinary(type, values[0], values[1], node.IsLiftedToNull, node.Method),
            guard: mayFail,
            zeroGuard: divides ? 1 : null,
            overflow: overflowCheck is null ? null : Check(overflowCheck, node.Type, 2));
    }

    private static MethodInfo Check(string name, Type type, int arity) =>
        typeof(Overflow).GetMethod(name, BindingFlags.Public | BindingFlags.Static, Enumerable.Repeat(type, arity).ToArray())
        ?? throw new InvalidOperationException($"Overflow.{name}({type.Name}) is missing.");

    private Expression VisitUnary(UnaryExpression node)
    {
        var type = node.NodeType;
        var numeric = node.Method is null && (IsIntegral(node.Type) || IsDecimal(node.Type))
            && (IsIntegral(node.Operand.Type) || IsDecimal(node.Operand.Type) || node.Operand.Type == typeof(double) || node.Operand.Type == typeof(float)
                || Nullable.GetUnderlyingType(node.Operand.Type) is { } u && (u == typeof(double) || u == typeof(float)));
        if (numeric)
        {
            type = type switch
            {
                ExpressionType.Convert => ExpressionType.ConvertChecked,
                ExpressionType.Negate => ExpressionType.NegateChecked,
                _ => type,
            };
        }

        var negation = type is ExpressionType.Negate or ExpressionType.NegateChecked && node.Method is null
            && node.Operand.Type == node.Type && (node.Type == typeof(int) || node.Type == typeof(long));
        var mayFail = !negation && (type is ExpressionType.Convert or ExpressionType.ConvertChecked or ExpressionType.Negate
            or ExpressionType.NegateChecked or ExpressionType.UnaryPlus || node.Method is not null);
        return type switch
        {
            ExpressionType.Not or ExpressionType.Negate or ExpressionType.NegateChecked or ExpressionType.UnaryPlus
                or ExpressionType.OnesComplement or ExpressionType.IsTrue or ExpressionType.IsFalse
                or ExpressionType.Convert or ExpressionType.ConvertChecked or ExpressionType.TypeAs =>
                Strict(
                    node.Type,
                    [node.Operand],
                    values => Expression.MakeUnary(type, values[0], node.Type, node.Method),
                    guard: mayFail,
                    overflow: negation ? Check(nameof(Overflow.Negate), node.Type, 1) : null),
            _ => throw new NotSupportedException($"a {node.NodeType} expression is not supported"),
        };
    }

    /// <summary>
    /// <c>left &amp;&amp; right</c> (deciding value false) or <c>left || right</c> (deciding value true) under Kleene logic.
    /// </summary>
    private Expression Kleene(Expression leftNode, Expression rightNode, bool decidingValue)
    {
        var mark = Temporary(typeof(int), "mark");
        var left = Temporary(typeof(Tri<bool>), "left");
        var right = Temporary(typeof(Tri<bool>), "right");
        var decided = decidingValue ? True : False;
        var undecided = decidingValue ? False : True;
        Expression Decides(ParameterExpression side) =>
            Expression.AndAlso(IsKnown(side), decidingValue ? ValueOf(side) : Expression.Not(ValueOf(side)));
        Expression Decided() => Expression.Block(Expression.Call(facts, ForgetMethod, mark), decided);

        return Expression.Block(
            typeof(Tri<bool>),
            Expression.Assign(mark, Expression.Call(facts, MarkMethod)),
            Expression.Assign(left, Visit(leftNode)),
            Expression.Condition(
                Decides(left),
                Decided(),
                Expression.Block(
                    Expression.Assign(right, Visit(rightNode)),
                    Expression.Condition(
                        Decides(right),
                        Decided(),
                        Expression.Condition(
                            Expression.AndAlso(IsKnown(left), IsKnown(right)),
                            undecided,
                            Unknown(typeof(bool)))))));
    }

    private Expression VisitConditional(ConditionalExpression node)
    {
        var test = Temporary(typeof(Tri<bool>), "test");
        return Expression.Block(
            TriOf(node.Type),
            Expression.Assign(test, Visit(node.Test)),
            Expression.Condition(
                IsKnown(test),
                Expression.Condition(ValueOf(test), Branch(node.IfTrue), Branch(node.IfFalse)),
                Unknown(node.Type)));

        Expression Branch(Expression branch) => Visit(branch.Type == node.Type ? branch : Expression.Convert(branch, node.Type));
    }

    /// <summary><c>left ?? right</c>: unknown when <c>left</c> is; <c>right</c> is evaluated only when <c>left</c> is null.</summary>
    private Expression Coalesce(BinaryExpression node)
    {
        var left = Temporary(TriOf(node.Left.Type), "left");
        var right = node.Right.Type == node.Type ? node.Right : Expression.Convert(node.Right, node.Type);

        // With a non-null left, the right operand of ?? is never used: a default stands in for it.
        var converted = Expression.Coalesce(ValueOf(left), Expression.Default(node.Right.Type));
        return Expression.Block(
            TriOf(node.Type),
            Expression.Assign(left, Visit(node.Left)),
            Expression.Condition(
                IsKnown(left),
                Expression.Condition(
                    node.Left.Type.IsValueType
                        ? Expression.Equal(ValueOf(left), Expression.Constant(null, node.Left.Type))
                        : Expression.ReferenceEqual(ValueOf(left), Expression.Constant(null, node.Left.Type)),
                    Visit(right),
                    Known(converted.Type == node.Type ? converted : Expression.Convert(converted, node.Type))),
                Unknown(node.Type)));
    }

    /// <summary>
    /// A strict operation: every operand is evaluated; when all are known, <paramref name="build"/> computes the result
    /// from their values, else it is unknown.
    /// </summary>
    /// <param name="type">The result type as written.</param>
    /// <param name="operands">The operands as written.</param>
    /// <param name="build">The operation over the operands' values.</param>
    /// <param name="guard">Whether the operation may throw, so that it runs inside a catch that makes it unknown.</param>
    /// <param name="nullGuard">Whether operand 0 is an instance that must not be null.</param>
    /// <param name="zeroGuard">The operand that is a divisor, which must not be zero.</param>
    /// <param name="overflow">An <see cref="Overflow"/> check over the operands' values.</param>
    private Expression Strict(
        Type type,
        IReadOnlyList<Expression> operands,
        Func<IReadOnlyList<Expression>, Expression> build,
        bool guard,
        bool nullGuard = false,
        int? zeroGuard = null,
        MethodInfo? overflow = null)
    {
        var body = new List<Expression>();
        var values = new Expression[operands.Count];
        var known = new List<Expression>();
        for (var i = 0; i < operands.Count; i++)
        {
            if (IsConstant(operands[i]))
            {
                values[i] = operands[i];
                continue;
            }

            var variable = Temporary(TriOf(operands[i].Type), "operand" + i);
            body.Add(Expression.Assign(variable, Visit(operands[i])));
            values[i] = ValueOf(variable);
            known.Add(IsKnown(variable));
        }

        Expression result = Known(build(values));
        if (guard)
        {
            var exception = Expression.Variable(typeof(Exception), "exception");
            result = Expression.TryCatch(
                result,
                Expression.Catch(exception, Expression.Call(facts, FailureMethod.MakeGenericMethod(type), exception)));
        }

        if (overflow is not null)
        {
            result = Expression.Condition(
                Expression.Call(overflow, values),
                Expression.Call(facts, FailMethod.MakeGenericMethod(type), Expression.Constant("arithmetic overflow")),
                result);
        }

        if (zeroGuard is { } divisor)
        {
            var zero = Expression.Convert(Expression.Constant(0), values[divisor].Type);
            result = Expression.Condition(
                Expression.Equal(values[divisor], zero),
                Expression.Call(facts, FailMethod.MakeGenericMethod(type), Expression.Constant("division by zero")),
                result);
        }

        if (nullGuard && !operands[0].Type.IsValueType)
        {
            result = Expression.Condition(
                Expression.ReferenceEqual(values[0], Expression.Constant(null, operands[0].Type)),
                Expression.Call(facts, FailMethod.MakeGenericMethod(type), Expression.Constant("a value is null")),
                result);
        }

        if (known.Count > 0)
        {
            result = Expression.Condition(known.Aggregate(Expression.AndAlso), result, Unknown(type));
        }

        body.Add(result);
        return body.Count == 1 ? result : Expression.Block(TriOf(type), body);
    }

    private ParameterExpression Temporary(Type type, string name)
    {
        var variable = Expression.Variable(type, name);
        temporaries.Add(variable);
        return variable;
    }
}
