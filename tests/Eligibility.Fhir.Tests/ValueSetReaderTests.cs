using System.Text;
using Eligibility.Codes;
using Eligibility.Diagnostics;
using Eligibility.Fhir.Tests.Support;
using Eligibility.Patients;

namespace Eligibility.Fhir.Tests;

public class ValueSetReaderTests
{
    private const string Snomed = "http://snomed.info/sct";
    private const string RxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
    private const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
    private const string Cancer = "http://cts.nlm.nih.gov/fhir/ValueSet/2.16.840.1.113762.1.4.1111.161";

    private static string Fixture(string name) => Path.Combine(TestBundles.RepositoryRoot(), "tests", "fixtures", "terminology", "valuesets", name);

    private static ValueSetReadResult Read(string json) => ValueSetReader.Read(Encoding.UTF8.GetBytes(json), "vs.json");

    /// <summary>Reads text that must give exactly one diagnostic, with this code, at <paramref name="needle"/>.</summary>
    private static Diagnostic Single(string json, string code, string pointer, string needle, string? after = null)
    {
        var result = Read(json);
        result.HasErrors.Should().Be(result.Diagnostics.Any(d => d.IsError));
        var d = result.Diagnostics.Should().ContainSingle(string.Join("\n", result.Diagnostics)).Subject;
        d.Code.Should().Be(code, d.ToString());
        d.File.Should().Be("vs.json");
        d.Pointer.Should().Be(pointer, d.ToString());
        (d.Line, d.Column).Should().Be(TestBundles.PositionOf(json, needle, after), d.ToString());
        return d;
    }

    private static ValueSetDefinition One(string json)
    {
        var result = Read(json);
        result.Diagnostics.Should().BeEmpty(string.Join("\n", result.Diagnostics));
        return result.ValueSets.Should().ContainSingle().Subject;
    }

    // ---------------------------------------------------------------- Succeeded and EnsureSuccess

    [Test]
    public void A_file_read_without_errors_succeeds_and_EnsureSuccess_returns_its_value_sets()
    {
        var result = ValueSetReader.ReadFile(Fixture("all-primary-and-secondary-cancer.json"));

        result.Succeeded.Should().BeTrue();
        result.EnsureSuccess().Should().BeSameAs(result.ValueSets).And.ContainSingle();
    }

    [Test]
    public void A_file_with_errors_throws_listing_them()
    {
        var result = Read("""{ "resourceType": "Patient" }""");

        result.Succeeded.Should().BeFalse();
        var error = result.Diagnostics.Should().ContainSingle().Subject;
        var thrown = FluentActions.Invoking(() => result.EnsureSuccess()).Should().Throw<InvalidInputException>().Which;
        thrown.Message.Should().Be("the value set file could not be read (1 error):\n" + error);
        thrown.Message.Should().Contain("vs.json(1,").And.Contain(": error ELIG5101: ");
        thrown.Diagnostics.Should().Equal(result.Diagnostics);
    }


    [Test]
    public void Fixture_Expansion_GivesItsCodesWithDisplays_UrlVersionTitleAndSource()
    {
        string path = Fixture("all-primary-and-secondary-cancer.json");
        var result = ValueSetReader.ReadFile(path);
        result.Diagnostics.Should().BeEmpty();
        result.HasErrors.Should().BeFalse();
        var set = result.ValueSets.Should().ContainSingle().Subject;
        set.Url.Should().Be(Cancer);
        set.Version.Should().Be("20200310");
        set.Canonical.Should().Be(Cancer + "|20200310");
        set.Title.Should().Be("All Primary and Secondary Cancer");
        set.Source.Should().Be(path);
        set.Codes.Should().Equal(
            new Coding(Snomed, "254837009", "Malignant neoplasm of breast (disorder)"),
            new Coding(Snomed, "363358000", "Malignant tumor of lung (disorder)"),
            new Coding(Snomed, "118600007", "Malignant lymphoma (disorder)"),
            new Coding(Icd10Cm, "C00.0", "Malignant neoplasm of external upper lip"));
        set.IncludesDescendantsOf.Should().BeEmpty();
    }

