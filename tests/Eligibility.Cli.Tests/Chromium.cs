using System.Diagnostics;

namespace Eligibility.Cli.Tests;

/// <summary>
/// Headless Chromium for the HTML tests: the page is opened in a real browser and its DOM dumped. Where the browser is
/// found: <c>ELIGIBILITY_CHROMIUM</c> (a path) if set, else <c>chromium</c>, <c>chromium-browser</c>,
/// <c>google-chrome</c> or <c>google-chrome-stable</c> on the PATH, else <c>/usr/bin/chromium</c>.
/// Without it the tests are ignored (reported as not run, with the reason) — unless
/// <c>ELIGIBILITY_REQUIRE_CHROMIUM=1</c> is set, as <c>.ci/run</c> does after installing it: then they fail, because in CI
/// a report no browser ever opened is not tested.
/// </summary>
internal static class Chromium
{
    public const string PathVariable = "ELIGIBILITY_CHROMIUM";

    public const string RequireVariable = "ELIGIBILITY_REQUIRE_CHROMIUM";

    private static readonly string[] Names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) is "1" or "true";

    /// <summary>The browser, or a reason why there is none.</summary>
    public static (string? Path, string Reason) Locate()
    {
        string? configured = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured) ? (configured, string.Empty) : (null, $"{PathVariable}={configured} does not exist");
        }

        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string name in Names)
            {
                string candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return (candidate, string.Empty);
                }
            }
        }

        return File.Exists("/usr/bin/chromium")
            ? ("/usr/bin/chromium", string.Empty)
            : (null, $"no {string.Join(", ", Names)} on the PATH and no /usr/bin/chromium");
    }

    /// <summary>The browser's path; without one, ignores the test (or fails it when <c>ELIGIBILITY_REQUIRE_CHROMIUM=1</c>).</summary>
    public static string RequireOrIgnore()
    {
        var (path, reason) = Locate();
        if (path is not null)
        {
            return path;
        }

        string message = $"Headless Chromium not found ({reason}), so the HTML page was not opened in a browser. "
            + $"Install it (Debian: apt-get install -y chromium) or set {PathVariable} to its path. CI runs these tests: .ci/run installs Chromium and sets {RequireVariable}=1.";
        if (Required)
        {
            Assert.Fail($"{RequireVariable}=1 but: {message}");
        }

        Assert.Ignore("Not run: " + message);
        return string.Empty; // not reached
    }

    /// <summary>Opens the HTML file in headless Chromium and returns the DOM it rendered.</summary>
    public static string DumpDom(string chromium, string page, string workFolder)
    {
        var info = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync", "--user-data-dir=" + Path.Combine(workFolder, "profile"), "--dump-dom", new Uri(page).AbsoluteUri,
        })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(true);
            Assert.Fail("chromium did not finish within 2 minutes");
        }

        string dom = stdout.Result;
        dom.Should().Contain("</html>", $"chromium should dump the DOM (exit {process.ExitCode}; stderr: {stderr.Result})");
        return dom;
    }
}
