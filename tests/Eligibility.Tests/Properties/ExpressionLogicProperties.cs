using System.Collections.Concurrent;
using Eligibility.Patients;
using static Eligibility.Tests.Support.TestTrial;

namespace Eligibility.Tests.Properties;

/// <summary>
/// Expressions obey Kleene logic under missing data, exactly as all / any / not rules do. Every combination of atom
/// states is enumerated (not sampled): four atoms that can each be true, false or unknown (missing data) and one that
/// is true or false — 162 patients. For every ordered pair of atoms: commutativity of &amp;&amp; and ||, both De Morgan
/// laws, the Kleene truth tables, and agreement with the equivalent typed all / any / not rules.
/// </summary>
[TestFixture]
public sealed class ExpressionLogicProperties
{
    /// <summary>An atom: its expression, the equivalent typed rule, and how to make a patient give each truth value.</summary>
    private sealed record Atom(string Name, string Expression, string TypedRule, Func<PatientRecord, bool?, PatientRecord> Apply, bool?[] States);

    private static readonly bool?[] ThreeStates = [true, false, null];

    private static readonly Atom[] Atoms =
    [
        // ALT 50 U/L or 2 U/L, or no result in the lookback.
        new("alt", "Value(\"alt\") > 3", """{ "kind": "measurement", "concept": "alt", "gt": 3, "unit": "U/L" }""",
            (p, v) => v is { } t ? p.WithLabs(Lab("1742-6", t ? 50 : 2, "U/L")) : p, ThreeStates),

        // Completed years: "Age > 70" is "71 or older", the typed rule gte 71 (a typed gt 70 holds from the day after the 70th birthday).
        new("age", "Age > 70", """{ "kind": "age", "gte": 71 }""",
            (p, v) => p with { BirthDate = v is { } t ? D(t ? "1940-03-01" : "1980-03-01") : null }, ThreeStates),

        new("sex", "Sex == \"female\"", """{ "kind": "sex", "is": "female" }""",
            (p, v) => p with { Sex = v switch { true => AdministrativeSex.Female, false => AdministrativeSex.Male, null => AdministrativeSex.Unknown } },
            ThreeStates),

        // Current prednisone; none; or a prednisone record without a start date (whether it covers as-of is unknown).
        new("prednisone", "OnMedication(\"prednisone\")", """{ "kind": "medication", "concept": "prednisone", "current": true }""",
            (p, v) => v switch { true => p.WithMedications(Rx("8640", "2026-01-01")), false => p, null => p.WithMedications(Rx("8640", null)) },
            ThreeStates),

        // A condition's history is never unknown (the record is taken as complete): true or false only.
        new("sle", "HasCondition(\"sle\")", """{ "kind": "condition", "concept": "sle" }""",
            (p, v) => v == true ? p.WithConditions(Icd("M32", "2020-01-01")) : p, [true, false]),
    ];

    private static readonly ConcurrentDictionary<string, TrialEvaluator> Trials = new();

    /// <summary>Every combination of atom states, with the patient that has them.</summary>
    private static readonly Lazy<List<(bool?[] States, PatientRecord Patient)>> Patients = new(() =>
    {
        var all = new List<(bool?[], PatientRecord)> { ([], Patient()) };
        foreach (var atom in Atoms)
        {
            all = all.SelectMany(c => atom.States.Select(s => (c.Item1.Append(s).ToArray(), atom.Apply(c.Item2, s)))).ToList();
        }

        return all;
    });

    private static IEnumerable<TestCaseData> Pairs() =>
        from i in Enumerable.Range(0, Atoms.Length)
        from j in Enumerable.Range(0, Atoms.Length)
        where i != j
        select new TestCaseData(i, j).SetName($"Kleene laws hold for {Atoms[i].Name} and {Atoms[j].Name} on every combination of data");

    [Test]
    public void Every_atom_takes_each_of_its_states_on_the_enumerated_patients()
    {
        Patients.Value.Should().HaveCount(3 * 3 * 3 * 3 * 2);
        for (var i = 0; i < Atoms.Length; i++)
        {
            foreach (var (states, patient) in Patients.Value)
            {
                Truth(Atoms[i].Expression, patient).Should().Be(states[i], "atom {0} on {1}", Atoms[i].Name, string.Join(",", states));
                TypedTruth(Atoms[i].TypedRule, patient).Should().Be(states[i], "typed rule of {0}", Atoms[i].Name);
            }
        }
    }

