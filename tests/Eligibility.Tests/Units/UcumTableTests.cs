using System.Linq;
using System.Text;
using Eligibility.Units;
using FluentAssertions;
using NUnit.Framework;

namespace Eligibility.Tests.Units;

/// <summary>The UCUM table as the library reads it (scanning the essence file) against XDocument's reading.</summary>
public sealed class UcumTableTests
{
    [Test]
    public void The_scanner_reads_the_essence_file_itself()
    {
        // Otherwise Load falls back to XDocument: the same table, but not the fast path.
        UcumTable.ScannerReadsEssence().Should().BeTrue();
    }

    [Test]
    public void Scanning_gives_the_table_XDocument_gives()
    {
        var scanned = UcumTable.Load();
        var parsed = UcumTable.LoadWithXDocument();

        scanned.Prefixes.Should().Equal(parsed.Prefixes);
        scanned.Prefixes.Should().HaveCount(24);
        scanned.Atoms.Should().HaveCount(parsed.Atoms.Count).And.HaveCount(307);
        foreach (var (code, atom) in parsed.Atoms)
        {
            scanned.Atoms.Should().ContainKey(code);
            scanned.Atoms[code].Should().Be(atom, code);
        }
    }

    [Test]
    public void The_scanner_reads_elements_attributes_comments_and_instructions()
    {
        var text = """
            <?xml version="1.0" encoding="ascii"?>
            <!-- a comment with <tags> -->
            <root xmlns="urn:x" version='1.9'>
              <prefix xmlns="" Code="k" CODE='K'><name>kilo</name><value value="1e3">1 &#215; 10<sup>3</sup></value></prefix>
              <base-unit Code="m" dim = "L"/>
              <unit Code="Cel" isMetric="yes" isSpecial="yes" x:other="1">
                <printSymbol>&#176;C</printSymbol>
                <value Unit="cel(1 K)" value="1"><function name="Cel" value="1" Unit="K"/></value>
                <value Unit="second" value="2"/>
              </unit>
            </root>
            <!-- after -->
            """;

        var entries = UcumEssenceScanner.TryRead(Encoding.ASCII.GetBytes(text));

        entries.Should().NotBeNull();
        entries!.Select(e => e.Name).Should().Equal("prefix", "base-unit", "unit");
        entries[0].Attributes.Should().BeEquivalentTo(new System.Collections.Generic.Dictionary<string, string> { ["Code"] = "k", ["CODE"] = "K" });
        entries[0].Value.Should().BeEquivalentTo(new System.Collections.Generic.Dictionary<string, string> { ["value"] = "1e3" });
        entries[1].Attributes.Should().BeEquivalentTo(new System.Collections.Generic.Dictionary<string, string> { ["Code"] = "m", ["dim"] = "L" });
        entries[1].Value.Should().BeNull();
        entries[2].Attributes.Should().BeEquivalentTo(new System.Collections.Generic.Dictionary<string, string> { ["Code"] = "Cel", ["isMetric"] = "yes", ["isSpecial"] = "yes" });
        entries[2].Value.Should().BeEquivalentTo(new System.Collections.Generic.Dictionary<string, string> { ["Unit"] = "cel(1 K)", ["value"] = "1" });
    }

    [TestCase("<root><unit Code=\"a&amp;b\"/></root>", TestName = "an entity in an attribute")]
    [TestCase("<root><unit Code=\"a\tb\"/></root>", TestName = "a tab in an attribute")]
    [TestCase("<root><unit Code=\"a>b\"/></root>", TestName = "a greater-than sign in an attribute")]
    [TestCase("<root><![CDATA[x]]></root>", TestName = "a CDATA section")]
    [TestCase("<!DOCTYPE root><root/>", TestName = "a document type")]
    [TestCase("<root><unit Code=\"\u00b5\"/></root>", TestName = "a character outside ASCII")]
    [TestCase("<root><unit Code=\"a\">", TestName = "an element left open")]
    [TestCase("<root/><root/>", TestName = "two roots")]
    [TestCase("<root><unit Code=a/></root>", TestName = "an attribute without quotes")]
    public void The_scanner_leaves_what_it_does_not_read_to_XDocument(string text)
    {
        UcumEssenceScanner.TryRead(Encoding.UTF8.GetBytes(text)).Should().BeNull();
    }
}
