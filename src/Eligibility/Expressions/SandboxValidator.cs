using System;
using System.Collections.Frozen;
using System.Collections.Generic;
using System.Linq;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Eligibility.Expressions;

/// <summary>
/// The sandbox: a whitelist walk over a parsed expression tree. Every node kind, member, method, constructor,
/// operator method, conversion and constant must be one the whitelist names; anything else is a
/// <see cref="ExpressionErrorKind.Forbidden"/> error. Also checks that concept arguments are string literals and
/// collects them.
/// </summary>
internal sealed class SandboxValidator : ExpressionVisitor
{
    internal const string Reachable =
        "expressions may use only the fact model (Age, Sex, Value, Uln, HasCondition, HasActiveCondition, " +
        "OnMedication), numbers, strings, booleans and Math";

    /// <summary>Types whose values an expression may hold (plus <see cref="Nullable{T}"/> of the value types).</summary>
    private static readonly FrozenSet<Type> BasicTypes = new[]
    {
        typeof(bool), typeof(char), typeof(string), typeof(decimal), typeof(double), typeof(float),
        typeof(sbyte), typeof(byte), typeof(short), typeof(ushort), typeof(int), typeof(uint), typeof(long), typeof(ulong),
    }.ToFrozenSet();

    private static readonly FrozenSet<string> FactMethods = new[]
    {
        nameof(Facts.Value), nameof(Facts.Uln), nameof(Facts.HasCondition), nameof(Facts.HasActiveCondition),
        nameof(Facts.OnMedication),
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> FactProperties = new[] { nameof(Facts.Age), nameof(Facts.Sex) }
        .ToFrozenSet(StringComparer.Ordinal);

    // Deliberately absent: anything that can build large strings (PadLeft, PadRight, Replace, Insert, Join,
    // Format, Repeat), culture-formatted ToString/Parse, GetHashCode (randomised) and every object method.
    private static readonly FrozenSet<string> StringInstanceMethods = new[]
    {
        "Contains", "StartsWith", "EndsWith", "Equals", "CompareTo", "IndexOf", "LastIndexOf", "Substring",
        "ToUpper", "ToLower", "ToUpperInvariant", "ToLowerInvariant", "Trim", "TrimStart", "TrimEnd", "ToString",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> StringStaticMethods = new[]
    {
        "IsNullOrEmpty", "IsNullOrWhiteSpace", "Equals", "Compare", "CompareOrdinal", "Concat",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> ScalarInstanceMethods = new[] { "Equals", "CompareTo" }
        .ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> ScalarStaticMethods = new[]
    {
        "Abs", "Max", "Min", "Round", "Floor", "Ceiling", "Truncate", "Sign", "Clamp", "Compare", "IsNaN",
        "IsInfinity", "IsFinite", "IsNegative", "IsPositive", "IsPositiveInfinity", "IsNegativeInfinity",
    }.ToFrozenSet(StringComparer.Ordinal);

    private readonly ParameterExpression facts;
    private readonly List<ExpressionText.Token> tokens;
    private readonly List<(ExpressionError Error, bool Located)> errors = [];
    private readonly List<string> concepts = [];

    private SandboxValidator(ParameterExpression facts, List<ExpressionText.Token> tokens)
    {
        this.facts = facts;
        this.tokens = tokens;
    }

    /// <summary>Validates <paramref name="body"/>, whose only parameter must be <paramref name="facts"/>.</summary>
    public static (IReadOnlyList<ExpressionError> Errors, IReadOnlyList<string> Concepts) Validate(
        Expression body, ParameterExpression facts, List<ExpressionText.Token> tokens)
    {
        var validator = new SandboxValidator(facts, tokens);
        validator.Visit(body);

        // Outer nodes are visited first; report located errors in source order (so the first error is the first
        // offending name), then those whose position is unknown.
        var errors = validator.errors
            .OrderBy(e => e.Located ? 0 : 1)
            .ThenBy(e => e.Error.Offset)
            .Select(e => e.Error)
            .ToList();
        return (errors, validator.concepts);
    }

    /// <inheritdoc/>
    public override Expression? Visit(Expression? node)
    {
        if (node is null)
        {
            return null;
        }

        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (node.NodeType)
        {
            case ExpressionType.Add or ExpressionType.AddChecked or ExpressionType.Subtract or ExpressionType.SubtractChecked
                or ExpressionType.Multiply or ExpressionType.MultiplyChecked or ExpressionType.Divide or ExpressionType.Modulo
                or ExpressionType.Power or ExpressionType.And or ExpressionType.Or or ExpressionType.ExclusiveOr
                or ExpressionType.AndAlso or ExpressionType.OrElse or ExpressionType.Equal or ExpressionType.NotEqual
                or ExpressionType.LessThan or ExpressionType.LessThanOrEqual or ExpressionType.GreaterThan
                or ExpressionType.GreaterThanOrEqual or ExpressionType.Coalesce or ExpressionType.LeftShift
                or ExpressionType.RightShift:
            case ExpressionType.Not or ExpressionType.Negate or ExpressionType.NegateChecked or ExpressionType.UnaryPlus
                or ExpressionType.OnesComplement or ExpressionType.IsTrue or ExpressionType.IsFalse
                or ExpressionType.Convert or ExpressionType.ConvertChecked or ExpressionType.TypeAs:
            case ExpressionType.Conditional or ExpressionType.Constant or ExpressionType.Parameter
                or ExpressionType.MemberAccess or ExpressionType.Call or ExpressionType.New
                or ExpressionType.TypeIs or ExpressionType.TypeEqual or ExpressionType.Default:
                return base.Visit(node);
            default:
                // Lambdas, invocations, blocks, assignments, arrays, loops, extensions, ...: not part of the language.
                this.Forbid($"a {node.NodeType} expression is not allowed: {Reachable}", null);
                return node;
        }
    }

    /// <inheritdoc/>
    protected override Expression VisitParameter(ParameterExpression node)
    {
        if (node != this.facts)
        {
            this.Forbid($"parameter '{node.Name}' is not allowed: {Reachable}", null);
        }

        return node;
    }

    /// <inheritdoc/>
    protected override Expression VisitConstant(ConstantExpression node)
    {
        var valueType = node.Value?.GetType();
        var allowed = valueType is null
            ? IsBasic(node.Type) || node.Type == typeof(object) || node.Type == typeof(Facts)
            : IsBasic(valueType) && IsBasic(node.Type);
        if (!allowed)
        {
            this.Forbid($"a constant of type '{Describe(valueType ?? node.Type)}' is not allowed: {Reachable}", null);
        }

        return node;
    }

    /// <inheritdoc/>
    protected override Expression VisitDefault(DefaultExpression node)
    {
        if (!IsBasic(node.Type))
        {
            this.Forbid($"'default' of type '{Describe(node.Type)}' is not allowed: {Reachable}", null);
        }

        return node;
    }

    /// <inheritdoc/>
    protected override Expression VisitMember(MemberExpression node)
    {
        var member = node.Member;
        var type = member.DeclaringType;
        var allowed = member switch
        {
            PropertyInfo p when type == typeof(Facts) => node.Expression == this.facts && FactProperties.Contains(p.Name),
            PropertyInfo p when type == typeof(string) => p.Name == nameof(string.Length) && node.Expression is not null,
            FieldInfo f when type == typeof(string) => f.Name == nameof(string.Empty),
            PropertyInfo p when IsNullableOfBasic(type) => p.Name is "HasValue" or "Value",

            // Constants such as int.MaxValue, double.NaN, decimal.One, Math.PI.
            FieldInfo f when type is not null && (IsBasic(type) || type == typeof(Math)) =>
                f.IsStatic && f.IsPublic && (f.IsLiteral || f.IsInitOnly) && IsBasic(f.FieldType),
            _ => false,
        };

        if (!allowed)
        {
            this.Forbid($"'{Describe(type)}.{member.Name}' is not allowed: {Reachable}", this.Find(member.Name));
        }

        return base.VisitMember(node);
    }

    /// <inheritdoc/>
    protected override Expression VisitMethodCall(MethodCallExpression node)
    {
        var method = node.Method;
        if (method.DeclaringType == typeof(Facts))
        {
            if (node.Object != this.facts || !FactMethods.Contains(method.Name))
            {
                this.Forbid($"'Facts.{method.Name}' is not allowed: {Reachable}", this.Find(method.Name));
                return base.VisitMethodCall(node);
            }

            if (node.Arguments is [ConstantExpression { Value: string concept }] && concept.Length > 0)
            {
                if (!this.concepts.Contains(concept))
                {
                    this.concepts.Add(concept);
                }
            }
            else
            {
                this.Add(
                    ExpressionErrorKind.NonConstantConcept,
                    $"the concept passed to {method.Name} must be a string literal naming a concept, e.g. {method.Name}(\"alt\")",
                    ExpressionText.FindIdentifier(this.tokens, method.Name, nonLiteralCall: true));
                this.Visit(node.Arguments);
            }

            return node;
        }

        if (!IsAllowedMethod(method))
        {
            this.Forbid($"'{Describe(method)}' is not allowed: {Reachable}", this.Find(method.Name));
        }

        return base.VisitMethodCall(node);
    }

    /// <inheritdoc/>
    protected override Expression VisitBinary(BinaryExpression node)
    {
        if (node.Conversion is not null)
        {
            this.Forbid($"a conversion lambda is not allowed: {Reachable}", null);
            return node;
        }

        if (node.Method is { } method && !IsAllowedMethod(method))
        {
            this.Forbid($"operator '{Describe(method.DeclaringType)}.{method.Name}' is not allowed: {Reachable}", null);
        }
        else if (!IsBasic(node.Type))
        {
            this.Forbid($"a value of type '{Describe(node.Type)}' is not allowed: {Reachable}", null);
        }

        return base.VisitBinary(node);
    }

    /// <inheritdoc/>
    protected override Expression VisitUnary(UnaryExpression node)
    {
        if (node.Method is { } method && !IsAllowedMethod(method))
        {
            this.Forbid($"operator '{Describe(method.DeclaringType)}.{method.Name}' is not allowed: {Reachable}", null);
        }
        else if (!IsBasic(node.Type))
        {
            this.Forbid($"conversion to '{Describe(node.Type)}' is not allowed: {Reachable}", null);
        }

        return base.VisitUnary(node);
    }

    /// <inheritdoc/>
    protected override Expression VisitTypeBinary(TypeBinaryExpression node)
    {
        if (!IsBasic(node.TypeOperand))
        {
            this.Forbid($"a type test against '{Describe(node.TypeOperand)}' is not allowed: {Reachable}", null);
        }

        return base.VisitTypeBinary(node);
    }

    /// <inheritdoc/>
    protected override Expression VisitConditional(ConditionalExpression node)
    {
        if (!IsBasic(node.Type))
        {
            this.Forbid($"a value of type '{Describe(node.Type)}' is not allowed: {Reachable}", null);
        }

        return base.VisitConditional(node);
    }

    /// <inheritdoc/>
    protected override Expression VisitNew(NewExpression node)
    {
        // Only value types of the whitelist (decimal, Nullable<int>, ...) may be constructed.
        if (node.Constructor is not { } ctor || !node.Type.IsValueType || !IsBasic(node.Type) || !AllBasic(ctor.GetParameters())
            || node.Members is not null)
        {
            this.Forbid($"creating a '{Describe(node.Type)}' is not allowed: {Reachable}", this.Find("new"));
        }

        return base.VisitNew(node);
    }

    private static bool IsAllowedMethod(MethodInfo method)
    {
        var type = method.DeclaringType;
        if (type is null || method.IsGenericMethod || !method.IsPublic || !IsBasic(method.ReturnType)
            || !AllBasic(method.GetParameters()))
        {
            return false;
        }

        if (type == typeof(Math))
        {
            return true;
        }

        if (type == typeof(string))
        {
            return method.Name is "op_Equality" or "op_Inequality"
                || (method.IsStatic ? StringStaticMethods.Contains(method.Name) : StringInstanceMethods.Contains(method.Name));
        }

        if (IsNullableOfBasic(type))
        {
            return !method.IsStatic && method.Name == "GetValueOrDefault";
        }

        if (IsBasic(type))
        {
            return method.Name.StartsWith("op_", StringComparison.Ordinal)
                || (method.IsStatic ? ScalarStaticMethods.Contains(method.Name) : ScalarInstanceMethods.Contains(method.Name));
        }

        return false;
    }

    private static bool AllBasic(ParameterInfo[] parameters)
    {
        foreach (var parameter in parameters)
        {
            if (parameter.ParameterType.IsByRef || !IsBasic(parameter.ParameterType))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsBasic(Type type) => BasicTypes.Contains(type) || IsNullableOfBasic(type);

    private static bool IsNullableOfBasic(Type? type) =>
        type is not null && Nullable.GetUnderlyingType(type) is { } underlying && BasicTypes.Contains(underlying);

    private static string Describe(Type? type) => Describe(type, qualified: true);

    private static string Describe(Type? type, bool qualified)
    {
        if (type is null)
        {
            return "?";
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Describe(underlying, qualified) + "?";
        }

        var name = type.Name;
        if (type.IsGenericType)
        {
            var tick = name.IndexOf('`', StringComparison.Ordinal);
            name = (tick >= 0 ? name[..tick] : name)
                + "<" + string.Join(", ", type.GetGenericArguments().Select(a => Describe(a, qualified: false))) + ">";
        }

        return qualified && type.Namespace is { } ns ? $"{ns}.{name}" : name;
    }

    private static string Describe(MethodInfo method)
    {
        var parameters = method.GetParameters().Select(p => Describe(p.ParameterType, qualified: false));
        return $"{Describe(method.DeclaringType)}.{method.Name}({string.Join(", ", parameters)})";
    }

    private int? Find(string name) => ExpressionText.FindIdentifier(this.tokens, name);

    private void Forbid(string message, int? offset) => this.Add(ExpressionErrorKind.Forbidden, message, offset);

    private void Add(ExpressionErrorKind kind, string message, int? offset)
    {
        var error = new ExpressionError(kind, message, offset ?? 0);
        if (!this.errors.Exists(e => e.Error == error))
        {
            this.errors.Add((error, offset is not null));
        }
    }
}
