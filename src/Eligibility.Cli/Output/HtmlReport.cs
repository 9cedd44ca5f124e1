using System.Linq;
using System.Net;
using System.Reflection;
using System.Text;

namespace Eligibility.Cli.Output;

/// <summary>
/// The HTML report of <c>evaluate</c>: one self-contained page (inline CSS, no scripts, no external assets) a study
/// coordinator can open and print — trial, patient, as-of, verdict, criteria grouped by outcome with their explanations
/// and nested parts, what to collect next, and what the investigator must sign off.
/// </summary>
internal static class HtmlReport
{
    private const string Style = """
        :root { --pass: #1b7f3b; --fail: #b3261e; --unknown: #8a5a00; --review: #1f5fa8; --muted: #5f6368; }
        * { box-sizing: border-box; }
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #202124; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
        h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
        h2 { font-size: 1.15rem; margin: 1.75rem 0 .5rem; border-bottom: 1px solid #dadce0; padding-bottom: .25rem; }
        .subtitle { color: var(--muted); margin: 0 0 1rem; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0 0 1rem; }
        dl.facts dt { font-weight: 600; }
        dl.facts dd { margin: 0; }
        .verdict { display: inline-block; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; padding: .2rem .6rem; border-radius: .3rem; border: 2px solid currentColor; }
        .verdict-eligible { color: var(--pass); }
        .verdict-ineligible { color: var(--fail); }
        .verdict-undetermined { color: var(--unknown); }
        .outcome { font-weight: 700; text-transform: uppercase; font-size: .8rem; white-space: nowrap; }
        .outcome-pass { color: var(--pass); } .outcome-fail { color: var(--fail); } .outcome-unknown { color: var(--unknown); } .outcome-review { color: var(--review); }
        table { width: 100%; border-collapse: collapse; }
        th, td { text-align: left; vertical-align: top; padding: .4rem .5rem; border-bottom: 1px solid #e8eaed; }
        th { font-size: .8rem; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
        td.id { font-family: ui-monospace, Menlo, Consolas, monospace; white-space: nowrap; }
        .criterion-text { font-weight: 600; margin-bottom: .2rem; }
        .explanation { margin: 0; }
        ul.parts { margin: .35rem 0 0; padding-left: 1.1rem; color: #3c4043; }
        ul.parts li { margin: .15rem 0; }
        .part-truth { font-weight: 600; font-size: .8rem; white-space: nowrap; }
        .truth-true, .truth-false { color: #3c4043; }
        ul.todo { padding-left: 1.2rem; }
        .empty { color: var(--muted); font-style: italic; }
        footer { margin-top: 2rem; color: var(--muted); font-size: .8rem; }
        @media print {
          body { margin: 0; max-width: none; font-size: 11pt; }
          h2 { break-after: avoid; }
          tr, li { break-inside: avoid; }
          .verdict, .outcome { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        }
        """;

