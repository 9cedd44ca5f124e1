using System.Text;
using System.Text.Json;
using Eligibility.Diagnostics;
using Eligibility.Loading;
using Eligibility.Patients;
using Eligibility.Shared;

namespace Eligibility.Tests.Patients;

/// <summary>
/// The native reader checks the input limits in its parse when nothing but the nesting depth can exceed them
/// (<see cref="LayoutLimits"/>), instead of a pass of their own before it. These tests show that a read gives what the
/// check-then-parse did: the same record for every sample, and for text over a limit or not well-formed the same
/// diagnostics (code, message, line, column, pointer) as <see cref="InputLimits.Check"/> followed by the parse.
/// </summary>
public class NativeOnePassLimitTests
{
    [TestCaseSource(typeof(AssessmentPositionTests), nameof(AssessmentPositionTests.Samples))]
    public void A_sample_reads_as_it_does_with_the_check_of_its_own(string file)
    {
        byte[] utf8 = File.ReadAllBytes(file);
        LayoutLimits.OnlyDepthLeft(utf8, InputLimits.Default).Should().BeTrue("the sample leaves only the depth to the parse");

        // Strings are short in the samples: a string limit below the text's length changes nothing but sends the read
        // down the path with the check of its own.
        var separate = InputLimits.Default with { MaxStringBytes = 200 };
        LayoutLimits.OnlyDepthLeft(utf8, separate).Should().BeFalse();
        var one = PatientReader.Read(utf8, "p.json");
        var two = PatientReader.Read(utf8, "p.json", separate);
        one.Patient.Should().NotBeNull();
        JsonSerializer.Serialize(one.Patient).Should().Be(JsonSerializer.Serialize(two.Patient));
        one.Diagnostics.Should().Equal(two.Diagnostics);
    }

    [TestCase(5, true, Description = "at the limit")]
    [TestCase(4, false, Description = "one level over")]
    [TestCase(2, false, Description = "the record's arrays already over")]
    public void Depth_is_refused_where_the_check_refused_it(int maxDepth, bool reads)
    {
        // The record's object, its observations array, an observation, its code array, a coding: five levels.
        string json = """{"id":"p","observations":[{"code":[{"system":"http://loinc.org","code":"718-7"}],"value":13.5,"unit":"g/dL","date":"2026-01-01"}]}""";
        byte[] utf8 = Encoding.UTF8.GetBytes(json);
        var limits = InputLimits.Default with { MaxDepth = maxDepth };
        LayoutLimits.OnlyDepthLeft(utf8, limits).Should().BeTrue();
        var read = PatientReader.Read(utf8, "p.json", limits);
        (read.Patient is not null).Should().Be(reads);
        read.Diagnostics.Should().Equal(Before(utf8, limits));
        if (!reads)
        {
            read.Diagnostics.Should().ContainSingle().Which.Code.Should().Be(DiagnosticCodes.InputLimitExceeded);
        }
    }

    [TestCase("""{"id":"p","birthDate":"1980-02-29",}""", Description = "a trailing comma")]
    [TestCase("""{"id":"p","birthDate":"1980-02-29" """, Description = "cut off")]
    [TestCase("""{"id":"p"}{"id":"q"}""", Description = "two values")]
    [TestCase("""{"id":"p","note":[[[[[[[[[[1]]]]]]]]]]}""", Description = "nested well within the limit, an unknown field")]
    [TestCase("""{"id":"p","note":"\ud800"}""", Description = "a lone surrogate escape: the check of its own runs")]
    [TestCase("\uFEFF{\"id\":\"p\",\"birthDate\":\"1980-02-29\",}", Description = "a byte order mark, then a syntax error")]
    [TestCase("\uFEFF{\"id\":\"p\",\"observations\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}", Description = "a byte order mark, then too deep")]
    public void Text_over_a_limit_or_not_well_formed_is_reported_as_before(string json)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(json);
        PatientReader.Read(utf8, "p.json").Diagnostics.Should().Equal(Before(utf8, InputLimits.Default));
    }

    [Test]
    public void Deep_nesting_over_the_default_is_refused_as_before()
    {
        string deep = new string('[', 70) + new string(']', 70);
        byte[] utf8 = Encoding.UTF8.GetBytes("""{"id":"p","note":""" + deep + "}");
        LayoutLimits.OnlyDepthLeft(utf8, InputLimits.Default).Should().BeTrue();
        var read = PatientReader.Read(utf8, "p.json");
        read.Patient.Should().BeNull();
        read.Diagnostics.Should().ContainSingle().Which.Code.Should().Be(DiagnosticCodes.InputLimitExceeded);
        read.Diagnostics.Should().Equal(Before(utf8, InputLimits.Default));
    }

    /// <summary>What the reader reported before it checked the limits in its parse: the check's problem, else the parse's
    /// syntax error, else what the read reports down the path with the check of its own (a string limit just below the
    /// text's length sends it there and, for these texts, refuses nothing).</summary>
    private static IReadOnlyList<Diagnostic> Before(byte[] utf8, InputLimits limits)
    {
        if (limits.Check(utf8, "p.json") is { } problem)
        {
            return [problem];
        }

        try
        {
            using var document = JsonDocument.Parse(JsonInput.WithoutBom(utf8), new JsonDocumentOptions { MaxDepth = Math.Max(limits.MaxDepth, JsonInput.MaxDepth) + 1 });
        }
        catch (JsonException)
        {
            var sink = new DiagnosticSink("p.json", utf8);
            JsonInput.TryParse(utf8, sink, out _);
            return sink.Items;
        }

        var separate = limits with { MaxStringBytes = utf8.Length - 1 };
        LayoutLimits.OnlyDepthLeft(utf8, separate).Should().BeFalse();
        return PatientReader.Read(utf8, "p.json", separate).Diagnostics;
    }
}
