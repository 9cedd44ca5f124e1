using Eligibility.Codes;
using Eligibility.Diagnostics;
using Eligibility.Tests.Support;

namespace Eligibility.Tests.Codes;

/// <summary>Loading the OMOP vocabulary tables (Athena's format) and what a code's descendants are.</summary>
public class TerminologyTests
{
    private static IReadOnlyList<string> Below(string system, string code) =>
        Terminologies.Omop.Descendants(new Coding(system, code)).Select(c => c.Code).ToList();

    [Test]
    public void Loads_the_fixture_keeping_SNOMED_RxNorm_and_ATC_concepts()
    {
        var t = Terminologies.Omop;

        t.HasHierarchy.Should().BeTrue();
        t.ConceptCount.Should().Be(35);
        t.Description.Should().Contain("OMOP vocabulary (RxNorm fixture, SNOMED fixture)").And.Contain("35 SNOMED/RxNorm/ATC concepts");
    }

    [Test]
    public void SNOMED_descendants_come_from_the_ancestor_table_without_the_code_itself()
    {
        Below(CodeSystems.Snomed, "363346000").Should().BeEquivalentTo("254837009", "372064008", "417181009", "363358000", "254701007", "254651007");
        Below(CodeSystems.Snomed, "86406008").Should().Equal("62479008");
        Below(CodeSystems.Snomed, "254837009").Should().BeEquivalentTo("372064008", "417181009");
        Below(CodeSystems.Snomed, "372064008").Should().BeEmpty("a leaf has no descendants");
    }

    [Test]
    public void A_link_only_in_CONCEPT_RELATIONSHIP_counts_too()
    {
        // Gastric ulcer is under peptic ulcer only through a "Subsumes" row in the fixture.
        Below(CodeSystems.Snomed, "13200003").Should().BeEquivalentTo("397825006", "51868009");
    }

    [Test]
    public void RxNorm_ingredients_have_the_products_containing_them()
    {
        var products = Terminologies.Omop.Descendants(new Coding(CodeSystems.RxNorm, "42316"));

        products.Select(c => c.Code).Should().BeEquivalentTo("374015", "198377", "198378");
        products.Should().Contain(new Coding(CodeSystems.RxNorm, "198377", "Tacrolimus 1 MG Oral Capsule"));
    }

    [TestCase("L04AD", Description = "an ATC class")]
    [TestCase("L04AD02", Description = "an ATC substance")]
    [TestCase("l04ad", Description = "ATC codes are matched without regard to case")]
    public void ATC_codes_expand_by_prefix_to_RxNorm_ingredients_and_products(string atc)
    {
        var below = Terminologies.Omop.Descendants(new Coding(CodeSystems.Atc, atc));

        below.Should().OnlyContain(c => c.System == CodeSystems.RxNorm, "ATC codes under an ATC binding already match by prefix");
        below.Select(c => c.Code).Should().Contain(new[] { "42316", "374015", "198377", "198378" });
    }

    [Test]
    public void Codes_of_other_systems_or_unknown_codes_have_no_descendants()
    {
        Below(CodeSystems.Icd10, "C50").Should().BeEmpty();
        Below(CodeSystems.Snomed, "68815009").Should().BeEmpty("the fixture does not have lupus nephritis");
        Terminology.Empty.Descendants(new Coding(CodeSystems.Snomed, "363346000")).Should().BeEmpty();
    }

    [Test]
    public void A_missing_folder_or_table_is_a_diagnostic_not_an_exception()
    {
        string missing = Path.Combine(Path.GetTempPath(), "eligibility-no-such-vocabulary");
        var result = Terminology.LoadOmop(missing);
        result.HasErrors.Should().BeTrue();
        result.Terminology.Should().BeNull();
        result.Diagnostics.Single().Code.Should().Be(DiagnosticCodes.TerminologyTableMissing);

        string onlyConcepts = Folder("only-concept", ("CONCEPT.csv", File.ReadAllText(Path.Combine(Terminologies.OmopFolder, "CONCEPT.csv"))));
        Terminology.LoadOmop(onlyConcepts).Diagnostics.Single().Message.Should().Contain("CONCEPT_ANCESTOR.csv");
    }

    [Test]
    public void Malformed_rows_are_reported_with_file_and_line_and_loading_fails()
    {
        string folder = Folder("malformed",
            ("CONCEPT.csv", "concept_id\tconcept_name\tvocabulary_id\tconcept_code\n443392\tMalignant neoplastic disease\tSNOMED\t363346000\nabc\tMalignant tumor of breast\tSNOMED\t254837009\n4112853\tMalignant tumor of breast\tSNOMED\n"),
            ("CONCEPT_ANCESTOR.csv", "ancestor_concept_id\tdescendant_concept_id\n443392\t4112853\n"));

        var result = Terminology.LoadOmop(folder);

        result.Terminology.Should().BeNull();
        result.Diagnostics.Select(d => (d.Code, d.Line, Path.GetFileName(d.File))).Should().Equal(
            (DiagnosticCodes.TerminologyRowInvalid, 3, "CONCEPT.csv"),
            (DiagnosticCodes.TerminologyRowInvalid, 4, "CONCEPT.csv"));
        result.Diagnostics[0].Message.Should().Contain("'abc' is not an integer");
        result.Diagnostics[1].Message.Should().Contain("3 fields; the header has 4");
    }

    [Test]
    public void A_file_with_many_bad_rows_stops_after_twenty_errors()
    {
        string rows = string.Concat(Enumerable.Range(0, 100).Select(i => $"x{i}\tname\tSNOMED\t363346000\n"));
        string folder = Folder("many-bad", ("CONCEPT.csv", "concept_id\tconcept_name\tvocabulary_id\tconcept_code\n" + rows), ("CONCEPT_ANCESTOR.csv", "ancestor_concept_id\tdescendant_concept_id\n"));

        var diagnostics = Terminology.LoadOmop(folder).Diagnostics;

        diagnostics.Should().HaveCount(21);
        diagnostics[^1].Message.Should().Contain("too many errors");
    }

    [Test]
    public void Value_sets_are_added_and_found_by_url_and_version()
    {
        var v1 = new ValueSetDefinition { Url = "http://cts.nlm.nih.gov/fhir/ValueSet/2.16.840.1.113762.1.4.1111.161", Version = "20200310" };
        var v2 = v1 with { Version = "20210506" };
        var t = Terminology.Empty.WithValueSets(new[] { v1 }).WithValueSets(new[] { v2, v1 with { Title = "replaced" } });

        t.ValueSets.Should().HaveCount(2);
        t.Description.Should().Be("2 value sets");
        t.ValueSets.Single(s => s.Version == "20200310").Title.Should().Be("replaced");
    }

    private static string Folder(string name, params (string File, string Text)[] files)
    {
        string folder = Path.Combine(Path.GetTempPath(), "eligibility-terminology-tests", name);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, true);
        }

        Directory.CreateDirectory(folder);
        foreach (var (file, text) in files)
        {
            File.WriteAllText(Path.Combine(folder, file), text);
        }

        return folder;
    }
}
