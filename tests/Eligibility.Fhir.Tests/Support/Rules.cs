using Eligibility.Patients;

namespace Eligibility.Fhir.Tests.Support;

/// <summary>Compiles small rule files through the core, to check that mapped records evaluate as intended.</summary>
internal static class Rules
{
    public static readonly DateOnly AsOf = new(2026, 1, 15);

    /// <summary>A rule file with the bindings the tests use, any <paramref name="extraConcepts"/> (<c>"name": { … }</c>,
    /// comma-separated) and the given criteria.</summary>
    public static TrialEvaluator Compile(string inclusion, string exclusion = "", string extraConcepts = "")
    {
        string extra = extraConcepts.Trim().Length == 0 ? string.Empty : "," + extraConcepts;
        string json = $$"""
        {
          "formatVersion": 1,
          "trial": { "id": "FHIR-TEST", "title": "FHIR mapping test trial" },
          "defaults": { "lookback": "P28D" },
          "concepts": {
            "alt": { "codes": { "http://loinc.org": ["1742-6", "1743-4", "1744-2"] }, "unit": "U/L", "uln": { "value": 40, "unit": "U/L" } },
            "hemoglobin": { "codes": { "http://loinc.org": ["718-7"] }, "unit": "g/L" },
            "platelets": { "codes": { "http://loinc.org": ["777-3", "26515-7"] }, "unit": "10*9/L" },
            "wbc": { "codes": { "http://loinc.org": ["6690-2", "26464-8"] }, "unit": "10*9/L" },
            "creatinine": { "codes": { "http://loinc.org": ["2160-0", "14682-9"] }, "unit": "mg/dL", "molarMass": 113.12 },
            "selena-sledai": { "codes": { "urn:eligibility:concept": ["selena-sledai"] }, "unit": "{score}" },
            "pregnancy-status": { "codes": { "http://loinc.org": ["82810-3"] },
              "answers": { "pregnant": { "http://loinc.org": ["LA15173-0"] }, "not-pregnant": { "http://loinc.org": ["LA26683-5"] }, "unknown": { "http://loinc.org": ["LA4489-6"] } } },
            "pregnancy": { "codes": { "http://snomed.info/sct": ["77386006"], "http://hl7.org/fhir/sid/icd-10": ["Z33.1", "O09"] } },
            "sle": { "codes": { "http://snomed.info/sct": ["55464009"], "http://hl7.org/fhir/sid/icd-10": ["M32"] } },
            "malignancy": { "codes": { "http://snomed.info/sct": ["363346000"], "http://hl7.org/fhir/sid/icd-10": ["C"] } },
            "skin-bcc-scc": { "codes": { "http://hl7.org/fhir/sid/icd-10": ["C44"] } },
            "herpes-zoster": { "codes": { "http://snomed.info/sct": ["4740000"], "http://hl7.org/fhir/sid/icd-10": ["B02"] } },
            "dialysis": { "codes": { "http://snomed.info/sct": ["302497006", "71192002"] } },
            "plasma-exchange": { "codes": { "http://snomed.info/sct": ["20720000"] } },
            "prednisone": { "codes": { "http://www.nlm.nih.gov/research/umls/rxnorm": ["8640"], "http://www.whocc.no/atc": ["H02AB07"] }, "prednisoneEquivalence": 1 },
            "methylprednisolone": { "codes": { "http://www.nlm.nih.gov/research/umls/rxnorm": ["6902"], "http://www.whocc.no/atc": ["H02AB04"] }, "prednisoneEquivalence": 1.25 },
            "glucocorticoid": { "include": ["prednisone", "methylprednisolone"] },
            "cyclophosphamide": { "codes": { "http://www.nlm.nih.gov/research/umls/rxnorm": ["3002"], "http://www.whocc.no/atc": ["L01AA01"] } },
            "rituximab": { "codes": { "http://www.nlm.nih.gov/research/umls/rxnorm": ["121191"], "http://www.whocc.no/atc": ["L01FA01"] } },
            "hydroxychloroquine": { "codes": { "http://www.nlm.nih.gov/research/umls/rxnorm": ["5521"], "http://www.whocc.no/atc": ["P01BA02"] } },
            "live-vaccine": { "codes": { "http://hl7.org/fhir/sid/cvx": ["03", "94", "21", "121", "37", "19", "25", "111", "149", "174"] } }{{extra}}
          },
          "inclusion": [ {{inclusion}} ],
          "exclusion": [ {{exclusion}} ]
        }
        """;
        var result = RuleCompiler.CompileText(json, "FHIR-TEST.json");
        result.Diagnostics.Where(d => d.IsError).Should().BeEmpty();
        return result.Evaluator!;
    }

    public static CriterionResult Only(this TrialEvaluator trial, PatientRecord patient) => trial.Evaluate(patient, AsOf).Criteria.Single();
}
