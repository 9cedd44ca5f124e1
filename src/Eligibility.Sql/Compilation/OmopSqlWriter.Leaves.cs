using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Eligibility.Binding;
using Eligibility.Codes;
using Eligibility.Compilation.Nodes;
using Eligibility.Evaluation;
using Eligibility.Model;
using Eligibility.Time;
using Eligibility.Units;

namespace Eligibility.Sql.Compilation;

/// <summary>The leaves: concept sets, measurements, conditions, procedures, medications and judgements.</summary>
internal sealed partial class OmopSqlWriter
{
    /// <summary>
    /// The concept's codes resolved through the database's own vocabulary, once per concept: source codes → concept IDs
    /// (ICD-10 and ATC by prefix, ignoring dots and case), then non-standard → standard through 'Maps to', then
    /// descendants through <c>concept_ancestor</c>. Each concept ID keeps the member drug it came from and how long one
    /// dose of it lasts (the longest prefix wins, as in the in-process matcher).
    /// </summary>
    private string ConceptSet(BoundConcept concept) => ConceptSet(concept, concept.Name, concept.Matcher, concept.ExposureLastsOf);

    /// <summary>The concept set of a declared answer's codes.</summary>
    private string AnswerSet(BoundConcept concept, string answer, BoundAnswer bound) =>
        ConceptSet(bound, concept.Name + " answer " + answer, bound.Codes, _ => null, required: false);

    private string ConceptSet(object key, string name, CodeMatcher matcher, Func<string, IsoDuration?> lasts, bool required = true)
    {
        if (shared.ByKey.TryGetValue(key, out string? existing))
        {
            NoteSetRead(existing);
            return existing;
        }

        var rows = new List<string>();
        var memberOrder = new Dictionary<string, int>(StringComparer.Ordinal);
        bool withLengths = false;
        foreach (var (system, code, member) in matcher.Entries())
        {
            bool prefix = CodeSystems.IsPrefixSystem(CodeSystems.Normalise(system));
            var length = lasts(member);
            withLengths |= length is not null;
            var (months, days) = Parts(length);
            if (!memberOrder.TryGetValue(member, out int ordinal))
            {
                ordinal = memberOrder.Count;
                memberOrder[member] = ordinal;
            }

            foreach (string vocabulary in VocabulariesOf(system))
            {
                rows.Add($"({Text(member)}, {Text(vocabulary)}, {Text(code)}, {(prefix ? "TRUE" : "FALSE")}, {months}, {days}, {ordinal.ToString(CultureInfo.InvariantCulture)})");
            }
        }

        if (memberOrder.Count >= MembersPerSet)
        {
            throw new UnsupportedRuleException($"concept '{name}' has {memberOrder.Count} member concepts; the SQL back end ranks at most {MembersPerSet - 1}");
        }

        if (rows.Count == 0)
        {
            if (required)
            {
                throw new UnsupportedRuleException($"none of the codes of concept '{name}' is in an OMOP vocabulary (LOINC, SNOMED, RxNorm, ICD10CM/ICD10, ATC, CVX) or local (" + LocalSystem + ")");
            }

            rows.Add("(NULL, NULL, NULL, FALSE, NULL, NULL, 0)"); // matches nothing
        }

        // The same codes (another trial's concept, or another concept naming them) share one table.
        string content = (required ? "required\n" : "optional\n") + string.Join("\n", rows);
        if (shared.ByContent.TryGetValue(content, out string? same))
        {
            shared.ByKey[key] = same;
            NoteSetRead(same);
            return same;
        }

        string table = "elig_set" + shared.ByContent.Count.ToString(CultureInfo.InvariantCulture);
        shared.ByKey[key] = table;
        shared.ByContent[content] = table;
        if (withLengths)
        {
            shared.WithLengths.Add(table);
        }

        if (required && matcher.Entries().Any(e => CodeSystems.Normalise(e.System) == LocalSystem))
        {
            shared.LocalSets.Add(table);
            NoteSetRead(table);
        }
        var writing = sql;
        sql = sets;
        Line($"-- concept set '{OneLine(name)}'");
        CreateTable(table + "_codes", dialect.Values(
            rows,
            ("member", "VARCHAR"), ("vocabulary_id", "VARCHAR"), ("code", "VARCHAR"), ("prefix", "BOOLEAN"), ("ext_months", "INTEGER"), ("ext_days", "INTEGER"), ("ord", "INTEGER")));
        // Where several members reach one concept, one member wins, and its own dose length comes with it (never one
        // member's name with another's length): the longest code first (an exact code above any prefix), then the code's
        // own concept above one it maps to above a descendant (tier 0, 1, 2), then the member listed first.
        CreateTable(table, $"""
            WITH direct AS (
              SELECT c.concept_id, x.member, x.ord, 1000 AS rank, 0 AS tier
              FROM {table}_codes x JOIN {dialect.Cdm("concept")} c ON c.vocabulary_id = x.vocabulary_id AND c.concept_code = x.code
              WHERE NOT x.prefix
              UNION ALL
              SELECT c.concept_id, x.member, x.ord, length(x.code) AS rank, 0 AS tier
              FROM {table}_codes x JOIN {dialect.Cdm("concept")} c ON c.vocabulary_id = x.vocabulary_id
                AND {dialect.StartsWith("upper(replace(c.concept_code, '.', ''))", "x.code")}
              WHERE x.prefix),
            mapped AS (
              SELECT * FROM direct
              UNION ALL
              SELECT r.concept_id_2, d.member, d.ord, d.rank, 1 AS tier
              FROM direct d JOIN {dialect.Cdm("concept_relationship")} r ON r.concept_id_1 = d.concept_id
              WHERE r.relationship_id = 'Maps to' AND r.invalid_reason IS NULL),
            expanded AS (
              SELECT * FROM mapped
              UNION ALL
              SELECT a.descendant_concept_id, m.member, m.ord, m.rank, 2 AS tier
              FROM mapped m JOIN {dialect.Cdm("concept_ancestor")} a ON a.ancestor_concept_id = m.concept_id),
            winner AS (
              SELECT concept_id, {dialect.ArgBy("member", $"CAST(rank AS BIGINT) * {MembersPerSet * 3} + (2 - tier) * {MembersPerSet} + ({MembersPerSet - 1} - ord)", largest: true)} AS member
              FROM expanded GROUP BY concept_id),
            lengths AS (SELECT DISTINCT member, ext_months, ext_days FROM {table}_codes)
            SELECT w.concept_id, w.member, l.ext_months, l.ext_days
            FROM winner w JOIN lengths l ON l.member = w.member
            """);
        sql = writing;
        return table;
    }

