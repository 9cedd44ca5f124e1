using Eligibility.Explanation;

namespace Eligibility.Tests.Explanation;

public class UnitDisplayTests
{
    [TestCase("10*9/L", "×10⁹/L")]
    [TestCase("10*3/uL", "×10³/µL")]
    [TestCase("umol/L", "µmol/L")]
    [TestCase("mL/min/{1.73_m2}", "mL/min/1.73 m²")]
    [TestCase("L/min/m2", "L/min/m²")]
    [TestCase("{score}", "points")]
    [TestCase("mg/d", "mg/day")]
    [TestCase("g/dL", "g/dL")]
    [TestCase("mg/dL", "mg/dL")]
    [TestCase("U/L", "U/L")]
    [TestCase("%", "%")]
    [TestCase("[lb_av]", "lb")]
    public void Units_read_as_a_coordinator_writes_them(string ucum, string shown) => Phrase.Unit(ucum).Should().Be(shown);
}
