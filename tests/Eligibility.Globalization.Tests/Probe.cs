using System.Globalization;
using System.Text;
using Eligibility.Patients;

namespace Eligibility.Globalization.Tests;

/// <summary>
/// The program the tests start in a child process: compiles a rule file with units from disk, evaluates lab thresholds
/// that hold only after unit conversion, and prints what it found. Exit code 0 when every result is right.
/// </summary>
public static class Probe
{
    public static readonly DateOnly AsOf = new(2026, 1, 15);

    /// <summary>Each criterion holds only when the value is converted: unconverted, each would be wrong.</summary>
    public const string RuleFile = """
        {
          "formatVersion": 1,
          "trial": { "id": "GLOBAL-1", "title": "Unit conversion under any globalization setting" },
          "defaults": { "lookback": "P28D" },
          "concepts": {
            "creatinine": { "codes": { "http://loinc.org": ["2160-0"] }, "unit": "mg/dL", "molarMass": 113.12 },
            "hemoglobin": { "codes": { "http://loinc.org": ["718-7"] }, "unit": "g/L" },
            "alt": { "codes": { "http://loinc.org": ["1742-6"] }, "unit": "U/L", "uln": { "value": 40 } }
          },
          "inclusion": [
            { "id": "INCL01", "text": "Creatinine < 1.5 mg/dL", "rule": { "kind": "measurement", "concept": "creatinine", "lt": 1.5, "unit": "mg/dL" } },
            { "id": "INCL02", "text": "Hemoglobin >= 100 g/L", "rule": { "kind": "measurement", "concept": "hemoglobin", "gte": 100, "unit": "g/L" } },
            { "id": "INCL03", "text": "ALT > 2 x ULN", "rule": { "kind": "measurement", "concept": "alt", "gt": 2, "relativeTo": "uln" } },
            { "id": "INCL04", "text": "ALT > 2 x ULN, as an expression", "rule": { "kind": "expression", "expression": "Value(\"alt\") > 2 * Uln(\"alt\")" } }
          ],
          "exclusion": []
        }
        """;

    /// <summary>Creatinine 120 µmol/L (1.357 mg/dL), hemoglobin 12.5 g/dL (125 g/L), ALT 1.5 µkat/L (90 U/L).</summary>
    public static PatientRecord Patient() => new()
    {
        Id = "probe",
        Sex = AdministrativeSex.Female,
        BirthDate = new DateOnly(1980, 6, 15),
        Observations =
        [
            Lab("2160-0", 120m, "umol/L"),
            Lab("718-7", 12.5m, "g/dL"),
            Lab("1742-6", 1.5m, "ukat/L"),
        ],
    };

    public static int Main(string[] args)
    {
        if (args is not ["probe"])
        {
            Console.Error.WriteLine("usage: Eligibility.Globalization.Tests probe");
            return 2;
        }

        Console.OutputEncoding = Encoding.UTF8;
        Console.WriteLine($"invariant-mode: {IsInvariant()}");
        Console.WriteLine($"en-US: {(CanCreate("en-US") ? "available" : "refused")}");

        var directory = Directory.CreateTempSubdirectory("eligibility-globalization-");
        try
        {
            var path = Path.Combine(directory.FullName, "GLOBAL-1.json");
            File.WriteAllText(path, RuleFile);
            var compiled = RuleCompiler.CompileFile(path);
            foreach (var diagnostic in compiled.Diagnostics.Where(d => d.IsError))
            {
                Console.WriteLine($"diagnostic: {diagnostic}");
            }

            if (compiled.Evaluator is null)
            {
                Console.WriteLine("compiled: no");
                return 1;
            }

            Console.WriteLine("compiled: yes");
            var result = compiled.Evaluator.Evaluate(Patient(), AsOf);
            var ok = true;
            foreach (var criterion in result.Criteria)
            {
                Console.WriteLine($"{criterion.Id}: {ResultJson.Name(criterion.Outcome)} | {criterion.Explanation}");
                ok &= criterion.Outcome == Outcome.Pass;
            }

            Console.WriteLine($"verdict: {ResultJson.Name(result.Verdict)}");
            return ok ? 0 : 1;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static ObservationRecord Lab(string loinc, decimal value, string unit) => new()
    {
        Id = "obs-" + loinc,
        Codes = [new Coding("http://loinc.org", loinc)],
        Value = value,
        Unit = unit,
        Status = "final",
        Date = new DateOnly(2026, 1, 10),
    };

    /// <summary>In invariant mode every culture has the invariant culture's data (German decimal commas are gone).</summary>
    private static bool IsInvariant()
    {
        try
        {
            return CultureInfo.GetCultureInfo("de-DE").NumberFormat.NumberDecimalSeparator == ".";
        }
        catch (CultureNotFoundException)
        {
            return true;
        }
    }

    private static bool CanCreate(string name)
    {
        try
        {
            _ = new CultureInfo(name);
            return true;
        }
        catch (CultureNotFoundException)
        {
            return false;
        }
    }
}
