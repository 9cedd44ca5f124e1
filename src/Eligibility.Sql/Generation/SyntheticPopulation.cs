using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DuckDB.NET.Data;
using Eligibility.Binding;
using Eligibility.Codes;
using Eligibility.Patients;
using Eligibility.Sql.Compilation;
using Eligibility.Time;
using Eligibility.Units;

namespace Eligibility.Sql.Generation;

/// <summary>
/// A synthetic population for tests and benchmarks: from a seed and a size, the same patients as native
/// <see cref="PatientRecord"/>s and as OMOP CDM 5.4 rows. Codes come only from the given trials' concepts (never
/// invented); concept IDs are synthetic (from 2,000,000,001, in order of first use) but consistent within a population.
/// Rich in edge cases: values at thresholds, missing and unconvertible units, missing ranges, non-final statuses, dates
/// at window edges, birthdays on the as-of date and 29 February births.
/// </summary>
/// <remarks>
/// How a native record becomes OMOP rows (the ETL conventions the SQL back end assumes): results that are not final,
/// refuted or erroneous conditions, procedures not done and records that are not real drug exposure are not loaded (OMOP
/// has no status for them); an ongoing medication ends on 2099-12-31; an unknown sex is gender_concept_id 0; a birth
/// date that is not known has only a year of birth; an answer to a judgement is an observation whose
/// observation_source_value is <c>&lt;TrialId&gt;/&lt;CriterionId&gt;</c> with value_as_number 1 (met) or 0 (not met).
/// </remarks>
internal sealed partial class SyntheticPopulation
{
    private const int FirstConceptId = 2_000_000_001;
    private static readonly DateOnly Ongoing = new(2099, 12, 31);

    // UCUM units offered as alternatives to a concept's own (converted when the library converts them, else unconvertible).
    private static readonly string[] Units = { "mg/dL", "mg/L", "g/L", "g/dL", "umol/L", "mmol/L", "U/L", "10*9/L", "%", "mL/min/{1.73_m2}", "{score}", "mL/min" };

    private readonly Random random;
    private readonly DateOnly asOf;
    private readonly TrialProfile profile;
    private readonly Dictionary<(string Vocabulary, string Code), int> concepts = new();
    private readonly List<PatientRecord> patients = new();
    private readonly List<object?[]> persons = new();
    private readonly List<object?[]> measurements = new();
    private readonly List<object?[]> conditions = new();
    private readonly List<object?[]> drugs = new();
    private readonly List<object?[]> procedures = new();
    private readonly List<object?[]> observations = new();
    private readonly Dictionary<BoundConcept, List<(string System, string Vocabulary, string Code)>> codes = new(ReferenceEqualityComparer.Instance);

    // Rows already written to the database by Flush (the lists hold only the rows since): row IDs go on from these.
    private int flushedMeasurements;
    private int flushedConditions;
    private int flushedDrugs;
    private int flushedProcedures;
    private int flushedObservations;

    // Only records the native NDJSON format can hold: no coded result with contradicting words, answers spelled as the rule file spells them.
    private bool nativeFormat;

    private SyntheticPopulation(int seed, DateOnly asOf, TrialProfile profile)
    {
        random = new Random(seed);
        this.asOf = asOf;
        this.profile = profile;
    }

    public IReadOnlyList<PatientRecord> Patients => patients;

    private int MeasurementRows => flushedMeasurements + measurements.Count;

    private int ConditionRows => flushedConditions + conditions.Count;

    private int DrugRows => flushedDrugs + drugs.Count;

    private int ProcedureRows => flushedProcedures + procedures.Count;

    private int ObservationRows => flushedObservations + observations.Count;

    /// <summary>The concept IDs used, by (vocabulary_id, concept_code).</summary>
    public IReadOnlyDictionary<(string Vocabulary, string Code), int> Concepts => concepts;

