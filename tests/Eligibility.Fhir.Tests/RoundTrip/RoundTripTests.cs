using System.Text;
using Eligibility.Patients;
using Hl7.Fhir.Model;

namespace Eligibility.Fhir.Tests.RoundTrip;

/// <summary>native → FHIR (Firely) → native gives the same record where FHIR can say it, and always the same evaluation.</summary>
public class RoundTripTests
{
    private const string RuleFile = """
    {
      "formatVersion": 1,
      "trial": { "id": "FHIR-RT", "title": "Round-trip trial" },
      "defaults": { "lookback": "P28D" },
      "concepts": {
        "alt": { "codes": { "http://loinc.org": ["1742-6"] }, "unit": "U/L", "uln": { "value": 40, "unit": "U/L", "female": 35 } },
        "ast": { "codes": { "http://loinc.org": ["1920-8"] }, "unit": "U/L", "uln": { "value": 40, "unit": "U/L" } },
        "hemoglobin": { "codes": { "http://loinc.org": ["718-7"] }, "unit": "g/L" },
        "platelets": { "codes": { "http://loinc.org": ["777-3", "26515-7"] }, "unit": "10*9/L" },
        "wbc": { "codes": { "http://loinc.org": ["6690-2"] }, "unit": "10*9/L" },
        "creatinine": { "codes": { "http://loinc.org": ["2160-0", "14682-9"] }, "unit": "mg/dL", "molarMass": 113.12 },
        "egfr": { "codes": { "http://loinc.org": ["98979-8"] }, "unit": "mL/min/{1.73_m2}" },
        "pregnancy-status": { "codes": { "http://loinc.org": ["82810-3"] },
          "answers": { "pregnant": { "http://loinc.org": ["LA15173-0"] }, "not-pregnant": { "http://loinc.org": ["LA26683-5"] }, "unknown": { "http://loinc.org": ["LA4489-6"] } } },
        "pregnancy": { "codes": { "http://snomed.info/sct": ["77386006"], "http://hl7.org/fhir/sid/icd-10": ["Z33.1", "O09"] } },
        "sle": { "codes": { "http://snomed.info/sct": ["55464009"], "http://hl7.org/fhir/sid/icd-10": ["M32"] } },
        "lupus-nephritis": { "codes": { "http://hl7.org/fhir/sid/icd-10": ["M32.14"] } },
        "malignancy": { "codes": { "http://hl7.org/fhir/sid/icd-10": ["C"] } },
        "skin-bcc-scc": { "codes": { "http://hl7.org/fhir/sid/icd-10": ["C44"] } },
        "herpes-zoster": { "codes": { "http://snomed.info/sct": ["4740000"] } },
        "hiv": { "codes": { "http://hl7.org/fhir/sid/icd-10": ["B20"] } },
        "ckd-stage-4-5": { "codes": { "http://hl7.org/fhir/sid/icd-10": ["N18.4", "N18.5", "N18.6"] } },
        "myocardial-infarction": { "codes": { "http://snomed.info/sct": ["22298006"] } },
        "dialysis": { "codes": { "http://snomed.info/sct": ["302497006", "71192002"] } },
        "plasma-exchange": { "codes": { "http://snomed.info/sct": ["20720000"] } },
        "hsct": { "codes": { "http://snomed.info/sct": ["234336002"] } },
        "prednisone": { "codes": { "http://www.nlm.nih.gov/research/umls/rxnorm": ["8640"], "http://www.whocc.no/atc": ["H02AB07"] }, "prednisoneEquivalence": 1 },
        "methylprednisolone": { "codes": { "http://www.nlm.nih.gov/research/umls/rxnorm": ["6902"] }, "prednisoneEquivalence": 1.25 },
        "glucocorticoid": { "include": ["prednisone", "methylprednisolone"] },
        "cyclophosphamide": { "codes": { "http://www.nlm.nih.gov/research/umls/rxnorm": ["3002"] } },
        "b-cell-therapy": { "codes": { "http://www.nlm.nih.gov/research/umls/rxnorm": ["121191", "1092437"] } },
        "hydroxychloroquine": { "codes": { "http://www.nlm.nih.gov/research/umls/rxnorm": ["5521"] } },
        "mycophenolate": { "codes": { "http://www.whocc.no/atc": ["L04AA06"] } },
        "live-vaccine": { "codes": { "http://hl7.org/fhir/sid/cvx": ["03", "21", "121"] } },
        "hbsag": { "codes": { "http://loinc.org": ["5196-1"] }, "answers": { "positive": {}, "negative": {} } }
      },
      "inclusion": [
        { "id": "INCL01", "text": "SLE", "rule": { "kind": "condition", "concept": "sle" } },
        { "id": "INCL02", "text": "age 18–75, not pregnant", "rule": { "kind": "all", "rules": [ { "kind": "age", "gte": 18, "lte": 75 }, { "kind": "not", "rule": { "kind": "pregnancy" } } ] } },
        { "id": "INCL03", "text": "prednisone-equivalent ≤ 20 mg/day stable 4 weeks, if on glucocorticoids", "rule": { "kind": "medication", "concept": "glucocorticoid", "stableFor": "P4W", "dose": { "lte": 20, "unit": "mg/d" }, "prednisoneEquivalent": true, "onlyIfCurrent": true } },
        { "id": "INCL04", "text": "hemoglobin ≥ 80 g/L and platelets ≥ 50 × 10^9/L", "rule": { "kind": "all", "rules": [
          { "kind": "measurement", "concept": "hemoglobin", "gte": 80, "unit": "g/L" }, { "kind": "measurement", "concept": "platelets", "gte": 50, "unit": "10*9/L" } ] } },
        { "id": "INCL05", "text": "consent", "rule": { "kind": "judgement", "question": "Consent signed?" } }
      ],
      "exclusion": [
        { "id": "EXCL01", "text": "ALT or AST > 3 × ULN", "rule": { "kind": "any", "rules": [
          { "kind": "measurement", "concept": "alt", "gt": 3, "relativeTo": "uln" }, { "kind": "measurement", "concept": "ast", "gt": 3, "relativeTo": "uln" } ] } },
        { "id": "EXCL02", "text": "creatinine > 2 mg/dL or eGFR < 30", "rule": { "kind": "any", "rules": [
          { "kind": "measurement", "concept": "creatinine", "gt": 2, "unit": "mg/dL" }, { "kind": "measurement", "concept": "egfr", "lt": 30, "unit": "mL/min/{1.73_m2}" } ] } },
        { "id": "EXCL03", "text": "malignancy within 5 years except skin BCC/SCC", "rule": { "kind": "condition", "concept": "malignancy", "activeWithin": "P5Y", "except": ["skin-bcc-scc"] } },
        { "id": "EXCL04", "text": "active zoster, HIV, CKD 4–5; MI within 6 months", "rule": { "kind": "any", "rules": [
          { "kind": "condition", "concept": "herpes-zoster", "active": true }, { "kind": "condition", "concept": "hiv" },
          { "kind": "condition", "concept": "ckd-stage-4-5", "active": true }, { "kind": "condition", "concept": "myocardial-infarction", "occurredWithin": "P6M" } ] } },
        { "id": "EXCL05", "text": "cyclophosphamide within 6 months or current B-cell therapy", "rule": { "kind": "any", "rules": [
          { "kind": "medication", "concept": "cyclophosphamide", "within": "P6M" }, { "kind": "medication", "concept": "b-cell-therapy", "current": true } ] } },
        { "id": "EXCL06", "text": "mycophenolate > 1 g/day within 3 months; hydroxychloroquine unknown if absent", "rule": { "kind": "any", "rules": [
          { "kind": "medication", "concept": "mycophenolate", "within": "P3M", "dose": { "gt": 1000, "unit": "mg/d" } },
          { "kind": "medication", "concept": "hydroxychloroquine", "current": true, "absentMeans": "unknown" } ] } },
        { "id": "EXCL07", "text": "live vaccine within 4 weeks", "rule": { "kind": "immunization", "concept": "live-vaccine", "within": "P4W" } },
        { "id": "EXCL08", "text": "dialysis or plasma exchange within 1 year; any HSCT", "rule": { "kind": "any", "rules": [
          { "kind": "procedure", "concept": "dialysis", "occurredWithin": "P1Y" }, { "kind": "procedure", "concept": "plasma-exchange", "occurredWithin": "P1Y" },
          { "kind": "procedure", "concept": "hsct" } ] } },
        { "id": "EXCL09", "text": "investigator judges unsuitable", "rule": { "kind": "judgement", "question": "Unsuitable?" } },
        { "id": "EXCL10", "text": "lupus nephritis, or active SLE with pregnancy", "rule": { "kind": "any", "rules": [
          { "kind": "condition", "concept": "lupus-nephritis", "active": true }, { "kind": "pregnancy" } ] } },
        { "id": "EXCL11", "text": "HBsAg positive", "rule": { "kind": "coded", "concept": "hbsag", "answer": "positive", "lookback": "P6W" } }
      ]
    }
    """;

