using System.Linq;
using Spectre.Console;

namespace Eligibility.Cli.Output;

/// <summary>
/// The compact terminal report of <c>evaluate</c>: the headline (verdict and what remains) on top, one row per criterion
/// with its status for the patient, then the investigator's open questions and what to collect next.
/// </summary>
internal static class TextReport
{
    /// <summary>The status column's width: long questions and missing-data lists wrap rather than squeeze the explanation.</summary>
    private const int StatusWidth = 28;

    public static void Write(IAnsiConsole console, ReportModel report)
    {
        var result = report.Result;
        console.MarkupLine($"[bold]{Markup.Escape(report.Trial.Id)}[/] — {Markup.Escape(report.Trial.Title)}");
        console.MarkupLine(Markup.Escape($"Patient {report.Patient} · as of {report.AsOf} ({report.AsOfNote})"));
        console.MarkupLine($"Verdict: [{VerdictStyle(result.Verdict)}]{Markup.Escape(report.VerdictLabel)}[/] — {Markup.Escape(report.Remains)}");
        console.MarkupLine(Markup.Escape("Criteria: " + report.Counts));
        console.WriteLine();

        var table = new Table().Border(TableBorder.Rounded).Expand();
        table.AddColumn(new TableColumn("ID").NoWrap());
        table.AddColumn(new TableColumn("Type").NoWrap());
        table.AddColumn(new TableColumn("Status").Width(StatusWidth));
        table.AddColumn(new TableColumn("Criterion and explanation"));
        foreach (var c in result.Criteria)
        {
            string text = c.Text is null ? Markup.Escape(c.Explanation) : $"[bold]{Markup.Escape(c.Text)}[/]\n{Markup.Escape(c.Explanation)}";
            table.AddRow(
                new Markup(Markup.Escape(c.Id ?? string.Empty)),
                new Markup(c.Type == CriterionType.Inclusion ? "incl" : "excl"),
                new Markup($"[{OutcomeStyle(c.Outcome)}]{Markup.Escape(ReportModel.Status(c))}[/]"),
                new Markup(text));
        }

        console.Write(table);
        var questions = report.Questions;
        if (questions.Count > 0)
        {
            console.MarkupLine("[blue]Questions for the investigator:[/]");
            foreach (var (question, criteria) in questions)
            {
                console.MarkupLine(Markup.Escape($"  - {question} ({string.Join(", ", criteria)})"));
            }
        }

        var collect = report.Collect;
        if (collect.Count > 0)
        {
            console.MarkupLine("[yellow]What to collect next:[/]");
            foreach (var (item, criteria) in collect)
            {
                string decides = criteria.Count > 0 ? $" (to decide {string.Join(", ", criteria)})" : string.Empty;
                console.MarkupLine(Markup.Escape($"  - {item}{decides}"));
            }
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
        Verdict.Review => "bold blue",
        _ => "bold yellow",
    };
}