    /// <summary>The most member concepts one concept set ranks (the member's place is one digit of its preference key).</summary>
    private const int MembersPerSet = 1_000_000;

    /// <summary>A duration as (months, days) for SQL calendar arithmetic: years and months first, then weeks and days.</summary>
    private static (string Months, string Days) Parts(IsoDuration? d) => d is { } x
        ? (((x.Years * 12) + x.Months).ToString(CultureInfo.InvariantCulture), ((x.Weeks * 7) + x.Days).ToString(CultureInfo.InvariantCulture))
        : ("NULL", "NULL");

    /// <summary>
    /// A drug record's <paramref name="end"/> extended by its set row's dose length (<paramref name="months"/>,
    /// <paramref name="days"/>; none when NULL); the end itself when no member of the <paramref name="set"/> has a length
    /// (no date arithmetic on every record: NCT07077486's drug pass spent 1.2 s of CPU on it at 1,000,000 persons).
    /// </summary>
    private string Extended(string set, string end, string months, string days) => shared.WithLengths.Contains(set)
        ? $"CASE WHEN {months} IS NULL THEN {end} ELSE {AddDuration(end, months, days)} END"
        : end;

    /// <summary><paramref name="date"/> plus a duration given as months and days (months first, clamped to month end).</summary>
    private string AddDuration(string date, string months, string days) => dialect.AddMonthsThenDays(date, months, days);

    /// <summary>Whether either concept column of a record lies in the set (NULL columns never match).</summary>
    private static string InSet(string set, params string[] columns) =>
        "(" + string.Join(" OR ", columns.Select(c => $"COALESCE({c} IN (SELECT concept_id FROM {set}), FALSE)")) + ")";

    private string NotExcepted(IReadOnlyList<BoundConcept> except, params string[] columns) =>
        except.Count == 0 ? "TRUE" : string.Join(" AND ", except.Select(e => "NOT " + InSet(ConceptSet(e), columns)));