    [Test]
    public void Fixture_EnumeratedCompose_GivesItsConceptsInTheIncludesSystem()
    {
        var result = ValueSetReader.ReadFile(Fixture("glucocorticoids-oral.json"));
        result.Diagnostics.Should().BeEmpty();
        var set = result.ValueSets.Should().ContainSingle().Subject;
        set.Url.Should().Be("http://cts.nlm.nih.gov/fhir/ValueSet/2.16.840.1.113883.3.464.1003.196.12.1266");
        set.Version.Should().Be("20210220");
        set.Title.Should().Be("Glucocorticoids (oral only)");
        set.Codes.Should().Equal(
            new Coding(RxNorm, "312615", "prednisone 20 MG Oral Tablet"),
            new Coding(RxNorm, "198142", "prednisolone 5 MG Oral Tablet"),
            new Coding(RxNorm, "259966", "methylprednisolone 4 MG Oral Tablet"),
            new Coding(RxNorm, "197582", "dexamethasone 4 MG Oral Tablet"));
    }

    [Test]
    public void Fixture_ReadValueSet_MatchesThroughTheCore()
    {
        var sets = ValueSetReader.ReadFile(Fixture("all-primary-and-secondary-cancer.json")).ValueSets;
        string rules = $$"""
        {
          "formatVersion": 1,
          "trial": { "id": "VS-TEST", "title": "value set test" },
          "defaults": { "lookback": "P28D" },
          "concepts": { "cancer": { "valueSet": "{{Cancer}}" } },
          "inclusion": [],
          "exclusion": [ { "id": "EXCL01", "text": "any cancer", "rule": { "kind": "condition", "concept": "cancer" } } ]
        }
        """;
        var compiled = RuleCompiler.CompileText(rules, "VS-TEST.json", new CompileOptions { Terminology = Terminology.Empty.WithValueSets(sets), UseLockFile = false });
        compiled.Diagnostics.Where(d => d.IsError).Should().BeEmpty();
        var lip = new PatientRecord
        {
            Id = "p",
            Conditions = new[] { new ConditionRecord { Id = "c", Codes = new[] { new Coding(Icd10Cm, "C00.0") }, ClinicalStatus = "active", Onset = new DateOnly(2024, 1, 1) } },
        };
        compiled.Evaluator!.Evaluate(lip, Rules.AsOf).Criteria.Single().Outcome.Should().Be(Outcome.Fail);
    }

    [Test]
    public void TheName_IsTheTitleElseTheName_AndAValueSetWithoutVersion_HasNone()
    {
        var set = One("""
        {"resourceType":"ValueSet","url":"urn:test:vs","name":"OnlyAName",
         "expansion":{"contains":[{"system":"http://snomed.info/sct","code":"55464009"}]}}
        """);
        set.Title.Should().Be("OnlyAName");
        set.Version.Should().BeNull();
        set.Canonical.Should().Be("urn:test:vs");
        set.Source.Should().Be("vs.json");
    }

    // ---------------------------------------------------------------- expansion

    [Test]
    public void Expansion_Nested_SkipsAbstractEntriesAndEntriesWithoutSystemOrCode_AndDeduplicates()
    {
        var set = One("""
        {"resourceType":"ValueSet","url":"urn:test:vs","expansion":{"contains":[
          {"system":"http://snomed.info/sct","code":"363346000","abstract":true,"display":"heading","contains":[
            {"system":"http://snomed.info/sct","code":"254837009","display":"breast","contains":[
              {"system":"http://snomed.info/sct","code":"372064008","display":"female breast"}]},
            {"display":"no code: a grouping line"},
            {"code":"C50","display":"no system"}]},
          {"system":"http://snomed.info/sct","code":"254837009","display":"breast again"},
          {"system":"http://snomed.info/sct","code":"254838004","inactive":true}]}}
        """);
        set.Codes.Should().Equal(
            new Coding(Snomed, "254837009", "breast"),
            new Coding(Snomed, "372064008", "female breast"),
            new Coding(Snomed, "254838004"));
    }

