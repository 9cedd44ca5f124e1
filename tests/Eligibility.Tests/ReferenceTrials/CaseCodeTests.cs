using System.Text.Json;

namespace Eligibility.Tests.ReferenceTrials;

/// <summary>
/// Example cases must take their codes from an independent reference, never from the rule file they test: a case that
/// copies a wrong binding proves nothing (a plasma-exchange case once used the same wrong code as its rule). Every
/// clinical code in the reference trials' example patients must therefore be listed in
/// <c>tests/fixtures/clinical-codes.tsv</c> with the public source it was checked in. Local codes (<c>urn:…</c>
/// systems) are exempt.
/// </summary>
public class CaseCodeTests
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

    private static IReadOnlyDictionary<(string System, string Code), (string Display, string Source)> Reference()
    {
        var map = new Dictionary<(string, string), (string, string)>();
        foreach (string line in File.ReadLines(Path.Combine(Root.Value, "tests", "fixtures", "clinical-codes.tsv")).Skip(1))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            string[] f = line.Split('\t');
            f.Should().HaveCount(4, $"each row is system, code, display, source: '{line}'");
            map.Add((f[0], f[1]), (f[2], f[3]));
        }

        return map;
    }

    private static IEnumerable<TestCaseData> CaseFiles() =>
        Directory.EnumerateFiles(Path.Combine(Root.Value, "rules"), "*.cases.json").Order(StringComparer.Ordinal)
            .Select(f => new TestCaseData(Path.GetFileName(f)).SetName("Case codes come from the reference list: " + Path.GetFileName(f)));

    /// <summary>Every coding (an object with "system" and "code") in the case file's patients.</summary>
    private static IEnumerable<(string System, string Code, string Case)> Codings(JsonElement element, string caseName)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (element.TryGetProperty("system", out var s) && element.TryGetProperty("code", out var c)
                    && s.ValueKind == JsonValueKind.String && c.ValueKind == JsonValueKind.String)
                {
                    yield return (s.GetString()!, c.GetString()!, caseName);
                }

                foreach (var p in element.EnumerateObject())
                {
                    foreach (var x in Codings(p.Value, caseName))
                    {
                        yield return x;
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var x in Codings(item, caseName))
                    {
                        yield return x;
                    }
                }

                break;
        }
    }

    /// <summary>The clinical codes of a case file's patients that the reference list lacks.</summary>
    private static List<string> Unlisted(JsonElement casesFile, IReadOnlyDictionary<(string System, string Code), (string Display, string Source)> reference) =>
        casesFile.GetProperty("cases").EnumerateArray()
            .SelectMany(c => Codings(c.GetProperty("patient"), c.GetProperty("name").GetString()!))
            .Where(x => !x.System.StartsWith("urn:", StringComparison.Ordinal) && !reference.ContainsKey((x.System, x.Code)))
            .Select(x => $"{x.System}|{x.Code} (case '{x.Case}')")
            .Distinct()
            .ToList();

    [TestCaseSource(nameof(CaseFiles))]
    public void Every_clinical_code_in_the_example_patients_is_in_the_reference_list(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root.Value, "rules", file)));

        Unlisted(doc.RootElement, Reference()).Should().BeEmpty(
            "every clinical code an example case uses must be checked in a public reference and listed in tests/fixtures/clinical-codes.tsv");
    }

    [Test]
    public void The_reference_list_names_a_display_and_a_source_for_every_code()
    {
        Reference().Should().OnlyContain(r => r.Value.Source.Length > 0 && r.Value.Display.Length > 0);
    }

    [Test]
    public void A_case_that_copied_a_wrong_code_from_its_rule_file_is_caught()
    {
        // SNOMED CT 11140008 is "Respiratory assist, manual": it was once bound to plasma exchange, and a case used it too.
        using var doc = JsonDocument.Parse("""
            { "cases": [ { "name": "plasma exchange last week", "patient": { "procedures": [
              { "code": [ { "system": "http://snomed.info/sct", "code": "11140008", "display": "Plasma exchange" } ] },
              { "code": [ { "system": "urn:eligibility:concept", "code": "local-only" } ] } ] } } ] }
            """);

        Unlisted(doc.RootElement, Reference()).Should().Equal("http://snomed.info/sct|11140008 (case 'plasma exchange last week')");
    }
}
