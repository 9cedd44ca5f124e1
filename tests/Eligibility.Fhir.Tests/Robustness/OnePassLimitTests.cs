using System.Text;
using Eligibility.Diagnostics;
using Eligibility.Fhir.Tests.Support;
using Eligibility.Patients;
using Eligibility.Shared;

namespace Eligibility.Fhir.Tests.Robustness;

/// <summary>
/// The bundle reader checks the input limits in its one pass over the text (the layout pass checks the nesting depth;
/// whole-text tests rule out the other limits) instead of running <see cref="InputLimits.Check"/> first as a pass of its
/// own; whenever anything is wrong it runs the check and then the pass as before. Each limit the check enforces — size,
/// nesting depth, string, name and number length, array items, UTF-8 and lone surrogate escapes — must give the
/// diagnostic it gave before, code, message, line, column and pointer: the check's own, or, when the check finds nothing,
/// the layout pass's syntax error with the reader's default depth. Both are computed here as the reader computed them
/// before, and compared with what it gives now.
/// </summary>
[TestFixture]
public sealed class OnePassLimitTests
{
    /// <summary>The robustness tests' clean bundle, nested 7 deep at its coding (Bundle, entry, entry object, resource, code,
    /// coding, coding item).</summary>
    private const string Bundle = FhirRobustnessTests.Bundle;

    private const int BundleDepth = 7;

    /// <summary>What the reader reported before for input the limits or the syntax refuse: the check's problem, else the
    /// syntax error of the layout pass at the default depth; <c>null</c> when both pass.</summary>
    private static IReadOnlyList<Diagnostic>? Before(byte[] utf8, string file, InputLimits limits)
    {
        if (limits.Check(utf8, file) is { } problem)
        {
            return [problem];
        }

        var (_, _, diagnostics, layout) = FhirBundleReader.Scan(utf8, file, parseResources: true);
        return layout is null ? diagnostics.Items : null;
    }

