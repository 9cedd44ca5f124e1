using System.Globalization;
using FsCheck;
using FsCheck.Fluent;

namespace Eligibility.Fhir.Tests;

/// <summary>The FHIR date grammar as the mapper reads it (docs/fhir.md, "Dates").</summary>
public class FhirDateTests
{
    [TestCase("2026-01-15", "2026-01-15")]
    [TestCase("2024-02-29", "2024-02-29")]
    [TestCase("2026-01-15T09:30:00+08:00", "2026-01-15")]
    [TestCase("2026-01-15T23:59:59.123Z", "2026-01-15")]
    [TestCase("0001-01-01", "0001-01-01")]
    [TestCase("9999-12-31", "9999-12-31")]
    public void ADay(string text, string day) =>
        FhirDate.Parse(text).Day.Should().Be(DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture));

    [TestCase("2025-02-29")]
    [TestCase("2026-13-01")]
    [TestCase("2026-00-10")]
    [TestCase("2026-04-31")]
    [TestCase("0000-01-01")]
    [TestCase("2026/01/15")]
    [TestCase("2026-1-15")]
    [TestCase("20260115")]
    [TestCase("2026-01-15 09:30")]
    [TestCase("2026-01-15T25:00:00Z")]
    [TestCase("2026-01-1a")]
    [TestCase("")]
    public void NotADay(string text) => FhirDate.Parse(text).IsValid.Should().BeFalse();

    [TestCase("2026", "2026-01-01", "2026-12-31")]
    [TestCase("2024-02", "2024-02-01", "2024-02-29")]
    public void APartialDate(string text, string first, string last)
    {
        var date = FhirDate.Parse(text);
        date.IsPartial.Should().BeTrue();
        date.First.Should().Be(DateOnly.Parse(first, CultureInfo.InvariantCulture));
        date.Last.Should().Be(DateOnly.Parse(last, CultureInfo.InvariantCulture));
    }

    /// <summary>The day part agrees with .NET's exact <c>yyyy-MM-dd</c> parse on any ten characters of digits and dashes.</summary>
    [FsCheck.NUnit.Property(MaxTest = 2000)]
    public Property TheDayPart_AgreesWithDotNet()
    {
        var digit = Gen.Elements('0', '1', '2', '3', '9', '-');
        var gen =
            from y in Gen.Choose(0, 10000)
            from m in Gen.Choose(0, 13)
            from d in Gen.Choose(0, 32)
            from noise in Gen.Choose(0, 3)
            from at in Gen.Choose(0, 9)
            from c in digit
            select Text(y, m, d, noise == 0 ? at : -1, c);
        return Prop.ForAll(gen.ToArbitrary(), text =>
        {
            bool expected = DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day);
            var parsed = FhirDate.Parse(text);
            return parsed.IsValid == expected && (!expected || parsed.Day == day);
        });
    }

    private static string Text(int y, int m, int d, int at, char c)
    {
        var chars = $"{y:0000}-{m:00}-{d:00}".ToCharArray();
        if (at >= 0 && at < chars.Length)
        {
            chars[at] = c;
        }

        return new string(chars);
    }
}