    /// <summary>
    /// Per person with records: 2 when some record is a hit, else 1 when one is undecided, else the absent status; everyone
    /// else has the absent status.
    /// </summary>
    private string SparseFindings(string records, bool absentUnknown) => Sparse($"""
        SELECT person_id, CASE WHEN hit THEN 2 WHEN undecided THEN 1 ELSE {(absentUnknown ? 1 : 0)} END AS s, FALSE AS p FROM (
          SELECT person_id, bool_or(hit) AS hit, bool_or(undecided) AS undecided FROM (
            {records}){dialect.DerivedAlias("r")} GROUP BY person_id){dialect.DerivedAlias("h")}
        """, absentUnknown ? "1" : "0", "FALSE");


    private string Measurement(RuleNode rule)
    {
        var concept = ((MeasurementNode)rule).Concept;
        var bounds = ((MeasurementNode)rule).Bounds;
        string? unit = ((MeasurementNode)rule).Unit;
        string? limit = ((MeasurementNode)rule).LimitName;
        var lookback = ((MeasurementNode)rule).Lookback;
        bool absentFalse = ((MeasurementNode)rule).AbsentFalse;
        var compute = ((MeasurementNode)rule).Compute;
        string set = ConceptSet(concept);
        var w = Window(lookback);
        string latest = Latest(set, w);
        string absent = absentFalse ? "0" : "1";
        if (unit is not null)
        {
            string factors = Factors(code => Factor(code, unit, concept.MolarMass));
            string converted = $"""
                WITH latest AS ({latest}),
                converted AS (SELECT latest.person_id, latest.v * f.factor AS x FROM latest LEFT JOIN {factors} f ON f.code = latest.unit)
                """;
            if (compute is null && w.End == asOf)
            {
                string x = $"(l.v * {FactorCase(code => Factor(code, unit, concept.MolarMass), "l.unit")})";
                return LatestLeaf(set, w, x, c => $"CASE WHEN {c} IS NULL THEN 1 WHEN {Satisfies(bounds, c)} THEN 2 ELSE 0 END", absent, readsSex: false);
            }

            if (compute is null)
            {
                return Sparse($"""
                    {converted}
                    SELECT c.person_id, CASE WHEN c.x IS NULL THEN 1 WHEN {Satisfies(bounds, "c.x")} THEN 2 ELSE 0 END AS s, FALSE AS p
                    FROM converted c
                    """, absent, "FALSE");
            }

            // No reported value in the window: computed from the latest creatinine (and weight), else unknown (also
            // the status of everyone with neither). The two values are one shared table (the same statement in another
            // trial reads it); each leaf compares them with its own bounds.
            string values = ComputedValues($"""
                {converted},
                {Computed(compute, w, unit)}
                SELECT person_id, c.person_id IS NULL AS no_reported, c.x AS reported, k.x AS computed
                FROM converted c FULL JOIN computed k USING (person_id)
                """);
            return Sparse($"""
                SELECT person_id, CASE WHEN no_reported THEN (CASE WHEN computed IS NULL THEN 1 WHEN {Satisfies(bounds, "computed")} THEN 2 ELSE 0 END)
                  WHEN reported IS NULL THEN 1 WHEN {Satisfies(bounds, "reported")} THEN 2 ELSE 0 END AS s, FALSE AS p
                FROM {values}
                """, "1", "FALSE");
        }

        if (compute is not null)
        {
            throw new UnsupportedRuleException("a computed value compared with a limit of normal is not supported");
        }

        bool upper = limit == "ULN";
        string? limitUnit = upper ? concept.UlnUnit : concept.LlnUnit;
        decimal? For(Eligibility.Patients.AdministrativeSex sex) => upper ? concept.DefaultUln(sex) : concept.DefaultLln(sex);
        string Default(Eligibility.Patients.AdministrativeSex sex, string code) =>
            For(sex) is { } declared && limitUnit is not null && UnitConverter.Instance.TryConvert(declared, limitUnit, code, concept.MolarMass, out decimal d, out _)
                ? Number(d) : "NULL";
        var defaults = unitCodes.Select(code =>
            $"({Text(code)}, CAST({Default(Eligibility.Patients.AdministrativeSex.Female, code)} AS DECIMAL(38,10)), CAST({Default(Eligibility.Patients.AdministrativeSex.Male, code)} AS DECIMAL(38,10)), CAST({Default(Eligibility.Patients.AdministrativeSex.Unknown, code)} AS DECIMAL(38,10)))").ToList();
        string defaultTable = defaults.Count == 0
            ? $"(SELECT {dialect.TypedNull("VARCHAR")} AS code, {dialect.TypedNull("DECIMAL(38,10)")} AS f, {dialect.TypedNull("DECIMAL(38,10)")} AS m, {dialect.TypedNull("DECIMAL(38,10)")} AS u WHERE FALSE)"
            : $"(SELECT * FROM (VALUES {string.Join(", ", defaults)}) AS v(code, f, m, u))";
        string range = upper ? "latest.hi" : "latest.lo";
        // The result's own limit is in its own unit, but a blank unit code is no unit: unknown, as in the engine.
        var readable = unitCodes.Where(code => Factor(code, code, concept.MolarMass) is not null).Select(Text).ToList();
        string unreadable = readable.Count == 0 ? "TRUE" : $"latest.unit NOT IN ({string.Join(", ", readable)})";
        if (w.End == asOf)
        {
            // The same limit and status over a row of elig_latest (alias l), the sex's default limit by a CASE on the unit.
            string Defaults(Eligibility.Patients.AdministrativeSex sex) => unitCodes.Count == 0 ? dialect.TypedNull("DECIMAL(38,10)")
                : $"(CASE l.unit{string.Concat(unitCodes.Select(code => $" WHEN {Text(code)} THEN CAST({Default(sex, code)} AS DECIMAL(38,10))"))} END)";
            string row = upper ? "l.hi" : "l.lo";
            string lim = $"(CASE WHEN l.unit IS NULL OR {unreadable.Replace("latest.unit", "l.unit", StringComparison.Ordinal)} THEN NULL WHEN {row} IS NOT NULL THEN CAST({row} AS DECIMAL(38,10))"
                + $" ELSE CASE pp.sex WHEN 'F' THEN {Defaults(Eligibility.Patients.AdministrativeSex.Female)} WHEN 'M' THEN {Defaults(Eligibility.Patients.AdministrativeSex.Male)} ELSE {Defaults(Eligibility.Patients.AdministrativeSex.Unknown)} END END)";
            // The limit is NULL when the unit is: "unit IS NULL" is within "limit IS NULL".
            return LatestLeaf(set, w, lim, c => $"CASE WHEN {c} IS NULL OR {c} <= 0 THEN 1 WHEN {SatisfiesRatio(bounds, "l.v", c)} THEN 2 ELSE 0 END", absent, readsSex: true);
        }

        return Sparse($"""
            WITH latest AS ({latest}),
            limited AS (
              SELECT latest.person_id, latest.v, latest.unit,
                CASE WHEN latest.unit IS NULL OR {unreadable} THEN NULL WHEN {range} IS NOT NULL THEN CAST({range} AS DECIMAL(38,10))
                  ELSE CASE pp.sex WHEN 'F' THEN d.f WHEN 'M' THEN d.m ELSE d.u END END AS lim
              FROM latest JOIN elig_person pp USING (person_id) LEFT JOIN {defaultTable} d ON d.code = latest.unit)
            SELECT c.person_id, CASE WHEN c.unit IS NULL OR c.lim IS NULL OR c.lim <= 0 THEN 1
              WHEN {SatisfiesRatio(bounds, "c.v", "c.lim")} THEN 2 ELSE 0 END AS s, FALSE AS p
            FROM limited c
            """, absent, "FALSE");
    }

