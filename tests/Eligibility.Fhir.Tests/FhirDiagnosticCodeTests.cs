using System.Reflection;
using System.Text;
using Eligibility.Diagnostics;
using Eligibility.Fhir.Tests.Support;

namespace Eligibility.Fhir.Tests;

/// <summary>
/// One triggering input per <see cref="FhirDiagnosticCodes"/> constant (docs/fhir.md), asserting the code, severity,
/// file, line, column and JSON pointer: a code added without an input that reports it fails
/// <see cref="Every_code_has_a_trigger"/>. Positions are found in the input text, at the offending token.
/// </summary>
public sealed class FhirDiagnosticCodeTests
{
    private const string File = "input.json";

    private const DiagnosticSeverity Error = DiagnosticSeverity.Error;
    private const DiagnosticSeverity Warning = DiagnosticSeverity.Warning;

    /// <summary>An input that must give exactly one diagnostic, <paramref name="Code"/>, at <paramref name="Needle"/>
    /// (the first occurrence after <paramref name="After"/>, if given).</summary>
    public sealed record Trigger(string Code, string Name, bool ValueSet, string Json, DiagnosticSeverity Severity, string Needle, string Pointer, string MessagePart, string? After = null)
    {
        public override string ToString() => $"{Code} {Name}";
    }

    [TestCaseSource(nameof(CodeCases))]
    public void Every_code_has_a_trigger(string code) =>
        Triggers().Where(t => t.Code == code).Should().NotBeEmpty($"{code} needs an input in {nameof(Triggers)}() that reports it");

    [TestCaseSource(nameof(TriggerCases))]
    public void Trigger_reports_exactly_its_code_at_the_offending_token(Trigger trigger)
    {
        var bytes = Encoding.UTF8.GetBytes(trigger.Json);
        var all = trigger.ValueSet ? ValueSetReader.Read(bytes, File).Diagnostics : FhirBundleReader.Read(bytes, File).Diagnostics;
        string listing = string.Join(Environment.NewLine, all);
        var d = all.Should().ContainSingle(listing).Subject;
        d.Code.Should().Be(trigger.Code, listing);
        d.Severity.Should().Be(trigger.Severity, listing);
        d.File.Should().Be(File);
        var (line, column) = TestBundles.PositionOf(trigger.Json, trigger.Needle, trigger.After);
        $"({d.Line},{d.Column})".Should().Be($"({line},{column})", d.ToString());
        d.Pointer.Should().Be(trigger.Pointer, d.ToString());
        d.Message.Should().Contain(trigger.MessagePart);
    }

    private static IEnumerable<(string Name, string Code)> AllCodes() =>
        typeof(FhirDiagnosticCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (f.Name, (string)f.GetRawConstantValue()!));

    private static IEnumerable<TestCaseData> CodeCases() =>
        AllCodes().Select(c => new TestCaseData(c.Code).SetName($"Every_code_has_a_trigger({c.Code} {c.Name})"));

    private static IEnumerable<TestCaseData> TriggerCases() =>
        Triggers().Select(t => new TestCaseData(t).SetName($"{t.Code} {t.Name}"));

    private const string Patient = """{ "resourceType": "Patient", "id": "p1", "birthDate": "1980-01-01" }""";

    /// <summary>A bundle with the Patient first (unless <paramref name="withPatient"/> is false), one entry per line.</summary>
    private static string Bundle(bool withPatient, params string[] resources)
    {
        var entries = (withPatient ? resources.Prepend(Patient) : resources).Select(r => "    { \"resource\": " + r + " }");
        return "{\n  \"resourceType\": \"Bundle\", \"type\": \"collection\",\n  \"entry\": [\n" + string.Join(",\n", entries) + "\n  ]\n}";
    }

    private static string Bundle(params string[] resources) => Bundle(true, resources);

    private static string Observation(string members) =>
        """{ "resourceType": "Observation", "id": "o1", "status": "final", "subject": { "reference": "Patient/p1" }, "code": { "coding": [ { "system": "http://loinc.org", "code": "1742-6" } ] }, """ + members + " }";

    private static string ValueSet(string members) => """{ "resourceType": "ValueSet", "url": "urn:test:vs", """ + members + " }";

