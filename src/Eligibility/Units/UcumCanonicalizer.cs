using System;
using System.Collections.Generic;
using System.Globalization;

namespace Eligibility.Units;

/// <summary>
/// Turns a UCUM unit string into its <see cref="CanonicalUnit"/>, from the UCUM table (<see cref="UcumTable"/>): the
/// term structure, prefixes, atoms, exponents, annotations and each atom's definition down to the base units.
/// </summary>
/// <remarks>
/// Everything is computed here, in <see cref="decimal"/> arithmetic and independent of the process's culture and
/// globalization settings: the term structure — the operators <c>.</c> and <c>/</c>, parentheses and integer factors —
/// and each component (<c>mg</c>, <c>10*9</c>, <c>m2</c>, <c>{score}</c>): an optional prefix (only on metric units),
/// an atom, an optional exponent and an optional annotation, which counts as 1. The mole and every arbitrary unit
/// ([IU]) are kept as dimensions of their own (see <see cref="CanonicalUnit"/>); a special unit (Cel, [pH]) has no
/// ratio scale. Not thread-safe by itself (it caches each atom's canonical form): <see cref="UnitConverter"/>
/// serialises calls.
/// </remarks>
internal sealed class UcumCanonicalizer
{
    /// <summary>Longer unit strings are rejected outright; real units are a few dozen characters.</summary>
    public const int MaxUnitLength = 128;

    // A molar mass may only bridge a small power of the substance amount (mol, mol2 at most in
    // practice); the bound keeps hostile exponents away from the power loop.
    private const int MaxSubstanceExponent = 4;

    // UCUM exponents are one or two digits; the bound keeps hostile ones (m99999999) cheap and in range.
    private const int MaxExponent = short.MaxValue;

    // UCUM definitions are a handful of levels deep; the bound only guards against a cycle.
    private const int MaxDefinitionDepth = 16;

    private readonly UcumTable table;
    private readonly Dictionary<string, UnitAnalysis> atoms = new(StringComparer.Ordinal);