    [Test]
    public void ExpansionAndCompose_TheExpansionIsUsed_AndComposeIsNotRead()
    {
        var set = One("""
        {"resourceType":"ValueSet","url":"urn:test:vs",
         "compose":{"include":[{"system":"http://snomed.info/sct","filter":[{"property":"concept","op":"regex","value":".*"}]}]},
         "expansion":{"contains":[{"system":"http://snomed.info/sct","code":"55464009"}]}}
        """);
        set.Codes.Should().Equal(new Coding(Snomed, "55464009"));
    }

    [Test]
    public void ExpansionWithoutEntries_AndACompose_TheComposeIsUsed()
    {
        var set = One("""
        {"resourceType":"ValueSet","url":"urn:test:vs",
         "compose":{"include":[{"system":"http://snomed.info/sct","concept":[{"code":"55464009"}]}]},
         "expansion":{"timestamp":"2021-07-19T17:22:05-06:00"}}
        """);
        set.Codes.Should().Equal(new Coding(Snomed, "55464009"));
    }

    [Test]
    public void PagedExpansion_IsAnError()
    {
        string json = """
        {"resourceType":"ValueSet","url":"urn:test:vs","expansion":{"total":4372,
          "contains":[{"system":"http://snomed.info/sct","code":"55464009"}]}}
        """;
        Single(json, FhirDiagnosticCodes.ValueSetUnsupported, "/expansion/total", "4372").Message.Should().Contain("incomplete").And.Contain("4372");
        Read(json).ValueSets.Should().BeEmpty();
    }

    [Test]
    public void ExpansionPageAfterTheFirst_IsAnError() =>
        Single("""
        {"resourceType":"ValueSet","url":"urn:test:vs","expansion":{"offset":100,
          "contains":[{"system":"http://snomed.info/sct","code":"55464009"}]}}
        """, FhirDiagnosticCodes.ValueSetUnsupported, "/expansion/offset", "100").Message.Should().Contain("offset 100");

    [Test]
    public void EmptyExpansion_IsAnError() =>
        Single("""
        {"resourceType":"ValueSet","url":"urn:test:vs","expansion":{"total":0}}
        """, FhirDiagnosticCodes.ValueSetEmpty, "/expansion", "{\"total\"").Message.Should().Contain("match nothing");

    // ---------------------------------------------------------------- compose

    [Test]
    public void Compose_SeveralIncludes_AreUnited_AndDeduplicatedBySystemAndCode()
    {
        var set = One("""
        {"resourceType":"ValueSet","url":"urn:test:vs","compose":{"include":[
          {"system":"http://snomed.info/sct","concept":[{"code":"55464009","display":"SLE"},{"code":" 200936003 "}]},
          {"system":"http://hl7.org/fhir/sid/icd-10-cm","concept":[{"code":"M32.14"}]},
          {"system":"http://snomed.info/sct","concept":[{"code":"55464009","display":"again"}]}]}}
        """);
        set.Codes.Should().Equal(new Coding(Snomed, "55464009", "SLE"), new Coding(Snomed, "200936003"), new Coding(Icd10Cm, "M32.14"));
    }

    [Test]
    public void IsAFilter_BecomesIncludesDescendantsOf_WithTheIncludesSystem()
    {
        var set = One("""
        {"resourceType":"ValueSet","url":"urn:test:vs","compose":{"include":[
          {"system":"http://snomed.info/sct","filter":[{"property":"concept","op":"is-a","value":"363346000"}]},
          {"system":"http://snomed.info/sct","concept":[{"code":"92564006"}]}]}}
        """);
        set.IncludesDescendantsOf.Should().Equal(new Coding(Snomed, "363346000"));
        set.Codes.Should().Equal(new Coding(Snomed, "92564006"));
    }

    [Test]
    public void DescendentOfFilter_IsAnError_SayingItIsNotSupported()
    {
        string json = """
        {"resourceType":"ValueSet","url":"urn:test:vs","compose":{"include":[
          {"system":"http://snomed.info/sct","filter":[{"property":"concept","op":"descendent-of","value":"363346000"}]}]}}
        """;
        var d = Single(json, FhirDiagnosticCodes.ValueSetUnsupported, "/compose/include/0/filter/0/op", "\"descendent-of\"");
        d.Severity.Should().Be(DiagnosticSeverity.Error);
        d.Message.Should().Contain("descendent-of").And.Contain("not supported");
    }