    public static string Render(ReportModel report)
    {
        var result = report.Result;
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        h.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        h.Append("<title>").Append(E($"{report.Trial.Id} — {report.Patient} — {report.Verdict}")).Append("</title>\n");
        h.Append("<style>\n").Append(Style).Append("\n</style>\n</head>\n<body>\n");

        h.Append("<header>\n<h1 id=\"trial\">").Append(E(report.Trial.Id)).Append(" — ").Append(E(report.Trial.Title)).Append("</h1>\n");
        if (report.Trial.Registry is { } registry)
        {
            h.Append("<p class=\"subtitle\">").Append(E(registry));
            if (report.Trial.RegistryId is { } rid)
            {
                h.Append(' ').Append(E(rid));
            }

            h.Append("</p>\n");
        }

        h.Append("<dl class=\"facts\">\n");
        h.Append("<dt>Patient</dt><dd id=\"patient\">").Append(E(report.Patient)).Append("</dd>\n");
        h.Append("<dt>As of</dt><dd id=\"as-of\">").Append(E(report.AsOf)).Append(" <span class=\"empty\">(").Append(E(report.AsOfNote)).Append(")</span></dd>\n");
        h.Append("<dt>Verdict</dt><dd><span id=\"verdict\" class=\"verdict verdict-").Append(report.Verdict).Append("\">").Append(report.Verdict).Append("</span> ")
            .Append(E(report.Counts)).Append("</dd>\n");
        h.Append("</dl>\n</header>\n");

        h.Append("<section id=\"collect-next\">\n<h2>What to collect next</h2>\n");
        if (result.Missing.Count > 0)
        {
            h.Append("<ul class=\"todo\">\n");
            foreach (string m in result.Missing)
            {
                var neededBy = result.Criteria.Where(c => c.Outcome == Outcome.Unknown && c.Missing.Contains(m)).Select(c => c.Id ?? "?").ToList();
                h.Append("<li>").Append(E(m));
                if (neededBy.Count > 0)
                {
                    h.Append(" <span class=\"empty\">(to decide ").Append(E(string.Join(", ", neededBy))).Append(")</span>");
                }

                h.Append("</li>\n");
            }

            h.Append("</ul>\n");
        }
        else
        {
            h.Append("<p class=\"empty\">No data is missing.</p>\n");
        }

        if (result.NeedsReview.Count > 0)
        {
            h.Append("<p>The investigator must sign off:</p>\n<ul class=\"todo\">\n");
            foreach (string id in result.NeedsReview)
            {
                var c = result.Criteria.FirstOrDefault(x => x.Id == id);
                h.Append("<li><code>").Append(E(id)).Append("</code> ").Append(E(c?.Text ?? string.Empty)).Append("</li>\n");
            }

            h.Append("</ul>\n");
        }

        h.Append("</section>\n");

        foreach (var outcome in ReportModel.GroupOrder)
        {
            var group = report.WithOutcome(outcome).ToList();
            string name = ResultJson.Name(outcome);
            h.Append("<section id=\"outcome-").Append(name).Append("\" class=\"group\">\n<h2>").Append(E(ReportModel.GroupTitle(outcome)))
                .Append(" (").Append(group.Count).Append(")</h2>\n");
            if (group.Count == 0)
            {
                h.Append("<p class=\"empty\">None.</p>\n</section>\n");
                continue;
            }

            h.Append("<table>\n<thead><tr><th>ID</th><th>Type</th><th>Outcome</th><th>Criterion and explanation</th></tr></thead>\n<tbody>\n");
            foreach (var c in group)
            {
                h.Append("<tr class=\"criterion\" data-id=\"").Append(E(c.Id ?? string.Empty)).Append("\" data-outcome=\"").Append(name).Append("\">");
                h.Append("<td class=\"id\">").Append(E(c.Id ?? string.Empty)).Append("</td>");
                h.Append("<td>").Append(ReportModel.TypeName(c.Type)).Append("</td>");
                h.Append("<td><span class=\"outcome outcome-").Append(name).Append("\">").Append(name).Append("</span></td>");
                h.Append("<td>");
                if (c.Text is { } text)
                {
                    h.Append("<div class=\"criterion-text\">").Append(E(text)).Append("</div>");
                }

                h.Append("<p class=\"explanation\">").Append(E(c.Explanation)).Append("</p>");
                if (outcome != Outcome.Pass)
                {
                    AppendParts(h, c); // what decided it; for met criteria the explanation says enough
                }

                h.Append("</td></tr>\n");
            }

            h.Append("</tbody>\n</table>\n</section>\n");
        }

        h.Append("<footer>Generated by eligibility ").Append(E(Version)).Append(" for the as-of date above. ")
            .Append("Outcomes: met, not met, unknown (data missing), review (investigator judgement pending).</footer>\n");
        h.Append("</body>\n</html>\n");
        return h.ToString();
    }

    private static string Version =>
        typeof(HtmlReport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "?";

    private static void AppendParts(StringBuilder h, CriterionResult c)
    {
        if (c.Parts.Count == 0)
        {
            return;
        }

        h.Append("<ul class=\"parts\">");
        foreach (var p in c.Parts)
        {
            // A part is shown by its own truth (holds / does not hold), not as pass/fail: under a "not" those read inverted.
            var (label, css) = p.Truth.IsTrue ? ("holds", "truth-true")
                : p.Truth.IsFalse ? ("does not hold", "truth-false")
                : p.Outcome == Outcome.Review ? ("review", "outcome-review")
                : ("unknown", "outcome-unknown");
            h.Append("<li><span class=\"part-truth ").Append(css).Append("\">").Append(label).Append("</span> ");
            if (p.Id is { } id)
            {
                h.Append("<code>").Append(E(id)).Append("</code> ");
            }

            if (p.Text is { } text)
            {
                h.Append("<em>").Append(E(text)).Append("</em> — ");
            }

            h.Append(E(p.Explanation));
            AppendParts(h, p);
            h.Append("</li>");
        }

        h.Append("</ul>");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
