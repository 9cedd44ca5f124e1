using Eligibility.Testing;

namespace Eligibility.Tests.Testing;

/// <summary>
/// The reference trials' example cases (<c>rules/*.cases.json</c>), one NUnit test per case, run through the public API
/// of Eligibility.Testing: the same cases <c>eligibility test rules</c> runs in CI, now also under <c>dotnet test</c>.
/// </summary>
[TestFixture]
public sealed class ReferenceCaseTests
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Eligibility.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Eligibility.sln not found above the test directory");
    });

    private static readonly Dictionary<string, CaseRunResult> Runs = new(StringComparer.Ordinal);

    private static IEnumerable<string> CaseFiles() =>
        Directory.GetFiles(Path.Combine(Root.Value, "rules"), "*.cases.json").Order(StringComparer.Ordinal);

    /// <summary>Each file's run, once (its rule file compiled once for all its cases).</summary>
    private static CaseRunResult RunOf(string file)
    {
        lock (Runs)
        {
            if (!Runs.TryGetValue(file, out var run))
            {
                Runs[file] = run = ExampleCases.Run(file);
            }

            return run;
        }
    }

    /// <summary>One test per case: "NCT07077486.cases.json: EXCL03 hemoglobin exactly 80 g/L passes".</summary>
    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (string file in CaseFiles())
        {
            var read = ExampleCases.Load(file);
            if (read.CaseNames.Count == 0)
            {
                // A file that cannot be read still gives a test, which fails with its diagnostics.
                yield return new TestCaseData(file, null).SetName($"{Path.GetFileName(file)}: (unreadable)");
                continue;
            }

            for (int i = 0; i < read.CaseNames.Count; i++)
            {
                yield return new TestCaseData(file, i).SetName($"{Path.GetFileName(file)}: {read.CaseNames[i]}");
            }
        }
    }

    [Test]
    public void Every_reference_trial_has_cases()
    {
        CaseFiles().Select(Path.GetFileName).Should().HaveCountGreaterThanOrEqualTo(5).And.Contain("NCT07077486.cases.json");
        Cases().Should().HaveCountGreaterThan(50, "the reference trials have many example cases each");
    }

    [TestCaseSource(nameof(Cases))]
    public void Reference_case_passes(string file, int? index)
    {
        var run = RunOf(file);
        if (index is not { } i)
        {
            Assert.Fail(run.FailureMessage);
            return;
        }

        run.Cases.Should().HaveCountGreaterThan(i, run.FailureMessage);
        var result = run.Cases[i];
        Assert.That(result.Passed, Is.True, result.FailureMessage);
        result.Checks.Should().NotBeEmpty().And.OnlyContain(c => c.Passed);
        result.Result.Should().NotBeNull();
    }

    [Test]
    public void Reference_cases_cover_every_computable_outcome()
    {
        foreach (string file in CaseFiles())
        {
            var coverage = RunOf(file).Coverage;
            coverage.Should().NotBeNull(file);
            coverage!.Gaps.Should().BeEmpty($"{file} is tested with --min-coverage 100 in CI");
            coverage.Percent.Should().Be(100);
        }
    }
}
