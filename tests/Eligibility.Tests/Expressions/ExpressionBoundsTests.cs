using Eligibility.Expressions;

namespace Eligibility.Tests.Expressions;

/// <summary>
/// Compiling is bounded: np(...) nesting and the size of the expanded tree are limited before anything walks the tree,
/// and a compile that overruns its time never holds up later compiles.
/// </summary>
[TestFixture]
public sealed class ExpressionBoundsTests
{
    /// <summary><c>np(np(…np(Sex.Trim()…).Trim()…)</c>: each level wraps the previous in np(…) followed by <paramref name="trims"/> Trim() calls.</summary>
    private static string NestedNp(int depth, int trims, string prefix = "")
    {
        var text = "Sex";
        for (var i = 0; i < depth; i++)
        {
            text = "np(" + text + string.Concat(Enumerable.Repeat(".Trim()", trims)) + ")";
        }

        return prefix + text + " == \"female\"";
    }

    /// <summary>
    /// Runs a compile so that the test's <see cref="CancelAfterAttribute"/> ends the test if it hangs (a hang guard,
    /// not a speed claim).
    /// </summary>
    private static T HangGuard<T>(Func<T> compile)
    {
        var task = Task.Run(compile);
        task.Wait(TestContext.CurrentContext.CancellationToken);
        return task.Result;
    }

    private static int NthIndexOf(string text, string value, int n)
    {
        var index = -1;
        for (var i = 0; i < n; i++)
        {
            index = text.IndexOf(value, index + 1, StringComparison.Ordinal);
        }

        return index;
    }

    [TestCase(8, 1, Description = "the issue's input: 8 nested np over Trim() chains (15 s and 2.9 GB before the bound)")]
    [TestCase(8, 4)]
    [TestCase(30, 4, Description = "30 nested np, 4 Trim() each (exhausted 4 GB before the bound)")]
    [TestCase(5, 1, Description = "one level over the limit")]
    [CancelAfter(120_000)]
    public void Deeply_nested_np_is_rejected_before_parsing(int depth, int trims)
    {
        var expression = NestedNp(depth, trims, prefix: "Age > 1 && ");

        var (compiled, errors) = HangGuard(() => (ExpressionCompiler.Compile(expression, out var e), e));

        compiled.Should().BeNull();
        var error = errors.Should().ContainSingle().Subject;
        error.Kind.Should().Be(ExpressionErrorKind.Syntax);
        error.Message.Should().Contain($"np(...) is nested too deeply ({depth} levels; at most {ExpressionCompiler.MaxNpNesting} are allowed)");
        error.Offset.Should().Be(NthIndexOf(expression, "np(", ExpressionCompiler.MaxNpNesting + 1), "the error points at the first np nested too deeply");
    }

    [TestCase(4, 30, Description = "4 nested np, 30 Trim() each: allowed nesting, but the tree written out is huge")]
    [TestCase(4, 12)]
    [CancelAfter(120_000)]
    public void An_expression_that_expands_too_far_is_rejected_before_the_tree_is_walked(int depth, int trims)
    {
        var expression = NestedNp(depth, trims, prefix: "Age > 1 && ");

        var (compiled, errors) = HangGuard(() => (ExpressionCompiler.Compile(expression, out var e), e));

        compiled.Should().BeNull();
        var error = errors.Should().ContainSingle().Subject;
        error.Kind.Should().Be(ExpressionErrorKind.Syntax);
        error.Message.Should().Contain($"more than {ExpressionCompiler.MaxNodes} operations").And.Contain("np(");
        error.Offset.Should().Be(11);
    }

    [TestCase(4, 2)]
    [TestCase(3, 5)]
    [TestCase(1, 30)]
    [CancelAfter(120_000)]
    public void Nested_np_within_the_bounds_compiles_and_evaluates(int depth, int trims)
    {
        var (compiled, errors) = HangGuard(() => (ExpressionCompiler.Compile(NestedNp(depth, trims), out var e), e));

        errors.Should().BeEmpty();
        compiled!.Evaluate(new ThreeValuedExpressionTests.Fake { Sex = "female" }, out _).Should().BeTrue();
        compiled.Evaluate(new ThreeValuedExpressionTests.Fake { Sex = "male" }, out _).Should().BeFalse();
        compiled.Evaluate(new ThreeValuedExpressionTests.Fake(), out var missing).Should().BeNull();
        missing.Should().Equal("sex");
    }

