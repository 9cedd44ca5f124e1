using System;
using System.Collections.Frozen;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Xml.Linq;

// Aliases rather than `using Fhir.Metrics`: Eligibility has its own Quantity (and may gain a Fhir
// namespace), which would shadow the Fhir.Metrics names inside Eligibility.Units.
using FhirExponential = global::Fhir.Metrics.Exponential;
using FhirMetric = global::Fhir.Metrics.Metric;
using FhirQuantity = global::Fhir.Metrics.Quantity;
using FhirSystemOfUnits = global::Fhir.Metrics.SystemOfUnits;
using FhirUcum = global::Fhir.Metrics.UCUM;
using FhirUnit = global::Fhir.Metrics.Unit;

namespace Eligibility.Units;

/// <summary>
/// Turns a UCUM unit string into its <see cref="CanonicalUnit"/>, using Fhir.Metrics for the
/// UCUM table, the atoms, prefixes, exponents and annotations.
/// </summary>
/// <remarks>
/// Fhir.Metrics 1.4.1 handles a flat product such as <c>mL/min/{1.73_m2}</c> well, but it
/// silently drops empty operands (<c>mg//dL</c> reads as <c>mg</c>), does not support
/// parenthesised terms (<c>mg/(24.h)</c>) and rejects integer factors (<c>24</c>). So the term
/// structure — the operators <c>.</c> and <c>/</c>, parentheses and integer factors — is checked
/// here, and each remaining component (<c>mg</c>, <c>10*9</c>, <c>m2</c>, <c>{score}</c>) goes to
/// Fhir.Metrics on its own. Not thread-safe by itself: Fhir.Metrics does not promise thread
/// safety, so <see cref="UnitConverter"/> serialises calls.
/// </remarks>
internal sealed class UcumCanonicalizer
{
    /// <summary>Longer unit strings are rejected outright; real units are a few dozen characters.</summary>
    public const int MaxUnitLength = 128;

    private const string EssenceResourceName = "Fhir.Metrics.Data.ucum-essence.xml";

    // A molar mass may only bridge a small power of the substance amount (mol, mol2 at most in
    // practice); the bound keeps hostile exponents away from the power loop.
    private const int MaxSubstanceExponent = 4;

    private readonly FhirSystemOfUnits system;
    private readonly FrozenSet<string> arbitraryUnits;
    private readonly FrozenSet<string> specialUnits;
    private readonly ScaledDecimal avogadro;

    /// <summary>Loads the UCUM table shipped in Fhir.Metrics.</summary>
    /// <exception cref="InvalidOperationException">The Fhir.Metrics package lacks its UCUM table.</exception>
    public UcumCanonicalizer()
    {
        system = FhirUcum.Load();
        (arbitraryUnits, specialUnits) = ReadUnitFlags();

        // Fhir.Metrics canonicalises a mole to this plain number; dividing it out again keeps the
        // mole as a dimension (see CanonicalUnit).
        var mole = system.Canonical(new FhirQuantity(FhirExponential.One, system.Metric(CanonicalUnit.SubstanceSymbol)));
        avogadro = ScaledDecimal.Create(mole.Value.Significand, mole.Value.Exponent);
    }

    /// <summary>Analyses a unit already normalised by <see cref="UnitConverter"/> (trimmed, micro sign as <c>u</c>).</summary>
    public UnitAnalysis Analyze(string unit)
    {
        if (string.IsNullOrEmpty(unit))
        {
            return UnitAnalysis.Invalid("the unit is missing");
        }

        if (unit.Length > MaxUnitLength)
        {
            return UnitAnalysis.Invalid($"it is longer than {MaxUnitLength.ToString(CultureInfo.InvariantCulture)} characters");
        }

        try
        {
            var reader = new TermReader(this, unit);
            return reader.ReadMainTerm();
        }
        catch (OverflowException)
        {
            return UnitAnalysis.Invalid("it is out of range");
        }
        catch (DivideByZeroException)
        {
            return UnitAnalysis.Invalid("it is out of range");
        }
    }

