using System.Text;
using Eligibility.Diagnostics;
using Eligibility.Patients;
using Eligibility.Tests.Robustness;

namespace Eligibility.Tests.Patients;

/// <summary>
/// A native record's answers carry their position in the input (file, line, column, pointer). The reader finds it from
/// where the answer's text lies in the bytes instead of building the record's whole position index
/// (<see cref="SourceMap"/>), which it used to build for every record with answers; these tests show the positions are
/// the index's, for every sample record, read as a file, as one NDJSON line, with a byte order mark, with multi-byte
/// text before the answers and reformatted with other whitespace.
/// </summary>
public class AssessmentPositionTests
{
    /// <summary>The sample native records (samples/patients), one test case each; also read by <see cref="NativeOnePassLimitTests"/>.</summary>
    internal static IEnumerable<TestCaseData> Samples()
    {
        string dir = Path.Combine(InputRobustnessTests.RepositoryRoot(), "samples", "patients");
        return Directory.GetFiles(dir, "*.json").OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => new TestCaseData(f).SetArgDisplayNames(Path.GetFileName(f)));
    }

    [TestCaseSource(nameof(Samples))]
    public void Every_answer_is_where_the_position_index_puts_it(string file)
    {
        string text = File.ReadAllText(file);
        var variants = new List<(string Name, byte[] Utf8)>
        {
            ("as written", Encoding.UTF8.GetBytes(text)),
            ("one line", Encoding.UTF8.GetBytes(System.Text.Json.Nodes.JsonNode.Parse(text)!.ToJsonString())),
            ("byte order mark", [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)]),
            ("tabs and CRLF", Encoding.UTF8.GetBytes(text.Replace("\n", "\r\n", StringComparison.Ordinal).Replace("  ", "\t", StringComparison.Ordinal))),
            ("multi-byte text first", Encoding.UTF8.GetBytes("\n\n" + text[..(text.IndexOf('{', StringComparison.Ordinal) + 1)] + "\"$schema\": \"é€😀\"," + text[(text.IndexOf('{', StringComparison.Ordinal) + 1)..])),
        };

        int answers = 0;
        foreach (var (name, utf8) in variants)
        {
            var read = PatientReader.Read(utf8, "p.json");
            read.Patient.Should().NotBeNull($"{name}: {string.Join("; ", read.Diagnostics.Select(d => d.Message))}");
            var map = SourceMap.Build(utf8);
            foreach (var answer in read.Patient!.Assessments)
            {
                var position = answer.Position!.Value;
                map.Contains(position.Pointer!).Should().BeTrue(name);
                var (line, column) = map.Locate(position.Pointer!);
                (position.Line, position.Column).Should().Be((line, column), $"{name}: {answer.Criterion} at {position.Pointer}");
                position.File.Should().Be("p.json");
                answers++;
            }
        }

        answers.Should().BeGreaterThan(0, "every sample record answers some criterion");
    }
}
