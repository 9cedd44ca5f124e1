using System.Collections.Concurrent;
using System.Linq.Dynamic.Core.CustomTypeProviders;
using System.Linq.Expressions;
using Eligibility.Expressions;
using RulesEngine.ExpressionBuilders;
using RulesEngine.Models;

namespace Eligibility.Tests.Expressions;

[TestFixture]
public sealed class ExpressionCompilerTests
{
    // ---------------------------------------------------------------- valid expressions

    [TestCase("Age >= 18 && Value(\"alt\") / Uln(\"alt\") <= 3", true)]
    [TestCase("Value(\"alt\") / Uln(\"alt\") > 3 && Age >= 65", false)]  // the docs example
    [TestCase("Value(\"alt\") / Uln(\"alt\") > 1.5 && Age >= 40", true)]
    [TestCase("Sex == \"female\"", true)]
    [TestCase("Sex != \"female\" || Age < 18", false)]
    [TestCase("HasCondition(\"sle\") && !OnMedication(\"rituximab\")", true)]
    [TestCase("HasActiveCondition(\"ild\")", false)]
    [TestCase("OnMedication(\"prednisone\") and Age > 30", true)]
    [TestCase("it.Age == 40", true)]
    [TestCase("Value(\"alt\") > 79.5", true)]
    [TestCase("Value(\"alt\") > 80.5m", false)]
    [TestCase("Value(\"alt\") > Age", true)]
    [TestCase("Age / 3.0 > 13.3", true)]
    [TestCase("Age % 7 == 5", true)]
    [TestCase("Age in (39, 40, 41)", true)]
    [TestCase("iif(Age > 65, Value(\"alt\") > 1, Uln(\"alt\") == 40)", true)]
    [TestCase("Age > 65 ? Value(\"alt\") > 1 : Uln(\"alt\") == 41", false)]
    [TestCase("Math.Max(1, 2) > 0", true)]
    [TestCase("Math.Abs(Value(\"alt\") - 100) < 25", true)]
    [TestCase("Math.Round(Value(\"alt\") / 3, 2) == 26.67", true)]
    [TestCase("decimal.Round(Value(\"alt\") / 3) == 27", true)]
    [TestCase("Math.Sqrt(16) == 4 && Math.PI > 3", true)]
    [TestCase("double.IsNaN(Math.Sqrt(-1))", true)]
    [TestCase("int.MaxValue > Age", true)]
    [TestCase("\"abc\".Length > 2", true)]
    [TestCase("\"x\".ToUpper() == \"X\"", true)]
    [TestCase("Sex.StartsWith(\"fe\") && Sex.Contains(\"mal\") && Sex.Substring(0, 2) == \"fe\"", true)]
    [TestCase("Sex + \"!\" == \"female!\"", true)]
    [TestCase("string.IsNullOrEmpty(Sex)", false)]
    [TestCase("Sex.ToLowerInvariant().Trim().Length == 6", true)]
    [TestCase("true", true)]
    [TestCase("1 > 2", false)]
    public void Valid_expression_evaluates(string expression, bool expected)
    {
        var compiled = CompileOk(expression);
        var source = FakeFacts.Typical();

        compiled.Evaluate(source, out var missing).Should().Be(expected);
        missing.Should().BeEmpty();
        compiled.Source.Should().Be(expression);
    }

    [Test]
    public void Referenced_concepts_are_the_literal_arguments_distinct_in_order()
    {
        var compiled = CompileOk(
            "Value(\"alt\") / Uln(\"alt\") > 3 || HasCondition(\"sle\") || Value(\"ast\") > Value(\"alt\") "
            + "|| HasActiveCondition(\"ild\") || OnMedication(\"rituximab\")");

        compiled.ReferencedConcepts.Should().Equal("alt", "sle", "ast", "ild", "rituximab");
    }

    [Test]
    public void Expression_without_concepts_references_none() =>
        CompileOk("Age >= 18").ReferencedConcepts.Should().BeEmpty();

    [Test]
    public void Evaluation_reads_the_source_it_is_given_each_time()
    {
        var compiled = CompileOk("Value(\"alt\") / Uln(\"alt\") > 3");
        var high = FakeFacts.Typical();
        high.Values["alt"] = 200m;

        compiled.Evaluate(FakeFacts.Typical(), out _).Should().BeFalse();
        compiled.Evaluate(high, out _).Should().BeTrue();
    }

