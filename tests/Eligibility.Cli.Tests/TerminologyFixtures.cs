namespace Eligibility.Cli.Tests;

/// <summary>
/// The shared terminology fixtures (tests/fixtures/terminology: OMOP tables and FHIR ValueSets with real codes) and small
/// rule files and patients written into a test's temporary folder. Every clinical code here is one of the fixtures'.
/// </summary>
internal static class TerminologyFixtures
{
    /// <summary>SNOMED CT 363346000 "Malignant neoplastic disease": the parent a rule file binds.</summary>
    public const string Malignancy = "363346000";

    /// <summary>SNOMED CT 254837009 "Malignant tumor of breast": a descendant of <see cref="Malignancy"/> in the OMOP fixture.</summary>
    public const string BreastCancer = "254837009";

    /// <summary>The VSAC value set "All Primary and Secondary Cancer" (an excerpt in the fixtures; it contains <see cref="BreastCancer"/>).</summary>
    public const string CancerValueSetUrl = "http://cts.nlm.nih.gov/fhir/ValueSet/2.16.840.1.113762.1.4.1111.161";

    public const string Snomed = "http://snomed.info/sct";

    public static string Root => Path.GetFullPath(Path.Combine(TestPaths.Project, "..", "fixtures", "terminology"));

    /// <summary>The OMOP vocabulary folder (CONCEPT.csv, CONCEPT_ANCESTOR.csv, CONCEPT_RELATIONSHIP.csv, VOCABULARY.csv).</summary>
    public static string Omop => Path.Combine(Root, "omop");

    /// <summary>The folder of FHIR ValueSets (two files).</summary>
    public static string ValueSets => Path.Combine(Root, "valuesets");

    public static string CancerValueSet => Path.Combine(ValueSets, "all-primary-and-secondary-cancer.json");

    /// <summary>
    /// Writes <c>MAL-1.json</c>: INCL01 age ≥ 18; EXCL01 any condition of concept <c>malignancy</c>, bound to SNOMED CT
    /// 363346000 only. Returns its path.
    /// </summary>
    public static string WriteMalignancyRules(string dir, string codes = "\"" + Malignancy + "\"")
    {
        string path = Path.Combine(dir, "MAL-1.json");
        File.WriteAllText(path, $$"""
            {
              "formatVersion": 1,
              "trial": { "id": "MAL-1", "title": "Malignancy exclusion fixture" },
              "defaults": { "lookback": "P28D" },
              "concepts": {
                "malignancy": { "codes": { "http://snomed.info/sct": [{{codes}}] } }
              },
              "inclusion": [
                { "id": "INCL01", "text": "Aged 18 or over", "rule": { "kind": "age", "gte": 18 } }
              ],
              "exclusion": [
                { "id": "EXCL01", "text": "History of malignancy", "rule": { "kind": "condition", "concept": "malignancy" } }
              ]
            }
            """.ReplaceLineEndings("\n"));
        return path;
    }

    /// <summary>Writes <c>VS-1.json</c>: EXCL01 any condition of concept <c>cancer</c>, which names the cancer value set only.</summary>
    public static string WriteValueSetRules(string dir)
    {
        string path = Path.Combine(dir, "VS-1.json");
        File.WriteAllText(path, $$"""
            {
              "formatVersion": 1,
              "trial": { "id": "VS-1", "title": "Value set exclusion fixture" },
              "defaults": { "lookback": "P28D" },
              "concepts": {
                "cancer": { "valueSet": "{{CancerValueSetUrl}}" }
              },
              "inclusion": [
                { "id": "INCL01", "text": "Aged 18 or over", "rule": { "kind": "age", "gte": 18 } }
              ],
              "exclusion": [
                { "id": "EXCL01", "text": "History of cancer", "rule": { "kind": "condition", "concept": "cancer" } }
              ]
            }
            """.ReplaceLineEndings("\n"));
        return path;
    }

    /// <summary>A native patient record (one line of JSON) with one condition coded with <paramref name="snomed"/>.</summary>
    public static string Patient(string id, string snomed, string display = "Malignant tumor of breast") =>
        $$"""{"id": "{{id}}", "asOf": "2026-01-15", "birthDate": "1970-01-01", "sex": "female", "conditions": [{"code": [{"system": "{{Snomed}}", "code": "{{snomed}}", "display": "{{display}}"}], "clinicalStatus": "active", "onset": "2020-01-01"}]}""";

    /// <summary>Writes <c>pt-breast.json</c>: a patient with malignant tumor of breast (SNOMED CT 254837009). Returns its path.</summary>
    public static string WriteBreastCancerPatient(string dir)
    {
        string path = Path.Combine(dir, "pt-breast.json");
        File.WriteAllText(path, Patient("pt-breast", BreastCancer) + "\n");
        return path;
    }
}
