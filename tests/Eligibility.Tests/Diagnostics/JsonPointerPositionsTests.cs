using System.Text;
using Eligibility.Diagnostics;
using Eligibility.Shared;

namespace Eligibility.Tests.Diagnostics;

/// <summary>
/// The one pointer → line/column implementation (src/Shared/JsonPointerPositions.cs, linked into the core, the FHIR
/// library and the tool): every expected position here is computed from the C# string itself (UTF-16 index of a marked
/// spot, lines split at '\n'), never from the code under test.
/// </summary>
[TestFixture]
public sealed class JsonPointerPositionsTests
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>1-based line and UTF-16 column of the first occurrence of <paramref name="marker"/> in <paramref name="text"/>.</summary>
    private static (int Line, int Column) Expected(string text, string marker)
    {
        int index = text.IndexOf(marker, StringComparison.Ordinal);
        index.Should().BeGreaterThanOrEqualTo(0, "the test's marker {0} must be in its text", marker);
        int line = text.Take(index).Count(c => c == '\n') + 1;
        int lineStart = text.LastIndexOf('\n', Math.Max(index - 1, 0)) + 1;
        if (index == 0)
        {
            lineStart = 0;
        }

        return (line, index - lineStart + 1);
    }

    private static (int Line, int Column) Walked(string text, string pointer, bool bom = false)
    {
        byte[] body = Encoding.UTF8.GetBytes(text);
        byte[] utf8 = bom ? [.. Bom, .. body] : body;
        int skip = Utf8Bom.LengthOf(utf8);
        var offsets = JsonPointerOffsets.Walk(utf8.AsSpan(skip), 0, maxDepth: 256);
        offsets.Complete.Should().BeTrue();
        offsets.TryGet(pointer, out var at).Should().BeTrue("{0} names a value", pointer);
        return new Utf8Lines(utf8, skip, utf8.Length - skip).LineColumn(at.Value);
    }

    [Test]
    public void Values_in_objects_and_arrays_are_found_at_their_first_character()
    {
        const string text = "{\n  \"a\": [10, {\"b\": true}, [null, \"x\"]],\n  \"c\": {\"d\": -1.5e3}\n}";

        Walked(text, "").Should().Be((1, 1));
        Walked(text, "/a").Should().Be(Expected(text, "[10"));
        Walked(text, "/a/0").Should().Be(Expected(text, "10"));
        Walked(text, "/a/1/b").Should().Be(Expected(text, "true"));
        Walked(text, "/a/2/0").Should().Be(Expected(text, "null"));
        Walked(text, "/a/2/1").Should().Be(Expected(text, "\"x\""));
        Walked(text, "/c/d").Should().Be(Expected(text, "-1.5e3"));
    }

    [Test]
    public void A_byte_order_mark_is_not_a_column()
    {
        const string text = "{\"id\": \"p\",\n \"n\": 1}";

        Walked(text, "/id", bom: true).Should().Be(Expected(text, "\"p\"")).And.Be(Walked(text, "/id"));
        Walked(text, "/n", bom: true).Should().Be(Expected(text, "1}"));
    }

    [Test]
    public void Crlf_line_ends_and_tabs_count_as_one_line_break_and_one_column()
    {
        const string text = "{\r\n\t\"a\":\t1,\r\n\t\t\"b\": [\r\n\t\t\t2\r\n\t\t]\r\n}";

        Walked(text, "/a").Should().Be((2, 7)).And.Be(Expected(text, "1,"));
        Walked(text, "/b").Should().Be(Expected(text, "["));
        Walked(text, "/b/0").Should().Be((4, 4)).And.Be(Expected(text, "2"));
    }

    [Test]
    public void Characters_outside_the_basic_plane_count_two_columns_in_strings_and_names()
    {
        // 😀 is U+1F600: four UTF-8 bytes, two UTF-16 code units (a surrogate pair).
        const string text = "{\"name😀\": \"😀😀\", \"after\": 7, \"é\": [\"ü😀\", 8]}";

        Walked(text, "/after").Should().Be(Expected(text, "7"));
        Walked(text, "/name😀").Should().Be(Expected(text, "\"😀😀\""));
        Walked(text, "/é/1").Should().Be(Expected(text, "8"));
        Expected(text, "7").Column.Should().Be(text.IndexOf('7', StringComparison.Ordinal) + 1, "a column counts UTF-16 code units");
    }

    [Test]
    public void Names_are_unescaped_from_json_and_escaped_for_the_pointer()
    {
        const string text = "{\"a/b\": 1, \"m~n\": 2, \"\\u0041\\\"q\": 3, \"\": 4}";

        Walked(text, "/a~1b").Should().Be(Expected(text, "1,"));
        Walked(text, "/m~0n").Should().Be(Expected(text, "2,"));
        Walked(text, "/A\"q").Should().Be(Expected(text, "3,"));
        Walked(text, "/").Should().Be(Expected(text, "4}"));
        JsonPointerOffsets.Escape("a/~b").Should().Be("a~1~0b");
    }

    [Test]
    public void Deep_nesting_is_mapped_to_the_innermost_value()
    {
        const int depth = 120; // 240 levels of objects and arrays, within the reader's 256
        string text = string.Concat(Enumerable.Repeat("{\"k\":[", depth)) + "42" + string.Concat(Enumerable.Repeat("]}", depth));
        string pointer = string.Concat(Enumerable.Repeat("/k/0", depth));

        Walked(text, pointer).Should().Be(Expected(text, "42"));
    }

    [Test]
    public void A_repeated_name_maps_its_first_or_last_occurrence_and_is_reported_at_the_name()
    {
        const string text = "{\"a\": 1,\n \"a\": 2}";
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        var lines = new Utf8Lines(utf8, 0, utf8.Length);
        var duplicates = new List<(string Pointer, long Offset)>();

        JsonPointerOffsets.Walk(utf8, 0, 256, duplicates: duplicates).TryGet("/a", out var first).Should().BeTrue();
        JsonPointerOffsets.Walk(utf8, 0, 256, lastWins: true).TryGet("/a", out var last).Should().BeTrue();

        lines.LineColumn(first.Value).Should().Be(Expected(text, "1"));
        lines.LineColumn(first.Name).Should().Be(Expected(text, "\"a\""));
        lines.LineColumn(last.Value).Should().Be(Expected(text, "2"));
        duplicates.Should().ContainSingle().Which.Pointer.Should().Be("/a");
        lines.LineColumn(duplicates[0].Offset).Should().Be((2, 2));
    }

    [Test]
    public void Broken_text_keeps_what_was_mapped_before_the_error_and_says_it_is_incomplete()
    {
        byte[] utf8 = Encoding.UTF8.GetBytes("{\"a\": 1, \"b\": [2, }");
        var offsets = JsonPointerOffsets.Walk(utf8, 0, 256);

        offsets.Complete.Should().BeFalse();
        offsets.Contains("/a").Should().BeTrue();
        offsets.Contains("/b/0").Should().BeTrue();
        offsets.Nearest("/b/1/x").Should().Be("/b");
        offsets.Nearest("/zzz").Should().Be("");
    }

    [Test]
    public void A_window_counts_lines_and_columns_from_its_own_start()
    {
        byte[] utf8 = Encoding.UTF8.GetBytes("xx\nyy{\n \"é\": 1}");
        int start = 5; // the '{'
        var lines = new Utf8Lines(utf8, start, utf8.Length - start);

        lines.LineColumn(0).Should().Be((1, 1));
        lines.LineColumn(utf8.Length - start - 2).Should().Be((2, 7), "'é' is two bytes but one column");
        lines.LineColumn(-5).Should().Be((1, 1), "offsets are clamped to the window");
        lines.LineColumn(10_000).Should().Be((2, 9));
        lines.Column(1, 6).Should().Be(6);
    }

    [Test]
    public void Byte_order_mark_helper_strips_exactly_one_mark()
    {
        Utf8Bom.LengthOf([0xEF, 0xBB, 0xBF, (byte)'1']).Should().Be(3);
        Utf8Bom.LengthOf([0xEF, 0xBB]).Should().Be(0);
        Utf8Bom.LengthOf([]).Should().Be(0);
        Utf8Bom.Strip(new byte[] { 0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF }).Length.Should().Be(3);
        Utf8Bom.Strip((ReadOnlySpan<byte>)[(byte)'{', (byte)'}']).Length.Should().Be(2);
    }

    [Test]
    public void Source_map_positions_agree_with_the_shared_walk_with_and_without_a_byte_order_mark()
    {
        const string text = "{\n  \"trial\": {\"title\": \"Sjögren 😀\", \"id\": \"T-1\"},\n  \"list\": [1, 2]\n}";
        byte[] body = Encoding.UTF8.GetBytes(text);
        var plain = SourceMap.Build(body);

        plain.Locate("/trial/id").Should().Be(Expected(text, "\"T-1\""));
        plain.Locate("/trial/id", atName: true).Should().Be(Expected(text, "\"id\""));
        plain.Locate("/list/1").Should().Be(Expected(text, "2]"));
        plain.Locate("/list/9/x").Should().Be(Expected(text, "[1"), "an absent pointer is placed at its nearest existing ancestor");

        // With a mark, SourceMap counts offsets from the file's start, but the mark is not a column: no position moves,
        // on the first line either (before the shared helper, a first-line position was one column to the right).
        var marked = SourceMap.Build([.. Bom, .. body]);
        marked.Locate("/list/1").Should().Be(plain.Locate("/list/1"));
        marked.Locate("/trial/title").Should().Be(plain.Locate("/trial/title"));
        marked.Locate("").Should().Be((1, 1));
        SourceMap.Build([.. Bom, .. Encoding.UTF8.GetBytes("{\"a\": 1}")]).Locate("/a").Should().Be((1, 7));
        marked.FromReaderPosition(0, 3 + 2).Should().Be(plain.FromReaderPosition(0, 2), "a reader's first-line position plus the mark is the same place");
        marked.FromReaderPosition(1, 4).Should().Be(plain.FromReaderPosition(1, 4));
    }
}
