using System.Text.Json.Nodes;
using Eligibility.Diagnostics;
using Eligibility.Schema;

namespace Eligibility.Tests.Schema;

[TestFixture]
public class SchemaValidatorTests
{
    private static readonly string[] AllKinds =
    [
        "all", "any", "atLeast", "not", "age", "sex", "measurement", "coded", "pregnancy", "condition", "procedure",
        "medication", "immunization", "judgement", "expression",
    ];

    private static string TestFile(string name) =>
        File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Schema", "TestFiles", name));

    private static string AllKindsJson => TestFile("all-kinds.json");

    private static string PatientJson => TestFile("patient-example.json");

    /// <summary>An edit of a document: set <paramref name="Json"/> at <paramref name="Pointer"/>, or remove it when null.</summary>
    public sealed record Edit(string Pointer, string? Json)
    {
        public override string ToString() => Json is null ? $"remove {Pointer}" : $"{Pointer} = {Json}";
    }

    private static Edit Set(string pointer, string json) => new(pointer, json);

    private static Edit Remove(string pointer) => new(pointer, null);

    private static string Apply(string json, IEnumerable<Edit> edits)
    {
        var root = JsonNode.Parse(json)!;
        foreach (var edit in edits)
        {
            var segments = edit.Pointer.Split('/').Skip(1).Select(s => s.Replace("~1", "/").Replace("~0", "~")).ToArray();
            var parent = root;
            foreach (var segment in segments[..^1])
            {
                parent = parent is JsonArray array ? array[int.Parse(segment)]! : parent[segment]!;
            }

            var last = segments[^1];
            var value = edit.Json is null ? null : JsonNode.Parse(edit.Json);
            if (parent is JsonArray list)
            {
                if (value is null)
                {
                    list.RemoveAt(int.Parse(last));
                }
                else
                {
                    list[int.Parse(last)] = value;
                }
            }
            else if (value is null)
            {
                parent.AsObject().Remove(last);
            }
            else
            {
                parent[last] = value;
            }
        }

        return root.ToJsonString();
    }