    /// <summary>
    /// The most recent numeric result of the concept set in the window (ties: the highest row ID), with its UCUM unit:
    /// read from the shared table of each set's latest numeric result up to as-of (<see cref="WriteLatest"/>) — the
    /// latest in a window ending on as-of is that one when it lies inside, else there is none.
    /// </summary>
    private string Latest(string set, DateWindow w)
    {
        if (w.End != asOf)
        {
            return LatestScan(set, w);
        }

        shared.LatestSets[set] = shared.LatestSets.TryGetValue(set, out var earliest) && earliest < w.Start ? earliest : w.Start;

        return $"SELECT person_id, v, unit, hi, lo, d FROM {LatestTable} WHERE set_id = {SetId(set)} AND d >= {Date(w.Start)}";
    }

    /// <summary>The most recent numeric result of the concept set in the window (ties: the highest row ID), with its UCUM unit, from a scan of the measurement copy.</summary>
    private string LatestScan(string set, DateWindow w) => dialect.FirstInGroup(
        "m.person_id, m.value_as_number AS v, u.concept_code AS unit, m.range_high AS hi, m.range_low AS lo, m.measurement_date AS d",
        $"\n  FROM {Fact("measurement")} m LEFT JOIN {dialect.Cdm("concept")} u ON u.concept_id = m.unit_concept_id AND u.vocabulary_id = 'UCUM'"
        + $"\n  WHERE m.value_as_number IS NOT NULL AND m.measurement_date BETWEEN {Date(w.Start)} AND {Date(w.End)}"
        + $"\n    AND {InSet(set, "m.measurement_concept_id", "m.measurement_source_concept_id")}",
        "PARTITION BY m.person_id ORDER BY m.measurement_date DESC, m.measurement_id DESC",
        "  ");