    [TestCase("concept", "regex", "^3633.*")]
    [TestCase("concept", "is-not-a", "363346000")]
    [TestCase("concept", "in", "363346000,55464009")]
    [TestCase("parent", "=", "363346000")]
    public void OtherFilters_AreErrors_AskingForTheExpansion(string property, string op, string value)
    {
        string json = $$$"""
        {"resourceType":"ValueSet","url":"urn:test:vs","compose":{"include":[
          {"system":"http://snomed.info/sct","filter":[{"property":"{{{property}}}","op":"{{{op}}}","value":"{{{value}}}"}]}]}}
        """;
        Single(json, FhirDiagnosticCodes.ValueSetUnsupported, "/compose/include/0/filter/0", "{\"property\"")
            .Message.Should().Contain($"'{property} {op} {value}' is not supported; export the value set with its expansion");
    }

    [Test]
    public void TwoFiltersInOneInclude_AreAnError() =>
        Single("""
        {"resourceType":"ValueSet","url":"urn:test:vs","compose":{"include":[
          {"system":"http://snomed.info/sct","filter":[{"property":"concept","op":"is-a","value":"363346000"},
            {"property":"concept","op":"is-a","value":"55464009"}]}]}}
        """, FhirDiagnosticCodes.ValueSetUnsupported, "/compose/include/0/filter/1", "{\"property\"", "363346000\"}").Message.Should().Contain("2 filters");

    [Test]
    public void IsAFilter_InASystemWithoutAKnownHierarchy_IsAnError() =>
        Single("""
        {"resourceType":"ValueSet","url":"urn:test:vs","compose":{"include":[
          {"system":"http://loinc.org","filter":[{"property":"concept","op":"is-a","value":"LP7819-8"}]}]}}
        """, FhirDiagnosticCodes.ValueSetUnsupported, "/compose/include/0/filter/0/value", "\"LP7819-8\"").Message.Should().Contain("http://loinc.org");

    [Test]
    public void IncludeOfAWholeCodeSystem_IsAnError() =>
        Single("""
        {"resourceType":"ValueSet","url":"urn:test:vs","compose":{"include":[
          {"system":"http://hl7.org/fhir/sid/icd-10-cm"}]}}
        """, FhirDiagnosticCodes.ValueSetUnsupported, "/compose/include/0/system", "\"http://hl7.org/fhir/sid/icd-10-cm\"")
            .Message.Should().Contain("whole code system").And.Contain("expansion");

    [Test]
    public void ExcludeConcepts_AreRemoved()
    {
        var set = One("""
        {"resourceType":"ValueSet","url":"urn:test:vs","compose":{
          "include":[{"system":"http://snomed.info/sct","concept":[{"code":"254837009"},{"code":"254701007"},{"code":"254651007"}]},
                     {"system":"http://hl7.org/fhir/sid/icd-10-cm","concept":[{"code":"C44.91"}]}],
          "exclude":[{"system":"http://snomed.info/sct","concept":[{"code":"254701007"},{"code":"254651007"}]},
                     {"system":"http://hl7.org/fhir/sid/icd-10-cm"}]}}
        """);
        set.Codes.Should().Equal(new Coding(Snomed, "254837009"));
    }

    [Test]
    public void ExcludeWithAFilter_IsAnError() =>
        Single("""
        {"resourceType":"ValueSet","url":"urn:test:vs","compose":{
          "include":[{"system":"http://snomed.info/sct","concept":[{"code":"254837009"}]}],
          "exclude":[{"system":"http://snomed.info/sct","filter":[{"property":"concept","op":"is-a","value":"254701007"}]}]}}
        """, FhirDiagnosticCodes.ValueSetUnsupported, "/compose/exclude/0/filter/0", "{\"property\"").Message.Should().Contain("exclude with a filter");

