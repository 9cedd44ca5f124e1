using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;

namespace Eligibility.Benchmarks;

/// <summary>
/// Loading a rule file (issue 13): compiling it from its UTF-8 bytes, which reads the text, checks it against the schema,
/// binds concepts and builds the compiled nodes. One case per reference rule file, and two synthetic ones:
/// <c>synthetic-large</c>, a valid file of 99 criteria of 40 rules each (3,960 rules, about 0.4 MB), and
/// <c>synthetic-invalid-2000</c>, 2,000 criteria of which many break the schema (the long-array and many-errors path).
/// Uses only <see cref="RuleCompiler"/>'s public API, so the same file runs on an older tree for a before/after comparison.
/// </summary>
[MemoryDiagnoser]
public class LoadingBenchmarks
{
    private byte[] utf8 = [];

    /// <summary>The input: a reference trial's rule file, or a synthetic one.</summary>
    [ParamsSource(nameof(Inputs))]
    public string Input { get; set; } = string.Empty;

    /// <summary>The reference rule files (rules/*.json) and the synthetic inputs.</summary>
    public static IEnumerable<string> Inputs() => SampleData.Trials().Concat(["synthetic-large", "synthetic-invalid-2000"]);

    /// <summary>Reads or builds the input; checks that a reference file and the large synthetic one compile without errors.</summary>
    [GlobalSetup]
    public void Setup()
    {
        utf8 = Input switch
        {
            "synthetic-large" => Encoding.UTF8.GetBytes(Synthetic(99, 40, valid: true)),
            "synthetic-invalid-2000" => Encoding.UTF8.GetBytes(Synthetic(2000, 2, valid: false)),
            _ => File.ReadAllBytes(SampleData.PathOf("rules", Input + ".json")),
        };

        var result = Compile();
        bool invalid = Input.StartsWith("synthetic-invalid", StringComparison.Ordinal);
        if (invalid == (result.Evaluator is not null))
        {
            throw new InvalidOperationException($"{Input}: expected {(invalid ? "errors" : "no errors")}, got {result.Diagnostics.Count(d => d.IsError)} errors");
        }
    }

    /// <summary>Compiles the input from its bytes (as <c>CompileFile</c> does after reading the file).</summary>
    [Benchmark]
    public CompilationResult Compile()
    {
        using var stream = new MemoryStream(utf8, writable: false);
        return RuleCompiler.Compile(stream, Input + ".json");
    }

    /// <summary>
    /// The DEMO-1 test trial with <paramref name="criteria"/> inclusion criteria of <paramref name="rules"/> rules each.
    /// Invalid: every 7th criterion has a bad ID, every 11th an unknown member, every 13th an unknown rule kind.
    /// </summary>
    internal static string Synthetic(int criteria, int rules, bool valid)
    {
        var demo = JsonNode.Parse(File.ReadAllText(SampleData.PathOf("tests", "Eligibility.Tests", "TestFiles", "DEMO-1.json")))!.AsObject();
        demo["trial"]!["id"] = "synthetic";
        var inclusion = new JsonArray();
        for (int k = 0; k < criteria; k++)
        {
            var parts = new JsonArray();
            for (int r = 0; r < rules; r++)
            {
                parts.Add(r % 2 == 0
                    ? new JsonObject { ["kind"] = !valid && k % 13 == 0 ? "nonsense" : "condition", ["concept"] = "sle" }
                    : new JsonObject { ["kind"] = "age", ["gte"] = 18 });
            }

            string id = !valid && k % 7 == 3 ? "X" + k.ToString(CultureInfo.InvariantCulture) : "INCL" + (k % 100).ToString("D2", CultureInfo.InvariantCulture);
            var criterion = new JsonObject { ["id"] = id, ["text"] = "criterion " + k.ToString(CultureInfo.InvariantCulture), ["rule"] = new JsonObject { ["kind"] = "all", ["rules"] = parts } };
            if (!valid && k % 11 == 5)
            {
                criterion["bogus"] = 1;
            }

            inclusion.Add(criterion);
        }

        demo["inclusion"] = inclusion;
        demo["exclusion"] = new JsonArray();
        return demo.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }
}
