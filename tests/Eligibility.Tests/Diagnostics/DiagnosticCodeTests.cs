using System.Reflection;
using Eligibility.Codes;
using Eligibility.Diagnostics;
using Eligibility.Patients;

namespace Eligibility.Tests.Diagnostics;

/// <summary>
/// One triggering input per diagnostic code (docs/diagnostics.md), asserting the code, severity, line, column and JSON
/// pointer; plus the catalogue's own invariants. Inputs are raw string literals: line 1 is the line after the opening
/// quotes, columns count from the closing quotes' indentation. Offending tokens start their own line where possible.
/// </summary>
[TestFixture]
public sealed class DiagnosticCodeTests
{
    private const string RuleFile = "x/TEST-1.json";
    private const string PatientFile = "p.json";

    private const DiagnosticSeverity Error = DiagnosticSeverity.Error;
    private const DiagnosticSeverity Warning = DiagnosticSeverity.Warning;

    /// <summary>
    /// One input that must produce exactly one diagnostic: <paramref name="Code"/> at the given place. <paramref name="Also"/>
    /// lists codes that necessarily come with it (only where the schema always reports the same mistake too).
    /// </summary>
    public sealed record Trigger(
        string Code,
        string Name,
        Func<IReadOnlyList<Diagnostic>> Run,
        string? File,
        DiagnosticSeverity Severity,
        int Line,
        int Column,
        string? Pointer,
        string MessagePart,
        IReadOnlyList<string>? Also = null)
    {
        public override string ToString() => $"{Code} {Name}";
    }

    // ================================================================ the catalogue

    [Test]
    public void Codes_are_unique_and_follow_the_pattern()
    {
        var codes = AllCodes().ToList();

        codes.Should().NotBeEmpty();
        codes.Select(c => c.Code).Should().OnlyHaveUniqueItems();
        codes.Should().AllSatisfy(c => c.Code.Should().MatchRegex("^ELIG[0-35][0-9]{3}$", $"{c.Name} must be a permanent ELIGnnnn code"));
    }

    [TestCaseSource(nameof(CodeCases))]
    public void Every_code_has_a_trigger(string code)
    {
        // The trigger table below must cover every constant: a code added to DiagnosticCodes without a test fails here.
        Triggers().Where(t => t.Code == code).Should().NotBeEmpty($"{code} needs an input in {nameof(Triggers)}() that reports it");
    }

    [TestCaseSource(nameof(TriggerCases))]
    public void Trigger_reports_exactly_its_code_at_the_offending_token(Trigger trigger)
    {
        // Information (e.g. ELIG2026: bindings match listed codes only) is not a problem; only an info trigger counts it.
        var all = trigger.Run().Where(x => x.Severity != DiagnosticSeverity.Info || x.Code == trigger.Code).ToList();
        string listing = string.Join(Environment.NewLine, all);
        var also = trigger.Also ?? [];

        all.Should().HaveCount(1 + also.Count, listing);
        all.Where(x => x.Code != trigger.Code).Select(x => x.Code).Should().BeEquivalentTo(also, listing);
        var diagnostics = all.Where(x => x.Code == trigger.Code).ToList();
        diagnostics.Should().ContainSingle(listing);
        var d = diagnostics[0];
        d.Code.Should().Be(trigger.Code, d.ToString());
        d.Severity.Should().Be(trigger.Severity, d.ToString());
        d.File.Should().Be(trigger.File);
        $"({d.Line},{d.Column})".Should().Be($"({trigger.Line},{trigger.Column})", d.ToString());
        d.Pointer.Should().Be(trigger.Pointer, d.ToString());
        d.Message.Should().Contain(trigger.MessagePart);
    }

    private static IEnumerable<(string Name, string Code)> AllCodes() =>
        typeof(DiagnosticCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (f.Name, (string)f.GetRawConstantValue()!));

    private static IEnumerable<TestCaseData> CodeCases() =>
        AllCodes().Select(c => new TestCaseData(c.Code).SetName($"Every_code_has_a_trigger({c.Code} {c.Name})"));

    private static IEnumerable<TestCaseData> TriggerCases() =>
        Triggers().Select(t => new TestCaseData(t).SetName($"{t.Code} {t.Name}"));

    // ================================================================ the trigger table

    private static IEnumerable<Trigger> Triggers()
    {
        // ---------------------------------------------------------------- ELIG0xxx input and JSON syntax

        yield return Rule(DiagnosticCodes.JsonSyntax, "missing comma", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" }
          "concepts": {}
        }
        """, Error, 5, 3, null, "invalid JSON");

        yield return Patient(DiagnosticCodes.JsonSyntax, "patient with a trailing comma", """
        {
          "id": "p",
          "sex": "female",
        }
        """, Error, 4, 1, null, "invalid JSON");

        yield return new Trigger(DiagnosticCodes.FileUnreadable, "rule file that does not exist",
            () => RuleCompiler.CompileFile(MissingPath("TEST-1.json")).Diagnostics,
            MissingPath("TEST-1.json"), Error, 0, 0, string.Empty, "cannot read");

        yield return new Trigger(DiagnosticCodes.FileUnreadable, "patient file that does not exist",
            () => PatientReader.ReadFile(MissingPath("p.json")).Diagnostics,
            MissingPath("p.json"), Error, 0, 0, string.Empty, "cannot read");

        yield return new Trigger(DiagnosticCodes.InputTooLarge, "rule text over the size limit",
            () => RuleCompiler.CompileText(new string(' ', RuleCompiler.MaxFileBytes) + "{}", RuleFile).Diagnostics,
            RuleFile, Error, 0, 0, string.Empty, RuleCompiler.MaxFileBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));

        yield return new Trigger(DiagnosticCodes.InputTooLarge, "rule stream over the size limit",
            () => RuleCompiler.Compile(new MemoryStream(new byte[RuleCompiler.MaxFileBytes + 1]), RuleFile).Diagnostics,
            RuleFile, Error, 0, 0, string.Empty, RuleCompiler.MaxFileBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));

        yield return new Trigger(DiagnosticCodes.InputTooLarge, "patient bytes over the size limit",
            () => PatientReader.Read(new byte[(int)InputLimits.DefaultMaxRecordBytes + 1], PatientFile).Diagnostics,
            PatientFile, Error, 0, 0, string.Empty, InputLimits.DefaultMaxRecordBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Patient input limits (InputLimits): at the offending token, before anything is built.
        yield return new Trigger(DiagnosticCodes.InputLimitExceeded, "patient string longer than the limit",
            () => PatientReader.Read("{\n  \"id\": \"p\",\n  \"note\": \"" + new string('x', 101) + "\"\n}", PatientFile, new InputLimits { MaxStringBytes = 100 }).Diagnostics,
            PatientFile, Error, 3, 11, "/note", "limited to 100 bytes per string");

        // Reported at the second occurrence: that is the one to delete (SourceMap records its offset for this).
        yield return Rule(DiagnosticCodes.DuplicateProperty, "property repeated in one object", """
        {
          "formatVersion": 1,
          "trial": {
            "id": "TEST-1",
            "title": "t",
            "title": "u"
          },
          "defaults": { "lookback": "P28D" },
          "concepts": {},
          "inclusion": [ { "id": "INCL01", "text": "t", "rule": { "kind": "age", "gte": 18 } } ],
          "exclusion": []
        }
        """, Error, 6, 5, "/trial/title", "title");

        // ---------------------------------------------------------------- ELIG1xxx schema and structure

        // A missing property is reported at the object that lacks it.
        yield return Rule(DiagnosticCodes.MissingProperty, "criterion without text", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {},
          "inclusion": [
            { "id": "INCL01", "rule": { "kind": "age", "gte": 18 } }
          ],
          "exclusion": []
        }
        """, Error, 7, 5, "/inclusion/0", "'text'");

