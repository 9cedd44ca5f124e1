using System.Text;
using System.Text.Json.Nodes;
using Eligibility.Fhir.Tests.Support;

namespace Eligibility.Fhir.Tests.Fuzz;

/// <summary>
/// Finding 1 of the fuzzing harness, swept: every primitive element of a bundle that uses each kind the mapper reads
/// (dates, codes, strings, uris, ids, booleans, decimals, integers, Quantity comparator/code/unit/system, Coding
/// system/code, references, in each resource type the mapper maps) is replaced in turn by a literal of each wrong JSON
/// kind (a number where a string belongs, a string where a number or boolean belongs, a boolean, an object, an array).
/// Each must give a positioned ELIG31xx diagnostic at that element, never an exception, with every diagnostic inside
/// the input and its pointer resolvable, and the same diagnostics whether or not the first, unchecked parse is used.
/// </summary>
public class WrongLiteralSweepTests
{
    internal const string Bundle = """
        {"resourceType": "Bundle", "type": "collection", "entry": [
          {"fullUrl": "urn:uuid:p1", "resource": {"resourceType": "Patient", "id": "p1", "active": true, "gender": "female", "birthDate": "1980-01-01",
            "name": [{"family": "Doe", "given": ["Jane"]}]}},
          {"resource": {"resourceType": "Observation", "id": "o1", "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "1742-6", "display": "ALT"}], "text": "ALT"},
            "subject": {"reference": "Patient/p1"}, "effectiveDateTime": "2026-01-10T08:00:00Z", "issued": "2026-01-10T09:00:00Z",
            "valueQuantity": {"value": 35.5, "unit": "U/L", "system": "http://unitsofmeasure.org", "code": "U/L"},
            "referenceRange": [{"low": {"value": 7, "unit": "U/L"}, "high": {"value": 40, "unit": "U/L"}}]}},
          {"resource": {"resourceType": "Observation", "id": "o2", "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "718-7"}]},
            "effectivePeriod": {"start": "2026-01-11", "end": "2026-01-12"},
            "valueQuantity": {"value": 80, "comparator": "<", "unit": "g/L"}}},
          {"resource": {"resourceType": "Observation", "id": "o3", "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "82810-3"}]}, "effectiveDateTime": "2026-01-12",
            "valueCodeableConcept": {"coding": [{"system": "http://loinc.org", "code": "LA26683-5"}]}}},
          {"resource": {"resourceType": "Observation", "id": "o4", "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "82810-3"}]}, "effectiveDateTime": "2026-01-12",
            "valueBoolean": false}},
          {"resource": {"resourceType": "Observation", "id": "o5", "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "1742-6"}]}, "effectiveDateTime": "2026-01-12",
            "valueInteger": 30}},
          {"resource": {"resourceType": "Condition", "id": "c1",
            "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
            "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "M32"}]},
            "subject": {"reference": "Patient/p1"}, "onsetDateTime": "2020-05-01", "recordedDate": "2020-05-02"}},
          {"resource": {"resourceType": "Medication", "id": "med1",
            "code": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "10432"}]},
            "ingredient": [{"itemReference": {"reference": "Medication/med2"}, "isActive": true}]}},
          {"resource": {"resourceType": "Medication", "id": "med2",
            "code": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "1037042"}]}}},
          {"resource": {"resourceType": "MedicationRequest", "id": "mr1", "status": "active", "intent": "order",
            "medicationReference": {"reference": "Medication/med1"}, "subject": {"reference": "Patient/p1"}, "authoredOn": "2026-01-01",
            "dosageInstruction": [{"timing": {"repeat": {"frequency": 2, "period": 1, "periodUnit": "d"}},
              "asNeededBoolean": false, "doseAndRate": [{"doseQuantity": {"value": 5, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg"}}]}],
            "dispenseRequest": {"expectedSupplyDuration": {"value": 28, "unit": "d"}}}},
          {"resource": {"resourceType": "MedicationDispense", "id": "md1", "status": "completed",
            "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "10432"}]},
            "subject": {"reference": "Patient/p1"}, "whenHandedOver": "2026-01-02", "daysSupply": {"value": 30, "unit": "d"}}},
          {"resource": {"resourceType": "MedicationStatement", "id": "ms1", "status": "active",
            "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "1037042"}]},
            "subject": {"reference": "Patient/p1"}, "effectivePeriod": {"start": "2025-12-01"}}},
          {"resource": {"resourceType": "MedicationAdministration", "id": "ma1", "status": "completed",
            "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "10432"}]},
            "subject": {"reference": "Patient/p1"}, "effectiveDateTime": "2026-01-03",
            "dosage": {"dose": {"value": 50, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg"}}}},
          {"resource": {"resourceType": "Immunization", "id": "i1", "status": "completed", "primarySource": true,
            "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "121"}]},
            "patient": {"reference": "Patient/p1"}, "occurrenceDateTime": "2025-10-01"}},
          {"resource": {"resourceType": "Procedure", "id": "pr1", "status": "completed",
            "code": {"coding": [{"system": "http://snomed.info/sct", "code": "86406008"}]},
            "subject": {"reference": "Patient/p1"}, "performedDateTime": "2025-11-01"}}
        ]}
        """;

