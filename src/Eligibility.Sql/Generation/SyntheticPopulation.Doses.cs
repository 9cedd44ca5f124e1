using System;
using System.Collections.Generic;
using System.Linq;
using DuckDB.NET.Data;

namespace Eligibility.Sql.Generation;

/// <summary>
/// Daily doses: each drug concept gets one strength (a drug_strength row: an amount per tablet in mg or g, or a
/// concentration in mg per mL for liquids), or none; each exposure a quantity and days_supply. The native record's daily
/// dose is <c>quantity × strength / days_supply</c> in the strength's unit per day — the definition the SQL applies — and
/// is missing wherever a piece is (no quantity, no strength row).
/// </summary>
internal sealed partial class SyntheticPopulation
{
    // Strengths as (amount, amount unit, numerator, numerator unit, denominator, denominator unit): all values exact, so
    // doses are exact decimals in both engines.
    private static readonly (decimal? Amount, string? AmountUnit, decimal? Numerator, string? NumeratorUnit, decimal? Denominator, string? DenominatorUnit)[] Strengths =
    {
        (1m, "mg", null, null, null, null),
        (2.5m, "mg", null, null, null, null),
        (5m, "mg", null, null, null, null),
        (10m, "mg", null, null, null, null),
        (20m, "mg", null, null, null, null),
        (25m, "mg", null, null, null, null),
        (75m, "mg", null, null, null, null),
        (100m, "mg", null, null, null, null),
        (325m, "mg", null, null, null, null),
        (0.5m, "g", null, null, null, null),
        (null, null, 10m, "mg", 5m, "mL"),
        (null, null, 4m, "mg", null, "mL"),
    };

    // Tablets (or mL) a day: the same few values often, so regimens are as often unchanged as changed.
    private static readonly decimal[] UnitsPerDay = { 1m, 1m, 2m, 2m, 0.5m, 1.5m, 3m, 4m, 8m };

    private readonly Dictionary<int, int?> strengthOf = new();

    /// <summary>The strength of a drug concept (an index into <see cref="Strengths"/>), chosen at its first use; none for about one in eight.</summary>
    private int? StrengthOf(int drugConceptId)
    {
        if (!strengthOf.TryGetValue(drugConceptId, out int? index))
        {
            index = Chance(0.125) ? null : random.Next(Strengths.Length);
            strengthOf[drugConceptId] = index;
            if (index is { } i)
            {
                foreach (string? unit in new[] { Strengths[i].AmountUnit, Strengths[i].NumeratorUnit, Strengths[i].DenominatorUnit })
                {
                    if (unit is not null)
                    {
                        ConceptId("UCUM", unit);
                    }
                }
            }
        }

        return index;
    }

    /// <summary>An exposure's quantity, days_supply and the daily dose they make with the drug's strength (null where a piece is missing).</summary>
    private (decimal? Quantity, int DaysSupply, Quantity? DailyDose) Dose(int drugConceptId, DateOnly start, DateOnly? end)
    {
        int? strength = StrengthOf(drugConceptId);
        int daysSupply = end is { } e ? e.DayNumber - start.DayNumber + 1 : Pick(new[] { 28, 30, 90 });
        decimal perDay = Pick(UnitsPerDay);
        decimal? quantity = Chance(0.06) ? null : perDay * daysSupply;
        if (strength is not { } i || quantity is null)
        {
            return (quantity, daysSupply, null);
        }

        var s = Strengths[i];
        decimal perUnit = s.Amount ?? (s.Numerator!.Value / (s.Denominator ?? 1m));
        return (quantity, daysSupply, new Quantity(perDay * perUnit, (s.AmountUnit ?? s.NumeratorUnit) + "/d"));
    }

    /// <summary>Loads the drug_strength rows of the drugs given a strength.</summary>
    private void WriteStrengths(DuckDBConnection connection)
    {
        var rows = strengthOf.Where(x => x.Value is not null).OrderBy(x => x.Key).Select(x =>
        {
            var s = Strengths[x.Value!.Value];
            int? Unit(string? code) => code is null ? null : ConceptId("UCUM", code);
            return new object?[]
            {
                x.Key, x.Key, s.Amount, Unit(s.AmountUnit), s.Numerator, Unit(s.NumeratorUnit), s.Denominator, Unit(s.DenominatorUnit),
                new DateOnly(1970, 1, 1), new DateOnly(2099, 12, 31),
            };
        }).ToList();
        Append(connection, "drug_strength", rows, "drug_concept_id", "ingredient_concept_id", "amount_value", "amount_unit_concept_id", "numerator_value", "numerator_unit_concept_id", "denominator_value", "denominator_unit_concept_id", "valid_start_date", "valid_end_date");
    }
}
