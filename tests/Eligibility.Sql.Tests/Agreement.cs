using System.Diagnostics;

namespace Eligibility.Sql.Tests;

/// <summary>
/// The differential assertions, whichever engine ran the SQL: for every patient, criterion and part of a reference trial,
/// the same truth and outcome as the in-process engine wherever the SQL back end supports the rule and everything beneath
/// it. A rule it does not support must be reported at compile time and be unknown (never review, pass or fail) for every
/// patient; a rule above one is either unknown or — Kleene logic being monotone — the engine's own value. The attrition
/// table must agree with the rows it summarises.
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

        // Which nodes have an unsupported rule at or beneath them (nodes are in pre-order: parts follow their parent).
        var tainted = new bool[nodes.Count];
        foreach (var node in nodes.Where(n => n.Unsupported is not null))
        {
            foreach (var other in nodes)
            {
                if (other.CriterionId == node.CriterionId && (node.Path == other.Path || node.Path.StartsWith(other.Path + "/", StringComparison.Ordinal)))
                {
                    tainted[other.Index] = true;
                }
            }
        }

        compilation.Unsupported.Select(u => u.Path).Should().BeEquivalentTo(nodes.Where(n => n.Unsupported is not null).Select(n => n.Path), "every unsupported rule is reported at compile time");
        result.Rows.Should().HaveCount(Population.Size);

        var mismatches = new List<string>();
        int compared = 0;
        var byId = Population.Generated.Patients.ToDictionary(p => long.Parse(p.Id!, System.Globalization.CultureInfo.InvariantCulture));
        foreach (var row in result.Rows)
        {
            var native = trial.Evaluate(byId[row.PersonId], Population.AsOf);
            var flat = Flatten(native).ToList();
            flat.Should().HaveCount(nodes.Count, "the SQL has one node per criterion and part");
            bool allClean = true;
            for (int i = 0; i < nodes.Count; i++)
            {
                var node = nodes[i];
                var expected = flat[i];
                var truth = row.Truths[i];
                var outcome = row.Outcomes[i];
                if (node.Unsupported is not null)
                {
                    if (!truth.IsUnknown || outcome != Outcome.Unknown)
                    {
                        mismatches.Add($"person {row.PersonId} {node.Path} ({node.Kind}, unsupported): SQL {truth}/{outcome}, expected unknown");
                    }
                }
                else if (tainted[i])
                {
                    if (!truth.IsUnknown && truth != expected.Truth)
                    {
                        mismatches.Add($"person {row.PersonId} {node.Path} ({node.Kind}, above an unsupported rule): SQL {truth}, engine {expected.Truth}");
                    }
                }
                else
                {
                    compared++;
                    if (truth != expected.Truth || outcome != expected.Outcome)
                    {
                        mismatches.Add($"person {row.PersonId} {node.Path} ({node.Kind}): SQL {truth}/{outcome}, engine {expected.Truth}/{expected.Outcome}: {expected.Explanation}");
                    }
                }

                allClean &= !tainted[i];
            }

            if (allClean && row.Verdict != native.Verdict)
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

        int supported = nodes.Count(n => !tainted[n.Index]);
        TestContext.Out.WriteLine($"{file}: {nodes.Count} nodes, {supported} fully supported, {compilation.Unsupported.Count} unsupported rules; {compared} comparisons; SQL {sqlTime.TotalSeconds:0.00} s, engine {watch.Elapsed.TotalSeconds:0.00} s");
        foreach (var node in nodes.Where(n => !tainted[n.Index]))
        {
            int t = result.Rows.Count(r => r.Truths[node.Index].IsTrue), f = result.Rows.Count(r => r.Truths[node.Index].IsFalse);
            TestContext.Out.WriteLine($"  {node.Path} {node.Kind}: true {t}, false {f}, unknown {result.Rows.Count - t - f}");
        }

        foreach (var u in compilation.Unsupported)
        {
            TestContext.Out.WriteLine("  unsupported " + u);
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
