using System.Diagnostics;

namespace Eligibility.Globalization.Tests;

/// <summary>
/// UCUM unit conversion works under every globalization setting. Each case starts <see cref="Probe"/> in a child
/// process with the .NET runtime's globalization knobs set in its environment (DOTNET_SYSTEM_GLOBALIZATION_INVARIANT,
/// DOTNET_SYSTEM_GLOBALIZATION_PREDEFINED_CULTURES_ONLY — the environment forms of the InvariantGlobalization and
/// PredefinedCulturesOnly project settings), compiles a rule file with units from disk, and checks lab thresholds that
/// hold only after conversion (µmol/L → mg/dL through a molar mass, g/dL → g/L, µkat/L → U/L).
/// </summary>
[TestFixture]
public sealed class GlobalizationTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    [TestCase("1", null, "refused", Description = "InvariantGlobalization: predefined cultures only is then the default, so en-US is refused (a TypeInitializationException before the fix)")]
    [TestCase("1", "1", "refused", Description = "InvariantGlobalization with EligibilityKeepPredefinedCulturesOnly (PredefinedCulturesOnly kept true)")]
    [TestCase("1", "0", "available", Description = "InvariantGlobalization with PredefinedCulturesOnly false, as the package's build targets used to set")]
    [TestCase("0", "1", "available", Description = "ICU with predefined cultures only")]
    [TestCase("0", null, "available", Description = "the default: ICU")]
    public void Units_convert_under_the_globalization_setting(string invariant, string? predefinedOnly, string enUs)
    {
        var environment = new Dictionary<string, string?>
        {
            ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = invariant,
            ["DOTNET_SYSTEM_GLOBALIZATION_PREDEFINED_CULTURES_ONLY"] = predefinedOnly,
        };

        var (exitCode, output) = RunProbe(environment);

        output.Should().Contain($"invariant-mode: {(invariant == "1" ? "True" : "False")}", "the child runs in the intended mode");
        output.Should().Contain($"en-US: {enUs}", "the setting is really in force in the child");
        output.Should().Contain("compiled: yes").And.NotContain("diagnostic:").And.NotContain("Exception");
        output.Should().Contain("INCL01: pass").And.Contain("(1.36 mg/dL)", "creatinine 120 µmol/L is 1.357 mg/dL");
        output.Should().Contain("INCL02: pass").And.Contain("(125 g/L)");
        output.Should().Contain("INCL03: pass").And.Contain("2.25 × ULN", "1.5 µkat/L over a ULN of 40 U/L (0.67 µkat/L)");
        output.Should().Contain("INCL04: pass").And.Contain("(90 U/L)");
        output.Should().Contain("verdict: eligible");
        exitCode.Should().Be(0, output);
    }

    [Test]
    public void Units_convert_whatever_the_current_culture_formats_numbers_like()
    {
        // German formats 1.5 as "1,5"; nothing may depend on it.
        var (exitCode, output) = RunProbe(new Dictionary<string, string?>
        {
            ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "0",
            ["LANG"] = "de_DE.UTF-8",
            ["LC_ALL"] = "de_DE.UTF-8",
        });

        output.Should().Contain("compiled: yes").And.Contain("verdict: eligible");
        exitCode.Should().Be(0, output);
    }

    /// <summary>Runs this assembly as a program ("probe") with the given environment changes; null removes a variable.</summary>
    private static (int ExitCode, string Output) RunProbe(IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(typeof(Probe).Assembly.Location);
        start.ArgumentList.Add("probe");

        // Start from this process's environment without any globalization setting of its own.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("DOTNET_SYSTEM_GLOBALIZATION_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("the probe did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(HangGuard))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the probe did not finish within {HangGuard}");
        }

        var output = stdout.GetAwaiter().GetResult() + stderr.GetAwaiter().GetResult();
        TestContext.Out.WriteLine(output);
        return (process.ExitCode, output);
    }

    /// <summary>The dotnet host running these tests (the SDK sets DOTNET_HOST_PATH for the processes it starts).</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? current
            : "dotnet";
    }
}
