using System.Globalization;
using Eligibility.Patients;
using Eligibility.Tests.Schema;

namespace Eligibility.Tests.Patients;

/// <summary>
/// The reader takes the date of a text the date patterns matched with <see cref="NativeFormat.MatchedDate"/> instead of
/// <c>DateOnly.ParseExact(…, "yyyy-MM-dd", InvariantCulture)</c>; both must give the same date for every such text.
/// </summary>
[TestFixture]
public sealed class MatchedDateTests
{
    [Test]
    public void Every_day_of_four_centuries_and_the_calendar_ends_read_as_the_culture_parser_reads_them()
    {
        var days = Enumerable.Range(0, 146_097).Select(i => new DateOnly(1800, 1, 1).AddDays(i))
            .Concat([DateOnly.MinValue, DateOnly.MaxValue, new DateOnly(1, 12, 31), new DateOnly(9999, 1, 1)]);
        int checkedDays = 0;
        foreach (var day in days)
        {
            string text = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            NativeFormat.DateOrDateTimeRegex().IsMatch(text).Should().BeTrue(text);
            NativeFormat.MatchedDate(text).Should().Be(DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture), text);
            NativeFormat.MatchedDate(text + "T08:30:00Z").Should().Be(day, text);
            if (NativeFormat.AsOfRegex().IsMatch(text))
            {
                day.Year.Should().BeInRange(1900, 2999);
            }

            checkedDays++;
        }

        checkedDays.Should().Be(146_101);
    }

    [Test]
    public void Probe_texts_that_a_date_pattern_matches_read_as_the_culture_parser_reads_them()
    {
        int matched = 0;
        foreach (var text in JsonMutations.DateProbes)
        {
            if (NativeFormat.DateOrDateTimeRegex().IsMatch(text) || NativeFormat.AsOfRegex().IsMatch(text))
            {
                NativeFormat.MatchedDate(text).Should().Be(DateOnly.ParseExact(text.AsSpan(0, 10), "yyyy-MM-dd", CultureInfo.InvariantCulture), text);
                matched++;
            }
        }

        matched.Should().BeGreaterThan(5);
    }
}