    /// <summary>True when <paramref name="pointer"/> names an existing value of <paramref name="json"/>.</summary>
    private static bool Resolves(string json, string pointer)
    {
        JsonNode? node = JsonNode.Parse(json);
        foreach (var raw in pointer.Split('/').Skip(1))
        {
            var segment = raw.Replace("~1", "/").Replace("~0", "~");
            switch (node)
            {
                case JsonObject obj when obj.ContainsKey(segment):
                    node = obj[segment];
                    break;
                case JsonArray array when int.TryParse(segment, out var index) && index < array.Count:
                    node = array[index];
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    private static string Describe(IReadOnlyList<SchemaError> errors) =>
        errors.Count == 0 ? "no errors" : string.Join(Environment.NewLine, errors.Select(e => $"[{e.Pointer}] {e.Message}"));

    // ---- schemas ---------------------------------------------------------------------------------------------------

    [TestCase("rule-file.schema.json")]
    [TestCase("patient.schema.json")]
    [TestCase("cases.schema.json")]
    public void Embedded_schema_loads(string fileName)
    {
        var schema = SchemaLoader.Load(fileName);

        schema.Should().NotBeNull();
        JsonNode.Parse(SchemaLoader.ReadResourceText(fileName))!["$schema"]!.GetValue<string>()
            .Should().Be("http://json-schema.org/draft-07/schema#");
    }

    [Test]
    public void Every_rule_kind_has_a_schema_branch()
    {
        var schema = JsonNode.Parse(SchemaLoader.ReadResourceText("rule-file.schema.json"))!;
        var rule = schema["definitions"]!["rule"]!;

        var kinds = rule["properties"]!["kind"]!["enum"]!.AsArray().Select(k => k!.GetValue<string>()).ToList();
        var branches = rule["allOf"]!.AsArray().Select(b => b!["if"]!["properties"]!["kind"]!["const"]!.GetValue<string>()).ToList();

        kinds.Should().BeEquivalentTo(AllKinds);
        branches.Should().Equal(kinds);
    }

    // ---- rule files --------------------------------------------------------------------------------------------------

    [Test]
    public void Example_rule_file_using_every_kind_is_valid()
    {
        var json = AllKindsJson;
        var usedKinds = JsonNode.Parse(json)!.ToJsonString();

        var errors = SchemaValidator.Validate(json, SchemaKind.RuleFile);

        errors.Should().BeEmpty(Describe(errors));
        foreach (var kind in AllKinds)
        {
            usedKinds.Should().Contain($"\"kind\":\"{kind}\"", $"the fixture should use the '{kind}' kind");
        }
    }

    [Test]
    public void Documentation_example_rule_file_is_valid()
    {
        const string json = """
            {
              "$schema": "../src/Eligibility/Schema/rule-file.schema.json",
              "formatVersion": 1,
              "trial": {
                "id": "NCT07077486",
                "title": "Telitacicept vs cyclophosphamide for lupus ILD",
                "registry": "ClinicalTrials.gov",
                "sourceVersion": "registry page as published 2025-07",
                "ageRange": { "min": 18, "max": 80 }
              },
              "defaults": { "lookback": "P28D" },
              "concepts": {
                "alt": {
                  "codes": { "http://loinc.org": ["1742-6", "1743-4", "1744-2"] },
                  "unit": "U/L",
                  "uln": { "value": 40, "unit": "U/L", "female": 35 }
                },
                "sle": { "codes": { "http://snomed.info/sct": ["55464009"], "http://hl7.org/fhir/sid/icd-10": ["M32"] } }
              },
              "inclusion": [
                { "id": "INCL02", "text": "Male or non-pregnant female aged ≥ 18 years",
                  "rule": { "kind": "all", "rules": [
                    { "kind": "age", "gte": 18 },
                    { "kind": "not", "rule": { "kind": "pregnancy" } } ] } }
              ],
              "exclusion": [
                { "id": "EXCL01", "text": "ALT and/or AST > 5 times the upper limit of normal",
                  "rule": { "kind": "any", "rules": [
                    { "kind": "measurement", "concept": "alt", "gt": 5, "relativeTo": "uln" },
                    { "kind": "measurement", "concept": "ast", "gt": 5, "relativeTo": "uln" } ] } }
              ]
            }
            """;

        var errors = SchemaValidator.Validate(json, SchemaKind.RuleFile);

        errors.Should().BeEmpty(Describe(errors));
    }

    [Test]
    public void Empty_criteria_lists_and_minimal_concepts_are_valid()
    {
        const string json = """
            { "formatVersion": 1, "trial": { "id": "T-1", "title": "t" }, "defaults": { "lookback": "P1Y6M" },
              "concepts": {}, "inclusion": [], "exclusion": [] }
            """;

        SchemaValidator.Validate(json, SchemaKind.RuleFile).Should().BeEmpty();
    }

    private static IEnumerable<TestCaseData> InvalidRuleFiles()
    {
        TestCaseData Case(string name, Edit[] edits, string pointer, string message) =>
            new TestCaseData(edits, pointer, message).SetName("Invalid rule file: " + name);

        yield return Case("unknown field in a measurement rule",
            [Set("/exclusion/0/rule/gtt", "5")],
            "/exclusion/0/rule/gtt", "unknown property 'gtt' (did you mean 'gt'?)");
        yield return Case("unknown rule kind",
            [Set("/exclusion/0/rule/kind", "\"xyz\"")],
            "/exclusion/0/rule/kind", "'xyz' is not one of all, any, atLeast, not, age, sex, measurement, coded");
        yield return Case("rule without kind",
            [Remove("/exclusion/0/rule/kind")],
            "/exclusion/0/rule", "missing required property 'kind'");
        yield return Case("measurement without concept",
            [Remove("/exclusion/0/rule/concept")],
            "/exclusion/0/rule", "missing required property 'concept'");
        yield return Case("bad default lookback",
            [Set("/defaults/lookback", "\"P4X\"")],
            "/defaults/lookback", "'P4X' does not match the ISO-8601 duration pattern");
        yield return Case("empty duration",
            [Set("/inclusion/1/rule/rules/0/lookback", "\"P\"")],
            "/inclusion/1/rule/rules/0/lookback", "'P' does not match the ISO-8601 duration pattern");
        yield return Case("duration with a trailing newline",
            [Set("/exclusion/4/rule/within", "\"P4W\\n\"")],
            "/exclusion/4/rule/within", "does not match the ISO-8601 duration pattern");
        yield return Case("measurement with unit and relativeTo",
            [Set("/exclusion/0/rule/unit", "\"U/L\"")],
            "/exclusion/0/rule", "only one of 'unit', 'relativeTo' may be given");
        yield return Case("measurement with neither unit nor relativeTo",
            [Remove("/exclusion/0/rule/relativeTo")],
            "/exclusion/0/rule", "exactly one of 'unit', 'relativeTo' is required");
        yield return Case("relativeTo other than uln or lln",
            [Set("/exclusion/0/rule/relativeTo", "\"mean\"")],
            "/exclusion/0/rule/relativeTo", "'mean' is not one of uln, lln");
        yield return Case("two lower bounds",
            [Set("/exclusion/0/rule/gte", "3")],
            "/exclusion/0/rule", "'gt' and 'gte' cannot be used together");
        yield return Case("age rule without bounds",
            [Remove("/inclusion/0/rule/rules/0/gte"), Remove("/inclusion/0/rule/rules/0/lte")],
            "/inclusion/0/rule/rules/0", "at least one of 'gt', 'gte', 'lt', 'lte' is required");
        yield return Case("bound that is not a number",
            [Set("/inclusion/0/rule/rules/0/gte", "\"18\"")],
            "/inclusion/0/rule/rules/0/gte", "expected a number, found a string '18'");
        yield return Case("medication with within and current",
            [Set("/exclusion/3/rule/rules/0/current", "true")],
            "/exclusion/3/rule/rules/0", "only one of 'within', 'current', 'stableFor', 'ever' may be given (found 'within', 'current')");
        yield return Case("medication without a time option",
            [Remove("/exclusion/3/rule/rules/0/within")],
            "/exclusion/3/rule/rules/0", "exactly one of 'within', 'current', 'stableFor', 'ever' is required");
        yield return Case("longerThan without within",
            [Remove("/exclusion/3/rule/rules/1/within"), Set("/exclusion/3/rule/rules/1/current", "true")],
            "/exclusion/3/rule/rules/1", "missing required property: one of 'within', 'ever' (required with 'longerThan')");
        yield return Case("prednisoneEquivalent without dose",
            [Remove("/inclusion/3/rule/dose")],
            "/inclusion/3/rule", "missing required property 'dose' (required with 'prednisoneEquivalent')");
        yield return Case("dose without unit",
            [Remove("/exclusion/3/rule/rules/1/dose/unit")],
            "/exclusion/3/rule/rules/1/dose", "missing required property 'unit'");
        yield return Case("condition with two time options",
            [Set("/exclusion/1/rule/rules/2/occurredWithin", "\"P1Y\"")],
            "/exclusion/1/rule/rules/2", "'active' and 'occurredWithin' cannot be used together");
        yield return Case("condition with active false",
            [Set("/exclusion/1/rule/rules/2/active", "false")],
            "/exclusion/1/rule/rules/2/active", "must be true (const), found false");
        yield return Case("absentMeans not a string",
            [Set("/exclusion/2/rule/absentMeans", "false")],
            "/exclusion/2/rule/absentMeans", "expected a string, found a boolean false");
        yield return Case("absentMeans unknown value",
            [Set("/exclusion/2/rule/absentMeans", "\"maybe\"")],
            "/exclusion/2/rule/absentMeans", "'maybe' is not one of false, unknown");
        yield return Case("immunization without window",
            [Remove("/exclusion/4/rule/within")],
            "/exclusion/4/rule", "missing required property 'within'");
        yield return Case("sex not female or male",
            [Set("/inclusion/1/rule/rules/1/is", "\"femal\"")],
            "/inclusion/1/rule/rules/1/is", "'femal' is not one of female, male");
        yield return Case("sex array with a bad item",
            [Set("/inclusion/0/rule/rules/1/is", "[\"female\", \"x\"]")],
            "/inclusion/0/rule/rules/1/is/1", "'x' is not one of female, male");
        yield return Case("sex of the wrong type",
            [Set("/inclusion/0/rule/rules/1/is", "5")],
            "/inclusion/0/rule/rules/1/is", "expected a string or an array, found a number 5");
        yield return Case("coded answer that is not a name",
            [Set("/inclusion/1/rule/rules/0/answer", "\"Not pregnant\"")],
            "/inclusion/1/rule/rules/0/answer", "'Not pregnant' does not match the answer name pattern");
        yield return Case("upper-case concept name",
            [Set("/concepts/ALT", "{}")],
            "/concepts/ALT", "property name 'ALT' does not match the concept name pattern");
        yield return Case("rule referring to a badly named concept",
            [Set("/exclusion/0/rule/concept", "\"Alt\"")],
            "/exclusion/0/rule/concept", "'Alt' does not match the concept name pattern");
        yield return Case("code system that is not a URI",
            [Set("/concepts/alt/codes/loinc", "[\"1742-6\"]")],
            "/concepts/alt/codes/loinc", "property name 'loinc' does not match the code system URI pattern");
        yield return Case("empty code list (pointer escaping)",
            [Set("/concepts/alt/codes/http:~1~1loinc.org", "[]")],
            "/concepts/alt/codes/http:~1~1loinc.org", "must contain at least one item");
        yield return Case("ULN of zero",
            [Set("/concepts/alt/uln/value", "0")],
            "/concepts/alt/uln/value", "must be greater than 0 (exclusive minimum), found 0");
        yield return Case("EXCL id in inclusion",
            [Set("/inclusion/0/id", "\"EXCL01\"")],
            "/inclusion/0/id", "'EXCL01' does not match the INCL criterion ID pattern");
        yield return Case("three-digit criterion id",
            [Set("/exclusion/0/id", "\"EXCL001\"")],
            "/exclusion/0/id", "'EXCL001' does not match the EXCL criterion ID pattern");
        yield return Case("bad nested id",
            [Set("/inclusion/2/rule/rules/0/id", "\"INCL03-1\"")],
            "/inclusion/2/rule/rules/0/id", "'INCL03-1' does not match the nested part ID pattern");
        yield return Case("criterion without text",
            [Remove("/exclusion/0/text")],
            "/exclusion/0", "missing required property 'text'");
        yield return Case("format version 2",
            [Set("/formatVersion", "2")],
            "/formatVersion", "must be 1 (const), found 2");
        yield return Case("empty rules list",
            [Set("/inclusion/0/rule/rules", "[]")],
            "/inclusion/0/rule/rules", "must contain at least one item");
        yield return Case("atLeast with n = 0",
            [Set("/inclusion/1/rule/n", "0")],
            "/inclusion/1/rule/n", "must be at least 1, found 0");
        yield return Case("atLeast with fractional n",
            [Set("/inclusion/1/rule/n", "1.5")],
            "/inclusion/1/rule/n", "expected an integer");
        yield return Case("rule that is not an object",
            [Set("/exclusion/6/rule", "\"judgement\"")],
            "/exclusion/6/rule", "expected an object, found a string 'judgement'");
        yield return Case("bad kind deep inside not",
            [Set("/inclusion/0/rule/rules/2/rule/kind", "\"pregnant\"")],
            "/inclusion/0/rule/rules/2/rule/kind", "'pregnant' is not one of");
        yield return Case("unknown field in a judgement",
            [Set("/exclusion/6/rule/questions", "\"?\"")],
            "/exclusion/6/rule/questions", "unknown property 'questions' (did you mean 'question'?)");
        yield return Case("empty expression",
            [Set("/inclusion/1/rule/rules/3/expression", "\"\"")],
            "/inclusion/1/rule/rules/3/expression", "must have at least one character");
        yield return Case("unknown compute",
            [Set("/inclusion/2/rule/rules/0/compute", "\"mdrd\"")],
            "/inclusion/2/rule/rules/0/compute", "'mdrd' is not one of ckd-epi-2021, cockcroft-gault");
        yield return Case("missing top-level section",
            [Remove("/defaults")],
            "", "missing required property 'defaults'");
        yield return Case("unknown top-level field",
            [Set("/foo", "1")],
            "/foo", "unknown property 'foo'");
        yield return Case("unknown trial field",
            [Set("/trial/ageRange/maximum", "80")],
            "/trial/ageRange/maximum", "unknown property 'maximum'");
    }

    [TestCaseSource(nameof(InvalidRuleFiles))]
    public void Invalid_rule_file_is_reported_at_the_offending_value(Edit[] edits, string pointer, string message)
    {
        var json = Apply(AllKindsJson, edits);

        var errors = SchemaValidator.Validate(json, SchemaKind.RuleFile);

        errors.Should().ContainSingle(Describe(errors));
        errors[0].Pointer.Should().Be(pointer, Describe(errors));
        errors[0].Message.Should().Contain(message);
    }

    [Test]
    public void A_wrong_field_in_a_typed_rule_gives_specific_errors_not_a_wall_of_alternatives()
    {
        var json = Apply(AllKindsJson, [Set("/exclusion/0/rule/gtt", "5"), Set("/exclusion/0/rule/unit", "\"U/L\"")]);

        var errors = SchemaValidator.Validate(json, SchemaKind.RuleFile);

        errors.Select(e => (e.Pointer, e.Message)).Should().Equal(
            ("/exclusion/0/rule", "only one of 'unit', 'relativeTo' may be given (found 'unit', 'relativeTo')"),
            ("/exclusion/0/rule/gtt", "unknown property 'gtt' (did you mean 'gt'?)"));
    }

    [Test]
    public void Errors_come_in_document_order_without_duplicates()
    {
        var json = Apply(AllKindsJson,
        [
            Set("/exclusion/0/rule/kind", "\"xyz\""),
            Set("/inclusion/0/id", "\"INCL1\""),
            Set("/defaults/lookback", "\"28 days\""),
            Set("/inclusion/4/rule/id", "\"x\""),
        ]);

        var errors = SchemaValidator.Validate(json, SchemaKind.RuleFile);

        errors.Select(e => e.Pointer).Should().Equal("/defaults/lookback", "/inclusion/0/id", "/inclusion/4/rule/id", "/exclusion/0/rule/kind");
    }

    [Test]
    public void Deeply_nested_rules_validate_in_linear_time_and_report_the_deepest_error()
    {
        const int depth = 25;
        var rule = "{ \"kind\": \"age\", \"gte\": \"18\" }";
        var pointer = "/inclusion/0/rule";
        for (var i = 0; i < depth; i++)
        {
            rule = $"{{ \"kind\": \"{(i % 2 == 0 ? "all" : "any")}\", \"rules\": [ {{ \"kind\": \"judgement\" }}, {rule} ] }}";
            pointer += "/rules/1";
        }

        var json = Apply(AllKindsJson, [Set("/inclusion/0/rule", rule)]);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();

        var errors = SchemaValidator.Validate(json, SchemaKind.RuleFile);

        stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
        errors.Should().ContainSingle(Describe(errors))
            .Which.Should().Be(new SchemaError(pointer + "/gte", "expected a number, found a string '18'") { Code = DiagnosticCodes.WrongType });
    }

    [Test]
    public void Repeated_property_is_reported()
    {
        var json = AllKindsJson.Replace("\"defaults\": { \"lookback\": \"P28D\" }", "\"defaults\": { \"lookback\": \"P28D\", \"lookback\": \"P1D\" }");

        var errors = SchemaValidator.Validate(json, SchemaKind.RuleFile);

        errors.Should().ContainSingle().Which.Should().Be(new SchemaError("/defaults/lookback", "duplicate property 'lookback'") { Code = DiagnosticCodes.DuplicateProperty });
    }

    [Test]
    public void Repeated_property_is_listed_in_document_order_with_schema_errors()
    {
        var json = Apply(AllKindsJson, [Set("/defaults/lookback", "\"P4X\"")])
            .Replace("\"id\":\"EXCL07\",", "\"id\":\"EXCL07\",\"id\":\"EXCL08\",");

        var errors = SchemaValidator.Validate(json, SchemaKind.RuleFile);

        errors.Select(e => (e.Pointer, e.Message)).Should().Equal(
            ("/defaults/lookback", "'P4X' does not match the ISO-8601 duration pattern"),
            ("/exclusion/6/id", "duplicate property 'id'"));
    }

    [TestCase("{ \"formatVersion\": 1e400 }", "/formatVersion")]
    [TestCase("{ \"formatVersion\": 123456789012345678901234567890123 }", "/formatVersion")]
    public void Extreme_numbers_do_not_break_validation(string json, string pointer)
    {
        var errors = SchemaValidator.Validate(json, SchemaKind.RuleFile);

        errors.Should().Contain(e => e.Pointer == pointer);
        errors.Should().NotContain(e => e.Message.StartsWith("could not validate", StringComparison.Ordinal));
    }

    // ---- patient records ---------------------------------------------------------------------------------------------

    [Test]
    public void Documentation_example_patient_is_valid()
    {
        var errors = SchemaValidator.Validate(PatientJson, SchemaKind.Patient);

        errors.Should().BeEmpty(Describe(errors));
    }

    [Test]
    public void Patient_schema_tolerates_unknown_fields_which_the_loader_reports_as_warnings()
    {
        var json = Apply(PatientJson, [Set("/nickname", "\"Li\""), Set("/observations/0/performer", "\"Dr Li\"")]);

        SchemaValidator.Validate(json, SchemaKind.Patient).Should().BeEmpty();
    }

    [Test]
    public void Minimal_patient_is_valid()
    {
        SchemaValidator.Validate("{}", SchemaKind.Patient).Should().BeEmpty();
    }

    private static IEnumerable<TestCaseData> InvalidPatients()
    {
        TestCaseData Case(string name, Edit[] edits, string pointer, string message) =>
            new TestCaseData(edits, pointer, message).SetName("Invalid patient: " + name);

        yield return Case("unknown sex", [Set("/sex", "\"f\"")], "/sex", "'f' is not one of female, male, other, unknown");
        yield return Case("birth date not YYYY-MM-DD", [Set("/birthDate", "\"1980-2-29\"")],
            "/birthDate", "'1980-2-29' does not match the date (YYYY-MM-DD) or date-time pattern");
        yield return Case("as-of date with time", [Set("/asOf", "\"2026-01-15T10:00:00Z\"")],
            "/asOf", "does not match the date (YYYY-MM-DD) pattern");
        yield return Case("observation with two values", [Set("/observations/0/valueBoolean", "true")],
            "/observations/0", "only one of 'value', 'valueCode', 'valueBoolean', 'valueText' may be given");
        yield return Case("observation without a value", [Remove("/observations/1/valueCode")],
            "/observations/1", "exactly one of 'value', 'valueCode', 'valueBoolean', 'valueText' is required");
        yield return Case("observation status", [Set("/observations/0/status", "\"done\"")],
            "/observations/0/status", "'done' is not one of final, amended");
        yield return Case("record without code", [Remove("/conditions/0/code")],
            "/conditions/0", "missing required property 'code'");
        yield return Case("coding without code", [Remove("/procedures/0/code/0/code")],
            "/procedures/0/code/0", "missing required property 'code'");
        yield return Case("empty code list", [Set("/immunizations/0/code", "[]")],
            "/immunizations/0/code", "must contain at least one item");
        yield return Case("end date of the wrong type", [Set("/medications/0/end", "5")],
            "/medications/0/end", "expected a string or null, found a number 5");
        yield return Case("daily dose without unit", [Remove("/medications/0/dailyDose/unit")],
            "/medications/0/dailyDose", "missing required property 'unit'");
        yield return Case("numeric value as a string", [Set("/observations/0/value", "\"212\"")],
            "/observations/0/value", "expected a number, found a string '212'");
        yield return Case("assessment criterion", [Set("/assessments/0/criterion", "\"INCL05\"")],
            "/assessments/0/criterion", "'INCL05' does not match the criterion reference pattern");
        yield return Case("assessment value", [Set("/assessments/0/value", "\"yes\"")],
            "/assessments/0/value", "expected a boolean, found a string 'yes'");
        yield return Case("observations not a list", [Set("/observations", "{}")],
            "/observations", "expected an array or null, found an object");
    }

    [TestCaseSource(nameof(InvalidPatients))]
    public void Invalid_patient_is_reported_at_the_offending_value(Edit[] edits, string pointer, string message)
    {
        var json = Apply(PatientJson, edits);

        var errors = SchemaValidator.Validate(json, SchemaKind.Patient);

        errors.Should().ContainSingle(Describe(errors));
        errors[0].Pointer.Should().Be(pointer, Describe(errors));
        errors[0].Message.Should().Contain(message);
    }

    [TestCase("\"2026-01-15\"")]
    [TestCase("null")]
    public void Nullable_dates_accept_a_date_or_null(string value)
    {
        var json = Apply(PatientJson, [Set("/conditions/0/abatement", value), Set("/medications/0/end", value)]);

        SchemaValidator.Validate(json, SchemaKind.Patient).Should().BeEmpty();
    }

    // ---- example cases -----------------------------------------------------------------------------------------------

    private const string ValidCases = """
        {
          "$schema": "../src/Eligibility/Schema/cases.schema.json",
          "rules": "NCT07077486.json",
          "cases": [
            { "name": "eligible 54-year-old woman", "description": "optional", "asOf": "2026-01-15",
              "patient": { "id": "pt-1", "birthDate": "1971-05-02", "sex": "female" },
              "expect": { "verdict": "eligible", "criteria": { "INCL01": "pass", "EXCL01.2": "review" } } },
            { "name": "from a file", "patientFile": "patients/pt-2.json",
              "expect": { "criteria": { "EXCL03": "unknown", "INCL02": "fail" } } },
            { "name": "verdict only", "patientFile": "patients/pt-3.json", "expect": { "verdict": "undetermined" } }
          ]
        }
        """;

    [Test]
    public void Valid_cases_file_is_valid()
    {
        var errors = SchemaValidator.Validate(ValidCases, SchemaKind.Cases);

        errors.Should().BeEmpty(Describe(errors));
    }

    [Test]
    public void Cases_file_may_embed_the_documentation_patient()
    {
        var root = JsonNode.Parse(ValidCases)!;
        root["cases"]![0]!["patient"] = JsonNode.Parse(PatientJson);

        var errors = SchemaValidator.Validate(root.ToJsonString(), SchemaKind.Cases);

        errors.Should().BeEmpty(Describe(errors));
    }

    private static IEnumerable<TestCaseData> InvalidCases()
    {
        TestCaseData Case(string name, Edit[] edits, string pointer, string message) =>
            new TestCaseData(edits, pointer, message).SetName("Invalid cases: " + name);

        yield return Case("patient and patientFile", [Set("/cases/0/patientFile", "\"p.json\"")],
            "/cases/0", "only one of 'patient', 'patientFile' may be given");
        yield return Case("neither patient nor patientFile", [Remove("/cases/1/patientFile")],
            "/cases/1", "exactly one of 'patient', 'patientFile' is required");
        yield return Case("empty expectation", [Set("/cases/0/expect", "{}")],
            "/cases/0/expect", "at least one of 'verdict', 'criteria' is required");
        yield return Case("unknown verdict", [Set("/cases/2/expect/verdict", "\"maybe\"")],
            "/cases/2/expect/verdict", "'maybe' is not one of eligible, review, undetermined, ineligible");
        yield return Case("unknown outcome", [Set("/cases/1/expect/criteria/EXCL03", "\"ok\"")],
            "/cases/1/expect/criteria/EXCL03", "'ok' is not one of pass, fail, unknown, review");
        yield return Case("bad criterion id", [Set("/cases/1/expect/criteria/INCL1", "\"pass\"")],
            "/cases/1/expect/criteria/INCL1", "property name 'INCL1' does not match the criterion ID pattern");
        yield return Case("invalid embedded patient", [Set("/cases/0/patient/sex", "\"f\"")],
            "/cases/0/patient/sex", "'f' is not one of female, male, other, unknown");
        yield return Case("case without name", [Remove("/cases/2/name")],
            "/cases/2", "missing required property 'name'");
        yield return Case("unknown case field", [Set("/cases/2/expected", "{}")],
            "/cases/2/expected", "unknown property 'expected' (did you mean 'expect'?)");
        yield return Case("rules not a JSON file", [Set("/rules", "\"NCT07077486\"")],
            "/rules", "'NCT07077486' does not match the rule file path pattern");
        yield return Case("no cases", [Set("/cases", "[]")],
            "/cases", "must contain at least one item");
        yield return Case("bad as-of date", [Set("/cases/0/asOf", "\"15/01/2026\"")],
            "/cases/0/asOf", "does not match the date (YYYY-MM-DD) pattern");
    }

    [TestCaseSource(nameof(InvalidCases))]
    public void Invalid_cases_file_is_reported_at_the_offending_value(Edit[] edits, string pointer, string message)
    {
        var json = Apply(ValidCases, edits);

        var errors = SchemaValidator.Validate(json, SchemaKind.Cases);

        errors.Should().ContainSingle(Describe(errors));
        errors[0].Pointer.Should().Be(pointer, Describe(errors));
        errors[0].Message.Should().Contain(message);
    }

    // ---- robustness --------------------------------------------------------------------------------------------------

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    [TestCase("{")]
    [TestCase("{ \"formatVersion\": 1, }")]
    [TestCase("{ /* comment */ \"formatVersion\": 1 }")]
    [TestCase("{ 'formatVersion': 1 }")]
    [TestCase("{ formatVersion: 1 }")]
    [TestCase("{} {}")]
    [TestCase("[1, 2")]
    [TestCase("\"unterminated")]
    [TestCase("NaN")]
    [TestCase("\u0000")]
    public void Malformed_json_gives_one_error_at_the_root(string? json)
    {
        foreach (var kind in Enum.GetValues<SchemaKind>())
        {
            var errors = SchemaValidator.Validate(json!, kind);

            errors.Should().ContainSingle();
            errors[0].Pointer.Should().BeEmpty();
            errors[0].Message.Should().StartWith("malformed JSON");
        }
    }

    [Test]
    public void Too_deep_nesting_is_malformed_not_a_crash()
    {
        var json = new string('[', 10_000) + new string(']', 10_000);

        var errors = SchemaValidator.Validate(json, SchemaKind.RuleFile);

        errors.Should().ContainSingle().Which.Pointer.Should().BeEmpty();
    }

    [TestCase("[]", "expected an object, found an array")]
    [TestCase("42", "expected an object, found a number 42")]
    [TestCase("null", "expected an object, found null")]
    public void Non_object_root_is_reported_at_the_root(string json, string message)
    {
        foreach (var kind in Enum.GetValues<SchemaKind>())
        {
            var errors = SchemaValidator.Validate(json, kind);

            errors.Should().ContainSingle(Describe(errors)).Which.Should().Be(new SchemaError("", message) { Code = DiagnosticCodes.WrongType });
        }
    }

    [Test]
    public void Random_corruptions_never_throw_and_every_pointer_names_an_existing_value()
    {
        var original = AllKindsJson;
        var random = new Random(20260115);
        const string alphabet = "{}[]\",:0123456789.eE-+ tfnaxPDYMW/\\";
        for (var i = 0; i < 400; i++)
        {
            var chars = original.ToCharArray().ToList();
            for (var edits = random.Next(1, 4); edits > 0; edits--)
            {
                var at = random.Next(chars.Count);
                switch (random.Next(3))
                {
                    case 0:
                        chars.RemoveAt(at);
                        break;
                    case 1:
                        chars.Insert(at, alphabet[random.Next(alphabet.Length)]);
                        break;
                    default:
                        chars[at] = alphabet[random.Next(alphabet.Length)];
                        break;
                }
            }

            var json = new string(chars.ToArray());
            IReadOnlyList<SchemaError> errors = null!;
            var validate = () => errors = SchemaValidator.Validate(json, SchemaKind.RuleFile);

            validate.Should().NotThrow();
            errors.Should().OnlyHaveUniqueItems();
            errors.Should().NotContain(e => e.Message.StartsWith("could not validate", StringComparison.Ordinal), json);
            if (errors.Any(e => e.Message.StartsWith("malformed JSON", StringComparison.Ordinal)))
            {
                errors.Should().ContainSingle();
                continue;
            }

            foreach (var error in errors)
            {
                Resolves(json, error.Pointer).Should().BeTrue($"'{error.Pointer}' ({error.Message}) should exist in {json}");
            }
        }
    }

    [Test]
    public void Concurrent_validation_gives_the_same_results()
    {
        var json = Apply(AllKindsJson, [Set("/exclusion/0/rule/gtt", "5"), Set("/defaults/lookback", "\"P4X\"")]);
        var expected = SchemaValidator.Validate(json, SchemaKind.RuleFile);

        var results = new IReadOnlyList<SchemaError>[64];
        Parallel.For(0, results.Length, i => results[i] = SchemaValidator.Validate(json, SchemaKind.RuleFile));

        expected.Should().HaveCount(2);
        results.Should().AllSatisfy(r => r.Should().Equal(expected));
    }
}
