using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Eligibility.Patients;

namespace Eligibility.Benchmarks.Comparison;

/// <summary>
/// Hand-written extraction of the 14 criteria's facts from a native <see cref="PatientRecord"/>, following
/// docs/semantics.md for exactly these criteria: the most recent counting result (final, amended, corrected or no
/// status) dated inside the lookback, ties to the later record (one pass over the observations for all nine tests); the units the generated data uses converted with exact
/// decimal factors (anything else unknown); the ULN from the result's reference range, else 40 U/L; eGFR reported, else
/// CKD-EPI 2021 from creatinine (age at the specimen date, female or male); conditions neither refuted nor
/// entered-in-error, ICD-10 and ATC codes by prefix ignoring dots and case; medication records that are real exposure,
/// each dose extended by the longer of the drug's <c>exposureLasts</c> and the record's dosing interval. Plain loops, no
/// LINQ, no allocation. Code systems are compared as spelt in the generated data (the canonical URIs).
/// </summary>
public static class FieldExtractor
{
    // The code systems as the generated data spells them (ComparisonPatients uses these).
    internal const string Loinc = "http://loinc.org";
    internal const string Snomed = "http://snomed.info/sct";
    internal const string Icd10 = "http://hl7.org/fhir/sid/icd-10";
    internal const string RxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
    internal const string Atc = "http://www.whocc.no/atc";
    internal const string Local = "urn:eligibility:concept";

    /// <summary>Fills <paramref name="into"/> with the patient's facts on <paramref name="asOf"/>.</summary>
    /// <param name="patient">The native record.</param>
    /// <param name="asOf">The as-of date.</param>
    /// <param name="into">The fields to overwrite (reused from patient to patient).</param>
    public static void Fill(PatientRecord patient, DateOnly asOf, PatientFields into)
    {
        ArgumentNullException.ThrowIfNull(patient);
        ArgumentNullException.ThrowIfNull(into);
        // One pass over the observations: the latest counting result of each test, in its lookback.
        var latest = default(LatestResults);
        var days28 = asOf.AddDays(-28);
        var days90 = asOf.AddDays(-90);
        var observations = patient.Observations;
        for (int i = 0; i < observations.Count; i++)
        {
            var o = observations[i];
            if (o.Date is not { } date || date > asOf || date < days90 || o.Value is null || !Counts(o.Status))
            {
                continue;
            }

            for (int c = 0; c < o.Codes.Count; c++)
            {
                var test = Classify(o.Codes[c]);
                if (test == Test.None || (date < days28 && test is not (Test.Fev1Fvc or Test.Dlco)))
                {
                    continue;
                }

                if (latest[(int)test] is not { } best || date >= best.Date!.Value)
                {
                    latest[(int)test] = o;
                }
            }
        }

        into.Age = patient.BirthDate is { } birth ? AgeInYears(birth, asOf) : null;
        into.Sle = History(patient.Conditions, asOf, IsSle);
        into.Ild = History(patient.Conditions, asOf, IsIld);
        into.Fev1Fvc = Percent(latest[(int)Test.Fev1Fvc]);
        into.Dlco = Percent(latest[(int)Test.Dlco]);
        into.AltUln = UlnMultiple(latest[(int)Test.Alt]);
        into.AstUln = UlnMultiple(latest[(int)Test.Ast]);
        into.Egfr = latest[(int)Test.Egfr] is { } egfr
            ? (egfr.Unit == "mL/min/{1.73_m2}" ? egfr.Value : null)
            : ComputedEgfr(patient, latest[(int)Test.Creatinine]);
        into.Hemoglobin = latest[(int)Test.Hemoglobin] is { } hb
            ? hb.Unit switch { "g/L" => hb.Value, "g/dL" => hb.Value * 10, _ => null }
            : null;
        into.Wbc = PerNanoLitre(latest[(int)Test.Wbc]);
        into.Platelets = PerNanoLitre(latest[(int)Test.Platelets]);
        into.Mi6Months = OccurredWithin(patient.Conditions, asOf.AddMonths(-6), asOf, IsMi);
        into.Rituximab = Current(patient.Medications, asOf, IsRituximab, rituximab: true);
        into.Belimumab = Current(patient.Medications, asOf, IsBelimumab, rituximab: false);
    }