    private const string Expansion = """ "expansion": { "contains": [ { "system": "http://snomed.info/sct", "code": "55464009" } ] } """;

    private static IEnumerable<Trigger> Triggers()
    {
        // ---------------------------------------------------------------- ELIG31xx: bundles

        yield return new(FhirDiagnosticCodes.InvalidResource, "a string where a decimal belongs", false,
            Bundle(Observation(""" "effectiveDateTime": "2026-01-10", "valueQuantity": { "value": "abc", "unit": "U/L" } """)),
            Error, "\"abc\"", "/entry/1/resource/valueQuantity/value", "is not valid FHIR R4");

        // A lone resource (a Patient on its own) is ELIG3001 in every reader; ELIG3102 is JSON with no resourceType at all.
        yield return new(FhirDiagnosticCodes.NotBundle, "an object with no resourceType", false,
            "{\n  \"id\": \"p1\"\n}", Error, "{", "", "has no 'resourceType'");

        yield return new(FhirDiagnosticCodes.OtherPatient, "an observation about someone else", false,
            Bundle(Observation(""" "effectiveDateTime": "2026-01-10", "valueBoolean": true """).Replace("Patient/p1", "Patient/p2")),
            Error, "\"Patient/p2\"", "/entry/1/resource/subject/reference", "Patient/p2");

        yield return new(FhirDiagnosticCodes.InvalidDate, "month 13", false,
            Bundle(Observation(""" "effectiveDateTime": "2026-13-45", "valueBoolean": true """)),
            Error, "\"2026-13-45\"", "/entry/1/resource/effectiveDateTime", "not a valid FHIR date");

        yield return new(FhirDiagnosticCodes.QuantityWithoutUnit, "a value without a unit", false,
            Bundle(Observation(""" "effectiveDateTime": "2026-01-10", "valueQuantity": { "value": 30 } """)),
            Warning, "{ \"value\": 30 }", "/entry/1/resource/valueQuantity", "has no unit");

        yield return new(FhirDiagnosticCodes.UnresolvedMedication, "a medication not in the bundle", false,
            Bundle("""{ "resourceType": "MedicationStatement", "id": "ms", "status": "active", "subject": { "reference": "Patient/p1" }, "effectiveDateTime": "2026-01-02", "medicationReference": { "reference": "Medication/absent" } }"""),
            Error, "\"Medication/absent\"", "/entry/1/resource/medicationReference/reference", "neither contained nor in the bundle");

        yield return new(FhirDiagnosticCodes.IgnoredResourceTypes, "an Encounter", false,
            Bundle("""{ "resourceType": "Encounter", "id": "e1", "status": "finished" }"""),
            Warning, "{ \"resourceType\": \"Encounter\"", "/entry/1/resource", "Encounter ×1");

        yield return new(FhirDiagnosticCodes.DateNotUsable, "a month, not a day", false,
            Bundle(Observation(""" "effectiveDateTime": "2019-03", "valueBoolean": true """)),
            Warning, "\"2019-03\"", "/entry/1/resource/effectiveDateTime", "names no single day");

        yield return new(FhirDiagnosticCodes.NonConformingContent, "a status outside its value set", false,
            Bundle(Observation(""" "effectiveDateTime": "2026-01-10", "valueBoolean": true """).Replace("\"final\"", "\"finished\"")),
            Warning, "\"finished\"", "/entry/1/resource/status", "eligibility does not read it");

        yield return new(FhirDiagnosticCodes.NoPatient, "no Patient resource", false,
            Bundle(false, Observation(""" "effectiveDateTime": "2026-01-10", "valueBoolean": true """)),
            Warning, "[", "/entry", "no Patient resource", After: "\"entry\"");

        yield return new(FhirDiagnosticCodes.MultiplePatients, "a second patient", false,
            Bundle("""{ "resourceType": "Patient", "id": "p2" }"""),
            Error, "{ \"resourceType\": \"Patient\", \"id\": \"p2\"", "/entry/1/resource", "second patient");

        yield return new(FhirDiagnosticCodes.ValueNotUsable, "a ratio", false,
            Bundle(Observation(""" "effectiveDateTime": "2026-01-10", "valueRatio": { "numerator": { "value": 1 }, "denominator": { "value": 2 } } """)),
            Warning, "{ \"numerator\"", "/entry/1/resource/valueRatio", "a Ratio value is not used");

        yield return new(FhirDiagnosticCodes.InvalidAssessment, "an assessment without a boolean", false,
            Bundle("""{ "resourceType": "Observation", "id": "q", "status": "final", "subject": { "reference": "Patient/p1" }, "effectiveDateTime": "2026-01-10", "code": { "coding": [ { "system": "urn:eligibility:criterion", "code": "T/INCL01" } ] }, "valueString": "yes" }"""),
            Error, "\"yes\"", "/entry/1/resource/valueString", "has no valueBoolean");

        yield return new(FhirDiagnosticCodes.UnresolvedIngredient, "an ingredient that is a Substance", false,
            Bundle(
                """{ "resourceType": "Medication", "id": "aza", "code": { "coding": [ { "system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "1256" } ] }, "ingredient": [ { "itemReference": { "reference": "Substance/aza" } } ] }""",
                """{ "resourceType": "MedicationStatement", "id": "ms", "status": "active", "subject": { "reference": "Patient/p1" }, "effectiveDateTime": "2026-01-02", "medicationReference": { "reference": "Medication/aza" } }"""),
            Warning, "\"Substance/aza\"", "/entry/1/resource/ingredient/0/itemReference/reference", "that ingredient's codes are not used");

        // ---------------------------------------------------------------- ELIG51xx: value sets

        yield return new(FhirDiagnosticCodes.ValueSetNotValueSet, "a CodeSystem", true,
            "{\n  \"resourceType\": \"CodeSystem\",\n  \"url\": \"http://snomed.info/sct\"\n}", Error, "\"CodeSystem\"", "/resourceType", "a FHIR CodeSystem, not a ValueSet");

        yield return new(FhirDiagnosticCodes.ValueSetEntryIgnored, "a Patient among value sets", true,
            Bundle(false, ValueSet(Expansion), Patient), Warning, "{ \"resourceType\": \"Patient\"", "/entry/1/resource", "Patient ×1");

        yield return new(FhirDiagnosticCodes.ValueSetInvalid, "a string where a boolean belongs", true,
            "{ \"resourceType\": \"ValueSet\", \"url\": \"urn:test:vs\", \"expansion\": { \"contains\": [\n  { \"system\": \"http://snomed.info/sct\", \"code\": \"55464009\", \"abstract\": \"no\" } ] } }",
            Error, "\"no\"", "/expansion/contains/0/abstract", "is not valid FHIR R4");

        yield return new(FhirDiagnosticCodes.ValueSetNonConforming, "an element R4 does not have", true,
            ValueSet("\"colour\": \"red\",\n" + Expansion), Warning, "\"red\"", "/colour", "the reader does not use it");

        yield return new(FhirDiagnosticCodes.ValueSetNoUrl, "no url", true,
            "\n  { \"resourceType\": \"ValueSet\", \"id\": \"anon\"," + Expansion + "}", Error, "{ \"resourceType\"", string.Empty, "has no 'url'");

        yield return new(FhirDiagnosticCodes.ValueSetUnsupported, "descendent-of", true,
            ValueSet(""" "compose": { "include": [ { "system": "http://snomed.info/sct", "filter": [ { "property": "concept", "op": "descendent-of", "value": "363346000" } ] } ] } """),
            Error, "\"descendent-of\"", "/compose/include/0/filter/0/op", "is not supported");

        yield return new(FhirDiagnosticCodes.ValueSetReferenceMissing, "an included value set not in the file", true,
            ValueSet(""" "compose": { "include": [ { "valueSet": [ "urn:test:elsewhere" ] } ] } """),
            Error, "\"urn:test:elsewhere\"", "/compose/include/0/valueSet/0", "which is not in this file");

        yield return new(FhirDiagnosticCodes.ValueSetEmpty, "an empty expansion", true,
            ValueSet(""" "expansion": { "total": 0 } """), Error, "{ \"total\"", "/expansion", "match nothing");

        yield return new(FhirDiagnosticCodes.ValueSetDuplicate, "the same url and version twice", true,
            Bundle(false, ValueSet(Expansion), ValueSet(Expansion)), Error, "\"urn:test:vs\"", "/entry/1/resource/url", "already in this file", After: "55464009");
    }
}
