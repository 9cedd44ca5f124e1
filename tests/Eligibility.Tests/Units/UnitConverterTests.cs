using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Eligibility.Units;
using FluentAssertions;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;

namespace Eligibility.Tests.Units;

[TestFixture]
public sealed class UnitConverterTests
{
    private const decimal CreatinineMolarMass = 113.12m;
    private const decimal BilirubinMolarMass = 584.66m;

    private static readonly UnitConverter Converter = UnitConverter.Instance;

    // Every unit TERMINOLOGY.md names, plus the everyday spellings patient data brings.
    private static readonly string[] TerminologyUnits =
    [
        "U/L", "mg/dL", "umol/L", "g/dL", "g/L", "10*9/L", "10*3/uL", "/uL", "10*6/L", "%", "mL/min",
        "mL/min/{1.73_m2}", "L/min/m2", "kg", "[lb_av]", "g", "{score}", "mg/d", "mg/(24.h)", "mg", "1",
        "mmol/L", "ukat/L", "[IU]/L", "mg/kg/d", "kg/m2", "mL/h", "10*12/L",
    ];

    // Groups of mutually convertible units for the property tests, with no molar mass involved.
    private static readonly string[][] CompatibleGroups =
    [
        ["10*9/L", "10*3/uL", "/uL", "10*6/L", "/mL", "10*12/L", "/nL"],
        ["g/L", "g/dL", "mg/dL", "mg/L", "ug/mL", "kg/m3"],
        ["U/L", "U/mL", "ukat/L", "nkat/L", "mmol/(min.L)"],
        ["mmol/L", "umol/L", "mol/m3", "meq/L", "nmol/mL"],
        ["%", "1", "{score}", "[ppth]", "10*-2"],
        ["mL/min", "L/min", "mL/h", "L/d", "mL/s"],
        ["mL/min/{1.73_m2}", "L/h/{1.73_m2}", "mL/s/{1.73_m2}"],
        ["L/min/m2", "mL/min/m2", "L/h/m2", "mL/s/cm2"],
        ["kg", "g", "[lb_av]", "mg", "[oz_av]", "ug"],
        ["mg/d", "mg/(24.h)", "g/d", "mg/h", "ug/min", "mg/wk"],
    ];

    [TestCaseSource(nameof(TerminologyUnits))]
    public void Every_unit_the_terminology_uses_is_valid_UCUM(string unit)
    {
        Converter.IsValid(unit, out var error).Should().BeTrue(error);
        error.Should().BeNull();
    }

