using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Eligibility.Tests.Schema;

namespace Eligibility.Tests.Loading;

/// <summary>
/// The compiler checks the schema on another thread while it binds the file (when no terminology is consulted), and keeps
/// that early binding only when the schema finds nothing. Compiling that way and strictly in sequence must give the same
/// result — diagnostics (code, severity, message, position, pointer, in order), success, and lock file text — for every rule
/// file and fuzz finding in the repository and for mutations of the rule file that uses every rule kind, which between them
/// break the schema (the early binding is dropped) and break only the binding (it is kept, with its errors); also when
/// many compiles run at once.
/// </summary>
[TestFixture]
public sealed class OverlappedCompileTests
{
    private static string Root => Eligibility.Tests.Robustness.InputRobustnessTests.RepositoryRoot();

    /// <summary>Rule files of the repository (the reference trials with their lock files, fixtures and fuzz findings).</summary>
    private static IEnumerable<(string Name, byte[] Bytes, string? LockPath)> RepositoryRuleFiles()
    {
        var files = new[] { "rules", "tests/Eligibility.Fuzz/findings/rules", "tests/Eligibility.Cli.Tests/Fixtures/rules", "tests/Eligibility.Tests/TestFiles", "tests/Eligibility.Tests/Schema/TestFiles" }
            .Select(d => Path.Combine(Root, d))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.GetFiles(d, "*.json", SearchOption.AllDirectories))
            .Where(f => !f.EndsWith(".cases.json", StringComparison.Ordinal) && !f.EndsWith(".lock.json", StringComparison.Ordinal) && !f.Contains("patient", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var lockPath = RuleCompiler.LockFilePath(file);
            yield return (Path.GetRelativePath(Root, file), File.ReadAllBytes(file), File.Exists(lockPath) ? lockPath : null);
        }
    }

    /// <summary>Mutations of all-kinds.json: members removed, set to null, to another type, or a string changed (an unknown concept name).</summary>
    private static IEnumerable<(string Name, byte[] Bytes, string? LockPath)> Mutations()
    {
        var original = JsonNode.Parse(File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Schema", "TestFiles", "all-kinds.json")))!;
        foreach (var (pointer, node) in JsonMutations.Nodes(original, string.Empty).ToList())
        {
            var variants = new List<string>();
            if (pointer.Length > 0)
            {
                variants.Add(JsonMutations.Edit(original, pointer, null));
            }

            variants.AddRange(JsonMutations.OtherTypes(node).Take(1).Select(text => JsonMutations.Edit(original, pointer, _ => { }, JsonNode.Parse(text))));
            if (node is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.String)
            {
                variants.Add(JsonMutations.Edit(original, pointer, _ => { }, JsonValue.Create(value.GetValue<string>() + "x")));
            }

            foreach (var (text, i) in variants.Select((t, i) => (t, i)))
            {
                yield return ($"all-kinds.json {pointer} #{i}", Encoding.UTF8.GetBytes(text), null);
            }
        }
    }

    private static CompilationResult Compile((string Name, byte[] Bytes, string? LockPath) file, bool overlap) =>
        RuleCompiler.Compile(file.Bytes, file.Name.Split(' ')[0], CompileOptions.Default, file.LockPath, overlap);

    private static void ShouldMatch(CompilationResult overlapped, CompilationResult sequential, string name)
    {
        overlapped.Diagnostics.Should().Equal(sequential.Diagnostics, $"{name} must give the same diagnostics either way");
        overlapped.Succeeded.Should().Be(sequential.Succeeded, name);
        overlapped.LockFileText.Should().Be(sequential.LockFileText, name);
        if (overlapped.Evaluator is { } evaluator)
        {
            evaluator.Criteria.Select(c => c.Id).Should().Equal(sequential.Evaluator!.Criteria.Select(c => c.Id), name);
        }
    }

    [Test]
    public void Repository_rule_files_compile_the_same_overlapped_and_in_sequence()
    {
        var files = RepositoryRuleFiles().ToList();
        files.Should().HaveCountGreaterThan(8);
        foreach (var file in files)
        {
            ShouldMatch(Compile(file, overlap: true), Compile(file, overlap: false), file.Name);
        }

    }

    [TestCase("{")]
    [TestCase("{}")]
    [TestCase("[]")]
    public void A_rule_file_with_a_lock_file_compiles_the_same_overlapped_and_in_sequence(string lockText)
    {
        var directory = Directory.CreateTempSubdirectory("eligibility-overlap-");
        try
        {
            var rulePath = Path.Combine(directory.FullName, "NCT07077486.json");
            File.Copy(Path.Combine(Root, "rules", "NCT07077486.json"), rulePath);
            File.WriteAllText(RuleCompiler.LockFilePath(rulePath), lockText);
            var file = (rulePath, File.ReadAllBytes(rulePath), RuleCompiler.LockFilePath(rulePath));

            var sequential = Compile(file, overlap: false);

            sequential.Diagnostics.Should().Contain(d => d.File == RuleCompiler.LockFilePath(rulePath), "the lock file is read");
            ShouldMatch(Compile(file, overlap: true), sequential, lockText);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Test]
    public void Mutated_rule_files_compile_the_same_overlapped_and_in_sequence()
    {
        int schemaBroken = 0, bindingBroken = 0;
        foreach (var file in Mutations())
        {
            var sequential = Compile(file, overlap: false);
            ShouldMatch(Compile(file, overlap: true), sequential, file.Name);
            bool schemaError = sequential.Diagnostics.Any(d => d.IsError && d.Code.StartsWith("ELIG1", StringComparison.Ordinal));
            schemaBroken += schemaError ? 1 : 0;
            bindingBroken += !schemaError && sequential.HasErrors ? 1 : 0;
        }

        // Both ways out of the overlap are taken many times.
        schemaBroken.Should().BeGreaterThan(100);
        bindingBroken.Should().BeGreaterThan(10);
    }

    [Test]
    public void Concurrent_compiles_give_the_sequential_results()
    {
        var files = RepositoryRuleFiles().Concat(Mutations().Where((_, i) => i % 7 == 0)).ToList();
        var expected = files.ToDictionary(f => f.Name, f => Compile(f, overlap: false));
        var results = new ConcurrentBag<(string Name, CompilationResult Result)>();

        Parallel.ForEach(Enumerable.Range(0, 4).SelectMany(_ => files), new ParallelOptions { MaxDegreeOfParallelism = 8 }, file =>
            results.Add((file.Name, Compile(file, overlap: true))));

        results.Should().HaveCount(files.Count * 4);
        foreach (var (name, result) in results)
        {
            ShouldMatch(result, expected[name], name);
        }
    }

    [Test]
    public void Preloading_the_schema_from_many_threads_while_validating_is_safe()
    {
        // The compile that starts the schema's loading in the background may meet other compiles that need it.
        var results = new ConcurrentBag<int>();
        Parallel.For(0, 16, i =>
        {
            if (i % 2 == 0)
            {
                Eligibility.Schema.SchemaValidator.Preload(Eligibility.Schema.SchemaKind.RuleFile);
            }
            else
            {
                results.Add(Eligibility.Schema.SchemaValidator.Validate("{}", Eligibility.Schema.SchemaKind.RuleFile).Count);
            }
        });

        results.Should().HaveCount(8).And.OnlyContain(count => count > 0 && count == results.First());
    }
}
