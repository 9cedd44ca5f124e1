using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Eligibility.Expressions;
using RulesEngine.ExpressionBuilders;
using RulesEngine.Models;

namespace Eligibility.Tests.Expressions;

/// <summary>
/// Expressions are three-valued: a missing fact is unknown, unknown spreads through comparisons and arithmetic, and
/// &amp;&amp; / || follow Kleene logic in both operand orders — exactly as all / any / not rules do.
/// </summary>
[TestFixture]
public sealed class ThreeValuedExpressionTests
{
    // ---------------------------------------------------------------- Kleene logic in both orders

    [TestCase("Value(\"alt\") > 3 || Age > 70")]
    [TestCase("Age > 70 || Value(\"alt\") > 3")]
    public void True_or_unknown_is_true_in_either_order(string expression)
    {
        // The example: no ALT result, aged 80.
        var facts = new Fake { Age = 80 };

        Evaluate(expression, facts, out var missing).Should().BeTrue();
        missing.Should().BeEmpty();
    }

    [TestCase("Value(\"alt\") > 3 && Age > 70")]
    [TestCase("Age > 70 && Value(\"alt\") > 3")]
    public void False_and_unknown_is_false_in_either_order(string expression)
    {
        var facts = new Fake { Age = 40 };

        Evaluate(expression, facts, out var missing).Should().BeFalse();
        missing.Should().BeEmpty();
    }

    [TestCase("Value(\"alt\") > 3 || Age > 70")]
    [TestCase("Age > 70 || Value(\"alt\") > 3")]
    [TestCase("Value(\"alt\") > 3 && Age < 70")]
    [TestCase("Age < 70 && Value(\"alt\") > 3")]
    public void Unknown_that_the_other_side_does_not_decide_stays_unknown(string expression)
    {
        var facts = new Fake { Age = 40 };

        Evaluate(expression, facts, out var missing).Should().BeNull();
        missing.Should().Equal("alt result");
    }

    private static IEnumerable<TestCaseData> KleeneTable()
    {
        bool?[] values = [true, false, null];
        foreach (var a in values)
        {
            foreach (var b in values)
            {
                yield return new TestCaseData(a, b).SetName($"Kleene table a={Show(a)} b={Show(b)}");
            }
        }
    }

    [TestCaseSource(nameof(KleeneTable))]
    public void And_or_not_follow_the_Kleene_tables(bool? a, bool? b)
    {
        // HasCondition("a") and OnMedication("b") stand for any two three-valued atoms.
        var facts = new Fake();
        Set(facts.Conditions, "a", a);
        Set(facts.Medications, "b", b);

        Evaluate("HasCondition(\"a\") && OnMedication(\"b\")", facts, out _).Should().Be(And(a, b));
        Evaluate("OnMedication(\"b\") && HasCondition(\"a\")", facts, out _).Should().Be(And(a, b));
        Evaluate("HasCondition(\"a\") || OnMedication(\"b\")", facts, out _).Should().Be(Or(a, b));
        Evaluate("OnMedication(\"b\") || HasCondition(\"a\")", facts, out _).Should().Be(Or(a, b));
        Evaluate("HasCondition(\"a\") and OnMedication(\"b\")", facts, out _).Should().Be(And(a, b));
        Evaluate("HasCondition(\"a\") or OnMedication(\"b\")", facts, out _).Should().Be(Or(a, b));
        Evaluate("HasCondition(\"a\") & OnMedication(\"b\")", facts, out _).Should().Be(And(a, b));
        Evaluate("HasCondition(\"a\") | OnMedication(\"b\")", facts, out _).Should().Be(Or(a, b));
        Evaluate("!HasCondition(\"a\")", facts, out _).Should().Be(a is null ? null : !a);
        Evaluate("not HasCondition(\"a\")", facts, out _).Should().Be(a is null ? null : !a);
    }

    // ---------------------------------------------------------------- unknown spreads through everything else

