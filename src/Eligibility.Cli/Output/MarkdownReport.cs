using System.Linq;
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
        md.Append("- **Patient:** ").Append(Md.Escape(report.Patient)).Append('\n');
        md.Append("- **As of:** ").Append(report.AsOf).Append(" (").Append(report.AsOfNote).Append(")\n");
        md.Append("- **Verdict:** **").Append(report.Verdict).Append("** (").Append(report.Counts).Append(")\n\n");

        md.Append("| ID | Type | Outcome | Criterion | Explanation |\n");
        md.Append("|---|---|---|---|---|\n");
        foreach (var c in result.Criteria)
        {
            string outcome = ResultJson.Name(c.Outcome);
            md.Append("| ").Append(Md.Cell(c.Id ?? string.Empty))
                .Append(" | ").Append(ReportModel.TypeName(c.Type))
                .Append(" | ").Append(c.Outcome == Outcome.Pass ? outcome : "**" + outcome + "**")
                .Append(" | ").Append(Md.Cell(c.Text ?? string.Empty))
                .Append(" | ").Append(Md.Cell(c.Explanation))
                .Append(" |\n");
        }

        if (result.NeedsReview.Count > 0)
        {
            md.Append("\n## Needs investigator review\n\n");
            foreach (string id in result.NeedsReview)
            {
                var c = result.Criteria.FirstOrDefault(x => x.Id == id);
                md.Append("- [ ] **").Append(Md.Escape(id)).Append("** ").Append(Md.Escape(c?.Text ?? string.Empty)).Append('\n');
            }
        }

        if (result.Missing.Count > 0)
        {
            md.Append("\n## What to collect next\n\n");
            foreach (string m in result.Missing)
            {
                md.Append("- ").Append(Md.Escape(m)).Append('\n');
            }
        }

        return md.ToString();
    }
}
