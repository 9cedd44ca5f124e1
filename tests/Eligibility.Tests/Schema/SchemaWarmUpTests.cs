using System.Collections.Concurrent;
using Eligibility.Schema;

namespace Eligibility.Tests.Schema;

/// <summary>
/// The first compile runs the schema check once on a small schema of its own while the rule-file schema loads
/// (<see cref="SchemaValidator.WarmUp"/>). Its document must be valid (so the warm-up takes the path a valid file takes),
/// its schema must check what it claims to, and running it at the same time as real checks must not change their results.
/// </summary>
[TestFixture]
public sealed class SchemaWarmUpTests
{
    private static string TestFile(string name) =>
        File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Schema", "TestFiles", name));

    [Test]
    public void The_warm_up_document_is_valid()
    {
        SchemaValidator.WarmUp().Should().BeEmpty();
    }

    [TestCase("\"id\": \"warm-up\"", "\"id\": \"Warm Up\"", "/id")]
    [TestCase("\"version\": 1", "\"version\": 2", "/version")]
    [TestCase("\"meta\": {\"a\": \"b\"}", "\"meta\": {\"A\": \"b\"}", "/meta/A")]
    [TestCase("{\"kind\": \"all\", \"of\"", "{\"kind\": \"all\", \"n\": 1, \"of\"", "/items/0")]
    [TestCase("\"n\": 1.5", "\"n\": 0", "/items/0/of/0/n")]
    [TestCase("\"flag\": true", "\"flag\": \"yes\"", "/items/0/of/0/flag")]
    [TestCase("\"count\": 2", "\"count\": 2.5", "/items/0/of/0/count")]
    public void The_warm_up_schema_checks_its_keywords(string original, string replacement, string pointer)
    {
        SchemaValidator.WarmUpDocument.Should().Contain(original);
        var errors = SchemaValidator.ValidateAgainstWarmUpSchema(SchemaValidator.WarmUpDocument.Replace(original, replacement, StringComparison.Ordinal));

        errors.Select(e => e.Pointer).Should().Contain(pointer);
    }

    [Test]
    public void A_kind_all_item_without_its_list_fails_the_then_branch()
    {
        var json = SchemaValidator.WarmUpDocument.Replace("{\"kind\": \"all\", \"of\": [", "{\"kind\": \"all\", \"n\": 3, \"x\": [", StringComparison.Ordinal);

        SchemaValidator.ValidateAgainstWarmUpSchema(json).Select(e => e.Pointer).Should().Equal("/items/0");
    }

    [Test]
    public void Warm_ups_running_beside_checks_leave_their_results_unchanged()
    {
        var valid = TestFile("all-kinds.json");
        var invalid = valid.Replace("\"kind\": \"all\"", "\"kind\": \"alll\"", StringComparison.Ordinal);
        invalid.Should().NotBe(valid);
        var expectedValid = SchemaValidator.Validate(valid, SchemaKind.RuleFile);
        var expectedInvalid = SchemaValidator.Validate(invalid, SchemaKind.RuleFile);
        expectedValid.Should().BeEmpty();
        expectedInvalid.Should().NotBeEmpty();

        var results = new ConcurrentBag<(bool Valid, IReadOnlyList<SchemaError> Errors)>();
        var warmUps = new ConcurrentBag<IReadOnlyList<SchemaError>>();
        Parallel.For(0, 24, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            switch (i % 3)
            {
                case 0:
                    warmUps.Add(SchemaValidator.WarmUp());
                    break;
                case 1:
                    results.Add((true, SchemaValidator.Validate(valid, SchemaKind.RuleFile)));
                    break;
                default:
                    results.Add((false, SchemaValidator.Validate(invalid, SchemaKind.RuleFile)));
                    break;
            }
        });

        warmUps.Should().HaveCount(8).And.OnlyContain(e => e.Count == 0);
        results.Should().HaveCount(16);
        foreach (var (isValid, errors) in results)
        {
            errors.Should().BeEquivalentTo(isValid ? expectedValid : expectedInvalid, o => o.WithStrictOrdering());
        }
    }
}