    [TestCase("Age > 70")]
    [TestCase("Age == 70")]
    [TestCase("Age != 70")]
    [TestCase("70 <= Age")]
    [TestCase("Age + 1 > 70")]
    [TestCase("Age * 0 == 0")]
    [TestCase("Age - Age == 0")]
    [TestCase("Math.Max(Age, 18) >= 18")]
    [TestCase("Age / 3.0 > 1")]
    [TestCase("-Age < 0")]
    [TestCase("Age in (39, 40, 41)")]
    [TestCase("Age.CompareTo(18) > 0")]
    [TestCase("Age > 70 ? true : false")]
    [TestCase("iif(Age > 70, true, true)")]
    [TestCase("(Age > 70) == (Age > 70)")]
    public void Any_operation_on_an_unknown_operand_is_unknown(string expression)
    {
        Evaluate(expression, new Fake(), out var missing).Should().BeNull();
        missing.Should().Equal("age (no birth date)");
    }

    [TestCase("Sex == \"female\"")]
    [TestCase("Sex != \"female\"")]
    [TestCase("\"female\" == Sex")]
    [TestCase("Sex == null")]
    [TestCase("Sex != null")]
    [TestCase("string.IsNullOrEmpty(Sex)")]
    [TestCase("Sex.StartsWith(\"f\")")]
    [TestCase("Sex.Length > 0")]
    [TestCase("(Sex ?? \"x\") == \"x\"")]
    [TestCase("np(Sex.Trim()) == \"female\"")]
    [TestCase("Sex + \"!\" == \"!\"")]
    public void A_missing_sex_is_unknown_whatever_the_string_operation(string expression)
    {
        Evaluate(expression, new Fake { Age = 40 }, out var missing).Should().BeNull();
        missing.Should().Equal("sex");
    }

    [TestCase("Sex == \"female\"", true)]
    [TestCase("Sex != \"female\"", false)]
    [TestCase("Sex == null", false)]
    [TestCase("(Sex ?? \"x\") == \"female\"", true)]
    [TestCase("np(Sex.Trim()) == \"female\"", true)]
    [TestCase("(Age > 100 ? null : Sex) == \"female\"", true)]
    [TestCase("(Age > 1 ? null : Sex) == null", true)]
    [TestCase("((Age > 1 ? null : Sex) ?? \"fallback\") == \"fallback\"", true)]
    public void A_known_string_compares_as_written_null_included(string expression, bool expected) =>
        Evaluate(expression, new Fake { Age = 40, Sex = "female" }, out _).Should().Be(expected);

    [Test]
    public void The_branch_not_taken_does_not_matter()
    {
        var facts = new Fake { Age = 40 };

        Evaluate("Age > 70 ? Value(\"alt\") > 3 : true", facts, out var missing).Should().BeTrue();
        missing.Should().BeEmpty();
        Evaluate("Age < 70 ? Value(\"alt\") > 3 : true", facts, out missing).Should().BeNull();
        missing.Should().Equal("alt result");
        Evaluate("Value(\"alt\") > 3 ? true : true", facts, out missing).Should().BeNull("an unknown condition leaves ? : unknown");
        missing.Should().Equal("alt result");
    }

    // ---------------------------------------------------------------- which missing facts are named

    [Test]
    public void An_unknown_result_names_every_missing_fact_that_mattered()
    {
        var facts = new Fake { Age = 40 };

        Evaluate("Value(\"alt\") / Uln(\"alt\") > 3", facts, out var missing).Should().BeNull();
        missing.Should().Equal("alt result", "alt upper limit of normal");

        Evaluate("Value(\"alt\") > 3 || Value(\"crp\") > 5 || Age > 70", facts, out missing).Should().BeNull();
        missing.Should().Equal("alt result", "crp result");

        Evaluate("(Value(\"alt\") > 3 || Age > 30) && Value(\"crp\") > 5", facts, out missing).Should().BeNull();
        missing.Should().Equal(["crp result"], "the alt result did not matter: the left side is true without it");

        Evaluate("Value(\"alt\") > 3 && Value(\"alt\") < 100", facts, out missing).Should().BeNull();
        missing.Should().Equal(["alt result"], "a fact read twice is named once");
    }