    /// <summary>
    /// The CTEs <c>scr</c> (creatinine in mg/dL), <c>wt</c> (weight in kg, Cockcroft–Gault only) and <c>computed</c>
    /// (person_id, x: the computed value rounded to one decimal, in the rule's unit; NULL when an input is missing or unusable).
    /// CKD-EPI 2021 in doubles in the engine's order of operations; Cockcroft–Gault in decimals.
    /// </summary>
    private string Computed(ComputedMeasure compute, DateWindow w, string unit)
    {
        string kind = compute.Kind;
        var creatinine = compute.Creatinine;
        var weight = compute.Weight;
        bool ckd = kind == ComputedMeasure.CkdEpi2021;
        if (!ckd && weight is null)
        {
            throw new UnsupportedRuleException("Cockcroft–Gault without a weight concept");
        }

        string resultFactor = Factor(compute.ResultUnit, unit, null) is { } rf ? Number(rf) : "NULL";
        string scr = $"""
            scr AS (SELECT s.person_id, s.d, s.v * f.factor AS mg FROM ({Latest(ConceptSet(creatinine), w)}) s
              LEFT JOIN {Factors(code => Factor(code, "mg/dL", creatinine.MolarMass))} f ON f.code = s.unit)
            """;
        string age = AgeAt("p.birth", "s.d");
        string formula;
        string weightCte = string.Empty;
        string weightJoin = string.Empty;
        string weightMissing = string.Empty;
        if (ckd)
        {
            string r = $"(CAST(s.mg AS {dialect.Type("DOUBLE")}) / (CASE p.sex WHEN 'F' THEN 0.7 ELSE 0.9 END))";
            formula = dialect.RoundDouble($"142 * pow(least({r}, 1), CASE p.sex WHEN 'F' THEN -0.241 ELSE -0.302 END) * pow(greatest({r}, 1), -1.200) * pow({dialect.DoubleLiteral("0.9938")}, {age}) * (CASE p.sex WHEN 'F' THEN 1.012 ELSE 1.0 END)", 1);
        }
        else
        {
            weightCte = $"""
                ,
                wt AS (SELECT s.person_id, s.v * f.factor AS kg FROM ({Latest(ConceptSet(weight!), w)}) s
                  LEFT JOIN {Factors(code => Factor(code, "kg", weight!.MolarMass))} f ON f.code = s.unit)
                """;
            weightJoin = " LEFT JOIN wt USING (person_id)";
            weightMissing = " OR wt.kg IS NULL";
            formula = $"round(CAST((140 - {age}) AS DECIMAL(38,10)) * CAST(wt.kg AS DECIMAL(38,10)) / (72 * CAST(s.mg AS DECIMAL(38,10))) * (CASE p.sex WHEN 'F' THEN 0.85 ELSE 1 END), 1)";
        }

        return $"""
            {scr}{weightCte},
            computed AS (SELECT s.person_id,
              CASE WHEN s.mg IS NULL OR s.mg <= 0 OR p.birth IS NULL OR p.sex IS NULL{weightMissing} THEN NULL
                ELSE CAST({formula} AS DECIMAL(18,1)) * {resultFactor} END AS x
              FROM scr s JOIN elig_person p USING (person_id){weightJoin})
            """;
    }

