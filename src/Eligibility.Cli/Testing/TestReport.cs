using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Eligibility.Diagnostics;
using Eligibility.Testing;
using Spectre.Console;

namespace Eligibility.Cli.Testing;

/// <summary>What <c>test</c> prints on stdout: failing cases (expected vs actual, with the explanation), a line per case file, coverage tables.</summary>
internal sealed class TestReport
{
    private readonly CliConsole console;

    public TestReport(CliConsole console) => this.console = console;

    public void Failure(string casePath, CaseRun run)
    {
        var c = run.Case;
        var o = console.Out;
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"FAIL {casePath}({c.Line},{c.Column}): {c.Name}"));
        if (c.Description is { } description)
        {
            o.WriteLine("  " + description);
        }

        if (run.Result is null)
        {
            o.WriteLine("  could not run:");
            foreach (var p in run.Problems)
            {
                o.WriteLine("    " + p.Code + ": " + p.Message);
            }
        }

        foreach (var m in run.Mismatches)
        {
            o.WriteLine($"  {m.Subject}: expected {m.Expected}, actual {m.Actual}");
            if (m.Explanation is { } why)
            {
                o.WriteLine("    " + why);
            }
        }

        o.WriteLine();
    }

    /// <summary>A case whose run failed inside the tool (a bug): it counts as failed, and the run goes on with the others.</summary>
    public void InternalError(string casePath, ExampleCase c, string message)
    {
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"FAIL {casePath}({c.Line},{c.Column}): {c.Name}"));
        console.Out.WriteLine("  could not run: internal error: " + message);
        console.Out.WriteLine();
    }

    public void Unusable(string casePath, IEnumerable<Diagnostic> problems)
    {
        console.Out.WriteLine($"FAIL {casePath}: the file cannot be used");
        foreach (var p in problems)
        {
            console.Out.WriteLine("    " + p.Code + ": " + p.Message);
        }

        console.Out.WriteLine();
    }

    public void FileSummary(string casePath, string rulesPath, int passed, int failed) =>
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{casePath}: {passed} passed, {failed} failed (rules: {rulesPath})"));

    public void Coverage(IReadOnlyList<Coverage> tables)
    {
        var ansi = console.CreateOut();
        foreach (var cov in tables)
        {
            console.Out.WriteLine();
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Coverage of {cov.Trial.Id} ({cov.RulesPath}): {cov.Cases} case(s), {cov.CoveredCells} of {cov.TotalCells} cells ({cov.Percent:0.0}%)"));
            var table = new Table().Border(TableBorder.Rounded);
            table.AddColumn("Criterion");
            foreach (var name in new[] { "pass", "fail", "unknown", "review" })
            {
                table.AddColumn(new TableColumn(name).RightAligned());
            }

            table.AddColumn("Missing");
            foreach (var criterion in cov.Criteria)
            {
                var cells = new List<Markup> { new(Markup.Escape(criterion.Id)) };
                var gaps = cov.Missing(criterion).ToList();
                foreach (var outcome in new[] { Outcome.Pass, Outcome.Fail, Outcome.Unknown, Outcome.Review })
                {
                    cells.Add(new Markup(gaps.Contains(outcome) ? "[red]0[/]" : cov.Count(criterion.Id, outcome).ToString(CultureInfo.InvariantCulture)));
                }

                string missing = Markup.Escape(string.Join(", ", gaps.Select(ResultJson.Name)));
                string? aside = criterion.IsJudgementOnly ? "judgement only, not counted"
                    : !criterion.CanBeUnknown ? "no record can make it unknown" : null;
                if (aside is not null)
                {
                    missing += (missing.Length > 0 ? "; " : string.Empty) + "[grey]" + aside + "[/]";
                }

                cells.Add(new Markup(missing));
                table.AddRow(cells);
            }

            ansi.Write(table);
        }

        if (tables.Count > 0)
        {
            console.Out.WriteLine();
        }
    }
}
