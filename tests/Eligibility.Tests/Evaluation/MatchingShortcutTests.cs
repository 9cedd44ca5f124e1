using System.Collections.ObjectModel;
using Eligibility.Binding;
using Eligibility.Compilation.Nodes;
using Eligibility.Patients;
using Eligibility.Tests.Support;
using Eligibility.Units;
using static Eligibility.Tests.Support.TestTrial;

namespace Eligibility.Tests.Evaluation;

/// <summary>
/// The shortcuts of the verdict path give the answers of the long way: a code system recognised by reference is the one
/// normalisation gives, a patient index matches its groups' (normalised system, trimmed code) as the codings themselves
/// match (exact, by prefix, from a terminology, the same code in several systems), records whose lists are arrays,
/// lists or other read-only lists decide alike, the unit factors remembered per thread are the converter's, and several
/// threads deciding different patients on one evaluator get what one thread gets.
/// </summary>
public class MatchingShortcutTests
{
    private const string Local = "urn:test:local-codes";

    /// <summary>The same URI as <paramref name="system"/>, as a new string object (as a reader that does not intern makes it).</summary>
    private static string Copy(string system) => new(system.AsSpan());

    private static readonly string[] Systems =
    [
        CodeSystems.Loinc, CodeSystems.Snomed, CodeSystems.RxNorm, CodeSystems.Atc, CodeSystems.Icd10, CodeSystems.Icd10Cm,
        Copy(CodeSystems.Loinc), Copy(CodeSystems.Icd10), Copy(CodeSystems.Icd10Cm), "HTTP://LOINC.ORG", "http://loinc.org/",
        " http://snomed.info/sct ", "http://www.whocc.no/atc/", Local, Local + "/", " " + Local, "urn:test:other",
    ];

    private static readonly string[] Codes = ["1234", " 1234 ", "M32.14", "m3214", "M32", "L04AA26", "l04aa", "718-7", "55464009", "", "  ", "X"];

    /// <summary>One matcher over several systems: exact codes, prefixes (ICD-10, ATC), and one code in three systems with different members.</summary>
    private static CodeMatcher SeveralSystems()
    {
        var matcher = new CodeMatcher();
        matcher.Add(CodeSystems.Loinc, "1234", "loinc member");
        matcher.Add(Local, "1234", "local member");
        matcher.Add(CodeSystems.Snomed, "1234", "snomed member");
        matcher.Add(CodeSystems.Loinc, "718-7", "haemoglobin");
        matcher.Add(CodeSystems.Snomed, "55464009", "sle");
        matcher.Add(CodeSystems.Icd10Cm, "M32", "sle class");
        matcher.Add(CodeSystems.Icd10, "M32.14", "sle nephritis");
        matcher.Add(CodeSystems.Atc, "L04AA", "immunosuppressant");
        return matcher.Freeze();
    }

    [Test]
    public void A_system_recognised_by_reference_is_the_one_normalisation_gives()
    {
        foreach (string system in Systems)
        {
            CodeMatcher.NormaliseSystem(system).Should().Be(CodeSystems.Normalise(system), $"for '{system}'");
        }
    }

    [Test]
    public void Matching_a_normalised_system_and_trimmed_code_gives_what_matching_the_coding_gives()
    {
        var matchers = new[] { SeveralSystems(), new CodeMatcher().Freeze() };
        int matched = 0;
        foreach (var matcher in matchers)
        {
            foreach (string system in Systems)
            {
                foreach (string code in Codes)
                {
                    var coding = new Coding(system, code);
                    string? expected = matcher.Match(coding);
                    matcher.Match(CodeMatcher.NormaliseSystem(system), code.Trim()).Should().Be(expected, $"for {system}|{code}");
                    matched += expected is null ? 0 : 1;
                }
            }
        }

        matched.Should().BeGreaterThan(10, "the cases include matches in every kind of system");
        SeveralSystems().Match(new Coding(Copy(Local), "1234")).Should().Be("local member");
        SeveralSystems().Match(new Coding("HTTP://LOINC.ORG/", " 1234")).Should().Be("loinc member");
        SeveralSystems().Match(new Coding(Copy(CodeSystems.Icd10Cm), "m32.149")).Should().Be("sle nephritis", "the longest prefix wins");
        SeveralSystems().Match(new Coding(CodeSystems.Atc, "L04AA26")).Should().Be("immunosuppressant");
    }

