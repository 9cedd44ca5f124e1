using System.Text.Json.Nodes;
using Eligibility.Patients;

namespace Eligibility.Tests.Support;

/// <summary>Builds one-criterion trials on the concepts of TestFiles/DEMO-1.json, and patients to evaluate.</summary>
internal static class TestTrial
{
    public static readonly DateOnly AsOf = new(2026, 1, 15);

    private static readonly Lazy<string> Demo = new(() => File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "TestFiles", "DEMO-1.json")));

    public static string DemoPath => Path.Combine(TestContext.CurrentContext.TestDirectory, "TestFiles", "DEMO-1.json");

    public static TrialEvaluator Demo1()
    {
        var result = RuleCompiler.CompileText(Demo.Value, "DEMO-1.json");
        result.Diagnostics.Where(d => d.IsError).Should().BeEmpty();
        return result.Evaluator!;
    }

    /// <summary>A trial whose only criterion is an exclusion (or inclusion) with the given rule JSON.</summary>
    public static TrialEvaluator With(string ruleJson, bool inclusion = false, string? extraConcepts = null, CompileOptions? options = null)
    {
        var result = Compile(ruleJson, inclusion, extraConcepts, options);
        result.Diagnostics.Where(d => d.IsError).Should().BeEmpty(string.Join("\n", result.Diagnostics));
        return result.Evaluator!;
    }

    public static CompilationResult Compile(string ruleJson, bool inclusion = false, string? extraConcepts = null, CompileOptions? options = null)
    {
        var root = JsonNode.Parse(Demo.Value)!.AsObject();
        if (extraConcepts is not null)
        {
            foreach (var (name, value) in JsonNode.Parse(extraConcepts)!.AsObject().ToList())
            {
                root["concepts"]![name] = value!.DeepClone();
            }
        }

        var criterion = new JsonObject { ["id"] = inclusion ? "INCL01" : "EXCL01", ["text"] = "test criterion", ["rule"] = JsonNode.Parse(ruleJson) };
        root["inclusion"] = inclusion ? new JsonArray(criterion) : new JsonArray();
        root["exclusion"] = inclusion ? new JsonArray() : new JsonArray(criterion);
        return RuleCompiler.CompileText(root.ToJsonString(), "DEMO-1.json", options);
    }

    public static CriterionResult Single(this TrialEvaluator trial, PatientRecord patient, DateOnly? asOf = null) =>
        trial.Evaluate(patient, asOf ?? AsOf).Criteria.Single();

    public static PatientRecord Patient(string sex = "female", string birth = "1980-06-15") => new()
    {
        Id = "p",
        Sex = Enum.Parse<AdministrativeSex>(sex, ignoreCase: true),
        BirthDate = DateOnly.Parse(birth, System.Globalization.CultureInfo.InvariantCulture),
    };

    public static Coding Loinc(string code) => new("http://loinc.org", code);

    public static ObservationRecord Lab(string loinc, decimal value, string? unit, string date = "2026-01-10", string? status = "final", decimal? uln = null, string? ulnUnit = null) => new()
    {
        Id = "obs-" + loinc + "-" + date,
        Codes = new[] { Loinc(loinc) },
        Value = value,
        Unit = unit,
        Status = status,
        Date = DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture),
        ReferenceRange = uln is null ? null : new ReferenceRange { High = uln, Unit = ulnUnit },
    };

    public static DateOnly D(string date) => DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture);

    public static PatientRecord WithLabs(this PatientRecord p, params ObservationRecord[] labs) => p with { Observations = p.Observations.Concat(labs).ToList() };

    public static PatientRecord WithConditions(this PatientRecord p, params ConditionRecord[] items) => p with { Conditions = p.Conditions.Concat(items).ToList() };

    public static PatientRecord WithMedications(this PatientRecord p, params MedicationRecord[] items) => p with { Medications = p.Medications.Concat(items).ToList() };

    public static PatientRecord WithProcedures(this PatientRecord p, params ProcedureRecord[] items) => p with { Procedures = p.Procedures.Concat(items).ToList() };

    public static PatientRecord WithImmunizations(this PatientRecord p, params ImmunizationRecord[] items) => p with { Immunizations = p.Immunizations.Concat(items).ToList() };

    public static PatientRecord WithAssessments(this PatientRecord p, params Assessment[] items) => p with { Assessments = p.Assessments.Concat(items).ToList() };

    public static ConditionRecord Condition(string system, string code, string? onset, string? status = "active", string? abatement = null, string? verification = null) => new()
    {
        Codes = new[] { new Coding(system, code) },
        Onset = onset is null ? null : D(onset),
        Abatement = abatement is null ? null : D(abatement),
        ClinicalStatus = status,
        VerificationStatus = verification,
    };

    public static ConditionRecord Icd(string code, string? onset, string? status = "active", string? abatement = null, string? verification = null) =>
        Condition("http://hl7.org/fhir/sid/icd-10", code, onset, status, abatement, verification);

    public static Coding Snomed(string code) => new("http://snomed.info/sct", code);

    public static MedicationRecord Rx(string rxnorm, string? start, string? end = null, decimal? dose = null, string unit = "mg/d", string? status = null) => new()
    {
        Codes = new[] { new Coding("http://www.nlm.nih.gov/research/umls/rxnorm", rxnorm) },
        Start = start is null ? null : D(start),
        End = end is null ? null : D(end),
        DailyDose = dose is null ? null : new Quantity(dose.Value, unit),
        Status = status,
    };
}
