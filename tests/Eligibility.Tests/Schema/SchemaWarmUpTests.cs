using Eligibility.Schema;

namespace Eligibility.Tests.Schema;

/// <summary>
/// The first compile in a process runs the schema check's code once on a small schema of its own
/// (<see cref="SchemaValidator.WarmUp"/>) while the rule-file schema loads. The warm-up must go through the whole check
/// (its schema builds, its document is valid against it) and must not change what a check reports.
/// </summary>
[TestFixture]
public sealed class SchemaWarmUpTests
{
    [Test]
    public void Runs_the_whole_check_on_a_valid_document()
    {
        SchemaValidator.WarmUp().Should().Be(0, "the warm-up schema builds and its document is valid (-1 would be a failure)");
    }

    [Test]
    public void Leaves_the_checks_of_real_files_as_they_were()
    {
        const string bad = """{"trial": {"id": 5}, "inclusion": [{"id": "INCL01", "rule": {"kind": "agee"}}]}""";
        var before = SchemaValidator.Validate(bad, SchemaKind.RuleFile);

        var warmUps = Enumerable.Range(0, 4).Select(_ => Task.Run(SchemaValidator.WarmUp)).ToArray();
        var during = SchemaValidator.Validate(bad, SchemaKind.RuleFile);
        Task.WaitAll(warmUps);
        var after = SchemaValidator.Validate(bad, SchemaKind.RuleFile);

        before.Should().NotBeEmpty();
        during.Should().Equal(before);
        after.Should().Equal(before);
        warmUps.Select(w => w.Result).Should().AllBeEquivalentTo(0);
    }
}
