using System.Linq;
using Eligibility.Compilation.Nodes;

namespace Eligibility.Sql.Compilation;

/// <summary>
/// Daily doses from drug_exposure and drug_strength: a record's daily dose is <c>quantity × strength / days_supply</c>,
/// where the strength is the drug's <c>amount_value</c> (tablets, capsules: quantity counts units) or
/// <c>numerator_value / denominator_value</c> (liquids, quantity in the denominator's unit; a missing denominator_value is
/// one unit), in the UCUM unit of <c>amount_unit_concept_id</c> (else <c>numerator_unit_concept_id</c>) per day,
/// converted to the rule's unit by the library's converter and, for prednisone-equivalent rules, multiplied by the
/// member drug's declared factor. Rounded to 6 decimals. A missing piece — no quantity, no positive days_supply, no valid
/// drug_strength row or several (a combination product: which ingredient is meant is not known), no UCUM unit or one
/// that does not convert to the rule's, no prednisone factor for the drug — makes the record's dose unknown, as a record
/// without a daily dose is for the in-process engine.
/// </summary>
internal sealed partial class OmopSqlWriter
{
    /// <summary>The table <c>elig_strength(drug_concept_id, strength, unit)</c>, written once into the shared part: NULLs when a drug has no usable single row.</summary>
    private string Strength()
    {
        if (!shared.StrengthWritten)
        {
            shared.StrengthWritten = true;
            var writing = sql;
            sql = sets;
            Line("-- drug strengths: one valid drug_strength row per drug (else unknown), per unit of quantity, with its UCUM unit");
            CreateTable("elig_strength", $"""
                WITH x AS (
                  SELECT ds.drug_concept_id,
                    CASE WHEN ds.amount_value IS NOT NULL THEN CAST(ds.amount_value AS {dialect.Type("DOUBLE")})
                      WHEN ds.numerator_value IS NOT NULL AND COALESCE(ds.denominator_value, 1) > 0 THEN CAST(ds.numerator_value AS {dialect.Type("DOUBLE")}) / CAST(COALESCE(ds.denominator_value, 1) AS {dialect.Type("DOUBLE")}) END AS strength,
                    CASE WHEN ds.amount_value IS NOT NULL THEN ds.amount_unit_concept_id ELSE ds.numerator_unit_concept_id END AS unit_id
                  FROM {dialect.Cdm("drug_strength")} ds WHERE ds.invalid_reason IS NULL)
                SELECT x.drug_concept_id, CASE WHEN count(*) = 1 THEN max(x.strength) END AS strength, CASE WHEN count(*) = 1 THEN max(u.concept_code) END AS unit
                FROM x LEFT JOIN {dialect.Cdm("concept")} u ON u.concept_id = x.unit_id AND u.vocabulary_id = 'UCUM'
                GROUP BY x.drug_concept_id
                """);
            sql = writing;
        }

        return "elig_strength";
    }

    /// <summary>The join that brings a record's strength (alias <c>st</c>) to a drug_exposure row aliased <c>d</c>, when the rule has dose bounds.</summary>
    private string StrengthJoin(MedicationNode rule) => rule.Dose is null ? string.Empty : StrengthJoin();

    /// <summary>The join that brings a record's strength (alias <c>st</c>) to a drug_exposure row aliased <c>d</c>.</summary>
    private string StrengthJoin() => $"\n    LEFT JOIN {Strength()} st ON st.drug_concept_id = d.drug_concept_id";

    /// <summary>
    /// A record's (hit, undecided) under the rule's dose bounds: a hit only at a known dose inside them; undecided where
    /// the record would count but its dose is unknown. Without bounds, as given.
    /// </summary>
    private (string Hit, string Undecided) WithDose(MedicationNode rule, string hit, string member)
    {
        if (rule.Dose is null)
        {
            return (hit, "FALSE");
        }

        string dose = DailyDose(rule, member);
        return ($"COALESCE(({hit}) AND {DoseSatisfies(rule, dose)}, FALSE)", $"(COALESCE({hit}, FALSE) AND {dose} IS NULL)");
    }

    /// <summary>
    /// The daily dose of the drug_exposure row <c>d</c> (with <see cref="StrengthJoin()"/>) in the rule's unit — prednisone
    /// equivalent when asked, by the drug <paramref name="member"/> names — as a DECIMAL(38,6), NULL when unknown.
    /// </summary>
    private string DailyDose(MedicationNode rule, string member)
    {
        // Without a rule unit (a stable regimen without dose bounds) each dose stays in its own unit, as the engine compares them.
        string? doseUnit = rule.DoseUnit;
        var factors = unitCodes.Select(code => (Code: code, Factor: doseUnit is null ? 1m : Factor(code + "/d", doseUnit, null)))
            .Where(x => x.Factor is not null).OrderBy(x => x.Code, System.StringComparer.Ordinal).ToList();
        string unitFactor = factors.Count == 0 ? "NULL"
            : "(CASE st.unit " + string.Concat(factors.Select(x => $"WHEN {Text(x.Code)} THEN {Number(x.Factor!.Value)} ")) + "END)";
        string equivalent = "1";
        if (rule.PrednisoneEquivalent)
        {
            var known = rule.Concept.PrednisoneEquivalence.OrderBy(x => x.Key, System.StringComparer.Ordinal).ToList();
            equivalent = known.Count == 0 ? "NULL" : $"(CASE {member} " + string.Concat(known.Select(x => $"WHEN {Text(x.Key)} THEN {Number(x.Value)} ")) + "END)";
        }

        string dbl = dialect.Type("DOUBLE");
        string value = $"CAST(d.quantity AS {dbl}) * st.strength / CAST(d.days_supply AS {dbl}) * {unitFactor} * {equivalent}";
        return $"(CASE WHEN d.quantity IS NULL OR d.quantity < 0 OR d.days_supply IS NULL OR d.days_supply <= 0 OR st.strength IS NULL THEN NULL"
            + $" ELSE CAST({dialect.RoundDouble(value, 6)} AS DECIMAL(38,6)) END)";
    }

    /// <summary>Whether a daily dose expression satisfies the rule's bounds: TRUE, FALSE, or NULL when the dose is unknown.</summary>
    private static string DoseSatisfies(MedicationNode rule, string dose) => Satisfies(rule.Dose!, dose);

    /// <summary>
    /// For a cumulative rule (<c>longerThan</c>) with dose bounds: the condition keeping only records at a known dose
    /// inside them, the CTE <c>undecided</c> (persons with a record that would count but whose dose is unknown: unknown
    /// when no record qualifies), and the joins both need. Without bounds: nothing (and no CTE).
    /// </summary>
    private (string Dosed, string? Undecided, string From) CumulativeDose(MedicationNode rule, string set, string inWindow)
    {
        if (rule.Dose is null)
        {
            return (string.Empty, null, string.Empty);
        }

        string from = $"\n                LEFT JOIN {set} s ON s.concept_id = d.drug_concept_id LEFT JOIN {set} s2 ON s2.concept_id = d.drug_source_concept_id{StrengthJoin(rule)}";
        string dose = DailyDose(rule, "COALESCE(s.member, s2.member)");
        string undecided = $"""
            undecided AS (
              SELECT DISTINCT d.person_id FROM {Fact("drug_exposure")} d{from}
              WHERE d.drug_exposure_start_date <= {Date(asOf)}{inWindow}
                AND {InSet(set, "d.drug_concept_id", "d.drug_source_concept_id")} AND {dose} IS NULL)
            """;
        return ($" AND COALESCE({DoseSatisfies(rule, dose)}, FALSE)", undecided, from);
    }
}
