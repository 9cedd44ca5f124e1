using System.Text;
using System.Text.Json.Nodes;
using Eligibility.Diagnostics;
using Hl7.Fhir.Model;

namespace Eligibility.Fhir.Tests.Fuzz;

/// <summary>
/// Finding 2 of the fuzzing harness: FHIR JSON member names are case-sensitive. A member whose name differs from an
/// element's only in letter case is an unknown element (a positioned ELIG31xx at that member) and is not read as the
/// element, wherever it is: a resource's own element, a nested one, a choice element's type suffix, a contained
/// resource; escaped or not. The unchecked first parse (which would bind it) must hand the resource to the validating parse.
/// </summary>
public class MemberNameCaseTests
{
    /// <summary>(original name, its case variant, the pointer of the variant when put in <see cref="WrongLiteralSweepTests.Bundle"/>).</summary>
    private static IEnumerable<TestCaseData> Variants()
    {
        yield return Case("/entry/0/resource", "birthDate", "BirthDate");
        yield return Case("/entry/0/resource", "birthDate", "birthdate");
        yield return Case("/entry/0/resource", "gender", "Gender");
        yield return Case("/entry/1/resource", "valueQuantity", "valuequantity");
        yield return Case("/entry/1/resource", "valueQuantity", "ValueQuantity");
        yield return Case("/entry/1/resource", "effectiveDateTime", "effectiveDatetime");
        yield return Case("/entry/1/resource/valueQuantity", "value", "Value");
        yield return Case("/entry/1/resource/code/coding/0", "system", "System");
        yield return Case("/entry/1/resource/code/coding/0", "code", "CODE");
        yield return Case("/entry/3/resource", "valueCodeableConcept", "valueCodeableconcept");
        yield return Case("/entry/4/resource", "valueBoolean", "valueboolean");
        yield return Case("/entry/6/resource", "onsetDateTime", "OnsetDateTime");
        yield return Case("/entry/9/resource/medicationReference", "reference", "Reference");
        yield return Case("/entry/9/resource", "medicationReference", "medicationreference");
        yield return Case("/entry/9/resource/dosageInstruction/0/timing/repeat", "frequency", "Frequency");
        yield return Case("/entry/10/resource", "whenHandedOver", "WhenHandedOver");
        yield return Case("/entry/13/resource", "occurrenceDateTime", "occurrencedatetime");
    }

    private static TestCaseData Case(string parent, string name, string variant) =>
        new TestCaseData(parent, name, variant).SetArgDisplayNames(variant + " at " + parent);

    private static byte[] Rename(string parent, string name, string variant, bool escape = false)
    {
        var root = JsonNode.Parse(WrongLiteralSweepTests.Bundle)!;
        JsonNode node = root;
        foreach (string segment in parent[1..].Split('/'))
        {
            node = node is JsonArray a ? a[int.Parse(segment, System.Globalization.CultureInfo.InvariantCulture)]! : node[segment]!;
        }

        var obj = node.AsObject();
        var value = obj[name]!;
        obj.Remove(name);
        obj[variant] = value;
        string json = root.ToJsonString();
        if (escape)
        {
            // The same name with its first letter written as a \u escape.
            json = json.Replace("\"" + variant + "\"", "\"\\u" + ((int)variant[0]).ToString("x4", System.Globalization.CultureInfo.InvariantCulture) + variant[1..] + "\"", StringComparison.Ordinal);
        }

        return Encoding.UTF8.GetBytes(json);
    }

    [TestCaseSource(nameof(Variants))]
    public void AMemberNameInAnotherCase_IsAnUnknownElementWhereItIs(string parent, string name, string variant)
    {
        foreach (bool escape in new[] { false, true })
        {
            var result = FhirFuzzFindingTests.ReadChecked(Rename(parent, name, variant, escape));
            result.Diagnostics.Should().Contain(
                d => d.Code.StartsWith("ELIG31", StringComparison.Ordinal) && d.Pointer == parent + "/" + variant,
                $"'{variant}' (escaped: {escape}) is not '{name}'; got: {string.Join(" | ", result.Diagnostics.Select(d => d + " [" + d.Pointer + "]"))}");
        }
    }

    [Test]
    public void ABirthDateInAnotherCase_IsNotReadAsTheBirthDate()
    {
        var result = FhirFuzzFindingTests.ReadChecked(Rename("/entry/0/resource", "birthDate", "BirthDate"));
        result.Patient!.BirthDate.Should().BeNull();
    }

