using System;
using System.Reflection;
using Eligibility.Compilation.Nodes;

namespace Eligibility.Sql.Compilation;

/// <summary>
/// Reads what a compiled rule node was built with (its concept, bounds, window, …). The nodes keep these in private
/// fields and expose no properties for them, so they are read by name; a field that is missing or of another type (the
/// core changed) makes the rule unsupported with that reason — the SQL then says unknown, never a silent pass.
/// </summary>
internal static class NodeFields
{
    public static T Get<T>(object node, string name)
    {
        var field = node.GetType().GetField(name, BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new UnsupportedRuleException($"the compiled {KindOf(node)} has no field '{name}' to read (the SQL back end needs updating)");
        object? value = field.GetValue(node);
        if (value is T typed)
        {
            return typed;
        }

        if (value is null && default(T) is null)
        {
            return default!;
        }

        throw new UnsupportedRuleException($"the compiled {KindOf(node)}'s field '{name}' is not a {typeof(T).Name}");
    }

    /// <summary>The trial's compiled criteria, inclusion first, in file order (the evaluator keeps them privately).</summary>
    public static System.Collections.Generic.IReadOnlyList<Eligibility.Compilation.CompiledCriterion> CriteriaOf(TrialEvaluator trial) =>
        typeof(TrialEvaluator).GetField("criteria", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(trial) as System.Collections.Generic.IReadOnlyList<Eligibility.Compilation.CompiledCriterion>
            ?? throw new InvalidOperationException("Eligibility.Sql cannot read the trial's compiled criteria: this is a bug (the core changed under it)");

    private static string KindOf(object node) => node is RuleNode rule ? rule.Kind + " rule" : node.GetType().Name;
}

/// <summary>A rule (or a feature of one) the SQL back end cannot express; its status becomes unknown with this reason.</summary>
internal sealed class UnsupportedRuleException : Exception
{
    public UnsupportedRuleException(string message)
        : base(message)
    {
    }

    public UnsupportedRuleException()
    {
    }

    public UnsupportedRuleException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