    // ---------------------------------------------------------------- missing facts and runtime failures

    [TestCase("Age >= 18", "age (no birth date)")]
    [TestCase("Sex == \"female\"", "sex")]
    [TestCase("Value(\"crp\") > 5", "crp result")]
    [TestCase("Value(\"alt\") / Uln(\"bilirubin\") > 1", "bilirubin upper limit of normal")]
    [TestCase("HasCondition(\"tb\")", "tb condition")]
    [TestCase("HasActiveCondition(\"hbv\")", "hbv active condition")]
    [TestCase("OnMedication(\"cyclophosphamide\")", "cyclophosphamide medication")]
    public void Missing_fact_gives_null_and_names_the_fact(string expression, string fact)
    {
        var compiled = CompileOk(expression);
        var source = FakeFacts.Typical();
        source.Age = null;
        source.Sex = null;

        compiled.Evaluate(source, out var missing).Should().BeNull();
        missing.Should().Equal(fact);
    }

    [Test]
    public void Missing_fact_that_is_never_read_does_not_matter()
    {
        // Kleene logic: false && unknown is false, so the missing crp result does not matter.
        var compiled = CompileOk("Age > 100 && Value(\"crp\") > 5");

        compiled.Evaluate(FakeFacts.Typical(), out var missing).Should().BeFalse();
        missing.Should().BeEmpty();
    }

    [TestCase("Value(\"alt\") / 0 > 1")]
    [TestCase("Age % 0 == 1")]
    [TestCase("\"ab\".Substring(5) == \"\"")]
    [TestCase("Value(\"alt\") * 7922816251426433759354395033.5 > 1")]
    public void Runtime_failure_gives_null_and_expression_failed(string expression)
    {
        var compiled = CompileOk(expression);

        compiled.Evaluate(FakeFacts.Typical(), out var missing).Should().BeNull();
        missing.Should().ContainSingle().Which.Should().StartWith("expression failed: ");
    }

    [Test]
    public void Evaluate_is_safe_to_call_concurrently()
    {
        var compiled = CompileOk("Age >= 18 && Value(\"alt\") / Uln(\"alt\") > 3");
        var wrong = new ConcurrentBag<int>();

        Parallel.For(0, 2000, i =>
        {
            var source = FakeFacts.Typical();
            source.Values["alt"] = i;
            source.Age = i % 3 == 0 ? null : 40;
            var result = compiled.Evaluate(source, out var missing);
            // Without an age: unknown && false is false, unknown && true is unknown.
            bool? expected = i % 3 == 0 ? (i > 120 ? null : false) : i > 120;
            if (result != expected || (expected is null) != (missing.Count > 0))
            {
                wrong.Add(i);
            }
        });

        wrong.Should().BeEmpty();
    }

    [Test]
    public void Compile_is_safe_to_call_concurrently()
    {
        var results = new ConcurrentBag<bool?>();

        Parallel.For(0, 40, i =>
        {
            var compiled = ExpressionCompiler.Compile($"Age > {i}", out _);
            results.Add(compiled?.Evaluate(FakeFacts.Typical(), out _));
        });

        results.Should().HaveCount(40).And.OnlyContain(r => r != null);
        results.Count(r => r == true).Should().Be(40);
    }

    // ---------------------------------------------------------------- compile errors

    [TestCase("Age >= ")]
    [TestCase("Age >= 18 &&")]
    [TestCase("(Age > 3")]
    [TestCase("Value(\"alt\" > 3")]
    [TestCase("Age >= 18)")]
    [TestCase("Age > > 3")]
    [TestCase("Weight > 80")]
    [TestCase("age >= 18")]  // identifiers are case-sensitive
    [TestCase("Value(\"alt\", 2) > 3")]
    [TestCase("Sex == 3")]
    [TestCase("\"unterminated")]
    [TestCase("")]
    [TestCase("   ")]
    public void Syntax_error_is_reported(string expression)
    {
        var compiled = ExpressionCompiler.Compile(expression, out var errors);

        compiled.Should().BeNull();
        errors.Should().NotBeEmpty();
        errors.Should().OnlyContain(e => e.Kind == ExpressionErrorKind.Syntax);
        errors.Should().OnlyContain(e => !string.IsNullOrWhiteSpace(e.Message));
        errors.Should().OnlyContain(e => e.Offset >= 0 && e.Offset <= Math.Max(0, expression.Length));
    }