    [Test]
    public void A_known_result_names_nothing_missing_even_when_facts_were_missing()
    {
        var facts = new Fake { Age = 40 };

        Evaluate("(Value(\"alt\") > 3 && Value(\"crp\") > 5) || Age > 30", facts, out var missing).Should().BeTrue();
        missing.Should().BeEmpty();
        Evaluate("!(Value(\"alt\") > 3 || Age > 30)", facts, out missing).Should().BeFalse();
        missing.Should().BeEmpty();
    }

    // ---------------------------------------------------------------- failures are unknown, with a reason

    [TestCase("Value(\"alt\") / 0 > 1")]
    [TestCase("Age / 0 > 1")]
    [TestCase("Age % 0 == 1")]
    [TestCase("Value(\"alt\") % (Age - 40) > 1")]
    [TestCase("Age / (Age - 40) > 1")]
    public void Division_by_zero_is_unknown_with_its_reason(string expression)
    {
        Evaluate(expression, Fake.Typical(), out var missing).Should().BeNull();
        missing.Should().Equal("expression failed: division by zero");
    }

    [TestCase("Age > 30 || Value(\"alt\") / 0 > 1", true)]
    [TestCase("Age < 30 && Age / 0 > 1", false)]
    [TestCase("Age / 0.0 > 1", true)]  // floating point divides to infinity, as written
    public void A_failure_that_does_not_matter_does_not_make_the_rule_unknown(string expression, bool expected)
    {
        Evaluate(expression, Fake.Typical(), out var missing).Should().Be(expected);
        missing.Should().BeEmpty();
    }

    [TestCase("Age * 2147483647 > 0")]
    [TestCase("Age + 2147483647 > 0")]
    [TestCase("-(Age - 40 - 2147483647 - 1) > 0")]
    [TestCase("Value(\"alt\") * 7922816251426433759354395033.5 > 1")]
    [TestCase("int(Age * 1e30) > 0")]
    [TestCase("Age * 9223372036854775807 > 0")]
    [TestCase("(Age - 40 - 2147483647 - 1) / -1 > 0")]
    [TestCase("(Age - 40 - 2147483647 - 1) % -1 == 0")]
    [TestCase("-(Age - 40 - 9223372036854775807 - 1) > 0")]
    public void Overflow_is_unknown_never_a_wrapped_number(string expression)
    {
        Evaluate(expression, Fake.Typical(), out var missing).Should().BeNull();
        missing.Should().Equal("expression failed: arithmetic overflow");
    }

    [Test]
    public void An_operation_that_throws_is_unknown_with_its_message()
    {
        Evaluate("\"ab\".Substring(5) == \"\"", Fake.Typical(), out var missing).Should().BeNull();
        missing.Should().ContainSingle().Which.Should().StartWith("expression failed: ");
        Evaluate("Age > 30 || \"ab\".Substring(5) == \"\"", Fake.Typical(), out missing).Should().BeTrue();
    }

    [Test]
    public void Missing_data_and_guarded_failures_raise_no_exception_at_all()
    {
        var compiled = new[]
        {
            "Value(\"alt\") > 3 || Age > 70 || Sex == \"female\" || OnMedication(\"x\") || HasCondition(\"y\")",
            "Value(\"alt\") / Uln(\"alt\") > 3 && HasActiveCondition(\"z\")",
            "Age / (Age - 40) > 1 || Value(\"alt\") % 0 > 1",
            "np(Sex.Trim()).Length > 2",
        }.Select(CompileOk).ToList();
        var thread = Environment.CurrentManagedThreadId;
        var raised = 0;
        void Count(object? sender, FirstChanceExceptionEventArgs e)
        {
            if (Environment.CurrentManagedThreadId == thread)
            {
                Interlocked.Increment(ref raised);
            }
        }

        AppDomain.CurrentDomain.FirstChanceException += Count;
        try
        {
            foreach (var expression in compiled)
            {
                expression.Evaluate(new Fake(), out _).Should().BeNull();
                expression.Evaluate(new Fake { Age = 40 }, out _).Should().BeNull();
            }
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= Count;
        }

        raised.Should().Be(0);
    }