    /// <summary>Completed years from a birth date column to a date column; a 29 February birthday is 1 March in common years.</summary>
    private string AgeAt(string birth, string on)
    {
        string yOn = dialect.Year(on), yBirth = dialect.Year(birth), mBirth = dialect.Month(birth), dBirth = dialect.Day(birth);
        return $"({yOn} - {yBirth} - CASE WHEN (CASE WHEN {mBirth} = 2 AND {dBirth} = 29 AND NOT ({yOn} % 4 = 0 AND ({yOn} % 100 <> 0 OR {yOn} % 400 = 0)) THEN 301 ELSE {mBirth} * 100 + {dBirth} END) > {dialect.Month(on)} * 100 + {dialect.Day(on)} THEN 1 ELSE 0 END)";
    }

    /// <summary>The factor from a database unit to the rule's unit by the library's converter, or null when it does not convert.</summary>
    private static decimal? Factor(string code, string unit, decimal? molarMass) =>
        UnitConverter.Instance.TryConvert(1m, code, unit, molarMass, out decimal f, out _) ? f : null;

    /// <summary>
    /// A table (code, factor) over the database's unit codes. Factors exact at 12 decimals stay decimals (exact
    /// comparisons at thresholds); others are doubles.
    /// </summary>
    private string Factors(Func<string, decimal?> factor)
    {
        var (known, type) = KnownFactors(factor);
        return known.Count == 0
            ? $"(SELECT {dialect.TypedNull("VARCHAR")} AS code, {dialect.TypedNull("DECIMAL(20,12)")} AS factor WHERE FALSE)"
            : $"(SELECT * FROM (VALUES {string.Join(", ", known.Select(x => $"({Text(x.Code)}, CAST({Number(x.Factor)} AS {type}))"))}) AS v(code, factor))";
    }

    /// <summary>The database's unit codes that convert, with their factors, and the SQL type every factor is written in.</summary>
    private (List<(string Code, decimal Factor)> Known, string Type) KnownFactors(Func<string, decimal?> factor)
    {
        var known = unitCodes.Select(c => (Code: c, Factor: factor(c))).Where(x => x.Factor is not null).Select(x => (x.Code, x.Factor!.Value)).ToList();
        bool exact = known.All(x => Math.Abs(x.Item2) < 100_000_000m && decimal.Round(x.Item2, 12) == x.Item2);
        return (known, exact ? "DECIMAL(20,12)" : dialect.Type("DOUBLE"));
    }

    private string Condition(RuleNode rule)
    {
        var concept = ((ConditionNode)rule).Concept;
        var mode = ((ConditionNode)rule).Mode;
        var window = ((ConditionNode)rule).Window;
        var except = ((ConditionNode)rule).Except;
        bool absentUnknown = ((ConditionNode)rule).AbsentUnknown;
        string set = ConceptSet(concept);
        string[] columns = { "c.condition_concept_id", "c.condition_source_concept_id" };
        string hit = mode switch
        {
            EventMode.History => "TRUE",
            EventMode.Active => $"(c.condition_end_date IS NULL OR c.condition_end_date >= {Date(asOf)})",
            EventMode.OccurredWithin => $"c.condition_start_date >= {Date(Window(window!.Value).Start)}",
            EventMode.ActiveWithin => $"COALESCE(c.condition_end_date, {Date(asOf)}) >= {Date(Window(window!.Value).Start)}",
            EventMode.OnsetBefore => $"c.condition_start_date <= {Date(window!.Value.SubtractFrom(asOf))}",
            _ => throw new UnsupportedRuleException($"condition mode {mode} is not supported"),
        };
        string where = $"c.condition_start_date <= {Date(asOf)}";
        string match = $"{InSet(set, columns)} AND {NotExcepted(except, columns)}";
        GroupFindings("condition_occurrence", "c", where, match, hit, "FALSE", absentUnknown);
        return SparseFindings($"""
            SELECT c.person_id, {hit} AS hit, FALSE AS undecided FROM {Fact("condition_occurrence")} c
                WHERE {where} AND {match}
            """, absentUnknown);
    }

