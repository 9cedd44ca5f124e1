using System.Text;

namespace Eligibility.Cli.Output;

/// <summary>The Markdown report of <c>evaluate</c>, for pasting into a ticket.</summary>
internal static class MarkdownReport
{
    public static string Render(ReportModel report)
    {
        var result = report.Result;
        var md = new StringBuilder();
        md.Append("# Eligibility: ").Append(Md.Escape(report.Trial.Id)).Append(" — ").Append(Md.Escape(report.Trial.Title)).Append('\n').Append('\n');
        md.Append("**").Append(Md.Escape(report.VerdictLabel)).Append("** — ").Append(Md.Escape(report.Remains)).Append("\n\n");
        md.Append("- **Patient:** ").Append(Md.Escape(report.Patient)).Append('\n');
        md.Append("- **As of:** ").Append(report.AsOf).Append(" (").Append(report.AsOfNote).Append(")\n");
        md.Append("- **Verdict:** ").Append(report.Verdict).Append('\n');
        md.Append("- **Criteria:** ").Append(Md.Escape(report.Counts)).Append("\n\n");

        md.Append("| ID | Type | Status | Criterion | Explanation |\n");
        md.Append("|---|---|---|---|---|\n");
        foreach (var c in result.Criteria)
        {
            string status = Md.Cell(ReportModel.Status(c));
            md.Append("| ").Append(Md.Cell(c.Id ?? string.Empty))
                .Append(" | ").Append(ReportModel.TypeName(c.Type))
                .Append(" | ").Append(c.Outcome == Outcome.Pass ? status : "**" + status + "**")
                .Append(" | ").Append(Md.Cell(c.Text ?? string.Empty))
                .Append(" | ").Append(Md.Cell(c.Explanation))
                .Append(" |\n");
        }

        var questions = report.Questions;
        if (questions.Count > 0)
        {
            md.Append("\n## Questions for the investigator\n\n");
            foreach (var (question, criteria) in questions)
            {
                md.Append("- [ ] ").Append(Md.Escape(question)).Append(" (").Append(Md.Escape(string.Join(", ", criteria))).Append(")\n");
            }
        }

        var collect = report.Collect;
        if (collect.Count > 0)
        {
            md.Append("\n## What to collect next\n\n");
            foreach (var (item, criteria) in collect)
            {
                md.Append("- ").Append(Md.Escape(item));
                if (criteria.Count > 0)
                {
                    md.Append(" (to decide ").Append(Md.Escape(string.Join(", ", criteria))).Append(')');
                }

                md.Append('\n');
            }
        }

        return md.ToString();
    }
}
