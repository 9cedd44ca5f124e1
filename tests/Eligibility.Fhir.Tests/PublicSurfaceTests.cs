using Eligibility.Patients;

namespace Eligibility.Fhir.Tests;

/// <summary>The packages' public types live in three namespaces: Eligibility, Eligibility.Patients and Eligibility.Fhir.</summary>
public class PublicSurfaceTests
{
    [Test]
    public void Public_types_live_in_three_namespaces()
    {
        var core = typeof(RuleCompiler).Assembly.GetExportedTypes();
        var fhir = typeof(FhirBundleReader).Assembly.GetExportedTypes();

        core.Select(t => t.Namespace).Distinct().Order(StringComparer.Ordinal).Should().Equal("Eligibility", "Eligibility.Patients");
        fhir.Select(t => t.Namespace).Distinct().Should().Equal("Eligibility.Fhir");
        typeof(PatientReader).Namespace.Should().Be("Eligibility.Patients");
        typeof(Diagnostic).Namespace.Should().Be("Eligibility");
    }

    [Test]
    public void Types_nothing_public_needs_are_internal()
    {
        var exported = typeof(RuleCompiler).Assembly.GetExportedTypes().Select(t => t.Name).ToList();
        exported.Should().NotContain(["DateWindow", "Age", "Facts"]);
        exported.Should().Contain("IsoDuration", "MedicationRecord.DosingInterval is one");
        typeof(MedicationRecord).GetProperty(nameof(MedicationRecord.DosingInterval))!.PropertyType.Should().Be<IsoDuration?>();
    }
}
