using Eligibility.Binding;
using Eligibility.Patients;
using Eligibility.Time;

namespace Eligibility.Tests.Evaluation;

/// <summary>
/// The index groups results by (normalised system, trimmed code), keyed by the code with the groups of one code in other
/// systems chained behind it; these records aim at that layout: one code in several systems and spellings of one system,
/// a key repeated within one result, results in and out of date order with ties, and records large enough that the
/// working buffers come from the pool instead of the stack (more than 64 coding occurrences, more than 128 groups). In
/// every case the index must find what a plain scan of the record finds (<see cref="PatientIndexTests.Difference"/>).
/// </summary>
public class PatientIndexGroupingTests
{
    private static readonly DateOnly AsOf = new(2026, 1, 15);

    private static ObservationRecord Result(string id, int daysBefore, params Coding[] codes) => new()
    {
        Id = id,
        Codes = codes,
        Status = "final",
        Value = 1,
        Date = AsOf.AddDays(-daysBefore),
    };

    [Test]
    public void One_code_in_several_systems_and_spellings_is_found_as_a_scan_finds_it()
    {
        var patient = new PatientRecord
        {
            Observations =
            [
                Result("loinc", 3, new Coding(CodeSystems.Loinc, "1234-5")),
                Result("local", 2, new Coding("urn:test:local", "1234-5")),
                Result("loinc-spelled", 5, new Coding(" HTTP://LOINC.ORG/ ", " 1234-5 ")),
                Result("repeated", 1, new Coding(CodeSystems.Loinc, "1234-5"), new Coding("http://loinc.org/", "1234-5 "), new Coding("urn:test:local", "1234-5")),
                Result("other-local", 4, new Coding("urn:test:other", "1234-5"), new Coding(CodeSystems.Loinc, "718-7")),
                Result("tie-a", 2, new Coding("urn:test:other", "1234-5")),
                Result("tie-b", 2, new Coding("urn:test:other", "1234-5")),
                Result("undated", 0, new Coding(CodeSystems.Loinc, "1234-5")) with { Date = null },
                Result("preliminary", 0, new Coding("urn:test:local", "1234-5")) with { Status = "preliminary" },
            ],
        };

        PatientIndexTests.Difference(patient, AsOf).Should().BeNull();
        PatientIndexTests.Difference(patient, AsOf.AddDays(-2)).Should().BeNull();
    }

    [Test]
    public void Large_records_in_and_out_of_date_order_are_found_as_a_scan_finds_them()
    {
        var random = new Random(14);
        foreach (bool dateOrder in new[] { true, false })
        {
            var observations = new List<ObservationRecord>();
            for (int i = 0; i < 160; i++)
            {
                // 160 results, two codings each (320 occurrences), 150 codes in two systems: well past the stack buffers.
                int days = dateOrder ? 200 - i : random.Next(0, 60);
                observations.Add(Result(
                    "r" + i,
                    days,
                    new Coding(CodeSystems.Loinc, "c" + random.Next(150)),
                    new Coding(random.Next(2) == 0 ? "urn:test:local" : CodeSystems.Loinc, "c" + random.Next(150))));
            }

            PatientIndexTests.Difference(new PatientRecord { Observations = observations }, AsOf)
                .Should().BeNull(dateOrder ? "results recorded in date order" : "results in random order");
        }
    }

    [Test]
    public void A_record_without_results_has_an_index_that_finds_nothing()
    {
        var matcher = new CodeMatcher();
        matcher.Add(CodeSystems.Loinc, "718-7", "hb");
        var index = PatientIndex.Build(new PatientRecord());

        index.Latest(matcher.Freeze(), new DateWindow(DateOnly.MinValue, AsOf), _ => true).Should().Be(-1);
    }
}
