using System.Text;
using Eligibility.Diagnostics;
using Eligibility.Patients;
using Eligibility.Tests.Support;

namespace Eligibility.Tests.Loading;

/// <summary>Bad input gets a positioned diagnostic, never an exception (DEVELOPERS.md "Standards").</summary>
public class HostileInputTests
{
    private static string Demo => File.ReadAllText(TestTrial.DemoPath);

    [Test]
    public void Randomly_corrupted_rule_files_never_throw_and_always_explain()
    {
        string original = Demo;
        var random = new Random(20261125);
        for (int i = 0; i < 300; i++)
        {
            var chars = original.ToCharArray();
            int edits = 1 + random.Next(4);
            for (int e = 0; e < edits; e++)
            {
                chars[random.Next(chars.Length)] = "{}[]\":,0a-\\ \n"[random.Next(13)];
            }

            string text = new(chars);
            var result = RuleCompiler.CompileText(text, "DEMO-1.json");
            if (result.Evaluator is null)
            {
                result.Diagnostics.Should().Contain(d => d.IsError, "a file that does not compile must say why (input {0})", i);
            }

            result.Diagnostics.Should().NotContain(d => d.Line <= 0 || d.Column <= 0, "every diagnostic about JSON text has a position");
        }
    }

    [Test]
    public void Deep_nesting_is_an_error_not_a_crash()
    {
        string deep = new string('[', 100_000) + new string(']', 100_000);
        var result = RuleCompiler.CompileText(deep, "deep.json");
        result.HasErrors.Should().BeTrue();
        result.Diagnostics[0].Code.Should().Be(DiagnosticCodes.JsonSyntax);

        var sb = new StringBuilder();
        for (int i = 0; i < 200; i++) sb.Append("{\"kind\":\"not\",\"rule\":");
        sb.Append("{\"kind\":\"judgement\"}");
        sb.Append('}', 200);
        string text = Demo.Replace("\"rule\": { \"kind\": \"judgement\", \"question\": \"informed consent signed\" }", "\"rule\": " + sb, StringComparison.Ordinal);
        text.Should().NotBe(Demo);
        var nested = RuleCompiler.CompileText(text, "DEMO-1.json");
        nested.HasErrors.Should().BeTrue("nesting beyond the JSON depth limit is refused");
        nested.Diagnostics.Should().Contain(d => d.Code == DiagnosticCodes.JsonSyntax && d.Line > 0);
    }

    [Test]
    public void Oversized_input_is_refused_with_a_diagnostic()
    {
        using var stream = new MemoryStream(new byte[RuleCompiler.MaxFileBytes + 10]);
        var result = RuleCompiler.Compile(stream, "huge.json");
        result.Diagnostics.Should().ContainSingle().Which.Code.Should().Be(DiagnosticCodes.InputTooLarge);
    }

    [Test]
    public void A_missing_file_is_a_diagnostic()
    {
        var result = RuleCompiler.CompileFile("/nonexistent/dir/NOPE.json");
        result.Diagnostics.Should().ContainSingle().Which.Code.Should().Be(DiagnosticCodes.FileUnreadable);
        PatientReader.ReadFile("/nonexistent/p.json").Diagnostics.Should().ContainSingle().Which.Code.Should().Be(DiagnosticCodes.FileUnreadable);
    }

    [TestCase("", DiagnosticCodes.JsonSyntax)]
    [TestCase("[]", DiagnosticCodes.PatientNotRecord)]
    [TestCase("{\"resourceType\": \"Patient\"}", DiagnosticCodes.PatientNotRecord)]
    [TestCase("{\"birthDate\": \"1980-02-30\"}", DiagnosticCodes.PatientInvalidValue)]
    [TestCase("{\"sex\": \"yes\"}", DiagnosticCodes.PatientInvalidValue)]
    [TestCase("{\"observations\": [{\"value\": 3}]}", DiagnosticCodes.PatientMissingField)]
    [TestCase("{\"observations\": {}}", DiagnosticCodes.PatientInvalidValue)]
    [TestCase("{\"assessments\": [{\"criterion\": \"X/INCL01\"}]}", DiagnosticCodes.PatientMissingField)]
    [TestCase("{\"observations\": [{\"code\": [{\"system\": \"s\", \"code\": \"c\"}], \"value\": 1, \"valueBoolean\": true}]}", DiagnosticCodes.PatientInvalidValue)]
    public void Malformed_patient_records_are_diagnosed(string json, string code)
    {
        var result = PatientReader.Read(json, "p.json");
        result.Patient.Should().BeNull();
        result.Diagnostics.Should().Contain(d => d.Code == code && d.File == "p.json");
    }

    [Test]
    public void Randomly_corrupted_patient_records_never_throw()
    {
        string original = File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "TestFiles", "patient-demo.json"));
        var trial = TestTrial.Demo1();
        var random = new Random(7);
        for (int i = 0; i < 500; i++)
        {
            var chars = original.ToCharArray();
            chars[random.Next(chars.Length)] = "{}[]\":,0a-9\\ "[random.Next(13)];
            var result = PatientReader.Read(new string(chars), "p.json");
            if (result.Patient is { } p)
            {
                trial.Evaluate(p, TestTrial.AsOf).Criteria.Should().HaveCount(13);
            }
            else
            {
                result.Diagnostics.Should().Contain(d => d.IsError);
            }
        }
    }
}