    private static readonly DateOnly AsOf = new(2026, 1, 15);

    private static readonly Lazy<TrialEvaluator> Trial = new(() =>
    {
        var result = RuleCompiler.CompileText(RuleFile, "FHIR-RT.json");
        result.Diagnostics.Where(d => d.IsError).Should().BeEmpty();
        return result.Evaluator!;
    });

    private static IEnumerable<TestCaseData> Patients() =>
        PatientGenerator.Generate(50, seed: 4711).Select((p, i) => new TestCaseData(p, (Bundle.BundleType)(i % 4 switch { 0 => 0, 1 => 2, 2 => 4, _ => 6 })).SetArgDisplayNames(p.Id!));

    [TestCaseSource(nameof(Patients))]
    public void NativeToFhirToNative_GivesIdenticalEvaluation(PatientRecord native, Bundle.BundleType type)
    {
        string json = NativeToFhir.ToJson(native, type);
        var read = FhirBundleReader.Read(Encoding.UTF8.GetBytes(json), native.Id + ".json");
        read.Diagnostics.Where(d => d.IsError).Should().BeEmpty();
        var back = read.Patient!;

        back.Id.Should().Be(native.Id);
        back.BirthDate.Should().Be(native.BirthDate);
        back.Sex.Should().Be(native.Sex);
        back.Observations.Should().BeEquivalentTo(native.Observations, o => o.WithStrictOrdering());
        back.Conditions.Should().BeEquivalentTo(native.Conditions, o => o.WithStrictOrdering());
        back.Procedures.Should().BeEquivalentTo(native.Procedures, o => o.WithStrictOrdering());
        back.Immunizations.Should().BeEquivalentTo(native.Immunizations, o => o.WithStrictOrdering());
        // Positions differ by design: the native record's and the bundle's are different files.
        back.Assessments.Should().BeEquivalentTo(native.Assessments, o => o.WithStrictOrdering().Excluding(a => a.Position));
        back.Medications.Should().BeEquivalentTo(native.Medications, o => o.WithStrictOrdering());

        var expected = Trial.Value.Evaluate(native, AsOf);
        var actual = Trial.Value.Evaluate(back, AsOf);
        actual.Verdict.Should().Be(expected.Verdict);
        actual.Criteria.Select(Flatten).Should().Equal(expected.Criteria.Select(Flatten));
    }