    [Test]
    public void A_large_expression_is_interpreted_with_the_same_three_valued_semantics()
    {
        // Over ExpressionCompiler.MaxCompiledNodes nodes the three-valued code is interpreted rather than compiled to IL.
        var alt = string.Join(" || ", Enumerable.Repeat("Value(\"alt\") > 3", 20));
        var padding = new string('!', 1200) + "false";
        var expression = $"({alt}) || Age > 70 || (Age == 40 && 1 / (Age - 40) > 0) || (Age == 41 && Age * 2147483647 > 0) || {padding}";
        ExpressionCompiler.Compile(expression, out _).Should().NotBeNull();
        NodeCounter.Count(
            new RuleExpressionParser(new ReSettings { CustomTypes = [typeof(Facts)], IsExpressionCaseSensitive = true })
                .Parse(expression, [Expression.Parameter(typeof(Facts))], null),
            int.MaxValue).Should().BeGreaterThan(ExpressionCompiler.MaxCompiledNodes);
        var compiled = CompileOk(expression);

        compiled.Evaluate(new Fake { Age = 80 }, out var missing).Should().BeTrue();
        missing.Should().BeEmpty();
        compiled.Evaluate(new Fake { Age = 40 }, out missing).Should().BeNull();
        missing.Should().Equal("alt result", "expression failed: division by zero");
        compiled.Evaluate(new Fake { Age = 41 }, out missing).Should().BeNull();
        missing.Should().Equal("alt result", "expression failed: arithmetic overflow");
        compiled.Evaluate(new Fake { Age = 30 }, out missing).Should().BeNull();
        missing.Should().Equal("alt result");
        var high = new Fake { Age = 30 };
        high.Values["alt"] = 5;
        compiled.Evaluate(high, out missing).Should().BeTrue();
        missing.Should().BeEmpty();
    }

    // ---------------------------------------------------------------- the rewrite opens nothing

    private static readonly string[] Rewritten =
    [
        "Age >= 18 && Value(\"alt\") / Uln(\"alt\") <= 3 || !HasCondition(\"sle\")",
        "Sex.StartsWith(\"fe\") && Sex.Substring(0, 2) == \"fe\" && (Sex ?? \"x\").Length > 1",
        "np(Sex.Trim().ToUpper()) == \"FEMALE\" && Math.Round(Value(\"alt\") / 3, 2) > 1",
        "iif(Age > 65, OnMedication(\"x\"), HasActiveCondition(\"y\")) || -Age < int.MaxValue",
        "decimal.Round(Value(\"alt\") / 3) == 27 && Age % 7 == 5 && Age / 3.0 > 1 && int?(Age) != null",
    ];

    [TestCaseSource(nameof(Rewritten))]
    public void The_rewrite_reaches_nothing_the_sandbox_did_not_allow(string text)
    {
        // The rewritten tree may only use what the checked tree uses, plus Tri<T> and the internal Facts helpers.
        var facts = Expression.Parameter(typeof(Facts));
        var parser = new RuleExpressionParser(new ReSettings { CustomTypes = [typeof(Facts)], IsExpressionCaseSensitive = true, EnableExceptionAsErrorMessageForRuleExpressionParsing = true });
        var body = parser.Parse(text, [facts], null);
        SandboxValidator.Validate(body, facts, ExpressionText.Tokenize(text)).Errors.Should().BeEmpty();

        var before = MemberCollector.Collect(body);
        var after = MemberCollector.Collect(ThreeValuedRewriter.Rewrite(body, facts));

        var added = after.Except(before).ToList();
        added.Should().OnlyContain(m =>
            ThreeValuedRewriter.Helpers.Contains(m)
            || (m.DeclaringType != null && m.DeclaringType.IsGenericType && m.DeclaringType.GetGenericTypeDefinition() == typeof(Tri<>))
            || IsDecimalOperator(m),
            "the rewrite adds only its own helpers: {0}", string.Join(", ", added));
    }