    /// <summary>CKD-EPI 2021 (Inker et al., NEJM 2021), race-free, rounded to one decimal as the library reports it.</summary>
    /// <param name="creatinineMgPerDl">Serum creatinine, mg/dL.</param>
    /// <param name="age">Age at the specimen date.</param>
    /// <param name="female">Female (else male).</param>
    /// <returns>eGFR, mL/min/1.73 m².</returns>
    public static decimal CkdEpi2021(decimal creatinineMgPerDl, int age, bool female)
    {
        double ratio = (double)creatinineMgPerDl / (female ? 0.7 : 0.9);
        double egfr = 142 * Math.Pow(Math.Min(ratio, 1), female ? -0.241 : -0.302) * Math.Pow(Math.Max(ratio, 1), -1.200)
            * Math.Pow(0.9938, age) * (female ? 1.012 : 1.0);
        return Math.Round((decimal)egfr, 1, MidpointRounding.AwayFromZero);
    }

    private static decimal? ComputedEgfr(PatientRecord patient, ObservationRecord? scr)
    {
        if (scr is null || patient.BirthDate is not { } birth || patient.Sex is not (AdministrativeSex.Female or AdministrativeSex.Male))
        {
            return null;
        }

        // 1 µmol/L × 113.12 g/mol (the rule file's molar mass) = 0.011312 mg/dL.
        decimal? mgPerDl = scr.Unit switch { "mg/dL" => scr.Value, "umol/L" => scr.Value * 0.011312m, _ => null };
        return mgPerDl is { } v && v > 0 ? CkdEpi2021(v, AgeInYears(birth, scr.Date!.Value), patient.Sex == AdministrativeSex.Female) : null;
    }

    private static decimal? Percent(ObservationRecord? o) => o?.Unit == "%" ? o.Value : null;

    private static decimal? PerNanoLitre(ObservationRecord? o) => o?.Unit switch
    {
        "10*9/L" or "10*3/uL" => o.Value,
        "/uL" => o.Value * 0.001m,
        _ => null,
    };

    private static decimal? UlnMultiple(ObservationRecord? o)
    {
        if (o is null || o.Unit != "U/L")
        {
            return null;
        }

        decimal? uln = 40; // the rule file's default ULN, U/L
        if (o.ReferenceRange?.High is { } high)
        {
            string? rangeUnit = string.IsNullOrWhiteSpace(o.ReferenceRange.Unit) ? o.Unit : o.ReferenceRange.Unit;
            uln = rangeUnit == "U/L" ? high : null;
        }

        return uln is { } u && u > 0 ? o.Value / u : null;
    }

    private static bool Counts(string? status) => status is null
        || status.Equals("final", StringComparison.OrdinalIgnoreCase)
        || status.Equals("amended", StringComparison.OrdinalIgnoreCase)
        || status.Equals("corrected", StringComparison.OrdinalIgnoreCase);

    private static bool CountsCondition(ConditionRecord c) =>
        !string.Equals(c.VerificationStatus, "refuted", StringComparison.OrdinalIgnoreCase)
        && !string.Equals(c.VerificationStatus, "entered-in-error", StringComparison.OrdinalIgnoreCase)
        && !string.Equals(c.ClinicalStatus, "entered-in-error", StringComparison.OrdinalIgnoreCase)
        && !string.Equals(c.Status, "entered-in-error", StringComparison.OrdinalIgnoreCase);

    private static bool History(IReadOnlyList<ConditionRecord> conditions, DateOnly asOf, Func<Coding, bool> code)
    {
        for (int i = 0; i < conditions.Count; i++)
        {
            var c = conditions[i];
            if (CountsCondition(c) && !(c.Onset > asOf) && Any(c.Codes, code))
            {
                return true;
            }
        }

        return false;
    }

    private static bool? OccurredWithin(IReadOnlyList<ConditionRecord> conditions, DateOnly from, DateOnly asOf, Func<Coding, bool> code)
    {
        bool undated = false;
        for (int i = 0; i < conditions.Count; i++)
        {
            var c = conditions[i];
            if (!CountsCondition(c) || c.Onset > asOf || !Any(c.Codes, code))
            {
                continue;
            }

            if (c.Onset is not { } onset)
            {
                undated = true;
            }
            else if (onset >= from)
            {
                return true;
            }
        }

        return undated ? null : false;
    }

    private static bool? Current(IReadOnlyList<MedicationRecord> medications, DateOnly asOf, Func<Coding, bool> code, bool rituximab)
    {
        bool undated = false;
        for (int i = 0; i < medications.Count; i++)
        {
            var m = medications[i];
            if (!m.IsExposure || m.Start > asOf || !Any(m.Codes, code))
            {
                continue;
            }

            if (m.Start is null)
            {
                undated = true;
                continue;
            }

            var last = m.End is { } end ? Extend(end, m.DosingInterval, rituximab) : asOf;
            if (last >= asOf)
            {
                return true;
            }
        }

        return undated ? null : false;
    }