    /// <summary>Every primitive value inside a resource (not <c>resourceType</c>), by JSON pointer.</summary>
    private static IEnumerable<TestCaseData> Leaves()
    {
        var root = JsonNode.Parse(Bundle)!;
        var leaves = new List<string>();
        Collect(root, string.Empty, leaves);
        return leaves.Where(p => p.Contains("/resource/", StringComparison.Ordinal) && !p.EndsWith("/resourceType", StringComparison.Ordinal))
            .Select(p => new TestCaseData(p).SetArgDisplayNames(p));
    }

    private static void Collect(JsonNode node, string pointer, List<string> leaves)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o)
                {
                    Collect(value!, pointer + "/" + name, leaves);
                }

                break;
            case JsonArray a:
                for (int i = 0; i < a.Count; i++)
                {
                    Collect(a[i]!, pointer + "/" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), leaves);
                }

                break;
            default:
                leaves.Add(pointer);
                break;
        }
    }

    private static JsonNode Find(JsonNode root, string pointer)
    {
        var node = root;
        foreach (string segment in pointer[1..].Split('/'))
        {
            node = node is JsonArray a ? a[int.Parse(segment, System.Globalization.CultureInfo.InvariantCulture)]! : node[segment]!;
        }

        return node;
    }

    /// <summary>The replacements of each wrong kind for a literal.</summary>
    private static IEnumerable<(string Kind, Func<JsonNode> Make)> WrongKinds(JsonValue original)
    {
        var kind = original.GetValueKind();
        if (kind != System.Text.Json.JsonValueKind.String)
        {
            yield return ("string", () => JsonValue.Create(original.ToJsonString().Trim('"')));
        }

        if (kind != System.Text.Json.JsonValueKind.Number)
        {
            yield return ("number", () => JsonValue.Create(9223372036854775808m));
        }

        if (kind is not (System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False))
        {
            yield return ("boolean", () => JsonValue.Create(true));
        }

        yield return ("object", () => new JsonObject { ["value"] = original.DeepClone() });
        yield return ("array", () => new JsonArray(original.DeepClone()));
    }

    [TestCaseSource(nameof(Leaves))]
    public void AWrongLiteral_IsAPositionedDiagnosticAtTheElement(string pointer)
    {
        var original = (JsonValue)Find(JsonNode.Parse(Bundle)!, pointer);
        foreach (var (kind, make) in WrongKinds(original))
        {
            var root = JsonNode.Parse(Bundle)!;
            var node = Find(root, pointer);
            node.ReplaceWith(make());
            byte[] utf8 = Encoding.UTF8.GetBytes(root.ToJsonString());
            var result = FhirFuzzFindingTests.ReadChecked(utf8);
            result.Diagnostics.Should().Contain(
                d => d.Code.StartsWith("ELIG31", StringComparison.Ordinal) && d.Pointer != null
                    && (d.Pointer == pointer || d.Pointer.StartsWith(pointer + "/", StringComparison.Ordinal)),
                $"a {kind} at {pointer} is a wrong literal; got: {string.Join(" | ", result.Diagnostics.Select(d => d + " [" + d.Pointer + "]"))}");
        }
    }

    [Test]
    public void TheSweepBundle_ReadsCleanAsWritten()
    {
        var result = FhirFuzzFindingTests.ReadChecked(Encoding.UTF8.GetBytes(Bundle));
        result.Diagnostics.Where(d => d.IsError).Should().BeEmpty();
        Leaves().Count().Should().BeGreaterThan(80);
    }
}