    [Test]
    public void AResourceTypeInAnotherCase_IsReportedAndNotMapped()
    {
        string json = WrongLiteralSweepTests.Bundle.Replace("\"resourceType\": \"Condition\"", "\"resourceType\": \"condition\"", StringComparison.Ordinal);
        var result = FhirFuzzFindingTests.ReadChecked(Encoding.UTF8.GetBytes(json));
        result.Diagnostics.Should().Contain(d => d.Code.StartsWith("ELIG31", StringComparison.Ordinal) && d.Pointer != null && d.Pointer.StartsWith("/entry/6", StringComparison.Ordinal));
        result.Patient?.Conditions.Should().BeEmpty();
    }

    [Test]
    public void TheMemberNameResourceTypeInAnotherCase_IsReported()
    {
        string json = WrongLiteralSweepTests.Bundle.Replace("{\"resourceType\": \"Condition\"", "{\"resourcetype\": \"Condition\", \"resourceType\": \"Condition\"", StringComparison.Ordinal);
        var result = FhirFuzzFindingTests.ReadChecked(Encoding.UTF8.GetBytes(json));
        result.Diagnostics.Should().Contain(d => d.Code.StartsWith("ELIG31", StringComparison.Ordinal) && d.Pointer == "/entry/6/resource/resourcetype");
    }

    [Test]
    public void AMemberNameInAnotherCase_InAContainedResource_IsReported()
    {
        const string json = """
            {"resourceType": "Bundle", "type": "collection", "entry": [
              {"resource": {"resourceType": "Patient", "id": "p1", "birthDate": "1980-01-01"}},
              {"resource": {"resourceType": "MedicationRequest", "id": "m1", "status": "active", "intent": "order",
                "contained": [{"resourceType": "Medication", "id": "med", "Code": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "10432"}]}}],
                "medicationReference": {"reference": "#med"}, "subject": {"reference": "Patient/p1"}, "authoredOn": "2026-01-01"}}
            ]}
            """;
        var result = FhirFuzzFindingTests.ReadChecked(Encoding.UTF8.GetBytes(json));
        result.Diagnostics.Should().Contain(d => d.Code.StartsWith("ELIG31", StringComparison.Ordinal) && d.Pointer == "/entry/1/resource/contained/0/Code",
            string.Join(" | ", result.Diagnostics.Select(d => d + " [" + d.Pointer + "]")));
    }

    [Test]
    public void ElementNamesSpeltExactly_StayOnTheFastPath()
    {
        foreach (string name in new[] { "birthDate", "valueQuantity", "reference", "bodySite" })
        {
            MemberNames.AllExact(Encoding.UTF8.GetBytes($"{{\"{name}\": 1}}")).Should().Be(name != "bodySite", name + " (bodySite is spelt bodysite in ChargeItem, so it is always checked)");
        }

        MemberNames.AllExact("{\"resourceType\": \"Patient\", \"notAnElement\": {\"alsoNot\": 1}}"u8).Should().BeTrue();
        MemberNames.AllExact("{\"BirthDate\": 1}"u8).Should().BeFalse();
        MemberNames.AllExact("{\"\\u0042irthDate\": 1}"u8).Should().BeFalse();
        MemberNames.AllExact("{\"_BirthDate\": {}}"u8).Should().BeFalse();
        MemberNames.AllExact("{\"resourceType\": \"patient\"}"u8).Should().BeFalse();
    }

    /// <summary>The names the check knows are exactly those of Firely's R4 model: every element of every type, choice
    /// elements with each allowed type suffix.</summary>
    [Test]
    public void TheElementNames_AreThoseOfTheR4Model()
    {
        var expected = new HashSet<string>(StringComparer.Ordinal) { "resourceType" };
        foreach (var mapping in ModelInfo.ModelInspector.ClassMappings)
        {
            foreach (var property in mapping.PropertyMappings)
            {
                if (property.Choice == Hl7.Fhir.Introspection.ChoiceType.DatatypeChoice)
                {
                    expected.Add(property.Name);
                    foreach (var type in property.FhirType)
                    {
                        var typeMapping = ModelInfo.ModelInspector.FindOrImportClassMapping(type);
                        string typeName = typeMapping?.Name ?? type.Name;
                        expected.Add(property.Name + char.ToUpperInvariant(typeName[0]) + typeName[1..]);
                    }
                }
                else
                {
                    expected.Add(property.Name);
                }
            }
        }

        MemberNames.ElementNames.Except(expected).Should().BeEmpty("every name the check knows is an R4 element name");
        expected.Except(MemberNames.ElementNames).Should().BeEmpty("every R4 element name is known to the check");
    }
}
