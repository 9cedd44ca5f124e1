using System.Diagnostics;

namespace Eligibility.Sql.Tests;

/// <summary>
/// The differential assertions, whichever engine ran the SQL: the SQL back end supports every rule of the reference trials,
/// and for every patient, criterion and part it gives the same truth and outcome as the in-process engine, and the same
/// verdict. The attrition table must agree with the rows it summarises.
/// </summary>
internal static class Agreement
{
    /// <summary>Asserts that a run of a reference trial over the generated population agrees with the engine.</summary>
    public static void Check(string file, OmopScreenResult result, TimeSpan sqlTime)
    {
        var trial = Population.Trials[file];
        var watch = Stopwatch.StartNew();
        var compilation = result.Compilation;
        var nodes = compilation.Nodes;

        compilation.Unsupported.Should().BeEmpty("every rule of a reference trial is expressed in SQL (unsupported: {0})", string.Join("; ", compilation.Unsupported));
        result.Rows.Should().HaveCount(Population.Size);

        var mismatches = new List<string>();
        int compared = 0;
        var byId = Population.Generated.Patients.ToDictionary(p => long.Parse(p.Id!, System.Globalization.CultureInfo.InvariantCulture));
        foreach (var row in result.Rows)
        {
            var native = trial.Evaluate(byId[row.PersonId], Population.AsOf);
            var flat = Flatten(native).ToList();
            flat.Should().HaveCount(nodes.Count, "the SQL has one node per criterion and part");
            for (int i = 0; i < nodes.Count; i++)
            {
                var node = nodes[i];
                var expected = flat[i];
                var truth = row.Truths[i];
                var outcome = row.Outcomes[i];
                compared++;
                if (truth != expected.Truth || outcome != expected.Outcome)
                {
                    mismatches.Add($"person {row.PersonId} {node.Path} ({node.Kind}): SQL {truth}/{outcome}, engine {expected.Truth}/{expected.Outcome}: {expected.Explanation}");
                }
            }

            if (row.Verdict != native.Verdict)
            {
                mismatches.Add($"person {row.PersonId}: verdict SQL {row.Verdict}, engine {native.Verdict}");
            }
        }

        // The attrition table agrees with the rows it summarises.
        var criteria = nodes.Where(n => n.IsCriterion).ToList();
        for (int c = 0; c < criteria.Count; c++)
        {
            var a = result.Attrition[c];
            a.CriterionId.Should().Be(criteria[c].CriterionId);
            a.Excluded.Should().Be(result.Rows.Count(r => r.Outcomes[criteria[c].Index] == Outcome.Fail));
            a.Review.Should().Be(result.Rows.Count(r => r.Outcomes[criteria[c].Index] == Outcome.Review));
            a.Unknown.Should().Be(result.Rows.Count(r => r.Outcomes[criteria[c].Index] == Outcome.Unknown));
            a.Remaining.Should().Be(result.Rows.Count(r => criteria.Take(c + 1).All(x => r.Outcomes[x.Index] != Outcome.Fail)));
        }

        TestContext.Out.WriteLine($"{file}: {nodes.Count} nodes; {compared} comparisons; SQL {sqlTime.TotalSeconds:0.00} s, engine {watch.Elapsed.TotalSeconds:0.00} s");
        foreach (var node in nodes)
        {
            int t = result.Rows.Count(r => r.Truths[node.Index].IsTrue), f = result.Rows.Count(r => r.Truths[node.Index].IsFalse);
            TestContext.Out.WriteLine($"  {node.Path} {node.Kind}: true {t}, false {f}, unknown {result.Rows.Count - t - f}");
        }

        mismatches.Should().BeEmpty("the SQL must agree with the engine ({0} differences; first: {1})", mismatches.Count, string.Join("\n", mismatches.Take(15)));
    }

    /// <summary>Criteria and their parts in pre-order (the order of the compilation's nodes).</summary>
    private static IEnumerable<CriterionResult> Flatten(EvaluationResult result)
    {
        static IEnumerable<CriterionResult> Walk(CriterionResult r)
        {
            yield return r;
            foreach (var p in r.Parts.SelectMany(Walk))
            {
                yield return p;
            }
        }

        return result.Criteria.SelectMany(Walk);
    }
}