    /// <summary>The last day a dose keeps the patient on the drug: the longer of the drug's own duration (rituximab 6
    /// months, belimumab 4 weeks) and the record's dosing interval, compared on 2001-01-01.</summary>
    private static DateOnly Extend(DateOnly end, IsoDuration? interval, bool rituximab)
    {
        var reference = new DateOnly(2001, 1, 1);
        var lasts = rituximab ? reference.AddMonths(6) : reference.AddDays(28);
        if (interval is { } i && i.AddTo(reference) > lasts)
        {
            return i.AddTo(end);
        }

        return rituximab ? end.AddMonths(6) : end.AddDays(28);
    }

    private static int AgeInYears(DateOnly birth, DateOnly on)
    {
        int years = on.Year - birth.Year;
        var anniversary = birth.Month == 2 && birth.Day == 29 && !DateTime.IsLeapYear(on.Year)
            ? new DateOnly(on.Year, 3, 1)
            : new DateOnly(on.Year, birth.Month, birth.Day);
        return on < anniversary ? years - 1 : years;
    }

    private static bool Any(IReadOnlyList<Coding> codes, Func<Coding, bool> code)
    {
        for (int i = 0; i < codes.Count; i++)
        {
            if (code(codes[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Which test a coding names (LOINC, or the local DLCO code), or <see cref="Test.None"/>.</summary>
    private static Test Classify(Coding c)
    {
        if (c.System == Loinc)
        {
            return c.Code switch
            {
                "1742-6" or "1743-4" or "1744-2" => Test.Alt,
                "1920-8" or "30239-8" => Test.Ast,
                "98979-8" or "62238-1" or "88293-6" or "88294-4" or "77147-7" or "33914-3" or "48642-3" or "48643-1" or "50044-7"
                    or "94677-2" or "69405-9" => Test.Egfr,
                "2160-0" or "14682-9" => Test.Creatinine,
                "718-7" => Test.Hemoglobin,
                "6690-2" or "26464-8" => Test.Wbc,
                "777-3" or "26515-7" => Test.Platelets,
                "19926-5" => Test.Fev1Fvc,
                _ => Test.None,
            };
        }

        return c.System == Local && c.Code == "dlco-percent-predicted" ? Test.Dlco : Test.None;
    }

    private static bool IsSle(Coding c) =>
        (c.System == Snomed && c.Code is "55464009" or "239887007" or "239890001" or "309762007" or "95644001" or "196138005" or "68815009")
        || (c.System == Icd10 && StartsWith(c.Code, "M32"));

    private static bool IsIld(Coding c) =>
        (c.System == Snomed && c.Code is "233703007" or "700250006" or "129452008" or "64667001" or "700249006" or "129451001" or "236302005" or "196125002" or "196138005")
        || (c.System == Icd10 && (StartsWith(c.Code, "J84") || StartsWith(c.Code, "M3213") || StartsWith(c.Code, "J991")));

    private static bool IsMi(Coding c) =>
        (c.System == Snomed && c.Code is "22298006" or "57054005" or "1755008" or "401303003" or "401314000" or "70422006" or "73795002" or "54329005")
        || (c.System == Icd10 && (StartsWith(c.Code, "I21") || StartsWith(c.Code, "I22") || StartsWith(c.Code, "I252")));

    private static bool IsRituximab(Coding c) =>
        (c.System == RxNorm && c.Code is "121191" or "1657862" or "1657867" or "1657864" or "1927893")
        || (c.System == Atc && (StartsWith(c.Code, "L01FA01") || StartsWith(c.Code, "L01XC02")));

    private static bool IsBelimumab(Coding c) =>
        (c.System == RxNorm && c.Code == "1092437")
        || (c.System == Atc && (StartsWith(c.Code, "L04AG04") || StartsWith(c.Code, "L04AA26")));

    /// <summary>ICD-10/ATC prefix match: the code, dots skipped and case ignored, starts with the (dotless, upper-case) prefix.</summary>
    private static bool StartsWith(string code, string prefix)
    {
        int matched = 0;
        foreach (char ch in code.AsSpan().Trim())
        {
            if (ch == '.')
            {
                continue;
            }

            if (char.ToUpperInvariant(ch) != prefix[matched])
            {
                return false;
            }

            if (++matched == prefix.Length)
            {
                return true;
            }
        }

        return false;
    }

    private enum Test
    {
        None,
        Alt,
        Ast,
        Egfr,
        Creatinine,
        Hemoglobin,
        Wbc,
        Platelets,
        Fev1Fvc,
        Dlco,
    }

    /// <summary>The latest result per <see cref="Test"/>, on the stack.</summary>
    [InlineArray(10)]
    private struct LatestResults
    {
        private ObservationRecord? first;
    }
}
