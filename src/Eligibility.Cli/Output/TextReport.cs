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

    /// <summary>
    /// The most characters of one text shown in the table: a record's 20 MB string (a unit, an assessor's name) would
    /// otherwise be wrapped into a terminal table, which takes minutes and gigabytes. JSON output shows texts in full.
    /// </summary>
    internal const int MaxShown = 2000;

    public static void Write(IAnsiConsole console, ReportModel report)
    {
        var result = report.Result;
        bool shortened = false;
        string Show(string? text)
        {
            text ??= string.Empty;
            if (text.Length <= MaxShown)
            {
                return Markup.Escape(text);
            }

            shortened = true;
            int cut = char.IsHighSurrogate(text[MaxShown - 1]) ? MaxShown - 1 : MaxShown;
            return Markup.Escape(text[..cut]) + Markup.Escape(CliConsole.Format($"… ({text.Length - cut:N0} more characters)"));
        }

        console.MarkupLine($"[bold]{Show(report.Trial.Id)}[/] — {Show(report.Trial.Title)}");
        console.MarkupLine($"Patient {Show(report.Patient)} · as of {Show(report.AsOf)} ({Show(report.AsOfNote)})");
        console.MarkupLine($"Verdict: [{VerdictStyle(result.Verdict)}]{Markup.Escape(report.VerdictLabel)}[/] — {Show(report.Remains)}");
        console.MarkupLine(Show("Criteria: " + report.Counts));
        console.WriteLine();

        var table = new Table().Border(TableBorder.Rounded).Expand();
        table.AddColumn(new TableColumn("ID").NoWrap());
        table.AddColumn(new TableColumn("Type").NoWrap());
        table.AddColumn(new TableColumn("Status").Width(StatusWidth));
        table.AddColumn(new TableColumn("Criterion and explanation"));
        foreach (var c in result.Criteria)
        {
            string text = c.Text is null ? Show(c.Explanation) : $"[bold]{Show(c.Text)}[/]\n{Show(c.Explanation)}";
            table.AddRow(
                new Markup(Show(c.Id)),
                new Markup(c.Type == CriterionType.Inclusion ? "incl" : "excl"),
                new Markup($"[{OutcomeStyle(c.Outcome)}]{Show(ReportModel.Status(c))}[/]"),
                new Markup(text));
        }

        console.Write(table);
        var questions = report.Questions;
        if (questions.Count > 0)
        {
            console.MarkupLine("[blue]Questions for the investigator:[/]");
            foreach (var (question, criteria) in questions)
            {
                console.MarkupLine(Show($"  - {question} ({string.Join(", ", criteria)})"));
            }
        }

        var collect = report.Collect;
        if (collect.Count > 0)
        {
            console.MarkupLine("[yellow]What to collect next:[/]");
            foreach (var (item, criteria) in collect)
            {
                string decides = criteria.Count > 0 ? $" (to decide {string.Join(", ", criteria)})" : string.Empty;
                console.MarkupLine(Show($"  - {item}{decides}"));
            }
        }

        if (shortened)
        {
            console.MarkupLine(Markup.Escape(CliConsole.Format($"Note: texts longer than {MaxShown:N0} characters are shortened here (…); --format json shows them in full.")));
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