    private string Procedure(RuleNode rule)
    {
        var concept = ((ProcedureNode)rule).Concept;
        var window = ((ProcedureNode)rule).Window;
        var except = ((ProcedureNode)rule).Except;
        bool absentUnknown = ((ProcedureNode)rule).AbsentUnknown;
        string set = ConceptSet(concept);
        string[] columns = { "x.procedure_concept_id", "x.procedure_source_concept_id" };
        string hit = window is { } d ? $"x.procedure_date >= {Date(Window(d).Start)}" : "TRUE";
        string where = $"x.procedure_date <= {Date(asOf)}";
        string match = $"{InSet(set, columns)} AND {NotExcepted(except, columns)}";
        GroupFindings("procedure_occurrence", "x", where, match, hit, "FALSE", absentUnknown);
        return SparseFindings($"""
            SELECT x.person_id, {hit} AS hit, FALSE AS undecided FROM {Fact("procedure_occurrence")} x
                WHERE {where} AND {match}
            """, absentUnknown);
    }

    private string Medication(RuleNode rule)
    {
        var concept = ((MedicationNode)rule).Concept;
        var mode = ((MedicationNode)rule).Mode;
        var window = ((MedicationNode)rule).Window;
        bool onlyIfCurrent = ((MedicationNode)rule).OnlyIfCurrent;
        bool absentUnknown = ((MedicationNode)rule).AbsentUnknown;
        if (mode == MedicationMode.Stable)
        {
            return Stable((MedicationNode)rule);
        }

        var longerThan = ((MedicationNode)rule).LongerThan;
        string set = ConceptSet(concept);
        // A record's (hit, undecided, current), the set's columns read through col (the set's row of the record).
        (string Dosed, string Undecided, string Current) Record(System.Func<string, string> col)
        {
            string end = $"COALESCE(d.drug_exposure_end_date, {Date(asOf)})";
            string extended = Extended(set, end, col("ext_months"), col("ext_days"));
            string lastExtended = $"LEAST({extended}, {Date(asOf)})";
            string current = $"{lastExtended} >= {Date(asOf)}";
            string hit = mode switch
            {
                MedicationMode.Current => current,
                MedicationMode.Within => $"LEAST({end}, {Date(asOf)}) >= {Date(Window(window!.Value).Start)}",
                _ => "TRUE",
            };
            var (dosed, undecided) = WithDose((MedicationNode)rule, hit, col("member"));
            return (dosed, undecided, current);
        }

        var (dosed, undecided, current) = Record(c => "s." + c);
        if (!onlyIfCurrent && longerThan is null)
        {
            // In the drug_exposure group: the record's set row by its concept, else by its source concept.
            string k = GroupName(currentIndex);
            string a = $"s{k}a", b = $"s{k}b";
            var grouped = Record(c => $"(CASE WHEN {a}.concept_id IS NOT NULL THEN {a}.{c} ELSE {b}.{c} END)");
            var joins = new List<string>();
            if (((MedicationNode)rule).Dose is not null)
            {
                joins.Add(StrengthJoin());
            }

            // The set's rows come from the group's one table of them (SetRows), not two joins of this set per leaf.
            GroupFindings("drug_exposure", "d", $"d.drug_exposure_start_date <= {Date(asOf)}", $"({a}.concept_id IS NOT NULL OR {b}.concept_id IS NOT NULL)", grouped.Dosed, grouped.Undecided, absentUnknown, joins);
            grouping = grouping! with { SetRowsRead = new[] { (set, a, b, "d.drug_concept_id", "d.drug_source_concept_id") } };
        }

        string records = $"""
            SELECT d.person_id, {dosed} AS hit, {undecided} AS undecided, {current} AS cur
                FROM {Fact("drug_exposure")} d
                JOIN {set} s ON s.concept_id = d.drug_concept_id{StrengthJoin((MedicationNode)rule)}
                WHERE d.drug_exposure_start_date <= {Date(asOf)}
                UNION ALL
                SELECT d.person_id, {dosed} AS hit, {undecided} AS undecided, {current} AS cur
                FROM {Fact("drug_exposure")} d
                JOIN {set} s ON s.concept_id = d.drug_source_concept_id{StrengthJoin((MedicationNode)rule)}
                WHERE d.drug_exposure_start_date <= {Date(asOf)} AND NOT COALESCE(d.drug_concept_id IN (SELECT concept_id FROM {set}), FALSE)
            """;
        if (!onlyIfCurrent && longerThan is null)
        {
            return SparseFindings(records, absentUnknown);
        }

        string findings = longerThan is { } minimum ? Cumulative(set, mode, window, minimum, absentUnknown, (MedicationNode)rule) : SparseFindings(records, absentUnknown);
        if (!onlyIfCurrent)
        {
            return findings;
        }

        // "If currently on it": a patient not currently exposed meets the criterion (the default); one currently exposed
        // has the findings' status.
        string absent = sparseDefault!.Value.S;
        return Sparse($"""
            WITH f AS ({findings}),
            cur AS (SELECT person_id, bool_or(cur) AS cur FROM ({records}){dialect.DerivedAlias("r")} GROUP BY person_id)
            SELECT cur.person_id, COALESCE(f.s, {absent}) AS s, FALSE AS p
            FROM cur LEFT JOIN f ON f.person_id = cur.person_id
            WHERE cur.cur
            """, "2", "FALSE");
    }

