using System.Text;
using Eligibility.Shared;

namespace Eligibility.Fhir.Tests;

/// <summary>
/// Line and column of a byte offset (<c>Utf8Lines</c>, under every positioned diagnostic): counted from the last offset
/// asked for while look-ups come in order, from the start when one goes back, and from a table of line starts once
/// they have gone back often. Every way must give the line and column counted by hand, for offsets in order, in
/// reverse and at random, on text with empty lines, a line break at the end and characters of two, three and four bytes.
/// </summary>
public sealed class Utf8LinesTests
{
    private const string Text = "{\n  \"a\": \"é\",\n\n  \"b\": \"€ 𝄞 x\"\r\n,\"c\": [1,\n2]\n}\n";

    private static (int Line, int Column) ByHand(byte[] utf8, int start, int offset)
    {
        var before = utf8.AsSpan(start, offset);
        int line = before.Count((byte)'\n') + 1;
        int lineStart = before.LastIndexOf((byte)'\n') + 1;
        return (line, Encoding.UTF8.GetCharCount(before[lineStart..]) + 1);
    }

    private static IEnumerable<TestCaseData> Orders()
    {
        int n = Encoding.UTF8.GetByteCount(Text) + 1;
        yield return new TestCaseData(Enumerable.Range(0, n).ToArray()).SetArgDisplayNames("in order");
        yield return new TestCaseData(Enumerable.Range(0, n).Reverse().ToArray()).SetArgDisplayNames("in reverse");
        var random = new Random(14);
        yield return new TestCaseData(Enumerable.Range(0, 200).Select(_ => random.Next(n)).ToArray()).SetArgDisplayNames("at random");
        yield return new TestCaseData(new[] { 5, 30, 2, 40, 1, 41, 0, 12, 12, 3 }).SetArgDisplayNames("back and forth");
    }

    [TestCaseSource(nameof(Orders))]
    public void Every_offset_gives_the_line_and_column_counted_by_hand(int[] offsets)
    {
        byte[] body = Encoding.UTF8.GetBytes(Text);
        byte[] utf8 = [0xEF, 0xBB, 0xBF, .. body]; // the window starts after a byte order mark
        var lines = new Utf8Lines(utf8, 3, body.Length);
        foreach (int offset in offsets)
        {
            lines.LineColumn(offset).Should().Be(ByHand(utf8, 3, offset), $"offset {offset}");
        }

        lines.LineColumn(body.Length + 10).Should().Be(ByHand(utf8, 3, body.Length), "an offset past the end is the end");
        lines.LineColumn(-4).Should().Be((1, 1), "an offset before the start is the start");
        lines.Count.Should().Be(body.AsSpan().Count((byte)'\n') + 1);
    }

    /// <summary>One long line (an NDJSON record) is where the column is counted on from the last offset rather than
    /// from the line's start: every offset, in order and at random, over characters of two, three and four bytes and
    /// bytes that are not UTF-8 (a truncated sequence, a lone continuation byte, 0xFF), gives the column counted by hand
    /// from the line's start.</summary>
    [TestCase(false)]
    [TestCase(true)]
    public void On_one_line_every_offset_gives_the_column_counted_by_hand(bool random)
    {
        byte[] body = [.. Encoding.UTF8.GetBytes("{\"a\":\"é€𝄞\",\"b\":\""), 0xE2, 0x82, (byte)'x', 0x80, 0xFF, 0xC3, .. Encoding.UTF8.GetBytes("\",\"c\":[1,2,\"𝄞x\"]}")];
        var offsets = Enumerable.Range(0, body.Length + 1).ToArray();
        if (random)
        {
            var draw = new Random(15);
            offsets = offsets.Concat(Enumerable.Range(0, 300).Select(_ => draw.Next(body.Length + 1))).ToArray();
        }

        var lines = new Utf8Lines(body, 0, body.Length);
        foreach (int offset in offsets)
        {
            lines.LineColumn(offset).Should().Be(ByHand(body, 0, offset), $"offset {offset}");
        }
    }
}
