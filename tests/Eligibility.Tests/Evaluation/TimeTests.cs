using Eligibility.Time;
using static Eligibility.Tests.Support.TestTrial;

namespace Eligibility.Tests.Evaluation;

public class TimeTests
{
    [TestCase("2008-11-24", "2026-11-24", 18, Description = "the 18th birthday counts")]
    [TestCase("2008-11-25", "2026-11-24", 17)]
    [TestCase("2008-02-29", "2026-02-28", 17, Description = "29 February counts as 1 March in common years")]
    [TestCase("2008-02-29", "2026-03-01", 18)]
    [TestCase("2008-02-29", "2028-02-29", 20)]
    [TestCase("2008-02-29", "2028-02-28", 19)]
    public void Age_is_completed_years(string birth, string on, int expected) =>
        Age.InYears(D(birth), D(on)).Should().Be(expected);

    [TestCase("P6M", "2026-08-31", "2026-02-28", Description = "month ends clamp")]
    [TestCase("P1Y", "2028-02-29", "2027-02-28")]
    [TestCase("P28D", "2026-01-15", "2025-12-18")]
    [TestCase("P4W", "2026-03-01", "2026-02-01")]
    [TestCase("P3M", "2026-05-31", "2026-02-28")]
    [TestCase("P1Y6M", "2026-08-31", "2025-02-28")]
    public void Durations_use_calendar_arithmetic(string duration, string asOf, string expected)
    {
        IsoDuration.TryParse(duration, out var d).Should().BeTrue();
        d.SubtractFrom(D(asOf)).Should().Be(D(expected));
        d.ToString().Should().Be(duration);
    }

    [TestCase("")]
    [TestCase("P")]
    [TestCase("28D")]
    [TestCase("P1D1Y")]
    [TestCase("PT1H")]
    [TestCase("P-1D")]
    [TestCase("P99999999D")]
    public void Invalid_durations_are_rejected(string text) => IsoDuration.TryParse(text, out _).Should().BeFalse();

    [TestCase("2008-11-24", "pass")]
    [TestCase("2008-11-25", "fail")]
    public void Age_rule_at_the_18th_birthday(string birth, string outcome)
    {
        var trial = With("""{ "kind": "age", "gte": 18 }""", inclusion: true);
        ResultJson.Name(trial.Single(Patient(birth: birth), D("2026-11-24")).Outcome).Should().Be(outcome);
    }

    [TestCase("2008-11-24", "fail", Description = "> 18 is exclusive: on the 18th birthday one is not yet older than 18")]
    [TestCase("2008-11-23", "pass", Description = "the day after the 18th birthday: older than 18 (ages as spoken)")]
    [TestCase("2008-05-24", "pass", Description = "18 and a half is older than 18")]
    [TestCase("2007-11-24", "pass")]
    [TestCase("1956-11-25", "pass", Description = "69 the day before the 70th birthday")]
    [TestCase("1956-11-24", "fail", Description = "< 70 ends the day before the 70th birthday")]
    [TestCase("1956-05-24", "fail", Description = "70 and a half is not younger than 70")]
    public void Exclusive_age_bounds(string birth, string outcome)
    {
        var trial = With("""{ "kind": "age", "gt": 18, "lt": 70 }""", inclusion: true);
        ResultJson.Name(trial.Single(Patient(birth: birth), D("2026-11-24")).Outcome).Should().Be(outcome);
    }

    [Test]
    public void Older_than_says_why_an_18_year_old_passes()
    {
        var result = With("""{ "kind": "age", "gt": 18 }""", inclusion: true).Single(Patient(birth: "2008-05-24"), D("2026-11-24"));

        result.Explanation.Should().Be("Age 18 (born 2008-05-24) on 2026-11-24 is above 18 years (older than 18 from the day after the 18th birthday)");
    }

    [TestCase("2008-11-24", "pass", Description = "lte 18: still 18 until the day before the 19th birthday")]
    [TestCase("2007-11-25", "pass")]
    [TestCase("2007-11-24", "fail")]
    public void Inclusive_upper_bound_covers_the_whole_year(string birth, string outcome) =>
        ResultJson.Name(With("""{ "kind": "age", "lte": 18 }""", inclusion: true).Single(Patient(birth: birth), D("2026-11-24")).Outcome).Should().Be(outcome);

    [Test]
    public void Age_without_birth_date_is_unknown()
    {
        var trial = With("""{ "kind": "age", "gte": 18 }""", inclusion: true);
        var result = trial.Single(Patient() with { BirthDate = null });
        result.Outcome.Should().Be(Outcome.Unknown);
        result.Missing.Should().Equal("birth date");
    }
}