    [Test]
    public void One_code_in_several_systems_finds_each_systems_results_through_the_index()
    {
        var matcher = SeveralSystems();
        var onlyLocal = new CodeMatcher();
        onlyLocal.Add(Copy(Local) + "/", " 1234 ", "local");
        onlyLocal.Freeze();
        var onlyLoinc = new CodeMatcher();
        onlyLoinc.Add("HTTP://LOINC.ORG", "1234", "loinc");
        onlyLoinc.Freeze();

        var patient = Patient().WithLabs(
            new ObservationRecord { Codes = [new Coding(CodeSystems.Loinc, "1234")], Value = 1, Unit = "U/L", Date = D("2025-12-01"), Status = "final" },
            new ObservationRecord { Codes = [new Coding(Copy(Local), "1234 ")], Value = 2, Unit = "U/L", Date = D("2025-12-05"), Status = "final" },
            new ObservationRecord { Codes = [new Coding("urn:test:other", "1234")], Value = 3, Unit = "U/L", Date = D("2025-12-09"), Status = "final" },
            new ObservationRecord { Codes = [new Coding(Copy(CodeSystems.Icd10Cm), "M32.1")], Value = 4, Unit = "U/L", Date = D("2025-12-03"), Status = "final" });
        var index = PatientIndex.Build(patient);
        var window = new Eligibility.Time.DateWindow(D("2025-01-01"), AsOf);

        index.Latest(onlyLoinc, window, _ => true).Should().Be(0);
        index.Latest(onlyLocal, window, _ => true).Should().Be(1);
        index.Latest(matcher, window, _ => true).Should().Be(1, "the local result is the latest the matcher's systems have");
        index.Latest(matcher, window, o => o.Value != 2).Should().Be(3, "then the ICD-10 result, matched by prefix");
    }

    [Test]
    public void Codes_from_a_terminology_match_through_the_index_as_the_codings_do()
    {
        var compiled = Compile("""{ "kind": "condition", "concept": "malignancy" }""", options: new CompileOptions { Terminology = Terminologies.Omop });
        var node = compiled.Evaluator!.CompiledCriteria.Select(c => c.Rule).OfType<ConditionNode>().Single();
        var matcher = node.Concept.Matcher;
        matcher.Entries().Select(e => (e.System, e.Code)).Should().Contain((CodeSystems.Snomed, "372064008"), "the binding is expanded with the descendants");

        // Listed, a child, a grandchild, unrelated; in the canonical URI and in spellings that need normalising.
        string[] codes = ["363346000", "254837009", "372064008", "62479008"];
        foreach (string system in new[] { CodeSystems.Snomed, Copy(CodeSystems.Snomed), "http://snomed.info/sct/", "HTTP://SNOMED.INFO/SCT" })
        {
            foreach (string code in codes)
            {
                matcher.Match(CodeMatcher.NormaliseSystem(system), code).Should().Be(matcher.Match(new Coding(system, code)), $"for {system}|{code}");
            }
        }

        // Observations coded with the descendants: the index finds them as matching each coding does.
        var patient = Patient().WithLabs(codes.Select((c, i) => new ObservationRecord
        {
            Codes = [new Coding(i % 2 == 0 ? CodeSystems.Snomed : "http://snomed.info/sct/", c)],
            Value = i,
            Date = D("2025-11-01").AddDays(i),
            Status = "final",
        }).ToArray());
        var index = PatientIndex.Build(patient);
        var window = new Eligibility.Time.DateWindow(D("2025-01-01"), AsOf);
        index.Latest(matcher, window, _ => true).Should().Be(2, "the grandchild is the latest matching result; the unrelated code is later");
        index.Latest(matcher, window, o => o.Value < 2).Should().Be(1);
        var outcome = compiled.Evaluator.Single(Patient().WithConditions(Condition("http://snomed.info/sct/", "372064008", "2024-03-01"))).Outcome;
        outcome.Should().Be(Outcome.Fail, "a grandchild in a spelling that needs normalising is still a malignancy");
    }

    [Test]
    public void Records_whose_lists_are_arrays_lists_or_other_read_only_lists_decide_alike()
    {
        var differences = new List<string>();
        int decided = 0;
        foreach (var (name, patient, asOf) in VerdictPathData.Samples)
        {
            var variants = new[]
            {
                ("array", Reshape(patient, l => l.ToArray())),
                ("list", Reshape(patient, l => l.ToList(), o => o.ToList())),
                ("read-only collection", Reshape(patient, l => new ReadOnlyCollection<Coding>(l.ToList()), o => new ReadOnlyCollection<ObservationRecord>(o.ToList()))),
            };
            foreach (var (trialName, trial) in VerdictPathData.ReferenceTrials)
            {
                string expected = Decide(trial, PatientIndex.Build(patient), asOf);
                foreach (var (kind, variant) in variants)
                {
                    decided++;
                    string got = Decide(trial, PatientIndex.Build(variant), asOf);
                    if (got != expected)
                    {
                        differences.Add($"{name} × {trialName} ({kind}): {got} instead of {expected}");
                    }
                }
            }
        }

        differences.Should().BeEmpty();
        decided.Should().BeGreaterThan(30);
    }

