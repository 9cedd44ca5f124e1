using System.Text;
using System.Text.Json.Nodes;

namespace Eligibility.Cli.Tests;

/// <summary>
/// Grouping a bucket reads its lines into chunks of 1 MiB kept from bucket to bucket (a line larger than a chunk gets
/// an array of its own), and writes every Bundle through one buffer: lines that do not fit what is left of a chunk,
/// lines larger than a chunk, and buckets of many chunks must give the same rows as before.
/// </summary>
public sealed partial class ScreenBulkTests
{
    [Test]
    public void Lines_over_many_chunks_and_larger_than_a_chunk_give_the_rows_they_give_without_the_padding()
    {
        var (export, _) = WriteSampleExport(copies: 2);
        string rules = Path.Combine(ScreenData.Root, "rules");
        var plain = CliRunner.Run(Screen(rules, export, "--detail", "full"));

        // Every Observation gets a note eligibility does not read: 40 KB each (the one bucket spans several chunks, and
        // lines straddle their ends), one of them 1.6 MB (larger than a chunk).
        int n = 0;
        foreach (string file in Directory.GetFiles(export, "Observation*.ndjson"))
        {
            var lines = File.ReadAllLines(file).Select(line =>
            {
                var resource = JsonNode.Parse(line)!.AsObject();
                int notes = n++ == 7 ? 2 : 1; // two strings of 800,000 bytes: a line of 1.6 MB, each string under the string limit
                int size = notes == 2 ? 800_000 : 40_000 + n;
                resource["note"] = new JsonArray(Enumerable.Range(0, notes).Select(_ => (JsonNode)new JsonObject { ["text"] = new string('x', size) }).ToArray());
                return resource.ToJsonString();
            });
            File.WriteAllText(file, string.Concat(lines.Select(l => l + "\n")), new UTF8Encoding(false));
        }

        var padded = CliRunner.Run(Screen(rules, export, "--detail", "full"));

        plain.ExitCode.Should().Be(0, plain.ToString());
        padded.ExitCode.Should().Be(0, padded.ToString());
        n.Should().BeGreaterThan(30, "enough lines to fill several chunks");
        new DirectoryInfo(export).EnumerateFiles("Observation*").Sum(f => f.Length).Should().BeGreaterThan(3L << 20);
        padded.OutLines.Should().NotContain(l => l.Contains("\"error\"", StringComparison.Ordinal));
        padded.OutLines.Should().Equal(plain.OutLines);
    }
}