    private static (FrozenSet<string> Arbitrary, FrozenSet<string> Special) ReadUnitFlags()
    {
        using var stream = typeof(FhirSystemOfUnits).Assembly.GetManifestResourceStream(EssenceResourceName)
            ?? throw new InvalidOperationException($"Fhir.Metrics does not contain {EssenceResourceName}.");
        var document = XDocument.Load(stream);
        var units = document.Descendants().Where(e => e.Name.LocalName == "unit").ToList();
        return (Codes("isArbitrary"), Codes("isSpecial"));

        FrozenSet<string> Codes(string flag) => units
            .Where(u => string.Equals((string?)u.Attribute(flag), "yes", StringComparison.Ordinal))
            .Select(u => (string?)u.Attribute("Code"))
            .OfType<string>()
            .ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>Canonicalises one component free of operators and parentheses, through Fhir.Metrics.</summary>
    private UnitAnalysis AnalyzeComponent(string unit, string component)
    {
        FhirMetric metric;
        try
        {
            metric = system.Metric(component);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Fhir.Metrics reports unknown atoms with ArgumentException but malformed exponents
            // with whatever its parsing hits; bad input must never escape as an exception. Its
            // messages name internals, so the caller gets the component instead.
            return UnitAnalysis.Invalid($"unknown unit '{component}'");
        }

        if (metric.Axes.Count == 0)
        {
            return UnitAnalysis.Invalid($"unknown unit '{component}'");
        }

        var ownDimensions = new List<KeyValuePair<string, int>>();
        foreach (var axis in metric.Axes)
        {
            if (!CollectOwnDimensions(axis.Unit, axis.Exponent, ownDimensions, depth: 0))
            {
                return NotRatioScale(unit, component);
            }
        }

        FhirQuantity canonical;
        try
        {
            canonical = system.Canonical(new FhirQuantity(FhirExponential.One, metric));
        }
        catch (InvalidCastException)
        {
            // Fhir.Metrics cannot reduce units defined by a function (Cel, [pH], B) to base units.
            return NotRatioScale(unit, component);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return UnitAnalysis.Invalid($"cannot interpret '{component}'");
        }

        var substance = ownDimensions
            .Where(d => string.Equals(d.Key, CanonicalUnit.SubstanceSymbol, StringComparison.Ordinal))
            .Sum(d => d.Value);
        if (Math.Abs(substance) > MaxSubstanceExponent)
        {
            return UnitAnalysis.Invalid("it has an unsupported power of the mole");
        }

        var magnitude = ScaledDecimal.Divide(
            ScaledDecimal.Create(canonical.Value.Significand, canonical.Value.Exponent),
            avogadro.Power(substance));

        // Annotations ({score}) become the unity axis "1", which has no dimension.
        var baseDimensions = canonical.Metric.Axes
            .Where(a => !string.Equals(a.Unit.Symbol, "1", StringComparison.Ordinal))
            .Select(a => KeyValuePair.Create(a.Unit.Symbol, a.Exponent));
        return UnitAnalysis.Convertible(new CanonicalUnit(magnitude, baseDimensions.Concat(ownDimensions)));
    }

    /// <summary>
    /// Follows a unit's UCUM definition down to the mole and to arbitrary units, which Fhir.Metrics
    /// turns into plain numbers; false when a special (non-ratio) unit is met.
    /// </summary>
    private bool CollectOwnDimensions(FhirUnit unit, int exponent, List<KeyValuePair<string, int>> found, int depth)
    {
        // UCUM definitions are a handful of levels deep; the bound only guards against a cycle.
        if (depth > 16 || specialUnits.Contains(unit.Symbol))
        {
            return false;
        }

        if (string.Equals(unit.Symbol, CanonicalUnit.SubstanceSymbol, StringComparison.Ordinal))
        {
            found.Add(KeyValuePair.Create(unit.Symbol, exponent));
            return true;
        }

        var definition = system.Conversions.Find(unit);
        if (arbitraryUnits.Contains(unit.Symbol)
            && (definition is null || !definition.To.Axes.Any(a => arbitraryUnits.Contains(a.Unit.Symbol))))
        {
            // [IU] is defined as [iU]: the innermost arbitrary unit names the dimension.
            found.Add(KeyValuePair.Create(unit.Symbol, exponent));
            return true;
        }

        if (definition is null)
        {
            return true;
        }

        foreach (var axis in definition.To.Axes)
        {
            if (!CollectOwnDimensions(axis.Unit, checked(axis.Exponent * exponent), found, depth + 1))
            {
                return false;
            }
        }

        return true;
    }

    private static UnitAnalysis NotRatioScale(string unit, string component) =>
        UnitAnalysis.NotConvertible(string.Equals(unit, component, StringComparison.Ordinal)
            ? $"'{unit}' is not a ratio-scale unit"
            : $"'{unit}' contains '{component}', which is not a ratio-scale unit");

    /// <summary>
    /// Reads the UCUM term structure: <c>["/"] term</c>, where a term is components joined by
    /// <c>.</c> and <c>/</c> (left to right, so <c>L/min/m2</c> is L·min⁻¹·m⁻²) and a component is
    /// a parenthesised term, an integer factor or a unit symbol with optional exponent and annotation.
    /// </summary>
    private sealed class TermReader(UcumCanonicalizer owner, string unit)
    {
        private int position;

        // A valid component without a ratio scale (Cel) makes the whole unit unconvertible, but
        // reading goes on so that the rest of the text is still checked.
        private UnitAnalysis? notConvertible;

        public UnitAnalysis ReadMainTerm()
        {
            var bad = unit.FirstOrDefault(c => c <= ' ' || c > '~');
            if (bad != '\0')
            {
                return Invalid(bad <= ' ' ? "it contains white space" : $"unexpected '{bad}'");
            }

            UnitAnalysis result;
            if (Peek() == '/')
            {
                position++;
                result = ReadTerm(CanonicalUnit.Unity, '/');
            }
            else
            {
                result = ReadTerm(null, '.');
            }

            if (!result.IsValid)
            {
                return result;
            }

            if (position < unit.Length)
            {
                return Invalid($"unexpected '{unit[position]}'");
            }

            return notConvertible ?? result;
        }

        private UnitAnalysis ReadTerm(CanonicalUnit? accumulated, char pendingOperator)
        {
            while (true)
            {
                var component = ReadComponent();
                if (!component.IsValid)
                {
                    return component;
                }

                if (component.Canonical is null)
                {
                    notConvertible ??= component;
                }

                var operand = component.Canonical ?? CanonicalUnit.Unity;
                accumulated = accumulated is null
                    ? operand
                    : pendingOperator == '/'
                        ? CanonicalUnit.Divide(accumulated, operand)
                        : CanonicalUnit.Multiply(accumulated, operand);

                var next = Peek();
                if (next is not ('.' or '/'))
                {
                    return UnitAnalysis.Convertible(accumulated);
                }

                pendingOperator = next;
                position++;
            }
        }

        private UnitAnalysis ReadComponent()
        {
            if (position >= unit.Length)
            {
                return Invalid("a unit is missing at the end");
            }

            if (unit[position] == '(')
            {
                position++;
                var inner = ReadTerm(null, '.');
                if (!inner.IsValid)
                {
                    return inner;
                }

                if (Peek() != ')')
                {
                    return Invalid("missing ')'");
                }

                position++;
                return inner;
            }

            var start = position;
            while (position < unit.Length && unit[position] is not ('.' or '/' or '(' or ')'))
            {
                var closing = unit[position] switch
                {
                    '[' => ']',
                    '{' => '}',
                    _ => '\0',
                };
                if (closing != '\0')
                {
                    // Square brackets and annotations may contain '.' and '/' that are not operators.
                    var end = unit.IndexOf(closing, position + 1);
                    if (end < 0)
                    {
                        return Invalid($"missing '{closing}'");
                    }

                    position = end;
                }
                else if (unit[position] is ']' or '}')
                {
                    return Invalid($"unexpected '{unit[position]}'");
                }

                position++;
            }

            if (position == start)
            {
                return Invalid(position < unit.Length ? $"unexpected '{unit[position]}'" : "a unit is missing at the end");
            }

            var text = unit[start..position];
            return text.All(char.IsAsciiDigit) ? ReadFactor(text) : owner.AnalyzeComponent(unit, text);
        }

        private UnitAnalysis ReadFactor(string digits)
        {
            if (!decimal.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var factor) || factor == 0m)
            {
                return Invalid($"'{digits}' is not a usable factor");
            }

            return UnitAnalysis.Convertible(new CanonicalUnit(ScaledDecimal.Create(factor, 0), []));
        }

        private char Peek() => position < unit.Length ? unit[position] : '\0';

        private static UnitAnalysis Invalid(string reason) => UnitAnalysis.Invalid(reason);
    }
}