    /// <summary>Reads the text and requires exactly the diagnostic the reader gave before, with the code given.</summary>
    private static Diagnostic RefusedAsBefore(byte[] utf8, InputLimits limits, string code)
    {
        var before = Before(utf8, "b.json", limits);
        before.Should().NotBeNull("the input must break a limit or the syntax");
        var read = FhirBundleReader.Read(utf8, "b.json", limits);
        read.Patient.Should().BeNull();
        read.Diagnostics.Should().Equal(before!);
        var d = read.Diagnostics.Should().ContainSingle().Subject;
        d.Code.Should().Be(code);
        return d;
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [Test]
    public void The_sample_bundles_are_checked_in_the_one_pass()
    {
        string samples = Path.Combine(TestBundles.RepositoryRoot(), "samples", "fhir");
        var files = Directory.GetFiles(samples, "*-bundle.json");
        files.Should().NotBeEmpty();
        foreach (string file in files)
        {
            LayoutLimits.OnlyDepthLeft(File.ReadAllBytes(file), InputLimits.Default).Should().BeTrue(file);
        }
    }

    [Test]
    public void Depth_at_the_limit_reads_and_one_over_is_refused_at_the_same_place_as_before()
    {
        byte[] utf8 = Utf8(Bundle);
        LayoutLimits.OnlyDepthLeft(utf8, InputLimits.Default with { MaxDepth = BundleDepth - 1 }).Should().BeTrue("the depth is left to the pass");

        var read = FhirBundleReader.Read(utf8, "b.json", InputLimits.Default with { MaxDepth = BundleDepth });
        read.Patient.Should().NotBeNull();
        read.Diagnostics.Should().NotContain(d => d.IsError);

        var d = RefusedAsBefore(utf8, InputLimits.Default with { MaxDepth = BundleDepth - 1 }, DiagnosticCodes.InputLimitExceeded);
        d.Pointer.Should().Be("/entry/1/resource/code/coding/0");
        (d.Line, d.Column).Should().Be(TestBundles.PositionOf(Bundle, "{ \"system\""));
    }

    [Test]
    public void Depth_over_the_default_in_a_small_bundle_is_refused_as_before()
    {
        string deep = new string('[', 70) + new string(']', 70);
        string text = Bundle.Replace("\"status\": \"final\",", "\"status\": \"final\", \"note\": " + deep + ",", StringComparison.Ordinal);
        var d = RefusedAsBefore(Utf8(text), InputLimits.Default, DiagnosticCodes.InputLimitExceeded);
        d.Pointer.Should().StartWith("/entry/1/resource/note/0/0");
    }

    [Test]
    public void Depth_over_the_limit_after_a_byte_order_mark_is_placed_as_before()
    {
        byte[] utf8 = [0xEF, 0xBB, 0xBF, .. Utf8(Bundle)];
        RefusedAsBefore(utf8, InputLimits.Default with { MaxDepth = 3 }, DiagnosticCodes.InputLimitExceeded);
    }

    [Test]
    public void Depth_over_the_readers_own_limit_is_the_syntax_error_it_was_when_the_limits_allow_it()
    {
        // The limits allow 200 levels; the layout pass refuses more than 128, as before (ELIG0001, at the 129th).
        string deep = new string('[', 130) + new string(']', 130);
        string text = Bundle.Replace("\"status\": \"final\",", "\"status\": \"final\", \"note\": " + deep + ",", StringComparison.Ordinal);
        RefusedAsBefore(Utf8(text), InputLimits.Default with { MaxDepth = 200 }, DiagnosticCodes.JsonSyntax);
    }

    [Test]
    public void A_syntax_error_before_a_depth_problem_wins_and_after_it_loses_as_before()
    {
        string deep = new string('[', 10) + new string(']', 10);
        string withDeep = Bundle.Replace("\"status\": \"final\",", "\"status\": \"final\", \"note\": " + deep + ",", StringComparison.Ordinal);
        var limits = InputLimits.Default with { MaxDepth = 8 };

        string errorBefore = withDeep.Replace("\"type\": \"collection\",", "\"type\": \"collection\",,", StringComparison.Ordinal);
        RefusedAsBefore(Utf8(errorBefore), limits, DiagnosticCodes.JsonSyntax);

        string errorAfter = withDeep.Replace("\"effectiveDateTime\": \"2026-01-10\",", "\"effectiveDateTime\": \"2026-01-10\",,", StringComparison.Ordinal);
        RefusedAsBefore(Utf8(errorAfter), limits, DiagnosticCodes.InputLimitExceeded);
    }

    [Test]
    public void A_string_a_name_or_a_number_over_the_length_limit_is_refused_as_before()
    {
        RefusedAsBefore(Utf8(Bundle), InputLimits.Default with { MaxStringBytes = 30 }, DiagnosticCodes.InputLimitExceeded)
            .Message.Should().Contain("a string is");
        RefusedAsBefore(Utf8(Bundle), InputLimits.Default with { MaxStringBytes = 11 }, DiagnosticCodes.InputLimitExceeded)
            .Message.Should().Contain("a property name is");
        string number = Bundle.Replace("\"value\": 212", "\"value\": 212." + new string('0', 46) + "1", StringComparison.Ordinal);
        RefusedAsBefore(Utf8(number), InputLimits.Default with { MaxStringBytes = 46 }, DiagnosticCodes.InputLimitExceeded)
            .Message.Should().Contain("a number is");
    }

    [Test]
    public void A_text_longer_than_the_string_limit_with_no_string_over_it_reads()
    {
        var limits = InputLimits.Default with { MaxStringBytes = 60 };
        LayoutLimits.OnlyDepthLeft(Utf8(Bundle), limits).Should().BeFalse("the text is longer than a string may be");
        var read = FhirBundleReader.Read(Utf8(Bundle), "b.json", limits);
        read.Diagnostics.Should().Equal(FhirBundleReader.Read(Utf8(Bundle), "b.json").Diagnostics);
        read.Patient.Should().NotBeNull();
    }

    [Test]
    public void An_array_over_the_item_limit_is_refused_as_before()
    {
        var d = RefusedAsBefore(Utf8(Bundle), InputLimits.Default with { MaxArrayItems = 1 }, DiagnosticCodes.InputLimitExceeded);
        d.Pointer.Should().Be("/entry/1");
    }

    [Test]
    public void A_bundle_over_the_record_limit_is_too_large_as_before() =>
        RefusedAsBefore(Utf8(Bundle), InputLimits.Default with { MaxRecordBytes = 100 }, DiagnosticCodes.InputTooLarge);

    [Test]
    public void Bytes_that_are_not_utf8_in_a_string_or_a_name_are_refused_as_before()
    {
        byte[] inString = Utf8(Bundle.Replace("\"ALT\"", "\"A\u00ffT\"", StringComparison.Ordinal));
        int at = Array.IndexOf(inString, (byte)0xC3);
        inString[at] = 0xFF; // a byte no UTF-8 text has
        RefusedAsBefore(inString, InputLimits.Default, DiagnosticCodes.JsonSyntax).Pointer.Should().Be("/entry/1/resource/code/text");

        byte[] inName = Utf8(Bundle.Replace("\"gender\"", "\"gend\u00ffr\"", StringComparison.Ordinal));
        inName[Array.IndexOf(inName, (byte)0xC3)] = 0xFF;
        RefusedAsBefore(inName, InputLimits.Default, DiagnosticCodes.JsonSyntax).Pointer.Should().Be("/entry/0/resource");
    }

    [Test]
    public void A_lone_surrogate_escape_is_refused_as_before_and_a_pair_reads()
    {
        string lone = Bundle.Replace("\"ALT\"", "\"A\\uD800LT\"", StringComparison.Ordinal);
        RefusedAsBefore(Utf8(lone), InputLimits.Default, DiagnosticCodes.JsonSyntax).Pointer.Should().Be("/entry/1/resource/code/text");

        string pair = Bundle.Replace("\"ALT\"", "\"ALT \\ud83d\\ude00\"", StringComparison.Ordinal);
        LayoutLimits.OnlyDepthLeft(Utf8(pair), InputLimits.Default).Should().BeFalse("an escape that may be a surrogate is left to the check");
        var read = FhirBundleReader.Read(Utf8(pair), "b.json");
        read.Patient.Should().NotBeNull();
        read.Diagnostics.Should().NotContain(d => d.IsError);
    }

    [Test]
    public void Limits_that_are_not_positive_still_throw()
    {
        foreach (var limits in new[]
        {
            InputLimits.Default with { MaxDepth = 0 },
            InputLimits.Default with { MaxStringBytes = -1 },
            InputLimits.Default with { MaxArrayItems = 0 },
            InputLimits.Default with { MaxRecordBytes = 0 },
        })
        {
            var read = () => FhirBundleReader.Read(Utf8(Bundle), "b.json", limits);
            read.Should().Throw<ArgumentOutOfRangeException>();
        }
    }

    [Test]
    public void Text_that_is_not_json_gives_the_syntax_error_it_gave_before()
    {
        RefusedAsBefore(Utf8(Bundle[..^10]), InputLimits.Default, DiagnosticCodes.JsonSyntax);
        RefusedAsBefore(Utf8(Bundle + "x"), InputLimits.Default, DiagnosticCodes.JsonSyntax);
        RefusedAsBefore(Utf8(string.Empty), InputLimits.Default, DiagnosticCodes.JsonSyntax);
    }
}