    [Test]
    public void Threads_deciding_different_patients_on_one_evaluator_get_what_one_thread_gets()
    {
        var trials = VerdictPathData.ReferenceTrials.ToList();
        var cases = VerdictPathData.Samples.ToList();
        var expected = cases.Select(c => trials.Select(t => Decide(t.Trial, PatientIndex.Build(c.Patient), c.AsOf)).ToArray()).ToList();
        var differences = new System.Collections.Concurrent.ConcurrentBag<string>();
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            var random = new Random(t);
            for (int n = 0; n < 3 * cases.Count; n++)
            {
                // Each thread its own patients in its own order, each time a fresh index: the evaluators and the
                // converter are what the threads share.
                int i = random.Next(cases.Count);
                int k = random.Next(trials.Count);
                string got = Decide(trials[k].Trial, PatientIndex.Build(cases[i].Patient), cases[i].AsOf);
                if (got != expected[i][k])
                {
                    differences.Add($"{cases[i].Name} × {trials[k].Name} on thread {t}: {got} instead of {expected[i][k]}");
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join(TimeSpan.FromMinutes(2)).Should().BeTrue("a thread hung"));
        differences.Should().BeEmpty();
    }

    [Test]
    public void Factors_remembered_per_thread_are_the_converters_even_when_spellings_collide()
    {
        // More spellings than the per-thread table has places, so entries are replaced; errors and molar masses included.
        string[] units = ["mg/dL", "umol/L", " mg/dL ", "µmol/L", "μmol/L", "g/L", "g/dL", "10*9/L", "10*3/uL", "/uL", "U/L", "ukat/L", "%", "1",
            "mL/min", "mL/min/{1.73_m2}", "kg", "[lb_av]", "mmol/L", "Cel", "[degF]", "foo", "", "m", "cm", "[in_i]", "mg", "ug", "ng/mL", "pg/mL",
            "10*6/L", "10*12/L", "meq/L", "g", "[IU]/L", "h", "min", "d"];
        decimal?[] masses = [null, 113.12m, 584.66m];
        var keys = (from f in units from t in units from m in masses select (From: f, To: t, Mass: m)).ToList();

        // The first time each key is asked on a fresh thread is the computation itself.
        var expected = new Dictionary<(string, string, decimal?), (bool, decimal, string?)>();
        var first = new Thread(() =>
        {
            foreach (var k in keys)
            {
                bool ok = UnitConverter.Instance.TryGetFactor(k.From, k.To, k.Mass, out decimal f, out string? e);
                expected[k] = (ok, f, e);
            }
        });
        first.Start();
        first.Join(TimeSpan.FromMinutes(2)).Should().BeTrue("a thread hung");

        var differences = new System.Collections.Concurrent.ConcurrentBag<string>();
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            var random = new Random(100 + t);
            for (int n = 0; n < 20_000; n++)
            {
                var k = keys[random.Next(keys.Count)];
                bool ok = UnitConverter.Instance.TryGetFactor(k.From, k.To, k.Mass, out decimal f, out string? e);
                if ((ok, f, e) != expected[k])
                {
                    differences.Add($"{k}: {(ok, f, e)} instead of {expected[k]}");
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join(TimeSpan.FromMinutes(2)).Should().BeTrue("a thread hung"));
        differences.Should().BeEmpty();
        expected.Values.Count(v => v.Item1).Should().BeGreaterThan(100);
        expected.Values.Count(v => !v.Item1).Should().BeGreaterThan(100);
    }

    private static PatientRecord Reshape(PatientRecord patient, Func<IEnumerable<Coding>, IReadOnlyList<Coding>> codes, Func<IEnumerable<ObservationRecord>, IReadOnlyList<ObservationRecord>>? observations = null) =>
        patient with
        {
            Observations = (observations ?? (o => o.ToArray()))(patient.Observations.Select(o => o with { Codes = codes(o.Codes) })),
            Conditions = patient.Conditions.Select(c => c with { Codes = codes(c.Codes) }).ToList(),
            Medications = patient.Medications.Select(m => m with { Codes = codes(m.Codes) }).ToList(),
        };

    private static string Decide(TrialEvaluator trial, PatientIndex index, DateOnly asOf)
    {
        var outcomes = new Outcome[trial.Criteria.Count];
        var verdict = trial.Decide(index, asOf, outcomes);
        return verdict + ": " + string.Join(",", outcomes);
    }
}