    [TestCaseSource(nameof(Pairs))]
    public void Kleene_laws_hold_on_every_combination(int i, int j)
    {
        var (x, y) = (Atoms[i], Atoms[j]);
        string a = x.Expression, b = y.Expression;
        foreach (var (states, patient) in Patients.Value)
        {
            bool? p = states[i], q = states[j];
            var because = $"{x.Name}={Show(p)}, {y.Name}={Show(q)}";

            // The truth tables.
            Truth($"{a} && {b}", patient).Should().Be(And(p, q), because);
            Truth($"{a} || {b}", patient).Should().Be(Or(p, q), because);
            Truth($"!({a})", patient).Should().Be(Not(p), because);

            // Commutativity.
            Truth($"{b} && {a}", patient).Should().Be(Truth($"{a} && {b}", patient), because);
            Truth($"{b} || {a}", patient).Should().Be(Truth($"{a} || {b}", patient), because);

            // De Morgan, both ways.
            Truth($"!({a} && {b})", patient).Should().Be(Truth($"!({a}) || !({b})", patient), because);
            Truth($"!({a} || {b})", patient).Should().Be(Truth($"!({a}) && !({b})", patient), because);

            // Exactly as the typed all / any / not rules.
            Truth($"{a} && {b}", patient).Should().Be(TypedTruth(All(x.TypedRule, y.TypedRule), patient), because);
            Truth($"{a} || {b}", patient).Should().Be(TypedTruth(Any(x.TypedRule, y.TypedRule), patient), because);
            Truth($"!({a} || {b})", patient).Should().Be(TypedTruth($$"""{ "kind": "not", "rule": {{Any(x.TypedRule, y.TypedRule)}} }""", patient), because);
        }
    }

    [Test]
    public void A_formula_over_all_five_atoms_agrees_with_its_typed_rule_on_every_combination()
    {
        var (alt, age, sex, prednisone, sle) = (Atoms[0], Atoms[1], Atoms[2], Atoms[3], Atoms[4]);
        var expression = $"({alt.Expression} && !({age.Expression})) || ({sex.Expression} && ({prednisone.Expression} || {sle.Expression}))";
        var typed = Any(
            All(alt.TypedRule, $$"""{ "kind": "not", "rule": {{age.TypedRule}} }"""),
            All(sex.TypedRule, Any(prednisone.TypedRule, sle.TypedRule)));

        foreach (var (states, patient) in Patients.Value)
        {
            var expected = Or(And(states[0], Not(states[1])), And(states[2], Or(states[3], states[4])));
            Truth(expression, patient).Should().Be(expected, string.Join(",", states.Select(Show)));
            TypedTruth(typed, patient).Should().Be(expected);
        }
    }

    [Test]
    public void An_unknown_result_names_exactly_the_missing_facts_of_the_unknown_atoms_that_mattered()
    {
        const string expression = "Value(\"alt\") > 3 || Age > 70";
        foreach (var (states, patient) in Patients.Value)
        {
            var result = Trial(System.Text.Json.JsonSerializer.Serialize(new { kind = "expression", expression })).Single(patient);
            var expected = Or(states[0], states[1]) is null
                ? new[] { "alt result", "age (no birth date)" }.Where((_, k) => states[k] is null).ToArray()
                : [];
            result.Missing.Should().Equal(expected, string.Join(",", states.Select(Show)));
        }
    }

    private static string All(params string[] rules) => $$"""{ "kind": "all", "rules": [{{string.Join(", ", rules)}}] }""";

    private static string Any(params string[] rules) => $$"""{ "kind": "any", "rules": [{{string.Join(", ", rules)}}] }""";

    private static bool? Truth(string expression, PatientRecord patient) =>
        TypedTruth(System.Text.Json.JsonSerializer.Serialize(new { kind = "expression", expression }), patient);

    private static bool? TypedTruth(string rule, PatientRecord patient) => Trial(rule).Single(patient).Outcome switch
    {
        Outcome.Pass => true,
        Outcome.Fail => false,
        _ => null,
    };

    private static TrialEvaluator Trial(string rule) => Trials.GetOrAdd(rule, r => With(r, inclusion: true));

    private static bool? And(bool? a, bool? b) => a == false || b == false ? false : a == true && b == true ? true : null;

    private static bool? Or(bool? a, bool? b) => a == true || b == true ? true : a == false && b == false ? false : null;

    private static bool? Not(bool? a) => a is null ? null : !a;

    private static string Show(bool? value) => value switch { true => "T", false => "F", null => "U" };
}
