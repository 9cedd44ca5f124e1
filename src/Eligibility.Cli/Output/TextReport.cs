using System.Linq;
using Spectre.Console;

namespace Eligibility.Cli.Output;

/// <summary>The compact terminal report of <c>evaluate</c>: the verdict on top, one row per criterion.</summary>
internal static class TextReport
{
    public static void Write(IAnsiConsole console, ReportModel report)
    {
        var result = report.Result;
        console.MarkupLine($"[bold]{Markup.Escape(report.Trial.Id)}[/] — {Markup.Escape(report.Trial.Title)}");
        console.MarkupLine(Markup.Escape($"Patient {report.Patient} · as of {report.AsOf} ({report.AsOfNote})"));
        console.MarkupLine($"Verdict: [{VerdictStyle(result.Verdict)}]{report.Verdict.ToUpperInvariant()}[/] ({Markup.Escape(report.Counts)})");
        console.WriteLine();

        var table = new Table().Border(TableBorder.Rounded).Expand();
        table.AddColumn(new TableColumn("ID").NoWrap());
        table.AddColumn(new TableColumn("Type").NoWrap());
        table.AddColumn(new TableColumn("Outcome").NoWrap());
        table.AddColumn(new TableColumn("Criterion and explanation"));
        foreach (var c in result.Criteria)
        {
            string outcome = ResultJson.Name(c.Outcome);
            string text = c.Text is null ? Markup.Escape(c.Explanation) : $"[bold]{Markup.Escape(c.Text)}[/]\n{Markup.Escape(c.Explanation)}";
            table.AddRow(
                new Markup(Markup.Escape(c.Id ?? string.Empty)),
                new Markup(c.Type == CriterionType.Inclusion ? "incl" : "excl"),
                new Markup($"[{OutcomeStyle(c.Outcome)}]{outcome}[/]"),
                new Markup(text));
        }

        console.Write(table);
        if (result.NeedsReview.Count > 0)
        {
            console.MarkupLine("[blue]Needs review:[/] " + Markup.Escape(string.Join(", ", result.NeedsReview)));
        }

        if (result.Missing.Count > 0)
        {
            console.MarkupLine("[yellow]What to collect next:[/] " + Markup.Escape(string.Join("; ", result.Missing)));
        }

        if (result.NeedsReview.Count == 0 && result.Missing.Count == 0 && result.Criteria.All(c => c.Outcome == Outcome.Pass))
        {
            console.MarkupLine("Every criterion is met.");
        }
    }

    public static string OutcomeStyle(Outcome outcome) => outcome switch
    {
        Outcome.Pass => "green",
        Outcome.Fail => "red",
        Outcome.Review => "blue",
        _ => "yellow",
    };

    public static string VerdictStyle(Verdict verdict) => verdict switch
    {
        Verdict.Eligible => "bold green",
        Verdict.Ineligible => "bold red",
        _ => "bold yellow",
    };
}
