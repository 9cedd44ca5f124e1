using System.Linq;
using System.Net;
using System.Reflection;
using System.Text;

namespace Eligibility.Cli.Output;

/// <summary>
/// The HTML report of <c>evaluate</c>: one self-contained page (inline CSS, no scripts, no external assets) a study
/// coordinator can open and print — trial, patient, as-of, the headline (verdict and what remains), what to collect next,
/// the investigator's open questions, and the criteria grouped by status (excluding, data missing, awaiting the
/// investigator, inclusions met, exclusions that do not apply) with their explanations and nested parts.
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
        .verdict-review { color: var(--review); }
        .headline { font-size: 1.1rem; margin: .5rem 0 1rem; }
        .headline .verdict { margin-right: .4rem; }
        td.status { min-width: 8rem; max-width: 16rem; }
        .status-detail { font-size: .85rem; margin-top: .15rem; }
        ul.questions { list-style: none; padding-left: 0; }
        ul.questions li { margin: .3rem 0; }
        .box { display: inline-block; width: .9em; height: .9em; border: 1.5px solid #3c4043; border-radius: 2px; margin-right: .5rem; vertical-align: -.1em; }
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
        h.Append("<title>").Append(E($"{report.Trial.Id} — {report.Patient} — {report.VerdictLabel}")).Append("</title>\n");
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

        h.Append("<p id=\"headline\" class=\"headline\"><span id=\"verdict\" class=\"verdict verdict-").Append(report.Verdict).Append("\" data-verdict=\"")
            .Append(report.Verdict).Append("\">").Append(E(report.VerdictLabel)).Append("</span> <span id=\"remains\">").Append(E(report.Remains)).Append("</span></p>\n");
        h.Append("<dl class=\"facts\">\n");
        h.Append("<dt>Patient</dt><dd id=\"patient\">").Append(E(report.Patient)).Append("</dd>\n");
        h.Append("<dt>As of</dt><dd id=\"as-of\">").Append(E(report.AsOf)).Append(" <span class=\"empty\">(").Append(E(report.AsOfNote)).Append(")</span></dd>\n");
        h.Append("<dt>Criteria</dt><dd id=\"counts\">").Append(E(report.Counts)).Append("</dd>\n");
        h.Append("</dl>\n</header>\n");

        h.Append("<section id=\"collect-next\">\n<h2>What to collect next</h2>\n");
        var collect = report.Collect;
        if (collect.Count > 0)
        {
            h.Append("<ul class=\"todo\">\n");
            foreach (var (item, neededBy) in collect)
            {
                h.Append("<li>").Append(E(item));
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

        h.Append("</section>\n");

        h.Append("<section id=\"questions\">\n<h2>Questions for the investigator</h2>\n");
        var questions = report.Questions;
        if (questions.Count > 0)
        {
            h.Append("<ul class=\"todo questions\">\n");
            foreach (var (question, askedBy) in questions)
            {
                h.Append("<li><span class=\"box\" aria-hidden=\"true\"></span>").Append(E(question))
                    .Append(" <span class=\"empty\">(").Append(E(string.Join(", ", askedBy))).Append(")</span></li>\n");
            }

            h.Append("</ul>\n");
        }
        else
        {
            h.Append("<p class=\"empty\">No question awaits the investigator.</p>\n");
        }

        h.Append("</section>\n");

        foreach (var group in ReportModel.Groups)
        {
            var criteria = group.In(result).ToList();
            h.Append("<section id=\"outcome-").Append(group.Name).Append("\" class=\"group\">\n<h2>").Append(E(group.Title))
                .Append(" (").Append(criteria.Count).Append(")</h2>\n");
            if (criteria.Count == 0)
            {
                h.Append("<p class=\"empty\">None.</p>\n</section>\n");
                continue;
            }

            h.Append("<table>\n<thead><tr><th>ID</th><th>Type</th><th>Status</th><th>Criterion and explanation</th></tr></thead>\n<tbody>\n");
            foreach (var c in criteria)
            {
                string name = ResultJson.Name(c.Outcome);
                h.Append("<tr class=\"criterion\" data-id=\"").Append(E(c.Id ?? string.Empty)).Append("\" data-outcome=\"").Append(name).Append("\">");
                h.Append("<td class=\"id\">").Append(E(c.Id ?? string.Empty)).Append("</td>");
                h.Append("<td>").Append(ReportModel.TypeName(c.Type)).Append("</td>");
                h.Append("<td class=\"status\"><span class=\"outcome outcome-").Append(name).Append("\">").Append(E(ReportModel.ShortStatus(c))).Append("</span>");
                if (ReportModel.StatusDetail(c) is { } detail)
                {
                    h.Append("<div class=\"status-detail\">").Append(E(detail)).Append("</div>");
                }

                h.Append("</td><td>");
                if (c.Text is { } text)
                {
                    h.Append("<div class=\"criterion-text\">").Append(E(text)).Append("</div>");
                }

                h.Append("<p class=\"explanation\">").Append(E(c.Explanation)).Append("</p>");
                if (c.Outcome != Outcome.Pass)
                {
                    AppendParts(h, c); // what decided it; for satisfied criteria the explanation says enough
                }

                h.Append("</td></tr>\n");
            }

            h.Append("</tbody>\n</table>\n</section>\n");
        }

        h.Append("<footer>Generated by eligibility ").Append(E(Version)).Append(" for the as-of date above. ")
            .Append("Inclusion criteria are met or not met; exclusion criteria do not apply or apply (and exclude); ")
            .Append("data missing means the record cannot decide the criterion; awaiting investigator means only the investigator's answer is missing.</footer>\n");
        h.Append("</body>\n</html>\n");
        return h.ToString();
    }

    internal static string Version =>
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
                : p.Outcome == Outcome.Review ? ("awaiting investigator", "outcome-review")
                : ("data missing", "outcome-unknown");
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