    [TestCase("µmol/L")]
    [TestCase("μmol/L")]
    [TestCase("10*3/µL")]
    [TestCase(" mg/dL ")]
    [TestCase("Cel")]
    [TestCase("[pH]")]
    [TestCase("m2.5")]
    public void Normalised_and_non_ratio_units_are_valid(string unit)
    {
        Converter.IsValid(unit, out var error).Should().BeTrue(error);
        error.Should().BeNull();
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    [TestCase("foo")]
    [TestCase("mg/dL)")]
    [TestCase("(mg/dL")]
    [TestCase("mg//dL")]
    [TestCase("mg/")]
    [TestCase(".mg")]
    [TestCase("/")]
    [TestCase("mg dL")]
    [TestCase("{abc")]
    [TestCase("mg/{")]
    [TestCase("[lb_av")]
    [TestCase("lb_av]")]
    [TestCase("MG/DL")]
    [TestCase("mL/min/1.73m2")]
    [TestCase("mg/0")]
    [TestCase("mg/24h")]
    [TestCase("°C")]
    [TestCase("mg\0")]
    public void Invalid_units_are_reported_with_a_message(string? unit)
    {
        Converter.IsValid(unit!, out var error).Should().BeFalse();
        error.Should().NotBeNullOrWhiteSpace();
    }

    [Test]
    public void Invalid_unit_message_names_the_unknown_symbol()
    {
        Converter.IsValid("mg/foo", out var error).Should().BeFalse();
        error.Should().Be("unknown unit 'foo'");

        Converter.TryGetFactor("mg/foo", "mg", null, out _, out var conversionError).Should().BeFalse();
        conversionError.Should().Be("cannot convert mg/foo to mg: 'mg/foo' is not a valid UCUM unit (unknown unit 'foo')");
    }

    [TestCase("g/dL", "g/L", "10")]
    [TestCase("g/L", "g/dL", "0.1")]
    [TestCase("mg/dL", "g/L", "0.01")]
    [TestCase("g/L", "mg/dL", "100")]
    [TestCase("10*3/uL", "10*9/L", "1")]
    [TestCase("10*9/L", "10*3/uL", "1")]
    [TestCase("/uL", "10*9/L", "0.001")]
    [TestCase("10*9/L", "/uL", "1000")]
    [TestCase("10*6/L", "10*9/L", "0.001")]
    [TestCase("10*12/L", "10*9/L", "1000")]
    [TestCase("kg", "g", "1000")]
    [TestCase("g", "kg", "0.001")]
    [TestCase("[lb_av]", "kg", "0.45359237")]
    [TestCase("[lb_av]", "g", "453.59237")]
    [TestCase("%", "1", "0.01")]
    [TestCase("1", "%", "100")]
    [TestCase("{score}", "1", "1")]
    [TestCase("mL/min", "L/min", "0.001")]
    [TestCase("mL/min", "mL/h", "60")]
    [TestCase("mL/min", "L/d", "1.44")]
    [TestCase("mL/min/{1.73_m2}", "L/h/{1.73_m2}", "0.06")]
    [TestCase("L/min/m2", "mL/min/m2", "1000")]
    [TestCase("mg/d", "mg/(24.h)", "1")]
    [TestCase("mg/(24.h)", "mg/d", "1")]
    [TestCase("mg/h", "mg/d", "24")]
    [TestCase("mg/d", "g/d", "0.001")]
    [TestCase("g/d", "mg/d", "1000")]
    [TestCase("mg/kg/d", "mg/kg/h", "0.041666666666667")]
    [TestCase("U/L", "U/mL", "0.001")]
    [TestCase("U/L", "ukat/L", "0.016666666666667")]
    [TestCase("mmol/L", "umol/L", "1000")]
    [TestCase("[IU]/L", "[IU]/mL", "0.001")]
    [TestCase("[IU]/L", "[iU]/L", "1")]
    public void Factors_are_exact_decimals(string from, string to, string expected)
    {
        Converter.TryGetFactor(from, to, null, out var factor, out var error).Should().BeTrue(error);
        error.Should().BeNull();
        factor.Should().Be(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Test]
    public void Same_unit_gives_exactly_one_even_where_UCUM_has_no_factor()
    {
        Converter.TryGetFactor("Cel", "Cel", null, out var celsius, out _).Should().BeTrue();
        celsius.Should().Be(1m);
        Converter.TryGetFactor("mg/dL", " mg/dL", null, out var same, out _).Should().BeTrue();
        same.Should().Be(1m);
    }

    [Test]
    public void Creatinine_mass_converts_to_substance_with_its_molar_mass()
    {
        Converter.TryGetFactor("mg/dL", "umol/L", CreatinineMolarMass, out var factor, out var error).Should().BeTrue(error);
        factor.Should().Be(10000m / CreatinineMolarMass);
        factor.Should().BeApproximately(88.4m, 0.01m);

        Converter.TryConvert(1.2m, "mg/dL", "umol/L", CreatinineMolarMass, out var umol, out _).Should().BeTrue();
        umol.Should().BeApproximately(106.08m, 0.01m);
    }

    [Test]
    public void Creatinine_substance_converts_to_mass_exactly()
    {
        Converter.TryGetFactor("umol/L", "mg/dL", CreatinineMolarMass, out var factor, out var error).Should().BeTrue(error);
        factor.Should().Be(0.011312m);

        Converter.TryConvert(106.08m, "umol/L", "mg/dL", CreatinineMolarMass, out var mg, out _).Should().BeTrue();
        mg.Should().BeApproximately(1.2m, 0.001m);
    }

    [Test]
    public void Bilirubin_converts_with_its_molar_mass()
    {
        Converter.TryGetFactor("mg/dL", "umol/L", BilirubinMolarMass, out var factor, out var error).Should().BeTrue(error);
        factor.Should().BeApproximately(17.1m, 0.01m);

        Converter.TryGetFactor("umol/L", "mg/dL", BilirubinMolarMass, out var back, out _).Should().BeTrue();
        back.Should().Be(0.058466m);
    }

    [Test]
    public void Glucose_millimoles_convert_to_milligrams_per_decilitre()
    {
        Converter.TryGetFactor("mmol/L", "mg/dL", 180.16m, out var factor, out var error).Should().BeTrue(error);
        factor.Should().Be(18.016m);
    }

    [Test]
    public void Molar_mass_is_ignored_when_both_sides_count_substance()
    {
        Converter.TryGetFactor("mmol/L", "umol/L", CreatinineMolarMass, out var factor, out _).Should().BeTrue();
        factor.Should().Be(1000m);
    }

    [Test]
    public void Molar_mass_with_trailing_zeros_gives_the_same_factor()
    {
        Converter.TryGetFactor("mg/dL", "umol/L", 113.12m, out var first, out _).Should().BeTrue();
        Converter.TryGetFactor("mg/dL", "umol/L", 113.1200m, out var second, out _).Should().BeTrue();
        second.Should().Be(first);
    }

    [TestCase("mg/dL", "umol/L")]
    [TestCase("umol/L", "mg/dL")]
    [TestCase("mmol/L", "g/L")]
    public void Mass_and_substance_do_not_convert_without_a_molar_mass(string from, string to)
    {
        Converter.TryGetFactor(from, to, null, out var factor, out var error).Should().BeFalse();
        factor.Should().Be(0m);
        error.Should().Be($"cannot convert {from} to {to} without a molar mass");
    }

    [TestCase(0)]
    [TestCase(-113.12)]
    public void A_molar_mass_must_be_positive(decimal molarMass)
    {
        Converter.TryGetFactor("mg/dL", "umol/L", molarMass, out _, out var error).Should().BeFalse();
        error.Should().Contain("molar mass must be positive");
    }

    [TestCase("mmol/L", "U/L")]
    [TestCase("U/L", "mmol/L")]
    [TestCase("mg/dL", "U/L")]
    [TestCase("kg", "mL/min")]
    [TestCase("L/min/m2", "L/min")]
    [TestCase("mmol/L", "10*9/L")]
    [TestCase("[IU]/L", "/L")]
    [TestCase("[IU]/L", "U/L")]
    [TestCase("{score}", "[IU]")]
    [TestCase("Cel", "K")]
    [TestCase("K", "Cel")]
    [TestCase("mg/d", "mg")]
    public void Different_dimensions_do_not_convert(string from, string to)
    {
        Converter.TryGetFactor(from, to, null, out var factor, out var error).Should().BeFalse();
        factor.Should().Be(0m);
        error.Should().StartWith($"cannot convert {from} to {to}");
    }

    [Test]
    public void Units_without_a_ratio_scale_are_valid_but_convert_only_to_themselves()
    {
        Converter.IsValid("Cel/s", out _).Should().BeTrue();
        Converter.IsValid("Cel.foo", out var invalid).Should().BeFalse();
        invalid.Should().Contain("unknown unit 'foo'");

        Converter.TryGetFactor("Cel", "K", null, out _, out var error).Should().BeFalse();
        error.Should().Be("cannot convert Cel to K: 'Cel' is not a ratio-scale unit");
    }

    [Test]
    public void Factors_carry_no_trailing_zeros()
    {
        Converter.TryGetFactor("mo", "d", null, out var factor, out _).Should().BeTrue();
        factor.ToString(System.Globalization.CultureInfo.InvariantCulture).Should().Be("30.4375");
        Converter.TryGetFactor("g/dL", "g/L", null, out var ten, out _).Should().BeTrue();
        ten.ToString(System.Globalization.CultureInfo.InvariantCulture).Should().Be("10");
    }

    [Test]
    public void Dimension_mismatch_message_is_short()
    {
        Converter.TryGetFactor("mmol/L", "U/L", null, out _, out var error).Should().BeFalse();
        error.Should().Be("cannot convert mmol/L to U/L");
    }

    [Test]
    public void Mass_against_substance_of_another_dimension_fails_even_with_a_molar_mass()
    {
        Converter.TryGetFactor("mg/dL", "U/L", CreatinineMolarMass, out _, out var error).Should().BeFalse();
        error.Should().Be("cannot convert mg/dL to U/L");
    }

    [TestCase("µmol/L")]
    [TestCase("μmol/L")]
    [TestCase("umol/L")]
    public void All_micro_signs_read_as_u(string micro)
    {
        Converter.TryGetFactor(micro, "umol/L", null, out var same, out _).Should().BeTrue();
        same.Should().Be(1m);
        Converter.TryGetFactor("mg/dL", micro, CreatinineMolarMass, out var factor, out _).Should().BeTrue();
        factor.Should().Be(10000m / CreatinineMolarMass);
    }

    [Test]
    public void Micro_sign_in_a_cell_count_reads_as_u()
    {
        Converter.TryGetFactor("10*3/µL", "10*9/L", null, out var factor, out _).Should().BeTrue();
        factor.Should().Be(1m);
        Converter.TryGetFactor("/μL", "10*9/L", null, out var perMicrolitre, out _).Should().BeTrue();
        perMicrolitre.Should().Be(0.001m);
    }

    [TestCase(null, "mg/dL")]
    [TestCase("mg/dL", null)]
    [TestCase("", "mg/dL")]
    [TestCase("mg/dL", " ")]
    public void A_missing_unit_fails(string? from, string? to)
    {
        Converter.TryGetFactor(from!, to!, null, out var factor, out var error).Should().BeFalse();
        factor.Should().Be(0m);
        error.Should().Contain("missing");
    }

    [TestCase("foo", "mg/dL")]
    [TestCase("mg/dL", "mg/dL)")]
    [TestCase("mg//dL", "mg")]
    [TestCase("mg", "mg/(24.h")]
    public void Invalid_units_fail_with_the_reason(string from, string to)
    {
        Converter.TryGetFactor(from, to, null, out var factor, out var error).Should().BeFalse();
        factor.Should().Be(0m);
        error.Should().StartWith($"cannot convert {from} to {to}: ").And.Contain("is not a valid UCUM unit (");
    }

    // ---------------------------------------------------------------- the UCUM table, read without Fhir.Metrics' code

    [TestCase("k[lb_av]", Description = "a prefix on a unit that is not metric")]
    [TestCase("m[in_i]")]
    [TestCase("k%")]
    public void Prefixes_apply_only_to_metric_units(string unit)
    {
        Converter.IsValid(unit, out var error).Should().BeFalse();
        error.Should().Be($"unknown unit '{unit}'");
    }

    [TestCase("dar", "m2", "10", Description = "deci-are: the first prefix that leaves an atom, not the first that matches")]
    [TestCase("dam", "m", "10")]
    [TestCase("cd", "cd", "1", Description = "candela, not centi-day")]
    [TestCase("Kibit", "bit", "1024")]
    [TestCase("MiBy", "By", "1048576")]
    [TestCase("mm[Hg]", "Pa", "133.322")]
    [TestCase("[in_i]", "cm", "2.54")]
    [TestCase("[pi].rad", "deg", "180")]
    [TestCase("mol2/L2", "mmol2/L2", "1000000")]
    [TestCase("[g]", "m/s2", "9.80665")]
    [TestCase("L", "dm3", "1")]
    public void Definitions_are_followed_exactly(string from, string to, string expected)
    {
        Converter.TryGetFactor(from, to, null, out var factor, out var error).Should().BeTrue(error);
        factor.Should().BeApproximately(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), 1e-6m);
    }

    [TestCase("980665e-5", "9.80665")]
    [TestCase("6.0221367", "6.0221367")]
    [TestCase("1e-24", "0.000000000000000000000001")]
    [TestCase("1099511627776", "1099511627776")]
    [TestCase("0.3048", "0.3048")]
    [TestCase("3.1415926535897932384626433832795028841971693993751058209749445923", "3.141592653589793238462643383")]
    public void Table_numbers_are_read_exactly_and_independently_of_the_culture(string text, string expected)
    {
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
        try
        {
            UcumTable.ParseNumber(text).TryToDecimal(out var value).Should().BeTrue();
            value.Should().Be(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }
    }

    [Test]
    public void The_table_has_the_UCUM_essentials()
    {
        var table = UcumTable.Load();

        table.Prefixes.Select(p => p.Code).Should().StartWith(["Y", "Z", "E", "P", "T", "G", "M", "k", "h", "da", "d"]);
        table.Atoms.Keys.Should().Contain(["m", "s", "g", "rad", "K", "C", "cd", "mol", "L", "[IU]", "[iU]", "Cel", "10*"]);
        table.Atoms["Cel"].IsSpecial.Should().BeTrue();
        table.Atoms["[IU]"].IsArbitrary.Should().BeTrue();
        table.Atoms["[lb_av]"].IsMetric.Should().BeFalse();
        table.Atoms["m"].IsBase.Should().BeTrue();
    }

    [TestCaseSource(nameof(Garbage))]
    public void Garbage_never_throws(string? unit)
    {
        var act = () =>
        {
            Converter.IsValid(unit!, out _);
            Converter.TryGetFactor(unit!, "mg/dL", 100m, out _, out _);
            Converter.TryGetFactor("g/L", unit!, null, out _, out _);
            Converter.TryConvert(decimal.MaxValue, unit!, "10*9/L", null, out _, out _);
        };

        act.Should().NotThrow();
    }

    [Test]
    public void Huge_factors_fail_instead_of_overflowing()
    {
        Converter.TryGetFactor("mol/uL", "10*-20.mol/m3", null, out _, out var error).Should().BeFalse();
        error.Should().Contain("out of range");
    }

    [Test]
    public void Convert_multiplies_by_the_factor()
    {
        Converter.TryConvert(13.5m, "g/dL", "g/L", null, out var hemoglobin, out var error).Should().BeTrue(error);
        hemoglobin.Should().Be(135m);

        Converter.TryConvert(250m, "10*3/uL", "10*9/L", null, out var platelets, out _).Should().BeTrue();
        platelets.Should().Be(250m);

        Converter.TryConvert(1500m, "/uL", "10*9/L", null, out var neutrophils, out _).Should().BeTrue();
        neutrophils.Should().Be(1.5m);

        Converter.TryConvert(1200m, "mg/dL", "g/L", null, out var igg, out _).Should().BeTrue();
        igg.Should().Be(12m);

        Converter.TryConvert(154m, "[lb_av]", "kg", null, out var weight, out _).Should().BeTrue();
        weight.Should().Be(69.85322498m);
    }

    [Test]
    public void Convert_overflow_fails_with_a_message()
    {
        Converter.TryConvert(decimal.MaxValue, "kg", "mg", null, out var result, out var error).Should().BeFalse();
        result.Should().Be(0m);
        error.Should().Contain("too large");
    }

    [Test]
    public void Convert_failure_leaves_zero_and_a_message()
    {
        Converter.TryConvert(5m, "mmol/L", "U/L", null, out var result, out var error).Should().BeFalse();
        result.Should().Be(0m);
        error.Should().Be("cannot convert mmol/L to U/L");
    }

    [Test]
    public void Repeated_and_concurrent_lookups_agree()
    {
        var pairs = CompatibleGroups.SelectMany(g => g.SelectMany(a => g.Select(b => (a, b)))).ToArray();
        var expected = pairs.ToDictionary(p => p, p =>
        {
            Converter.TryGetFactor(p.a, p.b, null, out var f, out _).Should().BeTrue();
            return f;
        });

        Parallel.For(0, 2000, i =>
        {
            var pair = pairs[i % pairs.Length];
            Converter.TryGetFactor(pair.a, pair.b, null, out var f, out var e).Should().BeTrue(e);
            f.Should().Be(expected[pair]);
        });
    }

    [FsCheck.NUnit.Property(MaxTest = 500)]
    public Property Converting_there_and_back_returns_the_value()
    {
        var cases =
            from g in Gen.Elements(CompatibleGroups)
            from a in Gen.Elements(g)
            from b in Gen.Elements(g)
            from value in Values()
            select (a, b, value);

        return Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var there = Converter.TryConvert(c.value, c.a, c.b, null, out var converted, out _);
            var back = Converter.TryConvert(converted, c.b, c.a, null, out var roundTrip, out _);
            return there && back && IsClose(roundTrip, c.value, 1e-9m);
        });
    }

