using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Eligibility.Cli.Screening;

namespace Eligibility.Cli.Tests;

/// <summary>
/// <c>screen --patients DIR</c> where DIR is a FHIR Bulk Data export (issue 14): one Bundle per Patient, the same rows as
/// the equivalent Bundles given as NDJSON, in export order whatever the bucket count or worker count, with every line that
/// is not screened accounted for by an error row.
/// </summary>
[TestFixture]
public sealed partial class ScreenBulkTests
{
    private const string AsOf = "2026-01-15";

    private string dir = string.Empty;

    [SetUp]
    public void CreateFolder()
    {
        dir = TestPaths.NewTempFolder();
        Directory.CreateDirectory(Path.Combine(dir, "tmp"));
        BulkExport.TemporaryRoot.Value = Path.Combine(dir, "tmp");
    }

    [TearDown]
    public void DeleteFolder()
    {
        BulkExport.TemporaryRoot.Value = null;
        BulkExport.BucketBytes.Value = null;
        Directory.Delete(dir, true);
    }

    [GeneratedRegex("""^\{("line":\d+|"file":"[^"]*","line":\d+),""")]
    private static partial Regex Identity();

    /// <summary>A row without where it comes from (<c>{"line":3,</c> or <c>{"file":"…","line":3,</c>), for comparing two inputs' rows.</summary>
    private static string WithoutIdentity(string row) => Identity().Replace(row, "{");

    private static string[] Screen(string rules, string patients, params string[] more) =>
        ["screen", "--rules", rules, "--patients", patients, "--as-of", AsOf, .. more];

    [TestCase("full")]
    [TestCase("criteria")]
    public void The_fixture_export_gives_the_rows_of_its_equivalent_bundles(string detail)
    {
        var bulk = CliRunner.Run(Screen(TestPaths.TinyRules, TestPaths.Fixture("bulk"), "--detail", detail));
        var bundles = CliRunner.Run(Screen(TestPaths.TinyRules, TestPaths.Fixture("bulk-equivalent.ndjson"), "--detail", detail));

        bulk.ExitCode.Should().Be(0, bulk.ToString());
        bundles.ExitCode.Should().Be(0, bundles.ToString());
        var patientRows = bulk.OutLines.Where(l => !l.Contains("\"error\"", StringComparison.Ordinal)).ToList();
        patientRows.Select(WithoutIdentity).Should().Equal(bundles.OutLines.Select(WithoutIdentity));
        patientRows.Should().HaveCount(3, "p3 has no resource but its Patient, and is still screened");
    }

    [Test]
    public void The_fixture_export_rows_name_their_file_and_line_in_export_order()
    {
        string bulkDir = TestPaths.Fixture("bulk");
        var r = CliRunner.Run(Screen(TestPaths.TinyRules, bulkDir, "--detail", "verdict"));

        r.ExitCode.Should().Be(0, r.ToString());
        string F(string name) => JsonValue.Create(Path.Combine(bulkDir, name))!.ToJsonString();
        r.OutLines.Should().Equal(
            $$"""{"file":{{F("Patient.ndjson")}},"line":1,"trial":"TINY-1","patient":"p1","asOf":"2026-01-15","verdict":"undetermined"}""",
            $$"""{"file":{{F("Patient.ndjson")}},"line":2,"trial":"TINY-1","patient":"p2","asOf":"2026-01-15","verdict":"ineligible"}""",
            $$"""{"file":{{F("Patient.ndjson")}},"line":3,"trial":"TINY-1","patient":"p3","asOf":"2026-01-15","verdict":"ineligible"}""",
            $$"""{"file":{{F("Observation.000.ndjson")}},"line":2,"error":"ELIG4202: Patient/p9, named by 1 resource(s) (the first on this line), is not in the export: no Patient resource has this id; they are not screened"}""",
            $$"""{"file":{{F("Observation.000.ndjson")}},"line":4,"error":"ELIG0001: invalid JSON: Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed. (column 156)"}""");
        r.Err.Should().Contain("Screened 5 record(s) against 1 trial(s)").And.Contain("3 evaluated, 2 error row(s)");
        Directory.EnumerateFileSystemEntries(Path.Combine(dir, "tmp")).Should().BeEmpty("the temporary buckets are deleted at the end");
    }