    /// <summary>
    /// "For more than D in total": the days covered by the union of the exposure intervals inside the window (doses not
    /// extended) must exceed D; any exposure in the window that does not reach it is false.
    /// </summary>
    private string Cumulative(string set, MedicationMode mode, IsoDuration? window, IsoDuration minimum, bool absentUnknown, MedicationNode rule)
    {
        if (mode is not (MedicationMode.Ever or MedicationMode.Within))
        {
            throw new UnsupportedRuleException("cumulative exposure (longerThan) is supported for 'ever' and 'within' only");
        }

        string start = mode == MedicationMode.Within ? Date(Window(window!.Value).Start) : null!;
        string from = mode == MedicationMode.Within ? $"GREATEST(d.drug_exposure_start_date, {start})" : "d.drug_exposure_start_date";
        string last = $"LEAST(COALESCE(d.drug_exposure_end_date, {Date(asOf)}), {Date(asOf)})";
        string inWindow = mode == MedicationMode.Within ? $" AND {last} >= {start}" : string.Empty;
        int needed = asOf.DayNumber - minimum.SubtractFrom(asOf).DayNumber;
        var (dosed, undecided, dosedFrom) = CumulativeDose(rule, set, inWindow);
        // Only the persons with exposures in the window, or with one whose dose is unknown (unknown); everyone else absent.
        return Sparse($"""
            WITH iv AS (
              SELECT DISTINCT d.drug_exposure_id, d.person_id, {from} AS a, {last} AS b FROM {Fact("drug_exposure")} d{dosedFrom}
              WHERE d.drug_exposure_start_date <= {Date(asOf)}{inWindow}
                AND {InSet(set, "d.drug_concept_id", "d.drug_source_concept_id")}{dosed}),
            ordered AS (
              SELECT person_id, a, b, max(b) OVER (PARTITION BY person_id ORDER BY a, b, drug_exposure_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reached
              FROM iv),
            covered AS (
              SELECT person_id, sum(CASE WHEN b >= (CASE WHEN reached IS NOT NULL AND reached >= a THEN {dialect.AddDays("reached", "1")} ELSE a END)
                THEN {dialect.DaysBetween($"CASE WHEN reached IS NOT NULL AND reached >= a THEN {dialect.AddDays("reached", "1")} ELSE a END", "b")} + 1 ELSE 0 END) AS days
              FROM ordered GROUP BY person_id){(undecided is null ? string.Empty : $",\n{undecided}")}
            SELECT {(undecided is null ? "c.person_id" : "COALESCE(c.person_id, u.person_id) AS person_id")}, CASE WHEN c.person_id IS NULL THEN 1 WHEN c.days > {needed.ToString(CultureInfo.InvariantCulture)} THEN 2 ELSE 0 END AS s, FALSE AS p
            FROM covered c{(undecided is null ? string.Empty : " FULL JOIN undecided u ON u.person_id = c.person_id")}
            """, absentUnknown ? "1" : "0", "FALSE");
    }

    private string Judgement(RuleNode rule, Scope scope)
    {
        var validity = ((JudgementNode)rule).Validity;
        var targets = new List<string>();
        for (Scope? s = scope; s is not null; s = s.Parent)
        {
            string target = (trialId + "/" + s.Id).ToLowerInvariant();
            if (!targets.Contains(target))
            {
                targets.Add(target);
            }
        }

        // An expression over the shared answer words (no table of the trial's own), read where the wide table joins them.
        var (months, days) = Parts(validity);
        var (status, pending) = AnswerRead(targets, validity is null ? null : d => $"{AddDuration(d, months, days)} < {Date(asOf)}");
        inlineLeaf = (AnswerWordsTable, status, pending);
        return string.Empty;
    }
}
