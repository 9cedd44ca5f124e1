using Eligibility.Patients;

namespace Eligibility.Fhir.Tests;

/// <summary>
/// An entry's <c>fullUrl</c> is decoded only when the reader needs it (the patient's keys, Medication references, the
/// name of a resource without an id); the scan keeps a plain one as its place in the text. These bundles spell the same
/// URLs plainly, with JSON escapes and with non-ASCII characters, and check that each is read as the string it encodes.
/// </summary>
public class FullUrlTests
{
    /// <summary>(how the JSON spells the URL, the string it is). A reference in the bundle names the string itself.</summary>
    private static readonly (string Json, string Text)[] Spellings =
    [
        ("urn:uuid:5f6c-1", "urn:uuid:5f6c-1"),
        ("urn:uuid\\u003A5f6c\\u002D1", "urn:uuid:5f6c-1"),
        ("http://h\u00f4te.example/fhir/\u00e9/1", "http://h\u00f4te.example/fhir/\u00e9/1"),
        ("http://h\\u00f4te.example/fhir/\\u00e9/1", "http://h\u00f4te.example/fhir/\u00e9/1"),
    ];

    private static IEnumerable<TestCaseData> Cases() => Spellings.Select(s => new TestCaseData(s.Json, s.Text).SetArgDisplayNames(s.Json));

    [TestCaseSource(nameof(Cases))]
    public void MedicationReferencedByFullUrl_GivesTheStatementItsCode(string json, string text)
    {
        string bundle = Bundle(
            Entry(json, """{"resourceType":"Medication","id":"m1","code":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"5521"}]}}"""),
            Entry("urn:uuid:p", """{"resourceType":"Patient","id":"p1","birthDate":"1980-01-01"}"""),
            Entry("urn:uuid:s", """{"resourceType":"MedicationStatement","id":"s1","status":"active","medicationReference":{"reference":"URL"},"subject":{"reference":"Patient/p1"},"effectivePeriod":{"start":"2025-01-01"}}""".Replace("URL", Escaped(text), StringComparison.Ordinal)));

        var result = FhirBundleReader.Read(bundle);

        result.HasErrors.Should().BeFalse(string.Join("\n", result.Diagnostics));
        result.Patient!.Medications.Single().Codes.Select(c => c.Code).Should().Equal("5521");
    }

    [TestCaseSource(nameof(Cases))]
    public void PatientWithoutId_IsNamedByItsFullUrl_AndItsSubjectsMatchIt(string json, string text)
    {
        string bundle = Bundle(
            Entry(json, """{"resourceType":"Patient","birthDate":"1980-01-01"}"""),
            Entry("urn:uuid:o", """{"resourceType":"Observation","id":"o1","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"718-7"}]},"subject":{"reference":"URL"},"effectiveDateTime":"2025-06-01","valueQuantity":{"value":12,"unit":"g/dL"}}""".Replace("URL", Escaped(text), StringComparison.Ordinal)),
            Entry("urn:uuid:x", """{"resourceType":"Observation","id":"o2","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"718-7"}]},"subject":{"reference":"Patient/other"},"effectiveDateTime":"2025-06-01","valueQuantity":{"value":12,"unit":"g/dL"}}"""));

        var result = FhirBundleReader.Read(bundle);

        result.Diagnostics.Where(d => d.IsError).Select(d => d.Message).Should().Equal(
            $"Observation/o2 is about Patient/other, not this bundle's patient {text}; a bundle must hold one person's data");
    }

    [TestCaseSource(nameof(Cases))]
    public void ResourceWithoutId_IsNamedByItsFullUrl(string json, string text)
    {
        string bundle = Bundle(
            Entry("urn:uuid:p", """{"resourceType":"Patient","id":"p1","birthDate":"1980-01-01"}"""),
            Entry(json, """{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"718-7"}]},"subject":{"reference":"Patient/p1"},"valueQuantity":{"value":12,"unit":"g/dL"}}"""));

        var result = FhirBundleReader.Read(bundle);

        result.HasErrors.Should().BeFalse(string.Join("\n", result.Diagnostics));
        result.Patient!.Observations.Single().Source.Should().Be(text);
        result.Diagnostics.Should().Contain(d => d.Message == $"{text} has no effective date, so it cannot fall inside any lookback window");
    }

    [Test]
    public void FullUrlThatIsNotValidUtf8_IsStillAnInvalidJsonError()
    {
        byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(Bundle(Entry("urn:uuid:\u00e9", """{"resourceType":"Patient","id":"p1"}""")));
        int at = Array.IndexOf(utf8, (byte)0xC3);
        utf8[at + 1] = (byte)'x'; // the é's second byte: 0xC3 followed by a byte that cannot continue it

        var result = FhirBundleReader.Read(utf8);

        result.Patient.Should().BeNull();
        result.Diagnostics.Should().Contain(d => d.IsError && d.Code == "ELIG0001");
    }

    private static string Bundle(params string[] entries) => """{"resourceType":"Bundle","type":"collection","entry":[""" + string.Join(",", entries) + "]}";

    private static string Entry(string fullUrl, string resource) => """{"fullUrl":"URL","resource":""".Replace("URL", fullUrl, StringComparison.Ordinal) + resource + "}";

    /// <summary>A string as a JSON string's content, escaping only what must be.</summary>
    private static string Escaped(string text) => System.Text.Json.JsonEncodedText.Encode(text, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString();
}