    // Guards compare a decimal divisor with zero through decimal's own operators.
    private static bool IsDecimalOperator(MemberInfo m) =>
        m.DeclaringType == typeof(decimal) && m.Name.StartsWith("op_", StringComparison.Ordinal);

    // ---------------------------------------------------------------- helpers

    private static bool? Evaluate(string expression, Fake facts, out IReadOnlyList<string> missing) =>
        CompileOk(expression).Evaluate(facts, out missing);

    private static CompiledExpression CompileOk(string expression)
    {
        var compiled = ExpressionCompiler.Compile(expression, out var errors);
        errors.Should().BeEmpty();
        return compiled!;
    }

    private static bool? And(bool? a, bool? b) => a == false || b == false ? false : a == true && b == true ? true : null;

    private static bool? Or(bool? a, bool? b) => a == true || b == true ? true : a == false && b == false ? false : null;

    private static string Show(bool? value) => value switch { true => "T", false => "F", null => "U" };

    private static void Set(Dictionary<string, bool> facts, string name, bool? value)
    {
        if (value is { } known)
        {
            facts[name] = known;
        }
    }

    private sealed class MemberCollector : ExpressionVisitor
    {
        private readonly HashSet<MemberInfo> members = [];

        public static HashSet<MemberInfo> Collect(Expression node)
        {
            var collector = new MemberCollector();
            collector.Visit(node);
            return collector.members;
        }

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            members.Add(node.Method.IsGenericMethod ? node.Method.GetGenericMethodDefinition() : node.Method);
            return base.VisitMethodCall(node);
        }

        protected override Expression VisitMember(MemberExpression node)
        {
            members.Add(node.Member);
            return base.VisitMember(node);
        }

        protected override Expression VisitNew(NewExpression node)
        {
            if (node.Constructor is { } ctor)
            {
                members.Add(ctor);
            }

            return base.VisitNew(node);
        }

        protected override Expression VisitBinary(BinaryExpression node)
        {
            if (node.Method is { } method)
            {
                members.Add(method);
            }

            return base.VisitBinary(node);
        }

        protected override Expression VisitUnary(UnaryExpression node)
        {
            if (node.Method is { } method)
            {
                members.Add(method);
            }

            return base.VisitUnary(node);
        }

        protected override CatchBlock VisitCatchBlock(CatchBlock node)
        {
            node.Test.Should().Be(typeof(Exception));
            return base.VisitCatchBlock(node);
        }
    }

    /// <summary>Facts for one patient: anything not set is missing.</summary>
    internal sealed class Fake : IFactSource
    {
        public int? Age { get; set; }

        public string? Sex { get; set; }

        public Dictionary<string, decimal> Values { get; } = [];

        public Dictionary<string, decimal> Ulns { get; } = [];

        public Dictionary<string, bool> Conditions { get; } = [];

        public Dictionary<string, bool> ActiveConditions { get; } = [];

        public Dictionary<string, bool> Medications { get; } = [];

        public static Fake Typical()
        {
            var facts = new Fake { Age = 40, Sex = "female" };
            facts.Values["alt"] = 80m;
            facts.Ulns["alt"] = 40m;
            return facts;
        }

        public decimal? Value(string concept) => Values.TryGetValue(concept, out var v) ? v : null;

        public decimal? Uln(string concept) => Ulns.TryGetValue(concept, out var v) ? v : null;

        public bool? HasCondition(string concept) => Conditions.TryGetValue(concept, out var v) ? v : null;

        public bool? HasActiveCondition(string concept) => ActiveConditions.TryGetValue(concept, out var v) ? v : null;

        public bool? OnMedication(string concept) => Medications.TryGetValue(concept, out var v) ? v : null;
    }
}