    [Test]
    public void ExcludeOfCodesBelowAnIsAFilter_IsAnError_ForItWouldBeSilentlyIgnored() =>
        Single("""
        {"resourceType":"ValueSet","url":"urn:test:vs","compose":{
          "include":[{"system":"http://snomed.info/sct","filter":[{"property":"concept","op":"is-a","value":"363346000"}]}],
          "exclude":[{"system":"http://snomed.info/sct","concept":[{"code":"254701007"}]}]}}
        """, FhirDiagnosticCodes.ValueSetUnsupported, "/compose/exclude/0/concept", "[{\"code\":\"254701007\"").Message.Should().Contain("363346000");

    [Test]
    public void ValueSetReferences_AreResolvedInTheSameBundle_ByUrlOrUrlAndVersion()
    {
        var result = Read("""
        {"resourceType":"Bundle","type":"collection","entry":[
          {"resource":{"resourceType":"ValueSet","id":"grouping","url":"urn:test:all","title":"SLE or cancer","compose":{"include":[
            {"valueSet":["urn:test:sle"]},{"valueSet":["urn:test:cancer|2"]}]}}},
          {"resource":{"resourceType":"ValueSet","url":"urn:test:sle","compose":{"include":[{"system":"http://snomed.info/sct","concept":[{"code":"55464009"}]}]}}},
          {"resource":{"resourceType":"ValueSet","url":"urn:test:cancer","version":"1","expansion":{"contains":[{"system":"http://snomed.info/sct","code":"254837009"}]}}},
          {"resource":{"resourceType":"ValueSet","url":"urn:test:cancer","version":"2","compose":{"include":[
            {"system":"http://snomed.info/sct","filter":[{"property":"concept","op":"is-a","value":"363346000"}]}]}}}]}
        """);
        result.Diagnostics.Should().BeEmpty(string.Join("\n", result.Diagnostics));
        result.ValueSets.Select(v => v.Canonical).Should().Equal("urn:test:all", "urn:test:sle", "urn:test:cancer|1", "urn:test:cancer|2");
        var all = result.ValueSets[0];
        all.Title.Should().Be("SLE or cancer");
        all.Codes.Should().Equal(new Coding(Snomed, "55464009"));
        all.IncludesDescendantsOf.Should().Equal(new Coding(Snomed, "363346000"));
    }

    [Test]
    public void ValueSetReference_WithASystem_KeepsTheReferencedCodesOfThatSystem()
    {
        var result = Read("""
        {"resourceType":"Bundle","type":"collection","entry":[
          {"resource":{"resourceType":"ValueSet","url":"urn:test:snomed-only","compose":{"include":[{"system":"http://snomed.info/sct","valueSet":["urn:test:mixed"]}]}}},
          {"resource":{"resourceType":"ValueSet","url":"urn:test:mixed","compose":{"include":[
            {"system":"http://snomed.info/sct","concept":[{"code":"55464009"}]},{"system":"http://hl7.org/fhir/sid/icd-10-cm","concept":[{"code":"M32.14"}]}]}}}]}
        """);
        result.Diagnostics.Should().BeEmpty(string.Join("\n", result.Diagnostics));
        result.ValueSets[0].Codes.Should().Equal(new Coding(Snomed, "55464009"));
    }

    [Test]
    public void ValueSetReference_NotInTheFile_IsAnError_NamingTheValueSetNeeded()
    {
        string json = """
        {"resourceType":"ValueSet","id":"grouping","url":"urn:test:all","compose":{"include":[
          {"valueSet":["http://cts.nlm.nih.gov/fhir/ValueSet/2.16.840.1.113883.3.464.1003.108.12.1001"]}]}}
        """;
        var d = Single(json, FhirDiagnosticCodes.ValueSetReferenceMissing, "/compose/include/0/valueSet/0", "\"http://cts");
        d.Message.Should().Contain("ValueSet/grouping").And.Contain("2.16.840.1.113883.3.464.1003.108.12.1001").And.Contain("not in this file");
        Read(json).ValueSets.Should().BeEmpty();
    }