    [Test]
    public void Syntax_error_carries_the_position()
    {
        ExpressionCompiler.Compile("Age >= 18 && Weight > 80", out var errors);

        errors.Should().ContainSingle().Which.Should().Match<ExpressionError>(e =>
            e.Kind == ExpressionErrorKind.Syntax && e.Offset == 13 && e.Message.Contains("Weight"));
    }

    [Test]
    public void Parse_failure_is_an_error_never_a_silent_false()
    {
        // RulesEngine's trap: with EnableExceptionAsErrorMessageForRuleExpressionParsing = false its parser swallows
        // the ParseException and returns the constant false, so a broken rule would quietly never match.
        var lenient = new RuleExpressionParser(new ReSettings
        {
            CustomTypes = [typeof(Facts)],
            EnableExceptionAsErrorMessageForRuleExpressionParsing = false,
        });
        var swallowed = lenient.Parse("Age >= 18 &&", [Expression.Parameter(typeof(Facts))], typeof(bool));
        swallowed.Should().BeOfType<ConstantExpression>().Which.Value.Should().Be(false);

        // Ours: no compiled expression at all, and a Syntax error.
        var compiled = ExpressionCompiler.Compile("Age >= 18 &&", out var errors);
        compiled.Should().BeNull();
        errors.Should().ContainSingle().Which.Kind.Should().Be(ExpressionErrorKind.Syntax);
    }

    [TestCase("Age + 1")]
    [TestCase("Value(\"alt\")")]
    [TestCase("Value(\"alt\") / Uln(\"alt\")")]
    [TestCase("Sex")]
    [TestCase("\"true\"")]
    [TestCase("iif(Age > 3, 1, 2)")]
    public void Non_boolean_result_is_reported(string expression)
    {
        var compiled = ExpressionCompiler.Compile(expression, out var errors);

        compiled.Should().BeNull();
        errors.Should().ContainSingle().Which.Kind.Should().Be(ExpressionErrorKind.NotBoolean);
    }

    [TestCase("Value(Sex) > 1", 0)]
    [TestCase("Age > 1 && Value(\"a\" + \"lt\") > 1", 11)]
    [TestCase("HasCondition(Sex.ToLower())", 0)]
    [TestCase("OnMedication(\"\")", 0)]
    [TestCase("Uln(\"alt\") > 0 && Uln(iif(Age > 3, \"alt\", \"ast\")) > 1", 18)]
    public void Concept_argument_must_be_a_string_literal(string expression, int offset)
    {
        var compiled = ExpressionCompiler.Compile(expression, out var errors);

        compiled.Should().BeNull();
        errors.Should().ContainSingle().Which.Should().Be(errors[0]);
        errors[0].Kind.Should().Be(ExpressionErrorKind.NonConstantConcept);
        errors[0].Offset.Should().Be(offset);
        errors[0].Message.Should().Contain("string literal");
    }

    [Test]
    public void Overlong_expression_is_rejected()
    {
        var expression = string.Concat(Enumerable.Repeat("Age > 1 && ", 400)) + "true";

        ExpressionCompiler.Compile(expression, out var errors).Should().BeNull();
        errors.Should().ContainSingle().Which.Should().Match<ExpressionError>(e =>
            e.Kind == ExpressionErrorKind.Syntax && e.Message.Contains("4000"));
    }

    [TestCase(65)]
    [TestCase(1900)]
    public void Deeply_nested_expression_is_rejected(int depth)
    {
        var expression = new string('(', depth) + "Age > 1" + new string(')', depth);

        ExpressionCompiler.Compile(expression, out var errors).Should().BeNull();
        errors.Should().ContainSingle().Which.Should().Match<ExpressionError>(e =>
            e.Kind == ExpressionErrorKind.Syntax && e.Message.Contains("nested too deeply"));
    }

    [Test]
    public void Deepest_allowed_nesting_compiles() =>
        CompileOk(new string('(', 64) + "Age > 1" + new string(')', 64)).Evaluate(FakeFacts.Typical(), out _)
            .Should().BeTrue();

