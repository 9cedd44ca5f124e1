using System.Text;
using System.Text.Json;
using Eligibility.Diagnostics;
using Eligibility.Loading;
using Eligibility.Schema;

namespace Eligibility.Tests.Loading;

/// <summary>
/// A rule file is read once (issue 13): <see cref="JsonSource"/> parses it, and positions come from that document
/// (<see cref="SourceMap.Attach"/>) instead of a second walk of the text. These tests hold the document-based positions,
/// and the Unicode and repeated-name checks made on the document, to what a walk of the text finds.
/// </summary>
[TestFixture]
public sealed class JsonSourceTests
{
    private static IEnumerable<TestCaseData> Inputs()
    {
        string root = TestContext.CurrentContext.TestDirectory;
        for (var dir = new DirectoryInfo(root); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Eligibility.sln")))
            {
                foreach (var file in Directory.GetFiles(Path.Combine(dir.FullName, "rules"), "*.json").Order(StringComparer.Ordinal))
                {
                    yield return new TestCaseData(File.ReadAllText(file)).SetArgDisplayNames(Path.GetFileName(file));
                }

                break;
            }
        }

        yield return new TestCaseData("\uFEFF{ \"a\": [1, { \"b\": \"x\" }] }").SetArgDisplayNames("byte order mark");
        yield return new TestCaseData("{ \"a\": 1, \"b\": { \"a\": 2, \"a\": 3 }, \"a\": 4 }").SetArgDisplayNames("repeated names");
        yield return new TestCaseData("{\n  \"Sjögren 😀\": { \"x/y~z\": [ \"é\", { \"\\u00e9\": true } ] },\n\t\"n\": null }").SetArgDisplayNames("non-ASCII and escaped names");
        yield return new TestCaseData("  [ 1,\r\n 2, [ [ ], { } ] ]  ").SetArgDisplayNames("array root, CRLF");
        yield return new TestCaseData("\"text\"").SetArgDisplayNames("scalar root");
    }

    private static IEnumerable<string> Pointers(JsonElement element, string pointer)
    {
        yield return pointer;
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                foreach (var p in Pointers(property.Value, pointer + "/" + SourceMap.Escape(property.Name)))
                {
                    yield return p;
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            int i = 0;
            foreach (var item in element.EnumerateArray())
            {
                foreach (var p in Pointers(item, pointer + "/" + i++))
                {
                    yield return p;
                }
            }
        }
    }

    [TestCaseSource(nameof(Inputs))]
    public void Positions_from_the_document_are_those_of_a_walk_of_the_text(string json)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(json);
        var walked = SourceMap.Build(utf8);
        var sink = new DiagnosticSink("f.json", utf8);
        using var source = JsonSource.Read(utf8, sink, "rule files");
        source.Should().NotBeNull();

        var indexed = SourceMap.Build(utf8);
        var pointers = Pointers(source!.Root, string.Empty).ToList();
        pointers.Should().NotBeEmpty();
        foreach (string pointer in pointers.Append("/no/such/member"))
        {
            indexed.Locate(pointer).Should().Be(walked.Locate(pointer), pointer);
            indexed.Locate(pointer, atName: true).Should().Be(walked.Locate(pointer, atName: true), pointer + " (name)");
            indexed.Contains(pointer).Should().Be(walked.Contains(pointer), pointer);
        }