    [Test]
    public void ValueSetReference_ToAVersionNotInTheFile_IsAnError()
    {
        var result = Read("""
        {"resourceType":"Bundle","type":"collection","entry":[
          {"resource":{"resourceType":"ValueSet","url":"urn:test:all","compose":{"include":[{"valueSet":["urn:test:sle|3"]}]}}},
          {"resource":{"resourceType":"ValueSet","url":"urn:test:sle","version":"2","compose":{"include":[{"system":"http://snomed.info/sct","concept":[{"code":"55464009"}]}]}}}]}
        """);
        result.Diagnostics.Should().ContainSingle().Which.Message.Should().Contain("not version '3'");
        result.ValueSets.Select(v => v.Canonical).Should().Equal("urn:test:sle|2");
    }

    [Test]
    public void ValueSetReference_ToAValueSetWithAnError_IsAnErrorToo()
    {
        var result = Read("""
        {"resourceType":"Bundle","type":"collection","entry":[
          {"resource":{"resourceType":"ValueSet","url":"urn:test:all","compose":{"include":[{"valueSet":["urn:test:bad"]}]}}},
          {"resource":{"resourceType":"ValueSet","url":"urn:test:bad","compose":{"include":[{"system":"http://snomed.info/sct"}]}}}]}
        """);
        result.Diagnostics.Select(d => d.Code).Should().Equal(FhirDiagnosticCodes.ValueSetUnsupported, FhirDiagnosticCodes.ValueSetReferenceMissing);
        result.Diagnostics[1].Pointer.Should().Be("/entry/0/resource/compose/include/0/valueSet/0");
        result.Diagnostics[1].Message.Should().Contain("could not be read");
        result.ValueSets.Should().BeEmpty();
    }

    [Test]
    public void ValueSetsIncludingEachOther_AreAnError_NotAHang()
    {
        var result = Read("""
        {"resourceType":"Bundle","type":"collection","entry":[
          {"resource":{"resourceType":"ValueSet","url":"urn:test:a","compose":{"include":[{"valueSet":["urn:test:b"]}]}}},
          {"resource":{"resourceType":"ValueSet","url":"urn:test:b","compose":{"include":[{"valueSet":["urn:test:a"]}]}}}]}
        """);
        result.HasErrors.Should().BeTrue();
        result.Diagnostics.Should().Contain(d => d.Code == FhirDiagnosticCodes.ValueSetUnsupported && d.Message.Contains("cycle"));
        result.ValueSets.Should().BeEmpty();
    }

    [Test]
    public void IncludeOfTwoValueSets_SelectsTheCodesTheyShare()
    {
        var result = Read("""
        {"resourceType":"Bundle","type":"collection","entry":[
          {"resource":{"resourceType":"ValueSet","url":"urn:test:both","compose":{"include":[{"valueSet":["urn:test:a","urn:test:b"]}]}}},
          {"resource":{"resourceType":"ValueSet","url":"urn:test:a","compose":{"include":[{"system":"http://snomed.info/sct","concept":[{"code":"55464009"},{"code":"254837009"}]}]}}},
          {"resource":{"resourceType":"ValueSet","url":"urn:test:b","compose":{"include":[{"system":"http://snomed.info/sct","concept":[{"code":"254837009"},{"code":"363358000"}]}]}}}]}
        """);
        result.Diagnostics.Should().BeEmpty();
        result.ValueSets[0].Codes.Should().Equal(new Coding(Snomed, "254837009"));
    }

    // ---------------------------------------------------------------- the document