    [FsCheck.NUnit.Property(MaxTest = 500)]
    public Property Converting_mass_to_substance_and_back_returns_the_value()
    {
        var cases =
            from mass in Gen.Elements("mg/dL", "g/L", "mg/L", "ug/mL")
            from substance in Gen.Elements("umol/L", "mmol/L", "nmol/mL", "µmol/L")
            from molarMass in Gen.Choose(1, 1_000_000).Select(m => m / 100m)
            from value in Values()
            select (mass, substance, molarMass, value);

        return Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var there = Converter.TryConvert(c.value, c.mass, c.substance, c.molarMass, out var converted, out _);
            var back = Converter.TryConvert(converted, c.substance, c.mass, c.molarMass, out var roundTrip, out _);
            return there && back && IsClose(roundTrip, c.value, 1e-9m);
        });
    }

    [FsCheck.NUnit.Property(MaxTest = 500)]
    public Property Factors_there_and_back_multiply_to_one()
    {
        var cases =
            from g in Gen.Elements(CompatibleGroups)
            from a in Gen.Elements(g)
            from b in Gen.Elements(g)
            select (a, b);

        return Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var there = Converter.TryGetFactor(c.a, c.b, null, out var forward, out _);
            var back = Converter.TryGetFactor(c.b, c.a, null, out var backward, out _);
            return there && back && IsClose(forward * backward, 1m, 1e-12m);
        });
    }

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property Units_from_different_groups_never_convert()
    {
        var cases =
            from i in Gen.Choose(0, CompatibleGroups.Length - 1)
            from j in Gen.Choose(0, CompatibleGroups.Length - 1).Where(j => !SameDimension(i, j))
            from a in Gen.Elements(CompatibleGroups[i])
            from b in Gen.Elements(CompatibleGroups[j])
            select (a, b);

        return Prop.ForAll(cases.ToArbitrary(), c =>
            !Converter.TryGetFactor(c.a, c.b, null, out _, out var error)
            && error!.StartsWith($"cannot convert {c.a} to {c.b}", StringComparison.Ordinal));
    }

    private static IEnumerable<string?> Garbage() =>
    [
        null, "", " ", "(", ")", "((", "[", "]", "{", "}", "{}", ".", "/", "//", "..", "*", "10*", "10*99999",
        "m32768", "m-32768", "10*32767", "10*32767.10*32767.10*32767", "mol5", "mol/uL.mol/uL.mol/uL",
        "mg/dL)", "foo", "1.5", "0", "00", "99999999999999999999999999999999", "m^2", "m**2", "%%", "[[lb_av]]",
        "{{a}}", "a{b}c", "mg/(24.h))", "((mg))", "(mg)/(dL)", "mg/()", "()", "10^", "e", "-1", "+", "m+", "m-",
        "\t", "\u00A0mg", "😀", "mg/😀", new string('m', 200), string.Concat(Enumerable.Repeat("m.", 60)) + "m",
        string.Concat(Enumerable.Repeat("(", 60)) + "m" + string.Concat(Enumerable.Repeat(")", 60)),
        "B[10.nV]", "[hp'_X]", "Cel/s", "[degF]/[pH]", "u", "uu", "µ", "μ",
    ];

    private static Gen<decimal> Values() =>
        from mantissa in Gen.Choose(1, 999_999)
        from scale in Gen.Choose(0, 6)
        select mantissa / Pow10(scale);

    private static decimal Pow10(int exponent) => Enumerable.Repeat(10m, exponent).Aggregate(1m, (a, b) => a * b);

    private static bool IsClose(decimal actual, decimal expected, decimal relativeTolerance) =>
        Math.Abs(actual - expected) <= Math.Abs(expected) * relativeTolerance;

    // The eGFR group differs from the flow group only by an annotation, which UCUM counts as 1,
    // and the ratio group likewise shares its (empty) dimension with nothing else.
    private static bool SameDimension(int i, int j) =>
        i == j || (IsFlow(i) && IsFlow(j));

    private static bool IsFlow(int group) => group is 5 or 6;
}