    public static SyntheticPopulation Generate(int seed, int count, DateOnly asOf, IEnumerable<TrialEvaluator> trials)
    {
        var population = new SyntheticPopulation(seed, asOf, TrialProfile.Of(trials));
        for (int i = 1; i <= count; i++)
        {
            population.AddPatient(i);
        }

        return population;
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private bool Chance(double p) => random.NextDouble() < p;

    private int ConceptId(string vocabulary, string code)
    {
        if (!concepts.TryGetValue((vocabulary, code), out int id))
        {
            id = FirstConceptId + concepts.Count;
            concepts[(vocabulary, code)] = id;
        }

        return id;
    }

    /// <summary>The concept's codes that OMOP can hold, spelled as OMOP spells them (ICD-10-CM with its dot).</summary>
    private List<(string System, string Vocabulary, string Code)> CodesOf(BoundConcept concept)
    {
        if (!codes.TryGetValue(concept, out var list))
        {
            list = concept.Matcher.Entries()
                .Where(e => OmopSqlWriter.VocabulariesOf(e.System).Count > 0)
                .Select(e =>
                {
                    string vocabulary = OmopSqlWriter.VocabulariesOf(e.System)[0];
                    string code = vocabulary == "ICD10CM" && e.Code.Length > 3 ? e.Code[..3] + "." + e.Code[3..] : e.Code;
                    return (e.System, vocabulary, code);
                })
                .OrderBy(e => e.vocabulary, StringComparer.Ordinal).ThenBy(e => e.code, StringComparer.Ordinal)
                .ToList();
            codes[concept] = list;
        }

        return list;
    }

    /// <summary>A date near the edges of a window of the given length before as-of, or anywhere in the last years.</summary>
    private DateOnly EdgeDate(IReadOnlyList<IsoDuration> windows, int yearsBack = 5)
    {
        var start = windows.Count > 0 ? Pick(windows).SubtractFrom(asOf) : asOf.AddYears(-1);
        return random.Next(9) switch
        {
            0 => asOf,
            1 => asOf.AddDays(-1),
            2 => asOf.AddDays(1),
            3 => start,
            4 => start.AddDays(-1),
            5 => start.AddDays(1),
            _ => asOf.AddDays(-random.Next(365 * yearsBack)),
        };
    }

    private void AddPatient(int personId)
    {
        var sex = random.Next(25) switch { 0 => AdministrativeSex.Unknown, < 13 => AdministrativeSex.Female, _ => AdministrativeSex.Male };
        DateOnly birth = Birth();
        bool birthKnown = !Chance(0.03);
        persons.Add(new object?[]
        {
            personId, sex switch { AdministrativeSex.Female => 8532, AdministrativeSex.Male => 8507, _ => 0 },
            birth.Year, birthKnown ? birth.Month : null, birthKnown ? birth.Day : null,
            birthKnown ? birth.ToDateTime(TimeOnly.MinValue) : null, 0, 0,
        });
        var observationsOf = new List<ObservationRecord>();
        var conditionsOf = new List<ConditionRecord>();
        var proceduresOf = new List<ProcedureRecord>();
        var medicationsOf = new List<MedicationRecord>();
        var assessmentsOf = new List<Assessment>();
        foreach (var measured in profile.Measured.Values)
        {
            int n = Chance(0.35) ? 0 : random.Next(1, 4);
            for (int i = 0; i < n; i++)
            {
                Measurement(personId, measured, observationsOf);
            }
        }

        foreach (var (concept, windows) in profile.Conditions)
        {
            int n = Chance(0.75) ? 0 : random.Next(1, 3);
            for (int i = 0; i < n; i++)
            {
                Condition(personId, concept, windows, conditionsOf);
            }
        }

        foreach (var (concept, windows) in profile.Procedures)
        {
            int n = Chance(0.8) ? 0 : random.Next(1, 3);
            for (int i = 0; i < n; i++)
            {
                Procedure(personId, concept, windows, proceduresOf);
            }
        }

        foreach (var (concept, windows) in profile.Medications)
        {
            int n = Chance(0.75) ? 0 : random.Next(1, 3);
            for (int i = 0; i < n; i++)
            {
                Medication(personId, concept, windows, medicationsOf);
            }
        }

        foreach (var (concept, windows) in profile.Qualitative)
        {
            int n = Chance(0.6) ? 0 : random.Next(1, 3);
            for (int i = 0; i < n; i++)
            {
                Qualitative(personId, concept, windows, observationsOf);
            }
        }

        var immunizationsOf = new List<ImmunizationRecord>();
        foreach (var (concept, windows) in profile.Immunizations)
        {
            int n = Chance(0.8) ? 0 : random.Next(1, 3);
            for (int i = 0; i < n; i++)
            {
                Immunization(personId, concept, windows, immunizationsOf);
            }
        }

        foreach (var (target, validity) in profile.Judgements)
        {
            int n = Chance(0.85) ? 0 : random.Next(1, 3);
            for (int i = 0; i < n; i++)
            {
                Answer(personId, target, validity, assessmentsOf);
            }
        }

        patients.Add(new PatientRecord
        {
            Id = personId.ToString(CultureInfo.InvariantCulture),
            BirthDate = birthKnown ? birth : null,
            Sex = sex,
            Observations = observationsOf,
            Conditions = conditionsOf,
            Procedures = proceduresOf,
            Medications = medicationsOf,
            Assessments = assessmentsOf,
            Immunizations = immunizationsOf,
        });
    }

    /// <summary>Birthdays on, just before and just after the ages the rules name; 29 February births; anything else.</summary>
    private DateOnly Birth()
    {
        if (profile.Ages.Count > 0 && Chance(0.5))
        {
            int years = (int)Pick(profile.Ages) + random.Next(-1, 2);
            var birthday = asOf.AddYears(-years);
            return random.Next(4) switch
            {
                0 => birthday.AddDays(1),
                1 => birthday.AddDays(-1),
                2 => LeapDayNear(birthday.Year),
                _ => birthday,
            };
        }

        return Chance(0.05) ? LeapDayNear(asOf.Year - random.Next(16, 90)) : asOf.AddDays(-random.Next(16 * 365, 90 * 365));
    }

    private static DateOnly LeapDayNear(int year)
    {
        while (!DateTime.IsLeapYear(year))
        {
            year--;
        }

        return new DateOnly(year, 2, 29);
    }

    private static decimal Round3(decimal value) => decimal.Round(value, 3, MidpointRounding.AwayFromZero);

    private void Measurement(int personId, MeasuredConcept measured, List<ObservationRecord> into)
    {
        var list = CodesOf(measured.Concept);
        if (list.Count == 0)
        {
            return;
        }

        var (system, vocabulary, code) = Pick(list);
        var concept = measured.Concept;
        string? unit = measured.Unit ?? concept.UlnUnit ?? concept.Unit;
        DateOnly date = EdgeDate(measured.Lookbacks, 1);
        decimal? high = random.Next(4) switch
        {
            0 => concept.UlnValue ?? 40m,
            1 => Round3((concept.UlnValue ?? 40m) * 0.875m),
            2 when Chance(0.1) => 0m,
            _ => null,
        };
        decimal value;
        if (measured.LimitMultiples.Count > 0 && (measured.Thresholds.Count == 0 || Chance(0.5)))
        {
            decimal basis = high ?? concept.UlnValue ?? concept.UlnFemale ?? concept.UlnMale ?? 40m;
            value = Round3((Pick(measured.LimitMultiples) * basis) + Pick(new[] { 0m, 0m, 1m, -1m, 0.001m, -0.001m }));
        }
        else if (measured.Thresholds.Count > 0)
        {
            value = Pick(measured.Thresholds) + Pick(new[] { 0m, 0m, 0.1m, -0.1m, 1m, -1m, 0.001m });
            value = Round3(value * (Chance(0.15) ? (decimal)(0.2 + (random.NextDouble() * 2)) : 1m));
        }
        else
        {
            value = Round3((decimal)(random.NextDouble() * 200));
        }

        value = Math.Max(value, 0m);
        string? recorded = unit;
        int roll = random.Next(20);
        if (roll == 0)
        {
            recorded = null; // no unit
        }
        else if (roll <= 3 && unit is not null)
        {
            // Another unit: converted when the library converts it, kept as is (unconvertible) otherwise.
            string other = Pick(Units);
            if (UnitConverter.Instance.TryConvert(value, unit, other, concept.MolarMass, out decimal converted, out _))
            {
                value = Round3(converted);
                high = high is { } h && UnitConverter.Instance.TryConvert(h, unit, other, concept.MolarMass, out decimal hc, out _) ? Round3(hc) : null;
            }

            recorded = other;
        }

        bool numeric = !Chance(0.04);
        string? status = random.Next(12) switch { 0 => "preliminary", 1 => "amended", 2 => null, 3 => "cancelled", _ => "final" };
        into.Add(new ObservationRecord
        {
            Id = "m" + MeasurementRows.ToString(CultureInfo.InvariantCulture),
            Codes = new[] { new Coding(system, code) },
            Value = numeric ? value : null,
            ValueText = numeric ? null : "see report",
            Unit = recorded,
            ReferenceRange = high is null ? null : new ReferenceRange { High = high },
            Status = status,
            Date = date,
        });
        if (!EvaluationCounts(status))
        {
            return; // the ETL loads final results only
        }

        int conceptId = ConceptId(vocabulary, code);
        measurements.Add(new object?[]
        {
            MeasurementRows + 1, personId, conceptId, date, 0, numeric ? value : null,
            recorded is null ? null : ConceptId("UCUM", recorded), high, conceptId, code, recorded, null, numeric ? null : "see report",
        });
    }

    /// <summary>
    /// A qualitative result: a declared answer's code or words (spelled loosely: case, spaces, a final dot), words no
    /// answer reads, a code and words that disagree, or only a number.
    /// </summary>
    private void Qualitative(int personId, BoundConcept concept, IReadOnlyList<IsoDuration> windows, List<ObservationRecord> into)
    {
        var list = CodesOf(concept);
        if (list.Count == 0 || concept.Answers.Count == 0)
        {
            return;
        }

        var (system, vocabulary, code) = Pick(list);
        var names = concept.Answers.Keys.Order(StringComparer.Ordinal).ToList();
        var answer = concept.Answers[Pick(names)];
        var answerCodes = answer.Codes.Entries().Where(e => OmopSqlWriter.VocabulariesOf(e.System).Count > 0).OrderBy(e => e.Code, StringComparer.Ordinal).ToList();
        var texts = answer.Texts.Order(StringComparer.Ordinal).ToList();
        (string System, string Vocabulary, string Code)? valueCode = null;
        string? text = null;
        decimal? number = null;
        int mode = random.Next(10);
        if (mode < 4 && answerCodes.Count > 0)
        {
            var e = Pick(answerCodes);
            valueCode = (e.System, OmopSqlWriter.VocabulariesOf(e.System)[0], e.Code);
        }
        else if (mode < 8 && texts.Count > 0)
        {
            string t = Pick(texts);
            text = random.Next(4) switch { 0 => t.ToUpperInvariant(), 1 => " " + t + ". ", 2 => t.Replace(' ', '-'), _ => t };
        }
        else if (mode == 8)
        {
            text = Pick(new[] { "weakly positive", "see comment", "indeterminate" });
            if (answerCodes.Count > 0 && Chance(0.5))
            {
                var e = Pick(answerCodes);
                valueCode = (e.System, OmopSqlWriter.VocabulariesOf(e.System)[0], e.Code);
                var other = concept.Answers[Pick(names)].Texts.Order(StringComparer.Ordinal).ToList();
                text = other.Count > 0 ? Pick(other) : text; // a code and words that may disagree
                text = nativeFormat ? null : text; // the native format holds one value: the code
            }
        }
        else
        {
            number = random.Next(0, 3);
        }

        DateOnly date = EdgeDate(windows, 1);
        string? status = random.Next(10) == 0 ? "preliminary" : "final";
        into.Add(new ObservationRecord
        {
            Id = "q" + MeasurementRows.ToString(CultureInfo.InvariantCulture),
            Codes = new[] { new Coding(system, code) },
            ValueCodes = valueCode is { } v ? new[] { new Coding(v.System, v.Code) } : Array.Empty<Coding>(),
            ValueText = text,
            Value = number,
            Status = status,
            Date = date,
        });
        if (!EvaluationCounts(status))
        {
            return;
        }

        int conceptId = ConceptId(vocabulary, code);
        measurements.Add(new object?[]
        {
            MeasurementRows + 1, personId, conceptId, date, 0, number, null, null, conceptId, code, null,
            valueCode is { } vc ? ConceptId(vc.Vocabulary, vc.Code) : null, text,
        });
    }

    /// <summary>A vaccination, loaded as a one-day drug_exposure; not-done and erroneous ones are not loaded.</summary>
    private void Immunization(int personId, BoundConcept concept, IReadOnlyList<IsoDuration> windows, List<ImmunizationRecord> into)
    {
        var list = CodesOf(concept);
        if (list.Count == 0)
        {
            return;
        }

        var (system, vocabulary, code) = Pick(list);
        DateOnly date = EdgeDate(windows, 2);
        string status = Chance(0.05) ? "not-done" : "completed";
        into.Add(new ImmunizationRecord { Id = "i" + DrugRows.ToString(CultureInfo.InvariantCulture), Codes = new[] { new Coding(system, code) }, Date = date, Status = status });
        if (status != "completed")
        {
            return;
        }

        int conceptId = ConceptId(vocabulary, code);
        drugs.Add(new object?[] { DrugRows + 1, personId, conceptId, date, date, 0, 1, conceptId, code, null });
    }

    private static bool EvaluationCounts(string? status) => Eligibility.Evaluation.EvaluationContext.CountsAsResult(status);

    private void Condition(int personId, BoundConcept concept, IReadOnlyList<IsoDuration> windows, List<ConditionRecord> into)
    {
        var list = CodesOf(concept);
        if (list.Count == 0)
        {
            return;
        }

        var (system, vocabulary, code) = Pick(list);
        DateOnly onset = EdgeDate(windows, 20);
        DateOnly? abatement = random.Next(5) switch
        {
            0 => asOf,
            1 => asOf.AddDays(-1),
            2 => Max(onset, EdgeDate(windows, 2)),
            _ => null,
        };
        if (abatement < onset)
        {
            abatement = onset;
        }

        string? verification = random.Next(30) switch { 0 => "refuted", 1 => "entered-in-error", 2 => "confirmed", _ => null };
        into.Add(new ConditionRecord
        {
            Id = "c" + ConditionRows.ToString(CultureInfo.InvariantCulture),
            Codes = new[] { new Coding(system, code) },
            Onset = onset,
            Abatement = abatement,
            ClinicalStatus = abatement is null && Chance(0.5) ? "active" : null,
            VerificationStatus = verification,
        });
        if (verification is "refuted" or "entered-in-error")
        {
            return;
        }

        int conceptId = ConceptId(vocabulary, code);
        conditions.Add(new object?[] { ConditionRows + 1, personId, conceptId, onset, abatement, 0, conceptId, code });
    }

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    private void Procedure(int personId, BoundConcept concept, IReadOnlyList<IsoDuration> windows, List<ProcedureRecord> into)
    {
        var list = CodesOf(concept);
        if (list.Count == 0)
        {
            return;
        }

        var (system, vocabulary, code) = Pick(list);
        DateOnly performed = EdgeDate(windows, 10);
        string status = Chance(0.05) ? "not-done" : "completed";
        into.Add(new ProcedureRecord { Id = "p" + ProcedureRows.ToString(CultureInfo.InvariantCulture), Codes = new[] { new Coding(system, code) }, Performed = performed, Status = status });
        if (status != "completed")
        {
            return;
        }

        int conceptId = ConceptId(vocabulary, code);
        procedures.Add(new object?[] { ProcedureRows + 1, personId, conceptId, performed, 0, conceptId, code });
    }

    private void Medication(int personId, BoundConcept concept, IReadOnlyList<IsoDuration> windows, List<MedicationRecord> into)
    {
        var list = CodesOf(concept);
        if (list.Count == 0)
        {
            return;
        }

        var entry = Pick(list);
        string member = concept.Matcher.Match(new Coding(entry.System, entry.Code)) ?? concept.Name;
        DateOnly start;
        DateOnly? end;
        if (concept.ExposureLastsOf(member) is { } lasts && Chance(0.5))
        {
            // A single dose near the day its effect ends on as-of.
            start = lasts.SubtractFrom(asOf).AddDays(random.Next(-2, 3));
            end = start;
        }
        else
        {
            start = EdgeDate(windows, 3);
            end = random.Next(6) switch
            {
                0 or 1 => null,
                2 => start,
                3 => Max(start, EdgeDate(windows, 1)),
                _ => start.AddDays(random.Next(0, 200)),
            };
        }

        string? status = random.Next(25) switch { 0 => "cancelled", 1 => "not-taken", 2 => "active", 3 => "completed", _ => null };
        string? intent = Chance(0.03) ? "plan" : null;
        int conceptId = ConceptId(entry.Vocabulary, entry.Code);
        var (quantity, daysSupply, dailyDose) = Dose(conceptId, start, end);
        var record = new MedicationRecord
        {
            Id = "d" + DrugRows.ToString(CultureInfo.InvariantCulture),
            Codes = new[] { new Coding(entry.System, entry.Code) },
            Start = start,
            End = end,
            DailyDose = dailyDose,
            Status = status,
            Intent = intent,
        };
        into.Add(record);
        if (!record.IsExposure)
        {
            return;
        }

        drugs.Add(new object?[] { DrugRows + 1, personId, conceptId, start, end ?? Ongoing, 0, daysSupply, conceptId, entry.Code, quantity });
    }

    private void Answer(int personId, string target, IsoDuration? validity, List<Assessment> into)
    {
        DateOnly date = random.Next(6) switch
        {
            0 => asOf,
            1 => asOf.AddDays(1),
            2 when validity is { } v => v.SubtractFrom(asOf),
            3 when validity is { } v => v.SubtractFrom(asOf).AddDays(-1),
            _ => asOf.AddDays(-random.Next(400)),
        };
        bool value = Chance(0.7);
        // The native format names criteria as the rule file spells them; in-memory records may spell them in any case.
        string spelled = Chance(0.1) && !nativeFormat ? target.ToLowerInvariant() : target;
        into.Add(new Assessment { Criterion = spelled, Value = value, Date = date, Source = "Observation/a" + ObservationRows.ToString(CultureInfo.InvariantCulture) });
        observations.Add(new object?[] { ObservationRows + 1, personId, 0, date, 0, value ? 1m : 0m, spelled });
    }

    /// <summary>Creates the CDM tables on the connection and loads the population and its vocabulary.</summary>
    public void WriteOmop(DuckDBConnection connection)
    {
        OmopSchema.Create(connection);
        Flush(connection);
        WriteVocabulary(connection);
    }

    /// <summary>
    /// Generates <paramref name="count"/> persons in batches straight into the connection's CDM tables (created first),
    /// handing each native record to <paramref name="patient"/> and keeping none: memory stays flat however many persons.
    /// The persons are those <see cref="Generate"/> gives for the same seed, size and trials, except that every record is
    /// one the native NDJSON format can hold: a coded qualitative result carries no contradicting words, and answers name
    /// criteria as the rule file spells them.
    /// </summary>
    public static void Stream(DuckDBConnection connection, int seed, int count, DateOnly asOf, IEnumerable<TrialEvaluator> trials, Action<PatientRecord>? patient, int batch = 20_000)
    {
        var population = new SyntheticPopulation(seed, asOf, TrialProfile.Of(trials)) { nativeFormat = true };
        OmopSchema.Create(connection);
        for (int i = 1; i <= count; i++)
        {
            population.AddPatient(i);
            if (i % batch == 0 || i == count)
            {
                foreach (var record in population.patients)
                {
                    patient?.Invoke(record);
                }

                population.Flush(connection);
                population.Forget();
            }
        }

        population.WriteVocabulary(connection);
    }

    /// <summary>Appends the persons and rows generated since the last <see cref="Forget"/> to the CDM tables.</summary>
    private void Flush(DuckDBConnection connection)
    {
        Append(connection, "person", persons, "person_id", "gender_concept_id", "year_of_birth", "month_of_birth", "day_of_birth", "birth_datetime", "race_concept_id", "ethnicity_concept_id");
        Append(connection, "measurement", measurements, "measurement_id", "person_id", "measurement_concept_id", "measurement_date", "measurement_type_concept_id", "value_as_number", "unit_concept_id", "range_high", "measurement_source_concept_id", "measurement_source_value", "unit_source_value", "value_as_concept_id", "value_source_value");
        Append(connection, "condition_occurrence", conditions, "condition_occurrence_id", "person_id", "condition_concept_id", "condition_start_date", "condition_end_date", "condition_type_concept_id", "condition_source_concept_id", "condition_source_value");
        Append(connection, "procedure_occurrence", procedures, "procedure_occurrence_id", "person_id", "procedure_concept_id", "procedure_date", "procedure_type_concept_id", "procedure_source_concept_id", "procedure_source_value");
        Append(connection, "drug_exposure", drugs, "drug_exposure_id", "person_id", "drug_concept_id", "drug_exposure_start_date", "drug_exposure_end_date", "drug_type_concept_id", "days_supply", "drug_source_concept_id", "drug_source_value", "quantity");
        Append(connection, "observation", observations, "observation_id", "person_id", "observation_concept_id", "observation_date", "observation_type_concept_id", "value_as_number", "observation_source_value");
        var periods = persons.Select(p => new object?[] { p[0], p[0], new DateOnly((int)p[2]!, 1, 1), asOf, 0 }).ToList();
        Append(connection, "observation_period", periods, "observation_period_id", "person_id", "observation_period_start_date", "observation_period_end_date", "period_type_concept_id");
    }

    /// <summary>Drops the persons, rows and native records written so far; the rows generated next go on numbering from them.</summary>
    private void Forget()
    {
        flushedMeasurements += measurements.Count;
        flushedConditions += conditions.Count;
        flushedDrugs += drugs.Count;
        flushedProcedures += procedures.Count;
        flushedObservations += observations.Count;
        foreach (var list in new[] { persons, measurements, conditions, drugs, procedures, observations })
        {
            list.Clear();
        }

        patients.Clear();
    }

    /// <summary>Loads the concepts the rows use (one <c>concept</c> and one self <c>concept_ancestor</c> row each).</summary>
    private void WriteVocabulary(DuckDBConnection connection)
    {
        AddLocalConcepts();
        WriteStrengths(connection);
        var vocabulary = concepts.OrderBy(c => c.Value).Select(c => new object?[]
        {
            c.Value, c.Key.Vocabulary + " " + c.Key.Code, DomainOf(c.Key.Vocabulary), c.Key.Vocabulary, c.Key.Vocabulary == "UCUM" ? "Unit" : "Synthetic",
            "S", c.Key.Code, new DateOnly(1970, 1, 1), new DateOnly(2099, 12, 31),
        }).ToList();
        Append(connection, "concept", vocabulary, "concept_id", "concept_name", "domain_id", "vocabulary_id", "concept_class_id", "standard_concept", "concept_code", "valid_start_date", "valid_end_date");
        var ancestors = concepts.Values.OrderBy(id => id).Select(id => new object?[] { id, id, 0, 0 }).ToList();
        Append(connection, "concept_ancestor", ancestors, "ancestor_concept_id", "descendant_concept_id", "min_levels_of_separation", "max_levels_of_separation");
    }

    private static string DomainOf(string vocabulary) => vocabulary switch
    {
        "LOINC" => "Measurement",
        "RxNorm" or "ATC" or "CVX" => "Drug",
        "UCUM" => "Unit",
        _ => "Condition",
    };

    /// <summary>Loads rows through a staging table of the named columns (the others stay NULL).</summary>
    private static void Append(DuckDBConnection connection, string table, List<object?[]> rows, params string[] columns)
    {
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"CREATE OR REPLACE TEMP TABLE elig_stage AS SELECT {string.Join(", ", columns)} FROM {table} WHERE FALSE";
            command.ExecuteNonQuery();
        }

        using (var appender = connection.CreateAppender("elig_stage"))
        {
            foreach (var row in rows)
            {
                var r = appender.CreateRow();
                foreach (var value in row)
                {
                    _ = value switch
                    {
                        null => r.AppendNullValue(),
                        int i => r.AppendValue(i),
                        decimal d => r.AppendValue(d),
                        string s => r.AppendValue(s),
                        DateOnly d => r.AppendValue(d),
                        DateTime t => r.AppendValue(t),
                        _ => throw new InvalidOperationException("unexpected value type " + value.GetType().Name),
                    };
                }

                r.EndRow();
            }
        }

        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"INSERT INTO {table} ({string.Join(", ", columns)}) SELECT * FROM elig_stage; DROP TABLE elig_stage";
            command.ExecuteNonQuery();
        }
    }
}