    [Test]
    public void BundleOfValueSets_OtherEntries_AreSkippedWithOneWarning()
    {
        string json = """
        {"resourceType":"Bundle","type":"searchset","entry":[
          {"resource":{"resourceType":"OperationOutcome","issue":[]}},
          {"resource":{"resourceType":"ValueSet","url":"urn:test:a","expansion":{"contains":[{"system":"http://snomed.info/sct","code":"55464009"}]}}},
          {"search":{"mode":"include"}},
          {"resource":{"resourceType":"ValueSet","url":"urn:test:b","expansion":{"contains":[{"system":"http://snomed.info/sct","code":"254837009"}]}}},
          {"resource":{"resourceType":"Patient","id":"p1"}}]}
        """;
        var result = Read(json);
        result.HasErrors.Should().BeFalse();
        result.ValueSets.Select(v => v.Url).Should().Equal("urn:test:a", "urn:test:b");
        var warning = result.Diagnostics.Should().ContainSingle().Subject;
        warning.Code.Should().Be(FhirDiagnosticCodes.ValueSetEntryIgnored);
        warning.Severity.Should().Be(DiagnosticSeverity.Warning);
        warning.Message.Should().Contain("OperationOutcome ×1").And.Contain("Patient ×1");
        warning.Pointer.Should().Be("/entry/0/resource");
        (warning.Line, warning.Column).Should().Be(TestBundles.PositionOf(json, "{\"resourceType\":\"OperationOutcome\""));
    }

    [Test]
    public void BundleWithoutValueSets_IsAnError() =>
        Read("""{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"p1"}}]}""")
            .Diagnostics.Should().Contain(d => d.Code == FhirDiagnosticCodes.ValueSetNotValueSet && d.Message.Contains("no ValueSet") && d.Pointer == "/entry");

    [Test]
    public void AnotherResourceType_IsAnError_SayingWhatItIs()
    {
        string json = """
        {
          "resourceType": "CodeSystem",
          "url": "http://snomed.info/sct"
        }
        """;
        Single(json, FhirDiagnosticCodes.ValueSetNotValueSet, "/resourceType", "\"CodeSystem\"").Message.Should().Contain("a FHIR CodeSystem, not a ValueSet");
    }

    [TestCase("[]", "must be a JSON object")]
    [TestCase("{}", "no 'resourceType'")]
    [TestCase("\"ValueSet\"", "must be a JSON object")]
    [TestCase("""{"formatVersion": 1, "concepts": {}}""", "no 'resourceType'")]
    public void NotFhir_IsAnError(string json, string message)
    {
        var d = Read(json).Diagnostics.Should().ContainSingle().Subject;
        d.Code.Should().Be(FhirDiagnosticCodes.ValueSetNotValueSet);
        d.Message.Should().Contain(message);
        d.Pointer.Should().Be(string.Empty);
        (d.Line, d.Column).Should().Be((1, 1));
    }

    [Test]
    public void MalformedJson_IsOnePositionedSyntaxError()
    {
        string json = "{\"resourceType\":\"ValueSet\",\n  \"url\":\"urn:test:a\"\n  \"expansion\":{}}";
        var d = Read(json).Diagnostics.Should().ContainSingle().Subject;
        d.Code.Should().Be(DiagnosticCodes.JsonSyntax);
        d.File.Should().Be("vs.json");
        (d.Line, d.Column).Should().Be((3, 3));
        d.Message.Should().StartWith("invalid JSON: ");
    }

    [Test]
    public void InvalidUtf8_IsAPositionedSyntaxError()
    {
        byte[] bytes = [.. "{\n \"resourceType\":\"Value"u8, 0xC3, .. "Set\"}"u8];
        var d = ValueSetReader.Read(bytes, "vs.json").Diagnostics.Should().ContainSingle().Subject;
        d.Code.Should().Be(DiagnosticCodes.JsonSyntax);
        (d.Line, d.Column).Should().Be((2, 23));
    }