    /// <summary>Loads the UCUM table.</summary>
    /// <exception cref="InvalidOperationException">The UCUM table is missing or malformed.</exception>
    public UcumCanonicalizer()
    {
        table = UcumTable.Load();
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
            var reader = new TermReader(this, unit, depth: 0);
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

    private static UnitAnalysis NotRatioScale(string unit, string component) =>
        UnitAnalysis.NotConvertible(string.Equals(unit, component, StringComparison.Ordinal)
            ? $"'{unit}' is not a ratio-scale unit"
            : $"'{unit}' contains '{component}', which is not a ratio-scale unit");

    /// <summary>
    /// Canonicalises one component free of operators and parentheses: <c>[prefix] atom [exponent] [{annotation}]</c>.
    /// </summary>
    private UnitAnalysis AnalyzeComponent(string unit, string component, int depth)
    {
        var symbol = component;
        var brace = symbol.IndexOf('{', StringComparison.Ordinal);
        if (brace >= 0)
        {
            // One annotation, at the end, not empty: mL{total}, {score}.
            var annotation = symbol[(brace + 1)..];
            if (annotation.Length < 2 || annotation[^1] != '}' || annotation.AsSpan(0, annotation.Length - 1).IndexOfAny('{', '}') >= 0)
            {
                return UnitAnalysis.Invalid($"unknown unit '{component}'");
            }

            symbol = symbol[..brace];
            if (symbol.Length == 0)
            {
                return UnitAnalysis.Convertible(CanonicalUnit.Unity);
            }
        }

        var exponent = 1;
        var digits = symbol.Length;
        while (digits > 0 && char.IsAsciiDigit(symbol[digits - 1]))
        {
            digits--;
        }

        if (digits < symbol.Length && digits > 0)
        {
            var start = symbol[digits - 1] is '+' or '-' && digits > 1 ? digits - 1 : digits;
            if (!int.TryParse(symbol.AsSpan(start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent)
                || Math.Abs(exponent) > MaxExponent)
            {
                return UnitAnalysis.Invalid($"the exponent of '{component}' is out of range");
            }

            symbol = symbol[..start];
        }

        if (!TryResolve(symbol, out var atom, out var prefix))
        {
            return UnitAnalysis.Invalid($"unknown unit '{component}'");
        }

        var canonical = AnalyzeAtom(atom, depth);
        if (!canonical.IsValid)
        {
            return canonical;
        }

        if (canonical.Canonical is not { } atomCanonical)
        {
            return NotRatioScale(unit, component);
        }

        var result = CanonicalUnit.Multiply(new CanonicalUnit(prefix), atomCanonical).Power(exponent);
        if (Math.Abs(result.SubstanceExponent) > MaxSubstanceExponent)
        {
            return UnitAnalysis.Invalid("it has an unsupported power of the mole");
        }

        return UnitAnalysis.Convertible(result);
    }

    /// <summary>The atom a symbol names: the whole symbol when it is an atom (cd, Pa, ph), else a prefix and a metric atom.</summary>
    private bool TryResolve(string symbol, out UcumAtom atom, out ScaledDecimal prefix)
    {
        prefix = ScaledDecimal.One;
        if (table.Atoms.TryGetValue(symbol, out var whole))
        {
            atom = whole;
            return true;
        }

        foreach (var (code, factor) in table.Prefixes)
        {
            if (symbol.Length > code.Length && symbol.StartsWith(code, StringComparison.Ordinal)
                && table.Atoms.TryGetValue(symbol[code.Length..], out var prefixed) && prefixed.IsMetric)
            {
                atom = prefixed;
                prefix = factor;
                return true;
            }
        }

        atom = null!;
        return false;
    }

    /// <summary>
    /// One atom in base units, following its definition: base units, the mole and innermost arbitrary units are
    /// dimensions of their own; a special unit is valid but not convertible.
    /// </summary>
    private UnitAnalysis AnalyzeAtom(UcumAtom atom, int depth)
    {
        if (atoms.TryGetValue(atom.Code, out var known))
        {
            return known;
        }

        if (depth > MaxDefinitionDepth)
        {
            return UnitAnalysis.Invalid($"cannot interpret '{atom.Code}'");
        }

        UnitAnalysis result;
        if (atom.IsSpecial)
        {
            result = UnitAnalysis.NotConvertible($"'{atom.Code}' is not a ratio-scale unit");
        }
        else if (atom.IsBase || string.Equals(atom.Code, CanonicalUnit.SubstanceSymbol, StringComparison.Ordinal))
        {
            result = UnitAnalysis.Convertible(new CanonicalUnit(ScaledDecimal.One, atom.Code));
        }
        else
        {
            var definition = new TermReader(this, atom.Definition!, depth + 1).ReadMainTerm();
            if (!definition.IsValid)
            {
                result = UnitAnalysis.Invalid($"cannot interpret '{atom.Code}'");
            }
            else if (definition.Canonical is not { } defined)
            {
                result = definition;
            }
            else if (atom.IsArbitrary && !HasArbitraryDimension(defined))
            {
                // [IU] is defined as [iU]: the innermost arbitrary unit names the dimension.
                result = UnitAnalysis.Convertible(new CanonicalUnit(ScaledDecimal.One, atom.Code));
            }
            else
            {
                result = UnitAnalysis.Convertible(CanonicalUnit.Multiply(new CanonicalUnit(atom.Factor), defined));
            }
        }

        atoms[atom.Code] = result;
        return result;
    }

    private bool IsArbitrary(string code) => table.Atoms.TryGetValue(code, out var atom) && atom.IsArbitrary;

    private bool HasArbitraryDimension(CanonicalUnit unit)
    {
        foreach (var symbol in unit.Symbols)
        {
            if (IsArbitrary(symbol))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Reads the UCUM term structure: <c>["/"] term</c>, where a term is components joined by
    /// <c>.</c> and <c>/</c> (left to right, so <c>L/min/m2</c> is L·min⁻¹·m⁻²) and a component is
    /// a parenthesised term, an integer factor or a unit symbol with optional exponent and annotation.
    /// </summary>
    private sealed class TermReader(UcumCanonicalizer owner, string unit, int depth)
    {
        private int position;

        // A valid component without a ratio scale (Cel) makes the whole unit unconvertible, but
        // reading goes on so that the rest of the text is still checked.
        private UnitAnalysis? notConvertible;

        public UnitAnalysis ReadMainTerm()
        {
            // The first character outside '!'..'~' (span search: no LINQ over char to JIT-compile in a fresh process).
            var at = unit.AsSpan().IndexOfAnyExceptInRange('!', '~');
            var bad = at < 0 ? '\0' : unit[at];
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
            return !text.AsSpan().ContainsAnyExceptInRange('0', '9') ? ReadFactor(text) : owner.AnalyzeComponent(unit, text, depth);
        }

        private UnitAnalysis ReadFactor(string digits)
        {
            if (!decimal.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var factor) || factor == 0m)
            {
                return Invalid($"'{digits}' is not a usable factor");
            }

            return UnitAnalysis.Convertible(new CanonicalUnit(ScaledDecimal.Create(factor, 0)));
        }

        private char Peek() => position < unit.Length ? unit[position] : '\0';

        private static UnitAnalysis Invalid(string reason) => UnitAnalysis.Invalid(reason);
    }
}