    [Test]
    public void The_sample_bundles_as_an_export_give_their_rows_with_medications_shared_across_patients()
    {
        var (export, bundles) = WriteSampleExport(copies: 2);
        var fromExport = CliRunner.Run(Screen(Path.Combine(ScreenData.Root, "rules"), export, "--detail", "full"));
        var fromBundles = CliRunner.Run(Screen(Path.Combine(ScreenData.Root, "rules"), bundles, "--detail", "full"));

        fromExport.ExitCode.Should().Be(0, fromExport.ToString());
        fromBundles.ExitCode.Should().Be(0, fromBundles.ToString());
        fromExport.OutLines.Should().HaveCount(2 * 5 * 5, "ten patients, five trials");
        fromExport.OutLines.Should().NotContain(l => l.Contains("\"error\"", StringComparison.Ordinal));
        fromExport.OutLines.Select(WithoutIdentity).Should().Equal(fromBundles.OutLines.Select(WithoutIdentity));
        fromExport.Out.Should().Contain("\"source\":\"MedicationStatement/", "medication facts come through");
        fromExport.Err.Should().Contain("10 evaluated");
    }

    [Test]
    public void Many_patients_in_many_small_buckets_give_the_rows_of_one_bucket_for_any_worker_count()
    {
        var (export, _) = WriteSampleExport(copies: 30);
        File.AppendAllText(Path.Combine(export, "Observation_1.ndjson"), "{\"resourceType\":\"Observation\",\"id\":\"stray\",\"subject\":{\"reference\":\"Patient/nobody\"}}\n[1,2]\n");
        string rules = Path.Combine(ScreenData.Root, "rules", "NCT07077486.json");
        var one = CliRunner.Run(Screen(rules, export, "--detail", "full", "--parallel", "1"));

        BulkExport.BucketBytes.Value = 16 * 1024; // an export of several megabytes: the 128 buckets the limit allows
        var many = CliRunner.Run(Screen(rules, export, "--detail", "full", "--parallel", "4"));
        var manyOneWorker = CliRunner.Run(Screen(rules, export, "--detail", "full", "--parallel", "1"));

        one.ExitCode.Should().Be(0, one.ToString());
        one.OutLines.Should().HaveCount(150 + 2);
        many.Out.Should().Be(one.Out);
        manyOneWorker.Out.Should().Be(one.Out);
        many.OutLines[^2].Should().Contain("ELIG4202: Patient/nobody");
        many.OutLines[^1].Should().Contain("\"error\":\"ELIG4201: ");
    }

    [Test]
    public void Bad_lines_orphans_and_resources_naming_no_patient_are_error_rows_and_the_run_goes_on()
    {
        string export = Path.Combine(dir, "export");
        Directory.CreateDirectory(export);
        File.Copy(TestPaths.Fixture("bulk", "Patient.ndjson"), Path.Combine(export, "Patient.ndjson"));
        File.WriteAllLines(Path.Combine(export, "Condition.ndjson"),
        [
            """{"resourceType":"Condition","id":"c1","subject":{"reference":"Patient/p1"},"code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10","code":"M32"}]}}""",
            """{"resourceType":"Condition","id":"c2","subject":{"reference":"Group/g1"},"code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10","code":"M32"}]}}""",
            "",
            """{"id":"no-type"}""",
            """{"resourceType":"Condition","id":"c3","subject":{"reference":"Patient/p7"}}""",
            """{"resourceType":"Condition","id":"c4","subject":{"reference":"Patient/p7"}}""",
            "{\"resourceType\":\"Condition\",\"id\":",
            """{"resourceType":"Condition","id":"c5","subject":{"reference":"https://ehr.example/fhir/Patient/p2/_history/3"},"code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10","code":"M32"}]}}""",
        ]);
        File.WriteAllText(Path.Combine(export, "Practitioner.ndjson"), """{"resourceType":"Practitioner","id":"dr"}""" + "\n");
        File.WriteAllText(Path.Combine(export, "manifest.json"), "{\"output\":[]}");

        var r = CliRunner.Run(Screen(TestPaths.TinyRules, export, "--detail", "criteria", "--summary", Path.Combine(dir, "summary.json")));

        r.ExitCode.Should().Be(0, r.ToString());
        var rows = r.OutLines.Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        rows.Select(Where).Should().Equal(
            "Patient.ndjson:1", "Patient.ndjson:2", "Patient.ndjson:3",
            "Condition.ndjson:2", "Condition.ndjson:4", "Condition.ndjson:5", "Condition.ndjson:7");
        rows[0]["criteria"]!.AsArray().Single(c => (string)c!["id"]! == "INCL02")!["outcome"]!.GetValue<string>().Should().Be("pass");
        rows[1]["criteria"]!.AsArray().Single(c => (string)c!["id"]! == "INCL02")!["outcome"]!.GetValue<string>().Should().Be("pass", "an absolute reference with a version names Patient/p2");
        ((string)rows[3]["error"]!).Should().StartWith("ELIG4202: Condition/c2 names no Patient of the export by id").And.Contain("'Group/g1'");
        ((string)rows[4]["error"]!).Should().StartWith("ELIG4201: the line is not a FHIR resource");
        ((string)rows[5]["error"]!).Should().StartWith("ELIG4202: Patient/p7, named by 2 resource(s)");
        ((string)rows[6]["error"]!).Should().StartWith("ELIG0001: invalid JSON");
        JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!["blankLines"]!.GetValue<int>().Should().Be(1);
    }