    [Test]
    public void AByteOrderMarkAndLeadingWhiteSpace_AreFine_AndPositionsCountFromTheText()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. "\n  {\"resourceType\":\"ValueSet\",\"expansion\":{\"contains\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"55464009\"}]}}"u8];
        var d = ValueSetReader.Read(bytes, "vs.json").Diagnostics.Should().ContainSingle().Subject;
        d.Code.Should().Be(FhirDiagnosticCodes.ValueSetNoUrl);
        (d.Line, d.Column).Should().Be((2, 3));
    }

    [Test]
    public void ValueSetWithoutUrl_IsAnError() =>
        Single("""
          {"resourceType":"ValueSet","id":"anon","expansion":{"contains":[{"system":"http://snomed.info/sct","code":"55464009"}]}}
        """, FhirDiagnosticCodes.ValueSetNoUrl, string.Empty, "{\"resourceType\"").Message.Should().Contain("ValueSet/anon");

    [Test]
    public void ValueSetWithNeitherExpansionNorCompose_IsAnError() =>
        Single("""{"resourceType":"ValueSet","url":"urn:test:a","status":"draft"}""", FhirDiagnosticCodes.ValueSetUnsupported, string.Empty, "{")
            .Message.Should().Contain("neither an expansion nor a compose");

    [Test]
    public void TwoValueSetsWithTheSameUrlAndVersion_AreAnError()
    {
        string json = """
        {"resourceType":"Bundle","type":"collection","entry":[
          {"resource":{"resourceType":"ValueSet","url":"urn:test:a","version":"1","expansion":{"contains":[{"system":"http://snomed.info/sct","code":"55464009"}]}}},
          {"resource":{"resourceType":"ValueSet","url":"urn:test:a","version":"1","expansion":{"contains":[{"system":"http://snomed.info/sct","code":"254837009"}]}}}]}
        """;
        Single(json, FhirDiagnosticCodes.ValueSetDuplicate, "/entry/1/resource/url", "\"urn:test:a\"", "\"55464009\"}]}}},").Message.Should().Contain("urn:test:a|1");
        Read(json).ValueSets.Should().ContainSingle().Which.Codes.Single().Code.Should().Be("55464009");
    }

    [Test]
    public void ContentFirelyRejects_IsAPositionedError()
    {
        string json = """
        {"resourceType":"ValueSet","url":"urn:test:a","expansion":{"contains":[
          {"system":"http://snomed.info/sct","code":"55464009","abstract":"no"}]}}
        """;
        var d = Single(json, FhirDiagnosticCodes.ValueSetInvalid, "/expansion/contains/0/abstract", "\"no\"");
        d.Message.Should().Contain("not valid FHIR R4");
    }

    [Test]
    public void ContentThatDoesNotConform_ButLosesNothing_IsAWarning_AndTheValueSetIsRead()
    {
        string json = """
        {"resourceType":"ValueSet","url":"urn:test:a","status":"approved","colour":"red",
         "expansion":{"contains":[{"system":"http://snomed.info/sct","code":"55464009"}]}}
        """;
        var result = Read(json);
        result.HasErrors.Should().BeFalse();
        result.ValueSets.Should().ContainSingle();
        result.Diagnostics.Should().HaveCount(2).And.AllSatisfy(d => d.Code.Should().Be(FhirDiagnosticCodes.ValueSetNonConforming));
        result.Diagnostics.Select(d => d.Pointer).Should().BeEquivalentTo("/status", "/colour");
    }

    [Test]
    public void MissingFile_IsUnreadable()
    {
        var d = ValueSetReader.ReadFile(Path.Combine(TestContext.CurrentContext.WorkDirectory, "no-such-value-set.json")).Diagnostics.Should().ContainSingle().Subject;
        d.Code.Should().Be(DiagnosticCodes.FileUnreadable);
        d.Message.Should().Contain("cannot read");
    }

    [Test]
    public void AnyPrefixOrCorruptionOfAValueSet_NeverThrows()
    {
        var bytes = File.ReadAllBytes(Fixture("glucocorticoids-oral.json"));
        int end = Array.LastIndexOf(bytes, (byte)'}');
        for (int length = 0; length < end; length += 5)
        {
            var cut = bytes[..length];
            var act = () => ValueSetReader.Read(cut, "cut.json");
            act.Should().NotThrow();
            ValueSetReader.Read(cut, null).HasErrors.Should().BeTrue();
        }

        var random = new Random(20260115);
        byte[] alphabet = Encoding.UTF8.GetBytes("{}[]\":,0123456789-.eE tfn\\/xµ");
        for (int i = 0; i < 300; i++)
        {
            var copy = (byte[])bytes.Clone();
            for (int k = 0; k < 1 + random.Next(4); k++)
            {
                copy[random.Next(copy.Length)] = alphabet[random.Next(alphabet.Length)];
            }

            var act = () => ValueSetReader.Read(copy, "fuzz.json");
            act.Should().NotThrow();
        }
    }
}