        yield return Rule(DiagnosticCodes.MissingProperty, "file without formatVersion", """
        {
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {},
          "inclusion": [],
          "exclusion": []
        }
        """, Error, 1, 1, string.Empty, "'formatVersion'");

        yield return Rule(DiagnosticCodes.MissingProperty, "longerThan without within", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {
            "prednisone": { "codes": { "http://www.nlm.nih.gov/research/umls/rxnorm": ["8640"] } }
          },
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule":
              { "kind": "medication", "concept": "prednisone", "current": true, "longerThan": "P4W" } }
          ],
          "exclusion": []
        }
        """, Error, 10, 7, "/inclusion/0/rule", "'within'");

        yield return Rule(DiagnosticCodes.WrongType, "formatVersion as a string", """
        {
          "formatVersion": "1",
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {},
          "inclusion": [],
          "exclusion": []
        }
        """, Error, 2, 20, "/formatVersion", "integer");

        yield return Rule(DiagnosticCodes.WrongType, "rule that is not an object", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {},
          "inclusion": [
            { "id": "INCL01", "text": "t",
              "rule": true }
          ],
          "exclusion": []
        }
        """, Error, 8, 15, "/inclusion/0/rule", "object");

        // An unknown property is reported at its name.
        yield return Rule(DiagnosticCodes.UnknownProperty, "misspelt bound", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {},
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule": { "kind": "age", "gte": 18,
              "ltt": 80 } }
          ],
          "exclusion": []
        }
        """, Error, 8, 7, "/inclusion/0/rule/ltt", "ltt");

        yield return Rule(DiagnosticCodes.NotAllowedValue, "unknown rule kind", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {},
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule": { "gte": 18,
              "kind": "agee" } }
          ],
          "exclusion": []
        }
        """, Error, 8, 15, "/inclusion/0/rule/kind", "agee");

        yield return Rule(DiagnosticCodes.NotAllowedValue, "format version 2", """
        {
          "formatVersion": 2,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {},
          "inclusion": [],
          "exclusion": []
        }
        """, Error, 2, 20, "/formatVersion", "2");

        yield return Rule(DiagnosticCodes.PatternMismatch, "criterion ID with one digit", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {},
          "inclusion": [
            { "text": "t", "rule": { "kind": "age", "gte": 18 },
              "id": "INCL1" }
          ],
          "exclusion": []
        }
        """, Error, 8, 13, "/inclusion/0/id", "INCL1");

        // A property name that misses its pattern is reported at the name.
        yield return Rule(DiagnosticCodes.PatternMismatch, "code system that is not a URI", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {
            "sle": { "codes": {
              "snomed": ["55464009"] } }
          },
          "inclusion": [ { "id": "INCL01", "text": "t", "rule": { "kind": "condition", "concept": "sle" } } ],
          "exclusion": []
        }
        """, Error, 7, 7, "/concepts/sle/codes/snomed", "snomed");

        yield return Rule(DiagnosticCodes.OutOfRange, "atLeast 0", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {},
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule": { "kind": "atLeast", "rules": [ { "kind": "age", "gte": 18 } ],
              "n": 0 } }
          ],
          "exclusion": []
        }
        """, Error, 8, 12, "/inclusion/0/rule/n", "1");

        yield return Rule(DiagnosticCodes.OutOfRange, "empty title", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1",
            "title": "" },
          "defaults": { "lookback": "P28D" },
          "concepts": {},
          "inclusion": [],
          "exclusion": []
        }
        """, Error, 4, 14, "/trial/title", "character");

        // Combinations are reported at the object holding the properties.
        yield return Rule(DiagnosticCodes.InvalidCombination, "measurement with both unit and relativeTo", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {
            "alt": { "codes": { "http://loinc.org": ["1742-6"] }, "unit": "U/L", "uln": { "value": 40 } }
          },
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule":
              { "kind": "measurement", "concept": "alt", "lt": 3, "unit": "U/L", "relativeTo": "uln" } }
          ],
          "exclusion": []
        }
        """, Error, 10, 7, "/inclusion/0/rule", "relativeTo");

        yield return Rule(DiagnosticCodes.InvalidCombination, "measurement with neither unit nor relativeTo", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {
            "alt": { "codes": { "http://loinc.org": ["1742-6"] }, "unit": "U/L" }
          },
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule":
              { "kind": "measurement", "concept": "alt", "lt": 40 } }
          ],
          "exclusion": []
        }
        """, Error, 10, 7, "/inclusion/0/rule", "relativeTo");

        yield return Rule(DiagnosticCodes.InvalidCombination, "condition both active and occurredWithin", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {
            "sle": { "codes": { "http://snomed.info/sct": ["55464009"] } }
          },
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule":
              { "kind": "condition", "concept": "sle", "active": true, "occurredWithin": "P1Y" } }
          ],
          "exclusion": []
        }
        """, Error, 10, 7, "/inclusion/0/rule", "together");

        // The one combination the compiler checks itself (the schema allows compute with relativeTo).
        yield return Rule(DiagnosticCodes.InvalidCombination, "computed value relative to the ULN", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {
            "egfr": { "codes": { "http://loinc.org": ["98979-8"] }, "unit": "mL/min/{1.73_m2}", "uln": { "value": 120 } }
          },
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule": { "kind": "measurement", "concept": "egfr", "gt": 0.5, "relativeTo": "uln",
              "compute": "ckd-epi-2021" } }
          ],
          "exclusion": []
        }
        """, Error, 10, 18, "/inclusion/0/rule/compute", "ULN");

        yield return Rule(DiagnosticCodes.SchemaViolation, "code listed twice", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {
            "sle": { "codes": { "http://snomed.info/sct":
              ["55464009", "55464009"] } }
          },
          "inclusion": [ { "id": "INCL01", "text": "t", "rule": { "kind": "condition", "concept": "sle" } } ],
          "exclusion": []
        }
        """, Error, 7, 7, "/concepts/sle/codes/http:~1~1snomed.info~1sct", "55464009");

        // ---------------------------------------------------------------- ELIG2xxx semantics

        yield return Rule(DiagnosticCodes.UnknownConcept, "rule names an undefined concept", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {},
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule": {
              "kind": "condition",
              "concept": "sle" } }
          ],
          "exclusion": []
        }
        """, Error, 9, 18, "/inclusion/0/rule/concept", "sle");

        yield return Rule(DiagnosticCodes.UnknownConcept, "concept includes an undefined concept", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {
            "steroid": { "codes": { "http://www.whocc.no/atc": ["H02AB"] }, "include": [
              "prednisone" ] }
          },
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule": { "kind": "medication", "concept": "steroid", "current": true } }
          ],
          "exclusion": []
        }
        """, Error, 7, 7, "/concepts/steroid/include/0", "prednisone");

        yield return Rule(DiagnosticCodes.UnknownConcept, "expression names an undefined concept", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {},
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule": {
              "kind": "expression",
              "expression": "Value(\"alt\") > 40" } }
          ],
          "exclusion": []
        }
        """, Error, 9, 21, "/inclusion/0/rule/expression", "alt");

        yield return Rule(DiagnosticCodes.InvalidUnit, "rule unit that is not UCUM", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {
            "alt": { "codes": { "http://loinc.org": ["1742-6"] }, "unit": "U/L" }
          },
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule": {
              "kind": "measurement", "concept": "alt", "lt": 40,
              "unit": "furlong" } }
          ],
          "exclusion": []
        }
        """, Error, 11, 15, "/inclusion/0/rule/unit", "furlong");

        yield return Rule(DiagnosticCodes.InvalidUnit, "concept unit that is not UCUM", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {
            "sle": { "codes": { "http://snomed.info/sct": ["55464009"] },
              "unit": "furlong" }
          },
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule": { "kind": "condition", "concept": "sle" } }
          ],
          "exclusion": []
        }
        """, Error, 7, 15, "/concepts/sle/unit", "furlong");

        yield return Rule(DiagnosticCodes.IncompatibleUnit, "rule unit of another dimension than the concept's", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {
            "alt": { "codes": { "http://loinc.org": ["1742-6"] }, "unit": "U/L" }
          },
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule": {
              "kind": "measurement", "concept": "alt", "lt": 40,
              "unit": "g/L" } }
          ],
          "exclusion": []
        }
        """, Error, 11, 15, "/inclusion/0/rule/unit", "g/L");

        yield return Rule(DiagnosticCodes.IncompatibleUnit, "default ULN unit not convertible to the concept's", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {
            "alt": { "codes": { "http://loinc.org": ["1742-6"] }, "unit": "U/L", "uln": { "value": 40,
              "unit": "g/L" } }
          },
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule": { "kind": "measurement", "concept": "alt", "gt": 3, "relativeTo": "uln" } }
          ],
          "exclusion": []
        }
        """, Error, 7, 15, "/concepts/alt/uln/unit", "g/L");

        yield return Rule(DiagnosticCodes.InvalidDuration, "default lookback", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": {
            "lookback": "P1234567D" },
          "concepts": {},
          "inclusion": [ { "id": "INCL01", "text": "t", "rule": { "kind": "age", "gte": 18 } } ],
          "exclusion": []
        }
        """, Error, 5, 17, "/defaults/lookback", "P1234567D");

        yield return Rule(DiagnosticCodes.InvalidDuration, "condition window", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {
            "sle": { "codes": { "http://snomed.info/sct": ["55464009"] } }
          },
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule": { "kind": "condition", "concept": "sle",
              "occurredWithin": "P1234567D" } }
          ],
          "exclusion": []
        }
        """, Error, 10, 25, "/inclusion/0/rule/occurredWithin", "P1234567D");

        yield return Rule(DiagnosticCodes.DuplicateCriterionId, "two inclusion criteria with one ID", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {},
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule": { "kind": "age", "gte": 18 } },
            { "text": "u", "rule": { "kind": "age", "lte": 80 },
              "id": "INCL01" }
          ],
          "exclusion": []
        }
        """, Error, 9, 13, "/inclusion/1/id", "INCL01");

        yield return Rule(DiagnosticCodes.MisplacedPartId, "part ID under another criterion", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {},
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule": { "kind": "all", "rules": [
              { "kind": "age", "gte": 18,
                "id": "INCL02.1" } ] } }
          ],
          "exclusion": []
        }
        """, Error, 9, 15, "/inclusion/0/rule/rules/0/id", "INCL02.1");

        yield return Rule(DiagnosticCodes.DuplicatePartId, "two parts with one ID", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {},
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule": { "kind": "all", "rules": [
              { "id": "INCL01.1", "kind": "age", "gte": 18 },
              { "kind": "age", "lte": 80,
                "id": "INCL01.1" } ] } }
          ],
          "exclusion": []
        }
        """, Error, 10, 15, "/inclusion/0/rule/rules/1/id", "INCL01.1");

        yield return Rule(DiagnosticCodes.ConceptCycle, "concept that includes itself", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {
            "sle": { "codes": { "http://snomed.info/sct": ["55464009"] }, "include": ["sle"] }
          },
          "inclusion": [ { "id": "INCL01", "text": "t", "rule": { "kind": "condition", "concept": "sle" } } ],
          "exclusion": []
        }
        """, Error, 6, 5, "/concepts/sle", "sle");

        yield return Rule(DiagnosticCodes.ConceptWithoutUnit, "measurement of a concept with no unit", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {
            "crp": { "codes": { "http://loinc.org": ["1988-5"] } }
          },
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule": { "kind": "measurement", "lt": 10, "unit": "mg/L",
              "concept": "crp" } }
          ],
          "exclusion": []
        }
        """, Error, 10, 18, "/inclusion/0/rule/concept", "crp");

        yield return Rule(DiagnosticCodes.ComputeInputMissing, "eGFR computed without a creatinine concept", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {
            "egfr": { "codes": { "http://loinc.org": ["98979-8"] }, "unit": "mL/min/{1.73_m2}" }
          },
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule": { "kind": "measurement", "concept": "egfr", "gte": 30, "unit": "mL/min/{1.73_m2}",
              "compute": "ckd-epi-2021" } }
          ],
          "exclusion": []
        }
        """, Error, 10, 18, "/inclusion/0/rule/compute", "creatinine");

        yield return Rule(DiagnosticCodes.UnknownAnswer, "coded rule with an undeclared answer", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {
            "smoking": { "codes": { "http://loinc.org": ["72166-2"] }, "answers": {
              "current": { "http://snomed.info/sct": ["77176002"] },
              "never": { "http://snomed.info/sct": ["266919005"] } } }
          },
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule": { "kind": "coded", "concept": "smoking",
              "answer": "former" } }
          ],
          "exclusion": []
        }
        """, Error, 12, 17, "/inclusion/0/rule/answer", "former");

        yield return Rule(DiagnosticCodes.UnknownAnswer, "pregnancy rule whose status concept lacks 'pregnant'", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {
            "pregnancy-status": { "codes": { "http://loinc.org": ["82810-3"] } },
            "pregnancy": { "codes": { "http://snomed.info/sct": ["77386006"] } }
          },
          "inclusion": [],
          "exclusion": [ { "id": "EXCL01", "text": "t", "rule": { "kind": "pregnancy" } } ]
        }
        """, Error, 6, 5, "/concepts/pregnancy-status", "pregnant");

        yield return Rule(DiagnosticCodes.ExpressionSyntax, "expression that does not parse", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {},
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule": { "kind": "expression",
              "expression": "Age >= " } }
          ],
          "exclusion": []
        }
        """, Error, 8, 21, "/inclusion/0/rule/expression", "character");

        yield return Rule(DiagnosticCodes.ExpressionForbidden, "expression using reflection", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {},
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule": { "kind": "expression",
              "expression": "Age.GetType() != null" } }
          ],
          "exclusion": []
        }
        """, Error, 8, 21, "/inclusion/0/rule/expression", "GetType");

        yield return Rule(DiagnosticCodes.ExpressionNotBoolean, "numeric expression", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {},
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule": { "kind": "expression",
              "expression": "Age + 1" } }
          ],
          "exclusion": []
        }
        """, Error, 8, 21, "/inclusion/0/rule/expression", "Int32");

        yield return Rule(DiagnosticCodes.ExpressionConceptNotLiteral, "concept passed as a variable", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {},
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule": { "kind": "expression",
              "expression": "Value(Sex) > 1" } }
          ],
          "exclusion": []
        }
        """, Error, 8, 21, "/inclusion/0/rule/expression", "Value");

        yield return Rule(DiagnosticCodes.AgeRangeDisagrees, "age rule stricter than the registry range", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t", "ageRange": { "min": 18, "max": 80 } },
          "defaults": { "lookback": "P28D" },
          "concepts": {},
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule":
              { "kind": "age", "gte": 21 } }
          ],
          "exclusion": []
        }
        """, Warning, 8, 7, "/inclusion/0/rule", "18");

        // Not triggerable alone: the schema gives inclusion and exclusion IDs their own patterns (^INCL[0-9]{2}$,
        // ^EXCL[0-9]{2}$), so an ID in the wrong list is always also ELIG1005 at the same token.
        yield return Rule(DiagnosticCodes.CriterionIdPrefix, "INCL ID in the exclusion list (with the schema's ELIG1005)", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {},
          "inclusion": [],
          "exclusion": [
            { "text": "t", "rule": { "kind": "age", "lt": 18 },
              "id": "INCL01" }
          ]
        }
        """, Error, 9, 13, "/exclusion/0/id", "EXCL", DiagnosticCodes.PatternMismatch);

        yield return Rule(DiagnosticCodes.InvalidBounds, "bounds that exclude each other", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {},
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule":
              { "kind": "age", "gt": 80, "lt": 18 } }
          ],
          "exclusion": []
        }
        """, Error, 8, 7, "/inclusion/0/rule", "80");

        yield return Rule(DiagnosticCodes.AtLeastTooMany, "atLeast 3 of 2", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {},
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule": { "kind": "atLeast", "rules": [
              { "kind": "age", "gte": 18 }, { "kind": "age", "lte": 80 } ],
              "n": 3 } }
          ],
          "exclusion": []
        }
        """, Error, 9, 12, "/inclusion/0/rule/n", "3");

        yield return Rule(DiagnosticCodes.TrialIdFileName, "trial ID that is not the file name", """
        {
          "formatVersion": 1,
          "trial": { "title": "t",
            "id": "TEST-2" },
          "defaults": { "lookback": "P28D" },
          "concepts": {},
          "inclusion": [ { "id": "INCL01", "text": "t", "rule": { "kind": "age", "gte": 18 } } ],
          "exclusion": []
        }
        """, Warning, 4, 11, "/trial/id", "TEST-2");

        yield return Rule(DiagnosticCodes.UnusedConcept, "concept no rule uses", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {
            "sle": { "codes": { "http://snomed.info/sct": ["55464009"] } }
          },
          "inclusion": [ { "id": "INCL01", "text": "t", "rule": { "kind": "age", "gte": 18 } } ],
          "exclusion": []
        }
        """, Warning, 6, 5, "/concepts/sle", "sle");

        yield return Rule(DiagnosticCodes.MissingPrednisoneEquivalence, "prednisone-equivalent dose of a drug with no factor", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {
            "budesonide": { "codes": { "http://www.whocc.no/atc": ["H02AB16"] } }
          },
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule": { "kind": "medication", "concept": "budesonide", "within": "P4W", "dose": { "lte": 10, "unit": "mg/d" },
              "prednisoneEquivalent": true } }
          ],
          "exclusion": []
        }
        """, Error, 10, 31, "/inclusion/0/rule/prednisoneEquivalent", "budesonide");

        yield return Rule(DiagnosticCodes.InvalidUln, "default ULN with no unit anywhere", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {
            "sle": { "codes": { "http://snomed.info/sct": ["55464009"] },
              "uln": { "value": 40 } }
          },
          "inclusion": [ { "id": "INCL01", "text": "t", "rule": { "kind": "condition", "concept": "sle" } } ],
          "exclusion": []
        }
        """, Error, 7, 14, "/concepts/sle/uln", "unit");


        yield return Rule(DiagnosticCodes.DoseUnitNotDaily, "weight-based dose", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {
            "prednisone": { "codes": { "http://www.whocc.no/atc": ["H02AB07"] } }
          },
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule": { "kind": "medication", "concept": "prednisone", "within": "P4W",
              "dose": { "lte": 1, "unit": "mg/kg/d" } } }
          ],
          "exclusion": []
        }
        """, Error, 10, 35, "/inclusion/0/rule/dose/unit", "mg/kg/d");

        yield return Rule(DiagnosticCodes.DoseUnitNotDaily, "a dose with no time", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {
            "prednisone": { "codes": { "http://www.whocc.no/atc": ["H02AB07"] } }
          },
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule": { "kind": "medication", "concept": "prednisone", "within": "P4W",
              "dose": { "lte": 10, "unit": "mg" } } }
          ],
          "exclusion": []
        }
        """, Error, 10, 36, "/inclusion/0/rule/dose/unit", "daily dose");

        yield return new Trigger(DiagnosticCodes.LockFileStale, "lock file written for other bindings",
            () => CompileWithLock("stale", """
            {
              "formatVersion": 1,
              "trial": { "id": "TEST-1", "title": "t" },
              "defaults": { "lookback": "P28D" },
              "concepts": {
                "malignancy": { "codes": { "http://snomed.info/sct": ["363346000"] } }
              },
              "inclusion": [],
              "exclusion": [ { "id": "EXCL01", "text": "t", "rule": { "kind": "condition", "concept": "malignancy" } } ]
            }
            """, """
            { "formatVersion": 1, "terminology": "t",
              "concepts": { "malignancy": { "bindings": "sha256:000000000000000000000000", "codes": {} } } }
            """),
            TempPath("stale", "TEST-1.json"), Warning, 6, 5, "/concepts/malignancy", "stale");

        yield return Rule(DiagnosticCodes.BindingsListedOnly, "SNOMED binding without a terminology", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {
            "sle": { "codes": { "http://snomed.info/sct": ["55464009"] } }
          },
          "inclusion": [ { "id": "INCL01", "text": "t", "rule": { "kind": "condition", "concept": "sle" } } ],
          "exclusion": []
        }
        """, DiagnosticSeverity.Info, 6, 5, "/concepts/sle", "match only the codes they list");

        yield return Rule(DiagnosticCodes.ValueSetNotLoaded, "value set nobody loaded", """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {
            "malignancy": {
              "valueSet": "http://cts.nlm.nih.gov/fhir/ValueSet/2.16.840.1.113762.1.4.1111.161" }
          },
          "inclusion": [],
          "exclusion": [ { "id": "EXCL01", "text": "t", "rule": { "kind": "condition", "concept": "malignancy" } } ]
        }
        """, Error, 7, 19, "/concepts/malignancy/valueSet", "not available");

        yield return new Trigger(DiagnosticCodes.CodeNotInVocabulary, "SNOMED code the vocabulary lacks",
            () => RuleCompiler.CompileText("""
            {
              "formatVersion": 1,
              "trial": { "id": "TEST-1", "title": "t" },
              "defaults": { "lookback": "P28D" },
              "concepts": {
                "lupus-nephritis": { "codes": { "http://snomed.info/sct": [
                  "68815009"] } }
              },
              "inclusion": [],
              "exclusion": [ { "id": "EXCL01", "text": "t", "rule": { "kind": "condition", "concept": "lupus-nephritis" } } ]
            }
            """, RuleFile, new CompileOptions { Terminology = Support.Terminologies.Omop }).Diagnostics,
            RuleFile, Warning, 7, 7, "/concepts/lupus-nephritis/codes/http:~1~1snomed.info~1sct/0", "not in the loaded vocabulary");

        // ---------------------------------------------------------------- ELIG3xxx patient data

        yield return Patient(DiagnosticCodes.PatientNotRecord, "FHIR bundle given as a native record", """
        {
          "resourceType": "Bundle",
          "type": "collection"
        }
        """, Error, 2, 19, "/resourceType", "Bundle");

        yield return Patient(DiagnosticCodes.PatientNotRecord, "array instead of an object", """
        [
          { "id": "p" }
        ]
        """, Error, 1, 1, string.Empty, "object");

        yield return Patient(DiagnosticCodes.PatientInvalidValue, "birth date that is not a date", """
        {
          "id": "p",
          "birthDate": "1980-02-30"
        }
        """, Error, 3, 16, "/birthDate", "1980-02-30");

        yield return Patient(DiagnosticCodes.PatientInvalidValue, "observations that are not an array", """
        {
          "id": "p",
          "observations": { "code": [] }
        }
        """, Error, 3, 19, "/observations", "observations");

        yield return Patient(DiagnosticCodes.PatientUnknownField, "misspelt field", """
        {
          "id": "p",
          "birthdate": "1980-02-29"
        }
        """, Warning, 3, 3, "/birthdate", "birthdate");

        yield return Patient(DiagnosticCodes.PatientMissingField, "observation without a code", """
        {
          "id": "p",
          "observations": [
            { "value": 1, "unit": "U/L", "status": "final", "date": "2026-01-10" }
          ]
        }
        """, Error, 4, 5, "/observations/0", "code");

        yield return Patient(DiagnosticCodes.PatientMissingField, "coding without a system", """
        {
          "id": "p",
          "conditions": [ { "clinicalStatus": "active", "code": [
            { "code": "M32" } ] } ]
        }
        """, Error, 4, 5, "/conditions/0/code/0", "system");

        // ---------------------------------------------------------------- answers the evaluated trials cannot use

        yield return Answers(DiagnosticCodes.AnswerUnknownTrial, "answer with a misspelt trial ID", """
        {
          "assessments": [
            { "criterion": "TEST-2/INCL01", "value": true, "date": "2026-01-10" }
          ]
        }
        """, 3, 5, "/assessments/0", "names trial 'TEST-2'");

        yield return Answers(DiagnosticCodes.AnswerUnknownCriterion, "answer to a criterion the trial lacks", """
        {
          "assessments": [
            { "criterion": "TEST-1/INCL01", "value": true, "date": "2026-01-10" },
            { "criterion": "TEST-1/INCL09", "value": true, "date": "2026-01-10" }
          ]
        }
        """, 4, 5, "/assessments/1", "'INCL09'");

        yield return Answers(DiagnosticCodes.AnswerNotJudgement, "answer to a computed criterion", """
        {
          "assessments": [
            { "criterion": "test-1/EXCL01", "value": false, "date": "2026-01-10" }
          ]
        }
        """, 3, 5, "/assessments/0", "computed");

        // ---------------------------------------------------------------- ELIG5xxx terminologies and lock files

        yield return new Trigger(DiagnosticCodes.TerminologyTableMissing, "vocabulary folder without CONCEPT.csv",
            () => Terminology.LoadOmop(TempFolder("empty-vocabulary")).Diagnostics,
            TempFolder("empty-vocabulary"), Error, 0, 0, null, "CONCEPT.csv");

        yield return new Trigger(DiagnosticCodes.TerminologyRowInvalid, "comma-separated CONCEPT.csv",
            () => Terminology.LoadOmop(TempFolder("comma-vocabulary",
                ("CONCEPT.csv", "concept_id,concept_name,vocabulary_id,concept_code\n443392,Malignant neoplastic disease,SNOMED,363346000\n"),
                ("CONCEPT_ANCESTOR.csv", "ancestor_concept_id\tdescendant_concept_id\n"))).Diagnostics,
            Path.Combine(TempFolder("comma-vocabulary"), "CONCEPT.csv"), Error, 1, 1, null, "tab-separated");

        yield return new Trigger(DiagnosticCodes.LockFileInvalid, "lock file of another format version",
            () => CompileWithLock("badlock", """
            {
              "formatVersion": 1,
              "trial": { "id": "TEST-1", "title": "t" },
              "defaults": { "lookback": "P28D" },
              "concepts": {},
              "inclusion": [ { "id": "INCL01", "text": "t", "rule": { "kind": "age", "gte": 18 } } ],
              "exclusion": []
            }
            """, """
            {
              "formatVersion": 7,
              "concepts": {}
            }
            """),
            TempPath("badlock", "TEST-1.lock.json"), Error, 2, 20, "/formatVersion", "formatVersion");
    }

    // ================================================================ the MSBuild line

    private const string UnknownConceptFile = """
        {
          "formatVersion": 1,
          "trial": { "id": "TEST-1", "title": "t" },
          "defaults": { "lookback": "P28D" },
          "concepts": {},
          "inclusion": [
            { "id": "INCL01", "text": "t", "rule": {
              "kind": "condition",
              "concept": "sle" } }
          ],
          "exclusion": []
        }
        """;

    [Test]
    public void ToString_prints_path_line_column_severity_code_and_message()
    {
        var d = RuleCompiler.CompileText(UnknownConceptFile, RuleFile).Diagnostics.Single();

        d.ToString().Should().Be($"x/TEST-1.json(9,18): error ELIG2001: {d.Message}");
        d.Message.Should().Contain("'sle'");
    }

    [Test]
    public void ToString_of_a_constructed_diagnostic_is_exact()
    {
        var d = new Diagnostic
        {
            Code = DiagnosticCodes.UnknownConcept,
            Severity = DiagnosticSeverity.Error,
            Message = "concept 'ast' is not defined in 'concepts'",
            File = "rules/NCT07077486.json",
            Line = 12,
            Column = 34,
            Pointer = "/exclusion/0/rule/concept",
        };

        d.ToString().Should().Be("rules/NCT07077486.json(12,34): error ELIG2001: concept 'ast' is not defined in 'concepts'");
    }

    [Test]
    public void ToString_of_a_warning_says_warning()
    {
        var d = Triggers().First(t => t.Code == DiagnosticCodes.UnusedConcept).Run().Single(x => x.Severity == Warning);

        d.ToString().Should().Be($"x/TEST-1.json(6,5): warning ELIG2021: {d.Message}");
    }

    [Test]
    public void ToString_of_information_says_info()
    {
        var d = Triggers().First(t => t.Code == DiagnosticCodes.BindingsListedOnly).Run().Single();

        d.ToString().Should().Be($"x/TEST-1.json(6,5): info ELIG2026: {d.Message}");
        d.IsError.Should().BeFalse();
    }

    [Test]
    public void ToString_without_a_position_omits_it()
    {
        string path = MissingPath("TEST-1.json");
        var d = RuleCompiler.CompileFile(path).Diagnostics.Single();

        d.ToString().Should().Be($"{path}: error ELIG0002: {d.Message}");
    }

    [Test]
    public void ToString_without_a_file_says_input()
    {
        var d = RuleCompiler.CompileText(UnknownConceptFile).Diagnostics.Single();

        d.File.Should().BeNull();
        d.ToString().Should().Be($"<input>(9,18): error ELIG2001: {d.Message}");
    }

    // ================================================================ every problem at once

    [Test]
    public void A_rule_file_with_several_independent_problems_reports_all_of_them()
    {
        const string json = """
            {
              "formatVersion": 1,
              "trial": { "title": "t",
                "id": "TEST-9" },
              "defaults": {
                "lookback": "P1234567D" },
              "concepts": {
                "alt": { "codes": { "http://loinc.org": ["1742-6"] }, "unit": "U/L" },
                "sle": { "codes": { "http://snomed.info/sct": ["55464009"] } }
              },
              "inclusion": [
                { "id": "INCL01", "text": "t", "rule": { "kind": "measurement", "concept": "alt", "lt": 40,
                  "unit": "furlong" } },
                { "id": "INCL02", "text": "t", "rule": { "kind": "condition",
                  "concept": "ra" } },
                { "id": "INCL03", "text": "t", "rule": { "kind": "age", "gte": 18,
                  "ltt": 80 } }
              ],
              "exclusion": [
                { "text": "t", "rule": { "kind": "age", "gte": 90 },
                  "id": "EXCL1" },
                { "id": "EXCL02", "text": "t", "rule": { "kind": "atLeast", "rules": [ { "kind": "age", "gte": 1 } ],
                  "n": 2 } }
              ]
            }
            """;

        var result = RuleCompiler.CompileText(json, RuleFile);

        result.Evaluator.Should().BeNull();
        result.Diagnostics.Where(d => d.Severity != DiagnosticSeverity.Info).Select(d => $"{d.Code} ({d.Line},{d.Column}) {d.Pointer}").Should().BeEquivalentTo(
            "ELIG2020 (4,11) /trial/id",
            "ELIG2004 (6,17) /defaults/lookback",
            "ELIG2002 (13,15) /inclusion/0/rule/unit",
            "ELIG2001 (15,18) /inclusion/1/rule/concept",
            "ELIG1003 (17,7) /inclusion/2/rule/ltt",
            "ELIG1005 (21,13) /exclusion/0/id",
            "ELIG2019 (23,12) /exclusion/1/rule/n",
            "ELIG2021 (9,5) /concepts/sle");
    }

    [Test]
    public void A_patient_record_with_several_independent_problems_reports_all_of_them()
    {
        const string json = """
            {
              "id": "p",
              "birthDate": "1980-02-30",
              "sexx": "female",
              "observations": [
                { "value": 1, "unit": "U/L", "status": "final", "date": "2026-01-10" }
              ],
              "assessments": [
                { "criterion": "TEST-1/INCL01", "value": "yes" }
              ]
            }
            """;

        var result = PatientReader.Read(json, PatientFile);

        result.Patient.Should().BeNull();
        result.Diagnostics.Select(d => $"{d.Code} ({d.Line},{d.Column}) {d.Pointer}").Should().BeEquivalentTo(
            "ELIG3002 (3,16) /birthDate",
            "ELIG3003 (4,3) /sexx",
            "ELIG3004 (6,5) /observations/0",
            "ELIG3002 (9,46) /assessments/0/value",
            "ELIG3004 (9,5) /assessments/0");
    }

    // ================================================================ schema messages → codes

    // SchemaMessageCatalogue.CodeFor must classify every message template of SchemaValidator; a quoted value must not matter.
    [TestCase("malformed JSON at line 9, column 1325: The maximum configured depth of 64 has been exceeded.", DiagnosticCodes.OutOfRange)]
    [TestCase("duplicate property 'title'", DiagnosticCodes.DuplicateProperty)]
    [TestCase("number is too large to represent", DiagnosticCodes.OutOfRange)]
    [TestCase("missing required property 'text'", DiagnosticCodes.MissingProperty)]
    [TestCase("missing required property 'within' (required with 'longerThan')", DiagnosticCodes.MissingProperty)]
    [TestCase("missing required property: one of 'within', 'ever' (required with 'longerThan')", DiagnosticCodes.MissingProperty)]
    [TestCase("only one of 'unit', 'relativeTo' may be given (found 'unit', 'relativeTo')", DiagnosticCodes.InvalidCombination)]
    [TestCase("exactly one of 'unit', 'relativeTo' is required", DiagnosticCodes.InvalidCombination)]
    [TestCase("at least one of 'gt', 'gte', 'lt', 'lte' is required", DiagnosticCodes.InvalidCombination)]
    [TestCase("'active' and 'occurredWithin' cannot be used together", DiagnosticCodes.InvalidCombination)]
    [TestCase("matches an excluded combination", DiagnosticCodes.InvalidCombination)]
    [TestCase("matches more than one of the allowed alternatives", DiagnosticCodes.InvalidCombination)]
    [TestCase("expected an integer, found a string '1'", DiagnosticCodes.WrongType)]
    [TestCase("expected an object, found a string 'unknown property'", DiagnosticCodes.WrongType)]
    [TestCase("unknown property 'ltt' (did you mean 'lt'?)", DiagnosticCodes.UnknownProperty)]
    [TestCase("property name 'ALT' does not match the concept name pattern ^[a-z0-9]+(-[a-z0-9]+)*$", DiagnosticCodes.PatternMismatch)]
    [TestCase("must be 1 (const), found 2", DiagnosticCodes.NotAllowedValue)]
    [TestCase("'agee' is not one of all, any, atLeast, not, age", DiagnosticCodes.NotAllowedValue)]
    [TestCase("'at least one pattern' is not one of female, male", DiagnosticCodes.NotAllowedValue)]
    [TestCase("'INCL1' does not match the INCL criterion ID pattern", DiagnosticCodes.PatternMismatch)]
    [TestCase("'is not one of' does not match the pattern ^P(?!$)([0-9]+Y)?$", DiagnosticCodes.PatternMismatch)]
    [TestCase("'x' does not match the date format", DiagnosticCodes.PatternMismatch)]
    [TestCase("must be greater than 0 (exclusive minimum), found 0", DiagnosticCodes.OutOfRange)]
    [TestCase("must be at least 1, found 0", DiagnosticCodes.OutOfRange)]
    [TestCase("must be a multiple of 1, found 1.5", DiagnosticCodes.OutOfRange)]
    [TestCase("must have at least one character", DiagnosticCodes.OutOfRange)]
    [TestCase("must contain at least one item", DiagnosticCodes.OutOfRange)]
    [TestCase("must have at least one property", DiagnosticCodes.OutOfRange)]
    [TestCase("items must be unique ('55464009' appears more than once)", DiagnosticCodes.SchemaViolation)]
    [TestCase("items must be unique ('must be at least 1 (const), found ' appears more than once)", DiagnosticCodes.SchemaViolation)]
    [TestCase("does not match any of the allowed alternatives", DiagnosticCodes.SchemaViolation)]
    [TestCase("violates the schema (NotAllOf)", DiagnosticCodes.SchemaViolation)]
    [TestCase("could not validate: boom", DiagnosticCodes.SchemaViolation)]
    public void Schema_message_maps_to_its_code(string message, string code) =>
        Eligibility.Tests.Schema.SchemaMessageCatalogue.CodeFor(message).Should().Be(code);

    [Test]
    public void Rule_file_nested_deeper_than_the_schema_validator_reads_is_out_of_range()
    {
        // JsonInput accepts 128 levels, SchemaValidator parses 64: between the two the file is valid JSON the schema
        // cannot check. 70 nested 'not' rules reach depth 74.
        string rule = """{ "kind": "age", "gte": 18 }""";
        for (int i = 0; i < 70; i++)
        {
            rule = """{ "kind": "not", "rule": """ + rule + " }";
        }

        string json = """
            {
              "formatVersion": 1,
              "trial": { "id": "TEST-1", "title": "t" },
              "defaults": { "lookback": "P28D" },
              "concepts": {},
              "inclusion": [ { "id": "INCL01", "text": "t", "rule": RULE } ],
              "exclusion": []
            }
            """.Replace("RULE", rule, StringComparison.Ordinal);

        var d = RuleCompiler.CompileText(json, RuleFile).Diagnostics.Should().ContainSingle().Subject;

        d.Code.Should().Be(DiagnosticCodes.OutOfRange);
        d.Message.Should().Contain("depth");
        $"{d.Pointer} ({d.Line},{d.Column})".Should().Be(" (1,1)");
    }

    // ================================================================ known core bugs (these fail until fixed)

    [Test]
    public void Json_syntax_error_column_counts_utf16_characters_not_bytes()
    {
        // BUG: JsonInput takes JsonException.BytePositionInLine as the column; 'ö' is 2 bytes and '😀' 4 bytes (2 chars),
        // so the missing comma before "id" (UTF-16 column 36) is reported at byte column 39.
        const string json = """
            {
              "trial": { "title": "Sjögren 😀" "id": "TEST-1" }
            }
            """;

        var d = RuleCompiler.CompileText(json, RuleFile).Diagnostics.Should().ContainSingle().Subject;

        d.Code.Should().Be(DiagnosticCodes.JsonSyntax);
        $"({d.Line},{d.Column})".Should().Be("(2,36)");
    }

    [Test]
    public void Byte_order_mark_does_not_move_rule_file_positions()
    {
        // BUG: SourceMap walks the raw bytes, BOM included; Utf8JsonReader rejects the BOM, the walk stops at once and
        // every pointer falls back to (1,1).
        var d = RuleCompiler.CompileText("\uFEFF" + UnknownConceptFile, RuleFile).Diagnostics.Should().ContainSingle().Subject;

        d.Code.Should().Be(DiagnosticCodes.UnknownConcept);
        $"({d.Line},{d.Column})".Should().Be("(9,18)");
    }

    [Test]
    public void Byte_order_mark_does_not_move_patient_positions()
    {
        const string json = """
            {
              "id": "p",
              "birthDate": "1980-02-30"
            }
            """;

        var d = PatientReader.Read("\uFEFF" + json, PatientFile).Diagnostics.Should().ContainSingle().Subject;

        d.Code.Should().Be(DiagnosticCodes.PatientInvalidValue);
        $"({d.Line},{d.Column})".Should().Be("(3,16)");
    }

    [Test]
    public void Byte_order_mark_does_not_hide_a_duplicate_property()
    {
        // BUG: the same failed walk finds no duplicates, so JsonInput reports no ELIG0004 (the schema validator's own
        // duplicate check still reports it, but without a position).
        const string json = """
            {
              "formatVersion": 1,
              "trial": {
                "id": "TEST-1",
                "title": "t",
                "title": "u"
              },
              "defaults": { "lookback": "P28D" },
              "concepts": {},
              "inclusion": [ { "id": "INCL01", "text": "t", "rule": { "kind": "age", "gte": 18 } } ],
              "exclusion": []
            }
            """;

        var d = RuleCompiler.CompileText("\uFEFF" + json, RuleFile).Diagnostics.Should().ContainSingle().Subject;

        d.Code.Should().Be(DiagnosticCodes.DuplicateProperty);
        $"{d.Pointer} ({d.Line},{d.Column})".Should().Be("/trial/title (6,5)");
    }

    // BUG: PatientReader reads these object-valued fields with JsonObjectReader.Object, which yields null for a value of
    // another type, and then silently treats the field as absent (a dose given as a bare number is simply lost).
    [TestCase("""{ "code": [ { "system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "8640" } ], "start": "2025-06-01", "dailyDose": 7.5 }""", "medications", "dailyDose")]
    [TestCase("""{ "code": [ { "system": "http://loinc.org", "code": "82810-3" } ], "status": "final", "date": "2026-01-10", "valueCode": "LA15173-0" }""", "observations", "valueCode")]
    [TestCase("""{ "code": [ { "system": "http://loinc.org", "code": "1742-6" } ], "value": 50, "unit": "U/L", "referenceRange": 40 }""", "observations", "referenceRange")]
    public void Patient_object_field_of_another_type_is_reported(string entry, string list, string field)
    {
        string json = "{\n  \"id\": \"p\",\n  \"" + list + "\": [\n    " + entry + "\n  ]\n}";

        var result = PatientReader.Read(json, PatientFile);

        result.Diagnostics.Select(d => $"{d.Code} {d.Pointer}").Should().Equal($"{DiagnosticCodes.PatientInvalidValue} /{list}/0/{field}");
    }

    // One mistake, one diagnostic: after the schema reports a missing or mistyped value, RuleFileReader substitutes ""
    // (or nothing) and NodeBuilder must not report the substitute again ("concept '' is not defined", "'' is not an
    // ISO-8601 duration", a second "a dose needs a 'unit'"); DiagnosticSink.ErrorUnlessExplained does that now.
    // BUG (still): a bound of the wrong type is reported by the schema at /rule/lt and again as ELIG2018 "no bound given"
    // at /rule, which IsExplained does not link to its child.
    [TestCase("""{ "kind": "measurement", "lt": 40, "unit": "U/L" }""", DiagnosticCodes.MissingProperty, TestName = "One diagnostic for a measurement without concept")]
    [TestCase("""{ "kind": "medication", "concept": "alt" }""", DiagnosticCodes.InvalidCombination, TestName = "One diagnostic for a medication without within, current or stableFor")]
    [TestCase("""{ "kind": "medication", "concept": "alt", "within": "P4W", "dose": { "lte": 10 } }""", DiagnosticCodes.MissingProperty, TestName = "One diagnostic for a dose without unit")]
    [TestCase("""{ "kind": "measurement", "concept": "alt", "lt": "40", "unit": "U/L" }""", DiagnosticCodes.WrongType, TestName = "One diagnostic for a bound given as a string")]
    public void A_schema_error_is_not_repeated_as_a_semantic_error(string rule, string code)
    {
        string json = """
            {
              "formatVersion": 1,
              "trial": { "id": "TEST-1", "title": "t" },
              "defaults": { "lookback": "P28D" },
              "concepts": { "alt": { "codes": { "http://loinc.org": ["1742-6"] }, "unit": "U/L" } },
              "inclusion": [],
              "exclusion": [ { "id": "EXCL01", "text": "t", "rule": RULE } ]
            }
            """.Replace("RULE", rule, StringComparison.Ordinal);

        var diagnostics = RuleCompiler.CompileText(json, RuleFile).Diagnostics.Where(d => d.Code != DiagnosticCodes.UnusedConcept);

        diagnostics.Select(d => d.Code).Should().Equal(new[] { code }, string.Join(Environment.NewLine, diagnostics));
    }

    // BUG: DiagnosticSink.IsExplained also silences every error whose PARENT carries an error, and the schema reports
    // missing properties and combinations at the object. So a criterion without 'text' hides its rule's impossible bounds,
    // and a measurement without 'unit'/'relativeTo' hides its undefined concept: independent problems, one reported.
    [TestCase("""{ "id": "INCL01", "rule": { "kind": "age", "gt": 80, "lt": 18 } }""",
        "ELIG1001 /inclusion/0", "ELIG2018 /inclusion/0/rule", TestName = "Criterion without text still reports impossible bounds")]
    [TestCase("""{ "id": "INCL01", "text": "t", "rule": { "kind": "measurement", "concept": "ast", "lt": 40 } }""",
        "ELIG1007 /inclusion/0/rule", "ELIG2001 /inclusion/0/rule/concept", TestName = "Measurement without unit still reports its undefined concept")]
    public void An_error_on_an_object_does_not_hide_independent_errors_inside_it(string criterion, string first, string second)
    {
        string json = """
            {
              "formatVersion": 1,
              "trial": { "id": "TEST-1", "title": "t" },
              "defaults": { "lookback": "P28D" },
              "concepts": {},
              "inclusion": [ CRITERION ],
              "exclusion": []
            }
            """.Replace("CRITERION", criterion, StringComparison.Ordinal);

        var diagnostics = RuleCompiler.CompileText(json, RuleFile).Diagnostics;

        diagnostics.Select(d => $"{d.Code} {d.Pointer}").Should().BeEquivalentTo([first, second], string.Join(Environment.NewLine, diagnostics));
    }

    // ================================================================ helpers

    private static Trigger Rule(string code, string name, string json, DiagnosticSeverity severity, int line, int column, string? pointer, string messagePart, params string[] also) =>
        new(code, name, () => RuleCompiler.CompileText(json, RuleFile).Diagnostics, RuleFile, severity, line, column, pointer, messagePart, also);

    private static Trigger Patient(string code, string name, string json, DiagnosticSeverity severity, int line, int column, string? pointer, string messagePart) =>
        new(code, name, () => PatientReader.Read(json, PatientFile).Diagnostics, PatientFile, severity, line, column, pointer, messagePart);

    /// <summary>Answers in a patient record checked against a trial with one judgement (INCL01) and one computed criterion (EXCL01).</summary>
    private static Trigger Answers(string code, string name, string patient, int line, int column, string pointer, string messagePart) =>
        new(code, name, () =>
        {
            var trial = RuleCompiler.CompileText("""
                { "formatVersion": 1, "trial": { "id": "TEST-1", "title": "t" }, "defaults": { "lookback": "P28D" }, "concepts": {},
                  "inclusion": [ { "id": "INCL01", "text": "consent", "rule": { "kind": "judgement", "question": "Consent signed?" } } ],
                  "exclusion": [ { "id": "EXCL01", "text": "over 90", "rule": { "kind": "age", "gte": 90 } } ] }
                """, RuleFile).Evaluator!;
            return AnswerCheck.Check(PatientReader.Read(patient, PatientFile).Patient!, new[] { trial });
        }, PatientFile, Warning, line, column, pointer, messagePart);

    private static string TempFolder(string name, params (string File, string Text)[] files)
    {
        string folder = Path.Combine(Path.GetTempPath(), "eligibility-diagnostic-triggers", name);
        Directory.CreateDirectory(folder);
        foreach (var (file, text) in files)
        {
            File.WriteAllText(Path.Combine(folder, file), text);
        }

        return folder;
    }

    private static string TempPath(string folder, string file) => Path.Combine(TempFolder(folder), file);

    /// <summary>Writes TEST-1.json and its lock file into a temporary folder and compiles the rule file from there.</summary>
    private static IReadOnlyList<Diagnostic> CompileWithLock(string folder, string rules, string lockFile)
    {
        string path = Path.Combine(TempFolder(folder, ("TEST-1.json", rules), ("TEST-1.lock.json", lockFile)), "TEST-1.json");
        return RuleCompiler.CompileFile(path).Diagnostics;
    }

    private static string MissingPath(string name) => Path.Combine(Path.GetTempPath(), "eligibility-no-such-directory", name);
}
