using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Eligibility.Fhir.Tests;

/// <summary>
/// The fast reader decodes repeating values (code systems, codes, units, statuses) through a small per-thread cache of
/// UTF-8 bytes → string (<c>Utf8StringCache</c>). Whatever it holds, the string it gives must be the one the bytes
/// decode to: under many distinct values (every slot overwritten many times), for values that share a slot, for
/// escaped, long and non-ASCII values, and across threads.
/// </summary>
public class Utf8StringCacheTests
{
    /// <summary>Reads each value as a JSON string token through the cache and compares with the plain decode.</summary>
    private static void ReadsBack(Utf8StringCache cache, IEnumerable<string> values)
    {
        foreach (string value in values)
        {
            byte[] json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(value));
            var reader = new Utf8JsonReader(json);
            reader.Read().Should().BeTrue();
            cache.Get(ref reader).Should().Be(value);
        }
    }

    [Test]
    public void ManyDistinctValues_AlwaysDecodeToThemselves()
    {
        var cache = new Utf8StringCache();
        var values = Enumerable.Range(0, 50_000).Select(i => "code-" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        ReadsBack(cache, values);
        ReadsBack(cache, values.AsEnumerable().Reverse()); // the second pass meets hits, misses and overwritten slots
        ReadsBack(cache, values.Where((_, i) => i % 7 == 0));
    }

    [Test]
    public void ARepeatedValue_IsTheSameInstance()
    {
        var cache = new Utf8StringCache();
        byte[] json = "\"http://loinc.org\""u8.ToArray();
        string? first = Read(cache, json);
        string? second = Read(cache, json);
        first.Should().Be("http://loinc.org");
        second.Should().BeSameAs(first);
        cache.Find("http://loinc.org"u8).Should().BeSameAs(first);
    }

    [Test]
    public void ValuesThatShareASlot_EachDecodeToThemselves()
    {
        // Find two values that land in the same slot, then alternate them: each read must give its own value.
        var cache = new Utf8StringCache();
        cache.Add("a"u8, "a");
        string? twin = null;
        for (int i = 0; twin is null && i < 1_000_000; i++)
        {
            string candidate = "v" + i.ToString(CultureInfo.InvariantCulture);
            var probe = new Utf8StringCache();
            probe.Add("a"u8, "a");
            probe.Add(Encoding.UTF8.GetBytes(candidate), candidate);
            if (probe.Find("a"u8) is null)
            {
                twin = candidate; // it evicted "a": same slot
            }
        }

        twin.Should().NotBeNull("some value among a million shares a slot of 1,024 with \"a\"");
        ReadsBack(cache, ["a", twin!, "a", twin!, "a"]);
    }

    [Test]
    public void EscapedLongAndNonAsciiValues_DecodeToThemselves()
    {
        var cache = new Utf8StringCache();
        string longValue = new('x', Utf8StringCache.MaxLength + 1);
        ReadsBack(cache, ["mg/dL", "µmol/L", "10*3/uL", "a\"b", "tab\there", longValue, "µmol/L", longValue, "10*3/uL"]);

        // An escaped spelling and a plain one of the same text give the same string.
        string? escaped = Read(cache, "\"\\u006dg\""u8.ToArray());
        string? plain = Read(cache, "\"mg\""u8.ToArray());
        escaped.Should().Be("mg");
        plain.Should().Be("mg");
    }

    [Test]
    public void InvalidUtf8_ThrowsAsTheReaderDoes()
    {
        var cache = new Utf8StringCache();
        byte[] json = [(byte)'"', 0xC3, 0x28, (byte)'"'];
        var act = () => Read(cache, json);
        act.Should().Throw<InvalidOperationException>();
        cache.Find([0xC3, 0x28]).Should().BeNull("a value that did not decode is never kept");
    }

    [Test]
    public void EachThread_HasItsOwnCache()
    {
        var mine = Utf8StringCache.Current;
        Utf8StringCache? other = null;
        var thread = new Thread(() => other = Utf8StringCache.Current);
        thread.Start();
        thread.Join();
        other.Should().NotBeNull();
        other.Should().NotBeSameAs(mine);
        Utf8StringCache.Current.Should().BeSameAs(mine);
    }

    private static string? Read(Utf8StringCache cache, byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        return cache.Get(ref reader);
    }
}