    [Test]
    public void Diagnostics_about_a_resource_are_placed_at_its_line_of_the_export()
    {
        string export = Path.Combine(dir, "export");
        Directory.CreateDirectory(export);
        File.Copy(TestPaths.Fixture("bulk", "Patient.ndjson"), Path.Combine(export, "Patient.ndjson"));
        string observations = Path.Combine(export, "Observation.ndjson");
        File.WriteAllLines(observations,
        [
            """{"resourceType":"Observation","id":"answer","status":"final","code":{"coding":[{"system":"urn:eligibility:criterion","code":"OTHER-1/INCL02"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-01-14","valueBoolean":true}""",
            """{"resourceType":"Observation","id":"bad","status":"final","subject":{"reference":"Patient/p2"},"code":{"coding":[{"system":"http://loinc.org","code":"718-7"}]},"effectiveDateTime":"2026-01-06","valueQuantity":{"value":"x","unit":"g/L"}}""",
        ]);

        var r = CliRunner.Run(Screen(TestPaths.TinyRules, export, "--detail", "verdict"));

        r.ExitCode.Should().Be(0, r.ToString());
        r.OutLines[1].Should().EndWith($$"""is not the right type of literal for a decimal (PVAL123) ({{JsonValue.Create(observations)!.ToJsonString()[1..^1]}}(2,{{File.ReadAllLines(observations)[1].IndexOf("\"x\"", StringComparison.Ordinal) + 1}}))"}""");
        r.OutLines[1].Should().StartWith($$"""{"file":{{JsonValue.Create(Path.Combine(export, "Patient.ndjson"))!.ToJsonString()}},"line":2,"error":"ELIG3101: Observation/bad is not valid FHIR R4""");
        r.Err.Should().Contain($"{observations}(1,{File.ReadAllLines(observations)[0].IndexOf("{\"coding\"", StringComparison.Ordinal) + 1}): warning ELIG3005: the answer to 'OTHER-1/INCL02'");
    }

    [Test]
    public void A_patient_whose_bundle_is_over_the_record_limit_is_an_error_row()
    {
        string export = Path.Combine(dir, "export");
        Directory.CreateDirectory(export);
        File.WriteAllText(Path.Combine(export, "Patient.ndjson"), """{"resourceType":"Patient","id":"p1","birthDate":"1985-06-01"}""" + "\n" + """{"resourceType":"Patient","id":"p2","birthDate":"1985-06-01"}""" + "\n");
        string observation = """{"resourceType":"Observation","id":"oN","status":"final","subject":{"reference":"Patient/p1"},"code":{"coding":[{"system":"http://loinc.org","code":"718-7"}]},"effectiveDateTime":"2026-01-06","valueQuantity":{"value":72,"unit":"g/L","system":"http://unitsofmeasure.org","code":"g/L"}}""";
        File.WriteAllLines(Path.Combine(export, "Observation.ndjson"), Enumerable.Range(1, 8).Select(i => observation.Replace("oN", "o" + i, StringComparison.Ordinal)));

        var r = CliRunner.Run(Screen(TestPaths.TinyRules, export, "--max-record-bytes", "1K", "--detail", "verdict"));

        r.ExitCode.Should().Be(0, r.ToString());
        r.OutLines.Should().HaveCount(2);
        r.OutLines[0].Should().Contain("\"line\":1,\"error\":\"ELIG0003: the patient's Bundle (the Patient and the 8 resource(s) naming it) would be ");
        r.OutLines[1].Should().Contain("\"patient\":\"p2\"");
    }

    [Test]
    public void A_folder_is_an_export_when_an_ndjson_file_is_named_after_a_resource_type()
    {
        string Folder(params string[] names)
        {
            string folder = Path.Combine(dir, Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            foreach (string name in names)
            {
                File.WriteAllText(Path.Combine(folder, name), string.Empty);
            }

            return folder;
        }

        BulkExport.IsExport(Folder("Patient.ndjson")).Should().BeTrue();
        BulkExport.IsExport(Folder("Observation_1.ndjson", "Observation_2.ndjson")).Should().BeTrue();
        BulkExport.IsExport(Folder("Observation.000.ndjson")).Should().BeTrue();
        BulkExport.IsExport(Folder("MedicationRequest-2.ndjson", "notes.txt")).Should().BeTrue();
        BulkExport.IsExport(Folder("patients.ndjson")).Should().BeFalse("a lower-case name is not a resource type: an NDJSON file is given as a file, not a folder");
        BulkExport.IsExport(Folder("a.json", "b.json")).Should().BeFalse();
        BulkExport.IsExport(Folder()).Should().BeFalse();

        string export = Folder("Observation_1.ndjson", "Condition.ndjson", "Patient_2.ndjson", "Patient.000.ndjson", "extra.ndjson", "manifest.json");
        BulkExport.Files(export).Select(Path.GetFileName).Should().Equal(
            "Patient.000.ndjson", "Patient_2.ndjson", "Condition.ndjson", "Observation_1.ndjson", "extra.ndjson");
    }

    [TestCase("Patient/p1", "p1")]
    [TestCase("https://ehr.example/fhir/Patient/p1", "p1")]
    [TestCase("Patient/p1/_history/2", "p1")]
    [TestCase("Group/g1", null)]
    [TestCase("urn:uuid:0f7c", null)]
    [TestCase("OtherPatient/p1", null)]
    [TestCase("Patient/", null)]
    [TestCase("Patient/p1/other", null)]
    public void A_reference_names_a_patient_by_id(string reference, string? id) =>
        BulkExport.IdAfter(reference, "Patient/").Should().Be(id);

    [Test]
    public void An_interrupted_export_run_resumes_to_the_uninterrupted_runs_bytes()
    {
        var (export, _) = WriteSampleExport(copies: 16);
        string rules = Path.Combine(ScreenData.Root, "rules", "NCT07077486.json");
        string reference = Path.Combine(dir, "reference.ndjson");
        string output = Path.Combine(dir, "results.ndjson");
        string[] Args(string outPath) => Screen(rules, export, "--out", outPath, "--parallel", "2");
        CliRunner.Run(Args(reference)).ExitCode.Should().Be(0);

        var stopped = ScreenResumeTests.StopInProcessAt("file Patient.ndjson line 5", Args(output));
        stopped.ExitCode.Should().Be(ExitCodes.Interrupted, stopped.ToString());
        File.ReadAllLines(output + ".partial").Length.Should().BeLessThan(80, "the run stopped before the end of the 80 patients");

        var resumed = CliRunner.Run([.. Args(output), "--resume"]);

        resumed.ExitCode.Should().Be(0, resumed.ToString());
        resumed.Err.Should().Contain("record(s) of the export");
        File.ReadAllBytes(output).Should().Equal(File.ReadAllBytes(reference));

        ScreenResumeTests.StopInProcessAt("file Patient.ndjson line 5", Args(output)).ExitCode.Should().Be(ExitCodes.Interrupted);
        File.AppendAllText(Path.Combine(export, "Observation_1.ndjson"), "\n");
        var changed = CliRunner.Run([.. Args(output), "--resume"]);
        changed.ExitCode.Should().Be(ExitCodes.BadInput, "a file of the export changed");
        changed.Err.Should().Contain("patients was ");
    }

    [Test]
    public void The_screen_codes_are_unique_in_their_range_and_documented()
    {
        var codes = typeof(ScreenDiagnosticCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
        codes.Should().Equal("ELIG4201", "ELIG4202").And.OnlyHaveUniqueItems();
        var toolCodes = typeof(Eligibility.Testing.CaseDiagnosticCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!);
        codes.Should().NotIntersectWith(toolCodes, "the tool's other codes (example cases, renderings, lock files) are ELIG40xx and ELIG41xx");
        string cli = File.ReadAllText(Path.Combine(TestPaths.Project, "..", "..", "docs", "cli.md"));
        codes.Should().AllSatisfy(c => cli.Should().MatchRegex($@"\|\s*{c}\s*\|"));
    }

    private static string Where(JsonObject row) => Path.GetFileName((string)row["file"]!) + ":" + (int)row["line"]!;

    /// <summary>
    /// The sample FHIR Bundles (<c>samples/fhir</c>) as one Bulk Data export, <paramref name="copies"/> times over (ids
    /// prefixed per copy and sample; references rewritten from <c>urn:uuid</c> full URLs to <c>Type/id</c>), Observations
    /// split over two files, and the equivalent NDJSON of Bundles: per Patient, the Patient, the resources naming it in
    /// export order, then the Medications they name by id — the documented grouping.
    /// </summary>
    private (string Export, string Bundles) WriteSampleExport(int copies)
    {
        var resources = new List<JsonObject>();
        string[] samples = Directory.GetFiles(Path.Combine(ScreenData.Root, "samples", "fhir"), "*.json").Order(StringComparer.Ordinal).ToArray();
        for (int copy = 0; copy < copies; copy++)
        {
            for (int s = 0; s < samples.Length; s++)
            {
                string prefix = FormattableString.Invariant($"c{copy}s{s}-");
                var bundle = JsonNode.Parse(File.ReadAllText(samples[s]))!;
                var urls = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var entry in bundle["entry"]!.AsArray())
                {
                    var resource = entry!["resource"]!;
                    urls[(string)entry["fullUrl"]!] = (string)resource["resourceType"]! + "/" + prefix + (string)resource["id"]!;
                }

                foreach (var entry in bundle["entry"]!.AsArray())
                {
                    var resource = entry!["resource"]!.DeepClone().AsObject();
                    resource["id"] = prefix + (string)resource["id"]!;
                    Rewrite(resource, urls);
                    resources.Add(resource);
                }
            }
        }

        string export = Path.Combine(dir, "export");
        Directory.CreateDirectory(export);
        string FileOf(JsonObject r, int i) => (string)r["resourceType"]! switch
        {
            "Observation" => i % 2 == 0 ? "Observation_1.ndjson" : "Observation.000.ndjson",
            var type => type + ".ndjson",
        };

        var files = new SortedDictionary<string, List<JsonObject>>(StringComparer.Ordinal);
        for (int i = 0; i < resources.Count; i++)
        {
            string name = FileOf(resources[i], i);
            if (!files.TryGetValue(name, out var list))
            {
                files[name] = list = [];
            }

            list.Add(resources[i]);
        }

        foreach (var (name, list) in files)
        {
            File.WriteAllText(Path.Combine(export, name), string.Concat(list.Select(r => r.ToJsonString() + "\n")), new UTF8Encoding(false));
        }

        // The equivalent Bundles, by the documented rule.
        var ordered = files.OrderBy(f => f.Key.StartsWith("Patient", StringComparison.Ordinal) ? 0 : 1).ThenBy(f => f.Key, StringComparer.Ordinal).SelectMany(f => f.Value).ToList();
        var medications = ordered.Where(r => (string)r["resourceType"]! == "Medication").ToDictionary(r => (string)r["id"]!, StringComparer.Ordinal);
        var lines = new StringBuilder();
        foreach (var patient in ordered.Where(r => (string)r["resourceType"]! == "Patient"))
        {
            string reference = "Patient/" + (string)patient["id"]!;
            var naming = ordered.Where(r => (string?)(r["subject"] ?? r["patient"])?["reference"] == reference).ToList();
            var named = naming.Select(r => (string?)r["medicationReference"]?["reference"]).OfType<string>()
                .Where(m => m.StartsWith("Medication/", StringComparison.Ordinal)).Select(m => m["Medication/".Length..]).Distinct().Order(StringComparer.Ordinal);
            var entries = new[] { patient }.Concat(naming).Concat(named.Select(id => medications[id]));
            lines.Append("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[")
                .AppendJoin(',', entries.Select(e => "{\"resource\":" + e.ToJsonString() + "}"))
                .Append("]}\n");
        }

        string bundles = Path.Combine(dir, "bundles.ndjson");
        File.WriteAllText(bundles, lines.ToString(), new UTF8Encoding(false));
        return (export, bundles);
    }

    /// <summary>Every <c>reference</c> naming a full URL of the bundle names the resource by <c>Type/id</c> instead.</summary>
    private static void Rewrite(JsonNode? node, Dictionary<string, string> urls)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["reference"] is JsonValue v && v.TryGetValue(out string? text) && urls.TryGetValue(text, out string? local))
                {
                    o["reference"] = local;
                }

                foreach (var (_, child) in o.ToList())
                {
                    Rewrite(child, urls);
                }

                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    Rewrite(child, urls);
                }

                break;
        }
    }
}