    [Test]
    public void GeneratedPatients_CoverEveryOutcome()
    {
        var outcomes = PatientGenerator.Generate(50, seed: 4711)
            .SelectMany(p => Trial.Value.Evaluate(p, AsOf).Criteria)
            .GroupBy(c => c.Id!)
            .ToDictionary(g => g.Key, g => g.Select(c => c.Outcome).Distinct().ToList());
        outcomes.Values.SelectMany(o => o).Distinct().Should().BeEquivalentTo(new[] { Outcome.Pass, Outcome.Fail, Outcome.Unknown, Outcome.Review });
        outcomes.Where(kv => kv.Value.Count > 1).Should().HaveCountGreaterThan(10, "most criteria see more than one outcome across the patients");
    }

    [Test]
    public void GeneratedPatients_CarryEveryKindOfContentTheRoundTripChecks()
    {
        var patients = PatientGenerator.Generate(50, seed: 4711).ToList();
        var observations = patients.SelectMany(p => p.Observations).ToList();
        var medications = patients.SelectMany(p => p.Medications).ToList();
        observations.Should().Contain(o => o.ValueText != null);
        observations.Should().Contain(o => o.ValueCodes.Count > 1);
        observations.Should().Contain(o => o.Interpretation.Count > 0 && o.Value == null && o.ValueCodes.Count == 0 && o.ValueText == null);
        observations.Should().Contain(o => o.Interpretation.Count > 1);
        medications.Select(m => m.Intent).Distinct().Should().Contain(new[] { "order", "plan", "proposal", null });
        medications.Where(m => m.DosingInterval != null).Select(m => m.DosingInterval).Distinct().Should().HaveCountGreaterThan(3);
        medications.Should().Contain(m => m.Intent != null && m.DosingInterval != null);
        medications.Where(m => !m.IsExposure).Select(m => m.Intent).Should().Contain(new[] { "plan", "proposal" }, "planned and proposed orders are not exposure");
    }

    private static string Flatten(CriterionResult c) =>
        $"{c.Id}:{c.Outcome}:{c.Explanation}[{string.Join(",", c.Parts.Select(Flatten))}]";
}