    private static IEnumerable<string> HostileButWithinLimits()
    {
        // Each stays under the length and bracket limits but stresses the recursive parser; none may crash the process.
        yield return new string('!', 3990) + "true";
        yield return string.Concat(Enumerable.Repeat("- ", 1990)) + "1 > 0";
        yield return string.Concat(Enumerable.Repeat("true ? true : ", 280)) + "false";
        yield return string.Concat(Enumerable.Repeat("iif(true, ", 64)) + "true" + new string(')', 64);
        yield return new string('(', 64) + new string('!', 3800) + "true" + new string(')', 64);
        yield return string.Concat(Enumerable.Repeat("Age > 1 && ", 360)) + "true";
        yield return string.Concat(Enumerable.Repeat("Math.Max(", 60)) + "1" + string.Concat(Enumerable.Repeat(", 2)", 60)) + " > 0";
        yield return string.Concat(Enumerable.Repeat("x => ", 790)) + "true";
        yield return string.Concat(Enumerable.Repeat("Sex ?? ", 560)) + "\"a\" == \"a\"";
        yield return string.Concat(Enumerable.Repeat("Value(\"alt\") + ", 250)) + "1 > 0";
        yield return string.Concat(Enumerable.Repeat("-(", 64)) + "1" + new string(')', 64) + " < 0 " + string.Concat(Enumerable.Repeat("|| !", 900)) + "true";
    }

    [TestCaseSource(nameof(HostileButWithinLimits))]
    public void Hostile_input_within_limits_neither_crashes_nor_hangs(string expression)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var compiled = ExpressionCompiler.Compile(expression, out var errors);