    [Test]
    public void Np_nesting_is_counted_by_brackets_not_by_occurrences()
    {
        // Many np side by side are not nested.
        var expression = string.Join(" && ", Enumerable.Repeat("np(Sex.Trim()) == \"female\"", 12));
        ExpressionCompiler.Compile(expression, out var errors).Should().NotBeNull();
        errors.Should().BeEmpty();

        ExpressionText.MaxNpNesting(ExpressionText.Tokenize("np(np(a).b) && np(np(np(c)))"), 2).Should().Be((3, 21));
        ExpressionText.MaxNpNesting(ExpressionText.Tokenize("np(np(a).b) && np(np(np(c)))"), 3).Should().Be((3, 0));
        ExpressionText.MaxNpNesting(ExpressionText.Tokenize("np(x) && (np(np(y)) || np((z)))"), 1).Should().Be((2, 13));
        ExpressionText.MaxNpNesting(ExpressionText.Tokenize("\"np(np(np(np(np(\" == Sex"), 4).Depth.Should().Be(0, "text inside a string is not a call");
        ExpressionText.MaxNpNesting(ExpressionText.Tokenize("NP(Np(nP(x)))"), 4).Depth.Should().Be(3);
    }

    [Test]
    [CancelAfter(120_000)]
    public void A_compile_that_overruns_its_time_does_not_hold_up_later_compiles()
    {
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        try
        {
            // A parse that never ends until released, with a short time limit.
            var (stuck, errors) = HangGuard(() => (ExpressionCompiler.Compile(
                "Age > 1", out var e, TimeSpan.FromMilliseconds(200), () =>
                {
                    entered.Set();
                    release.Wait();
                }), e));

            stuck.Should().BeNull();
            errors.Should().ContainSingle().Which.Message.Should().Be("the expression took too long to compile");
            entered.Wait(TimeSpan.FromSeconds(60)).Should().BeTrue();

            // Its thread still holds its parser, mid-parse; ordinary compiles go on regardless (before the fix, one
            // global lock made each of these wait for the stuck parse and time out in turn).
            for (var i = 0; i < 3; i++)
            {
                var bound = i;
                var (compiled, later) = HangGuard(() => (ExpressionCompiler.Compile($"Age > {bound}", out var e, TimeSpan.FromSeconds(30), null), e));
                later.Should().BeEmpty();
                compiled!.Evaluate(new ThreeValuedExpressionTests.Fake { Age = 2 }, out _).Should().Be(i < 2);
            }
        }
        finally
        {
            release.Set();
        }
    }

    [Test]
    [CancelAfter(120_000)]
    public void A_slow_input_over_a_small_time_limit_is_an_error_and_the_next_compile_succeeds()
    {
        // Well within the limits, but far slower to compile than no time at all.
        var slow = NestedNp(4, 5) + " && " + new string('!', 1000) + "true";

        var (compiled, errors) = HangGuard(() => (ExpressionCompiler.Compile(slow, out var e, TimeSpan.Zero, null), e));
        compiled.Should().BeNull();
        errors.Should().ContainSingle().Which.Should().Match<ExpressionError>(e =>
            e.Kind == ExpressionErrorKind.Syntax && e.Message == "the expression took too long to compile");

        var (next, nextErrors) = HangGuard(() => (ExpressionCompiler.Compile("Age >= 18", out var e), e));
        nextErrors.Should().BeEmpty();
        next!.Evaluate(new ThreeValuedExpressionTests.Fake { Age = 40 }, out _).Should().BeTrue();
    }

    [Test]
    public void The_compiler_maps_a_bound_error_to_the_rule_file_position()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(new { kind = "expression", expression = NestedNp(6, 1) });
        var result = Support.TestTrial.Compile(json);

        result.HasErrors.Should().BeTrue();
        result.Diagnostics.Should().Contain(d =>
            d.Code == "ELIG2012" && d.Pointer == "/exclusion/0/rule/expression" && d.Line > 0 && d.Column > 0
            && d.Message.Contains("expression error at character 13: np(...) is nested too deeply"));
    }
}