        indexed.Duplicates.Should().Equal(walked.Duplicates);
    }

    [Test]
    public void The_document_index_is_used_only_while_the_source_is_open()
    {
        // After disposal the bytes are walked again: Build must not touch the disposed document (it would throw).
        byte[] utf8 = Encoding.UTF8.GetBytes("{ \"a\": { \"b\": 1 } }");
        var source = JsonSource.Read(utf8, new DiagnosticSink(null, utf8), "rule files")!;
        source.Dispose();

        var map = SourceMap.Build(utf8);

        map.Locate("/a/b").Should().Be((1, 15));
    }

    [Test]
    public void Repeated_names_are_reported_once_each_at_the_repeated_name()
    {
        const string json = "{\n  \"a\": 1,\n  \"b\": { \"c\": 2, \"c\": 3 },\n  \"a\": 4\n}";
        byte[] utf8 = Encoding.UTF8.GetBytes(json);
        var sink = new DiagnosticSink("f.json", utf8);

        using var source = JsonSource.Read(utf8, sink, "rule files");

        source.Should().NotBeNull();
        sink.Items.Select(d => $"{d.Code} ({d.Line},{d.Column}) {d.Pointer} {d.Message}").Should().Equal(
            "ELIG0004 (3,18) /b/c property 'c' appears more than once in the same object",
            "ELIG0004 (4,3) /a property 'a' appears more than once in the same object");
    }

    private static IEnumerable<TestCaseData> NotUnicode()
    {
        byte[] Bytes(string before, byte[] bad, string after) => [.. Encoding.UTF8.GetBytes(before), .. bad, .. Encoding.UTF8.GetBytes(after)];
        yield return new TestCaseData(Encoding.UTF8.GetBytes("{\n  \"a\": [ \"ok\", \"x\\ud800y\" ]\n}")).SetArgDisplayNames("lone surrogate in a string");
        yield return new TestCaseData(Encoding.UTF8.GetBytes("{ \"a\": { \"b\\udc00\": 1 } }")).SetArgDisplayNames("lone surrogate in a name");
        yield return new TestCaseData(Bytes("{ \"a\": \"é", [0xFF], "\" }")).SetArgDisplayNames("invalid UTF-8 in a string");
        yield return new TestCaseData(Bytes("{ \"a", [0xC3, 0x28], "\": 1 }")).SetArgDisplayNames("invalid UTF-8 in a name");
        yield return new TestCaseData(Bytes("\uFEFF{ \"a\": \"", [0xC3], "\", \"b\": \"\\ud800\" }")).SetArgDisplayNames("two problems, BOM: the first");
        yield return new TestCaseData(Bytes("{ \"a\": \"\\ud800\", \"b\" ", [], "1 }")).SetArgDisplayNames("before a syntax error");
    }

    [TestCaseSource(nameof(NotUnicode))]
    public void A_string_that_is_not_Unicode_is_reported_alone_as_the_text_scanner_finds_it(byte[] utf8)
    {
        var expected = JsonScanner.Scan(utf8, int.MaxValue - 2, int.MaxValue, int.MaxValue, "rule files");
        expected.Should().NotBeNull();
        var sink = new DiagnosticSink("f.json", utf8);

        using var source = JsonSource.Read(utf8, sink, "rule files");

        source.Should().BeNull();
        var d = sink.Items.Should().ContainSingle().Subject;
        var (line, column) = JsonScanner.LineColumn(utf8, expected!.Value.Offset);
        (d.Code, d.Message, d.Pointer, d.Line, d.Column).Should().Be((expected.Value.Code, expected.Value.Message, expected.Value.Pointer, line, column));
    }

    [Test]
    public void The_schema_check_of_the_document_is_that_of_the_text()
    {
        // The compiler validates the document it parsed (no text read again); the text entry point parses for itself.
        string json = File.ReadAllText(Support.TestTrial.DemoPath)
            .Replace("\"INCL01\"", "\"INCL1\"", StringComparison.Ordinal)
            .Replace("\"kind\": \"age\"", "\"kind\": \"age\", \"gtt\": 1", StringComparison.Ordinal);
        byte[] utf8 = Encoding.UTF8.GetBytes(json);
        using var source = JsonSource.Read(utf8, new DiagnosticSink(null, utf8), "rule files")!;

        var fromDocument = SchemaValidator.Validate(source.Root, SchemaKind.RuleFile, source.Text);

        fromDocument.Should().NotBeEmpty().And.Equal(SchemaValidator.Validate(json, SchemaKind.RuleFile));
    }
}
