using System.Text.RegularExpressions;
using Eligibility.Binding;
using Eligibility.Evaluation;
using Eligibility.Patients;
using Eligibility.Tests.Robustness;
using Eligibility.Units;

namespace Eligibility.Tests.Evaluation;

/// <summary>
/// The factors a compiled measurement keeps per unit (<see cref="UnitFactors"/>) convert exactly as the shared converter
/// does: every pair of the units the repository's rule files and patients name (and awkward spellings), both ways, with
/// and without a molar mass, for values from tiny to overflowing; asked again from the kept factors; past the most
/// spellings kept; and from several threads at once.
/// </summary>
public class UnitFactorsTests
{
    private static readonly decimal?[] MolarMasses = [null, 113.12m, 584.66m];

    private static readonly decimal[] Values = [0m, 1m, -3.5m, 0.0001m, 212.5m, 1.10m, 123456789.123456789m, decimal.MaxValue / 3, decimal.MaxValue, decimal.MinValue];

    // Spellings records bring that the rule files do not: blank and padded units, micro signs, unknown and non-ratio units.
    private static readonly string[] Awkward = ["", " ", " U/L ", "µmol/L", "μmol/L", "mg/dl", "foo", "Cel", "[IU]", "mmol/L", "g", "mg", "1", "10*6/L", "/uL", "mL/min"];

    /// <summary>Every unit the repository's rule and patient files name (<c>"unit"</c>, <c>"ulnUnit"</c>, <c>"llnUnit"</c>), and the awkward spellings.</summary>
    private static string[] Units()
    {
        string root = InputRobustnessTests.RepositoryRoot();
        var named = new HashSet<string>(Awkward, StringComparer.Ordinal);
        var pattern = new Regex("\"(?:unit|ulnUnit|llnUnit)\"\\s*:\\s*\"([^\"]*)\"");
        foreach (string folder in new[] { "rules", "examples", "samples" }.Select(f => Path.Combine(root, f)).Where(Directory.Exists))
        {
            foreach (string file in Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories))
            {
                foreach (Match match in pattern.Matches(File.ReadAllText(file)))
                {
                    named.Add(Regex.Unescape(match.Groups[1].Value));
                }
            }
        }

        return named.Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The converter's answer and the factors' (asked twice: worked out, then kept), or a difference.</summary>
    private static string? Difference(UnitFactors factors, bool into, string other, decimal? molarMass, decimal value)
    {
        string from = into ? other : factors.Unit;
        string to = into ? factors.Unit : other;
        bool expected = UnitConverter.Instance.TryConvert(value, from, to, molarMass, out decimal converted, out _);
        for (int ask = 0; ask < 2; ask++)
        {
            bool actual = factors.TryConvert(value, other, out decimal result);
            if (actual != expected || (expected && (result != converted || result.Scale != converted.Scale)))
            {
                return $"{value} {from} → {to} (molar mass {molarMass?.ToString() ?? "none"}, ask {ask + 1}): converter {expected} {converted}, factors {actual} {result}";
            }
        }

        return null;
    }

    [Test]
    public void Kept_factors_convert_every_pair_of_the_repository_units_as_the_converter_does()
    {
        string[] units = Units();
        units.Length.Should().BeGreaterThan(25, "the rule files and patients name many units");
        var differences = new List<string>();
        int pairs = 0;
        foreach (decimal? molarMass in MolarMasses)
        {
            foreach (string fixedUnit in units.Where(u => !string.IsNullOrWhiteSpace(u)))
            {
                // A fresh instance per fixed unit keeps at most MaxUnits spellings: the others go through the converter.
                var into = UnitFactors.Into(fixedUnit, molarMass);
                var from = UnitFactors.From(fixedUnit, molarMass);
                foreach (string other in units)
                {
                    pairs++;
                    foreach (decimal value in Values)
                    {
                        if ((Difference(into, true, other, molarMass, value) ?? Difference(from, false, other, molarMass, value)) is { } difference)
                        {
                            differences.Add(difference);
                        }
                    }
                }

                into.Kept.Should().Be(UnitFactors.MaxUnits, "the first spellings are kept, no more");
            }
        }

        TestContext.Out.WriteLine($"{pairs} unit pairs × {Values.Length} values × 2 directions");
        differences.Should().BeEmpty();
    }

    [Test]
    public void A_result_is_read_as_Reading_reads_it()
    {
        var concept = new BoundConcept("creatinine", new CodeMatcher().Freeze()) { MolarMass = 113.12m };
        var factors = UnitFactors.Into("mg/dL", concept.MolarMass);
        foreach (string? unit in new[] { "umol/L", "mg/dL", null, "", "  ", "U/L", "µmol/L" })
        {
            foreach (decimal value in Values)
            {
                var o = new ObservationRecord { Id = "o", Value = value, Unit = unit };
                bool expected = Reading.TryConvert(o, concept, "mg/dL", out decimal converted, out _);
                factors.TryRead(o, out decimal read).Should().Be(expected, $"{value} {unit}");
                read.Should().Be(expected ? converted : 0m, $"{value} {unit}");
            }
        }
    }

    [Test]
    public void Factors_kept_by_several_threads_at_once_are_the_converter_s()
    {
        string[] units = ["umol/L", "mg/dL", "mmol/L", "g/L", "mg/L", "ug/mL", "U/L", "foo", "nmol/mL", "mg/mL"];
        for (int round = 0; round < 20; round++)
        {
            var factors = UnitFactors.Into("mg/dL", 113.12m);
            var differences = new System.Collections.Concurrent.ConcurrentBag<string>();
            Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            {
                string other = units[(i * 7 + round) % units.Length];
                if (Difference(factors, true, other, 113.12m, 1.5m + i) is { } difference)
                {
                    differences.Add(difference);
                }
            });
            differences.Should().BeEmpty();
            factors.Kept.Should().BeLessThanOrEqualTo(UnitFactors.MaxUnits);
        }
    }
}