        (compiled is null).Should().Be(errors.Count > 0);
        compiled?.Evaluate(FakeFacts.Typical(), out _);
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20));
    }

    // ---------------------------------------------------------------- sandbox

    /// <summary>Expressions that Dynamic LINQ (as configured by RulesEngine) parses happily: only the whitelist stops them.</summary>
    private static readonly string[] AcceptedByDynamicLinq =
    [
        "Age.GetType().Assembly != null",
        "\"\".GetType() != null",
        "it.GetType() != null",
        "iif(true, Age.GetType(), null) != null",
        "Age.GetHashCode() != 0",
        "Age.ToString() == \"40\"",
        "Object.ReferenceEquals(Sex, null)",
        "Facts.Equals(1, 2)",
        "DateTime.Now.Year > 2000",
        "Guid.NewGuid() != Guid.Empty",
        "Convert.ToBoolean(\"true\")",
        "Uri.EscapeDataString(\"x\") != null",
        "ExpressionUtils.CheckContains(\"a\", \"b\")",
        "Enumerable.Range(1, 1000000000).Count() > 0",
        "\"x\".PadLeft(1000000000).Length > 1",
        "Sex.Replace(\"e\", \"eeeeeeeeee\").Length > 0",
        "Math.Round(Value(\"alt\"), 1, MidpointRounding.AwayFromZero) > 1",
        "Tripwire.Fire()",
        "Tripwire.Armed",
    ];

    /// <summary>Expressions Dynamic LINQ itself refuses (unknown type, private member, no such syntax) or the pre-scan stops.</summary>
    private static readonly string[] RefusedBeforeTheWhitelist =
    [
        "System.IO.File.Exists(\"/etc/passwd\")",
        "System.IO.Directory.Exists(\"/\")",
        "System.Environment.GetEnvironmentVariable(\"PATH\") != null",
        "Environment.GetEnvironmentVariable(\"PATH\") != null",
        "System.Diagnostics.Process.Start(\"sh\") != null",
        "Type.GetType(\"System.IO.File\") != null",
        "typeof(string) != null",
        "new System.IO.FileInfo(\"x\").Exists",
        "new(1 as a).a == 1",
        "System.AppDomain.CurrentDomain != null",
        "AppDomain.CurrentDomain.BaseDirectory != null",
        "Activator.CreateInstance(\"System.IO.FileInfo\") != null",
        "source.Age > 1",
        "it.source != null",
        "Assembly.GetExecutingAssembly() != null",
        "IFactSource != null",
        "Sex.GetType().Assembly.GetType(\"System.IO.File\") != null",
        "\"abc\".Any()",
        "\"abc\".Select(it).Count() > 0",
        "\"abc\".Where(c => c == 'a').Count() > 0",
        "it.GetType().GetField(\"source\") != null",
        "it.GetType().GetFields().Length > 0",
    ];

    [TestCaseSource(nameof(AcceptedByDynamicLinq))]
    public void Sandbox_whitelist_rejects_what_Dynamic_LINQ_accepts(string expression)
    {
        Tripwire.Fired = false;

        var compiled = ExpressionCompiler.Compile(expression, out var errors);

        compiled.Should().BeNull("nothing may be compiled, so nothing can run");
        errors.Should().NotBeEmpty().And.OnlyContain(e => e.Kind == ExpressionErrorKind.Forbidden);
        errors.Should().OnlyContain(e => e.Message.Contains("not allowed") && e.Message.Contains("Math"));
        Tripwire.Fired.Should().BeFalse();
    }

    [TestCaseSource(nameof(AcceptedByDynamicLinq))]
    public void RulesEngine_parser_alone_would_accept_these(string expression)
    {
        // Pins why the whitelist exists: RulesEngine's parser (which also registers System.Object and
        // System.Linq.Enumerable as custom types) lets all of these through.
        var parser = new RuleExpressionParser(new ReSettings
        {
            CustomTypes = [typeof(Facts)],
            IsExpressionCaseSensitive = true,
            EnableExceptionAsErrorMessageForRuleExpressionParsing = true,
        });

        var parse = () => parser.Parse(expression, [Expression.Parameter(typeof(Facts))], null);

        parse.Should().NotThrow();
    }

    [TestCaseSource(nameof(RefusedBeforeTheWhitelist))]
    public void Sandbox_rejects_unreachable_types_and_members(string expression)
    {
        var compiled = ExpressionCompiler.Compile(expression, out var errors);

        compiled.Should().BeNull();
        errors.Should().NotBeEmpty().And.OnlyContain(e =>
            e.Kind == ExpressionErrorKind.Forbidden || e.Kind == ExpressionErrorKind.Syntax);
        errors.Should().OnlyContain(e => e.Message.Length > 10);
    }

    [TestCase("Age.GetType().Assembly != null", "System.Object.GetType", 4)]
    [TestCase("Age > 1 && DateTime.Now.Year > 2000", "System.DateTime.Now", 20)]
    [TestCase("Enumerable.Range(1, 10).Count() > 0", "System.Linq.Enumerable.Range", 11)]
    [TestCase("new System.IO.FileInfo(\"x\").Exists", "'new'", 0)]
    [TestCase("Math.Round(Value(\"alt\"), 1, MidpointRounding.ToEven) > 1", "System.Math.Round(Decimal, Int32, MidpointRounding)", 5)]
    [TestCase("iif(true, Age.GetType(), null) != null", "System.Object.GetType()", 14)]
    public void Forbidden_message_names_the_member_and_points_at_it(string expression, string named, int offset)
    {
        ExpressionCompiler.Compile(expression, out var errors);

        errors.Should().NotBeEmpty();
        errors[0].Kind.Should().Be(ExpressionErrorKind.Forbidden);
        errors[0].Message.Should().Contain(named);
        errors[0].Offset.Should().Be(offset);
    }

    [Test]
    public void Tripwire_type_reachable_by_Dynamic_LINQ_never_runs_through_the_compiler()
    {
        // The tripwire type is marked [DynamicLinqType], so Dynamic LINQ resolves it (RulesEngine's type provider
        // scans every loaded assembly for that attribute); compiling with our compiler must neither run nor allow it.
        Tripwire.Fired = false;

        ExpressionCompiler.Compile("Tripwire.Fire() && Age > 1", out var errors).Should().BeNull();
        errors.Should().ContainSingle().Which.Kind.Should().Be(ExpressionErrorKind.Forbidden);
        Tripwire.Fired.Should().BeFalse();
    }

    private static IEnumerable<TestCaseData> HandBuiltTrees()
    {
        // The whitelist is checked on its own, independent of what Dynamic LINQ can produce today.
        // Each case: a body and the Facts parameter it is validated against.
        var facts = Expression.Parameter(typeof(Facts));
        var fileExists = typeof(File).GetMethod(nameof(File.Exists), [typeof(string)])!;
        var any = typeof(Enumerable).GetMethods().Single(m => m.Name == nameof(Enumerable.Any) && m.GetParameters().Length == 1);

        yield return Case("File.Exists call", Expression.Call(fileExists, Expression.Constant("/etc/passwd")));
        yield return Case("lambda invocation", Expression.Invoke(Expression.Lambda<Func<bool>>(Expression.Constant(true))));
        yield return Case("new FileInfo", Expression.Equal(
            Expression.New(typeof(FileInfo).GetConstructor([typeof(string)])!, Expression.Constant("x")),
            Expression.Constant(null, typeof(FileInfo))));
        yield return Case("Facts private field", Expression.NotEqual(
            Expression.Field(facts, "source"), Expression.Constant(null, typeof(IFactSource))));
        yield return Case("Type constant", Expression.NotEqual(
            Expression.Constant(typeof(string)), Expression.Constant(null, typeof(Type))));
        yield return Case("conversion to object and type test", Expression.TypeIs(Expression.Convert(facts, typeof(object)), typeof(Facts)));
        yield return Case("block", Expression.Block(Expression.Constant(1), Expression.Constant(true)));
        yield return Case("foreign parameter", Expression.GreaterThan(
            Expression.Property(Expression.Parameter(typeof(Facts), "other"), nameof(Facts.Age)), Expression.Constant(1)));
        yield return Case("Enumerable.Any on a string", Expression.Call(any.MakeGenericMethod(typeof(char)), Expression.Constant("abc")));

        TestCaseData Case(string name, Expression body) => new TestCaseData(body, facts).SetName("Whitelist rejects " + name);
    }

    [TestCaseSource(nameof(HandBuiltTrees))]
    public void Whitelist_rejects_hand_built_trees(Expression body, ParameterExpression facts)
    {
        var (errors, _) = SandboxValidator.Validate(body, facts, ExpressionText.Tokenize(body.ToString()));

        errors.Should().NotBeEmpty().And.OnlyContain(e => e.Kind == ExpressionErrorKind.Forbidden);
    }

    [TestCase("Math.Max(1, 2) > 0")]
    [TestCase("\"abc\".Length > 2")]
    [TestCase("Sex == \"female\"")]
    [TestCase("\"x\".ToUpper() == \"X\"")]
    [TestCase("Math.Floor(Value(\"alt\") / Uln(\"alt\")) >= 2")]
    [TestCase("Sex.Equals(\"female\") && Sex.CompareTo(\"male\") < 0")]
    [TestCase("Age.CompareTo(18) > 0 && Age.Equals(40)")]
    [TestCase("Math.Min(Age, 65) == 40 && long.MaxValue > 0 && decimal.One == 1")]
    public void Sandbox_allows_the_fact_model_and_basic_types(string expression) =>
        CompileOk(expression).Evaluate(FakeFacts.Typical(), out _).Should().BeTrue();

    // ---------------------------------------------------------------- helpers

    private static CompiledExpression CompileOk(string expression)
    {
        var compiled = ExpressionCompiler.Compile(expression, out var errors);
        errors.Should().BeEmpty();
        compiled.Should().NotBeNull();
        return compiled!;
    }

    private sealed class FakeFacts : IFactSource
    {
        public int? Age { get; set; }

        public string? Sex { get; set; }

        public Dictionary<string, decimal> Values { get; } = [];

        public Dictionary<string, decimal> Ulns { get; } = [];

        public Dictionary<string, bool> Conditions { get; } = [];

        public Dictionary<string, bool> ActiveConditions { get; } = [];

        public Dictionary<string, bool> Medications { get; } = [];

        public static FakeFacts Typical()
        {
            var facts = new FakeFacts { Age = 40, Sex = "female" };
            facts.Values["alt"] = 80m;
            facts.Values["ast"] = 30m;
            facts.Ulns["alt"] = 40m;
            facts.Ulns["ast"] = 35m;
            facts.Conditions["sle"] = true;
            facts.ActiveConditions["ild"] = false;
            facts.Medications["rituximab"] = false;
            facts.Medications["prednisone"] = true;
            return facts;
        }

        public decimal? Value(string concept) => this.Values.TryGetValue(concept, out var v) ? v : null;

        public decimal? Uln(string concept) => this.Ulns.TryGetValue(concept, out var v) ? v : null;

        public bool? HasCondition(string concept) => this.Conditions.TryGetValue(concept, out var v) ? v : null;

        public bool? HasActiveCondition(string concept) => this.ActiveConditions.TryGetValue(concept, out var v) ? v : null;

        public bool? OnMedication(string concept) => this.Medications.TryGetValue(concept, out var v) ? v : null;
    }
}

/// <summary>
/// A type Dynamic LINQ can reach (it is marked <see cref="DynamicLinqTypeAttribute"/>): if any sandboxed expression ever
/// ran it, <see cref="Fired"/> would be set.
/// </summary>
[DynamicLinqType]
public static class Tripwire
{
    public static volatile bool Fired;

    public static bool Armed => Fire();

    public static bool Fire()
    {
        Fired = true;
        return true;
    }
}
