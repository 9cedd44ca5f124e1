using System;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;
using Eligibility.Cli.Screening;

namespace Eligibility.Cli.Output;

/// <summary>
/// The HTML page of <c>screen --report FILE</c>: the screening summary as one self-contained page a trial designer
/// reads at a glance. Per trial: the verdict counts, a funnel of the patients remaining after each criterion in protocol
/// order (inclusion, then exclusion, each in file order — a patient leaves at the first criterion that fails), bars of
/// how many each criterion excluded, left with data missing or left awaiting review, and the attrition table; then the
/// investigator answers no criterion could use and the unrecognised codes. Charts are inline SVG; there are no scripts,
/// no external assets and no timestamps, so the same input gives the same bytes.
/// </summary>
internal static class ScreenReport
{
    /// <summary>How many unrecognised codes the page lists (most patients first); <c>--summary</c> lists them all.</summary>
    public const int MaxUnrecognised = 100;

    private const int ChartWidth = 760;
    private const int LabelWidth = 120;
    private const int BarArea = 480;

    private const string Style = """
        :root { --eligible: #1b7f3b; --fail: #b3261e; --unknown: #8a5a00; --review: #1f5fa8; --remaining: #3f6f8f; --muted: #5f6368; }
        * { box-sizing: border-box; }
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #202124; margin: 2rem auto; max-width: 64rem; padding: 0 1rem; }
        h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
        h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 1px solid #dadce0; padding-bottom: .25rem; }
        h3 { font-size: 1rem; margin: 1.25rem 0 .4rem; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0 0 1rem; }
        dl.facts dt { font-weight: 600; }
        dl.facts dd { margin: 0; }
        nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
        table { border-collapse: collapse; margin: .25rem 0 .75rem; }
        th, td { text-align: left; vertical-align: top; padding: .3rem .6rem; border-bottom: 1px solid #e8eaed; }
        th { font-size: .8rem; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
        td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        td.id { font-family: ui-monospace, Menlo, Consolas, monospace; white-space: nowrap; }
        .v-eligible { color: var(--eligible); } .v-review { color: var(--review); } .v-undetermined { color: var(--unknown); } .v-ineligible { color: var(--fail); }
        figure { margin: .25rem 0 1rem; }
        figcaption { color: var(--muted); font-size: .85rem; margin-top: .25rem; }
        svg { max-width: 100%; height: auto; font: 12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
        svg .label { font-family: ui-monospace, Menlo, Consolas, monospace; }
        svg .value { fill: #3c4043; }
        .empty { color: var(--muted); font-style: italic; }
        code { font-family: ui-monospace, Menlo, Consolas, monospace; }
        ul.warnings { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .85rem; }
        footer { margin-top: 2rem; color: var(--muted); font-size: .8rem; }
        @media print { body { margin: 0; max-width: none; font-size: 10pt; } section.trial { break-before: page; } figure, tr { break-inside: avoid; } svg { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
        """;

    /// <summary>What the page says about the run besides the counts: the input, the as-of rule, blank lines and the terminology.</summary>
    public sealed record Run(string Input, string AsOf, int BlankLines, string? Terminology)
    {
        /// <summary>Why the run ended before every record was screened (the page then says it is incomplete); null when complete.</summary>
        public string? Stopped { get; init; }
    }

    public static string Render(ScreenSummary summary, Run run)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(run);
        var trials = summary.Trials;
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        h.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        h.Append("<title>").Append(E($"Screening summary — {string.Join(", ", trials.Select(t => t.Trial.Id))} — {N(summary.Records)} record(s)")).Append("</title>\n");
        h.Append("<style>\n").Append(Style).Append("\n</style>\n</head>\n<body>\n");

        h.Append("<header>\n<h1 id=\"title\">Screening summary</h1>\n<dl class=\"facts\">\n");
        if (run.Stopped is { } stopped)
        {
            h.Append("<dt>Incomplete</dt><dd id=\"stopped\">").Append(E(stopped)).Append(": the counts are of the records screened so far</dd>\n");
        }

        h.Append("<dt>Patients</dt><dd id=\"input\"><code>").Append(E(run.Input == "-" ? "standard input" : run.Input)).Append("</code></dd>\n");
        h.Append("<dt>As of</dt><dd id=\"as-of\">").Append(E(run.AsOf)).Append("</dd>\n");
        h.Append("<dt>Records</dt><dd id=\"records\" data-records=\"").Append(N(summary.Records)).Append("\" data-evaluated=\"").Append(N(summary.Evaluated))
            .Append("\" data-error-rows=\"").Append(N(summary.ErrorRows)).Append("\">").Append(N(summary.Records)).Append(" record(s): ")
            .Append(N(summary.Evaluated)).Append(" evaluated, ").Append(N(summary.ErrorRows)).Append(" error row(s)");
        if (run.BlankLines > 0)
        {
            h.Append(", ").Append(N(run.BlankLines)).Append(" blank line(s) skipped");
        }

        h.Append(" <span class=\"empty\">(a record that cannot be read has an error row in the results; none is dropped)</span></dd>\n");
        h.Append("<dt>Terminology</dt><dd id=\"terminology\">").Append(E(run.Terminology ?? "none given (lock files where present; otherwise bindings match the codes they list)")).Append("</dd>\n");
        h.Append("<dt>Answer warnings</dt><dd>").Append(N(summary.AnswerWarnings)).Append(summary.AnswerWarnings > 0 ? " (<a href=\"#answer-warnings\">below</a>)" : string.Empty).Append("</dd>\n");
        h.Append("</dl>\n");
        h.Append("<nav><ul>\n");
        foreach (var t in trials)
        {
            h.Append("<li><a href=\"#trial-").Append(E(t.Trial.Id)).Append("\">").Append(E(t.Trial.Id)).Append("</a></li>\n");
        }

        h.Append("</ul></nav>\n</header>\n<main>\n");
        for (int t = 0; t < trials.Count; t++)
        {
            AppendTrial(h, summary, t);
        }

        AppendAnswerWarnings(h, summary);
        AppendUnrecognised(h, summary);
        h.Append("</main>\n<footer>Generated by eligibility ").Append(E(HtmlReport.Version))
            .Append(". Verdicts: eligible (every criterion met), review (only the investigator's answers are missing), undetermined (data missing), ineligible (a criterion fails). ")
            .Append("The same input gives the same page.</footer>\n</body>\n</html>\n");
        return h.ToString();
    }

    private static void AppendTrial(StringBuilder h, ScreenSummary summary, int t)
    {
        var trial = summary.Trials[t];
        var criteria = trial.Criteria;
        string id = trial.Trial.Id;
        h.Append("<section class=\"trial\" id=\"trial-").Append(E(id)).Append("\" data-trial=\"").Append(E(id)).Append("\">\n");
        h.Append("<h2>").Append(E(id)).Append(" — ").Append(E(trial.Trial.Title)).Append("</h2>\n");

        h.Append("<table class=\"verdicts\">\n<thead><tr><th>Verdict</th><th class=\"n\">Patients</th><th class=\"n\">Share</th></tr></thead>\n<tbody>\n");
        foreach (var verdict in ScreenSummary.VerdictOrder)
        {
            string name = ResultJson.Name(verdict);
            int count = summary.Count(t, verdict);
            h.Append("<tr data-verdict=\"").Append(name).Append("\"><td class=\"v-").Append(name).Append("\">").Append(E(ReportModel.Label(verdict)))
                .Append("</td><td class=\"n\">").Append(N(count)).Append("</td><td class=\"n\">").Append(Percent(count, summary.Evaluated)).Append("</td></tr>\n");
        }

        h.Append("<tr data-verdict=\"error\"><td>Error rows (not evaluated)</td><td class=\"n\">").Append(N(summary.ErrorRows)).Append("</td><td class=\"n\"></td></tr>\n");
        h.Append("</tbody>\n</table>\n");

        h.Append("<h3>Patients remaining after each criterion</h3>\n<figure>\n");
        AppendFunnel(h, summary, t);
        h.Append("<figcaption>Protocol order: inclusion criteria, then exclusion criteria, each in rule-file order. A patient leaves at the first criterion that fails; ")
            .Append("data missing and awaiting review remove no one. The last bar is every patient no criterion excluded (eligible, review and undetermined).</figcaption>\n</figure>\n");

        h.Append("<h3>Per criterion: excluded, data missing, awaiting review</h3>\n<figure>\n");
        AppendCriterionBars(h, summary, t);
        h.Append("<figcaption>Each criterion counted on its own, over all ").Append(N(summary.Evaluated))
            .Append(" patients evaluated: a patient excluded by several criteria counts under each.</figcaption>\n</figure>\n");

        h.Append("<h3>Attrition</h3>\n<table class=\"attrition\">\n<thead><tr><th>Criterion</th><th>Type</th><th>Text</th>")
            .Append("<th class=\"n\">Review</th><th class=\"n\">Unknown</th><th class=\"n\">Excluded (fail)</th><th class=\"n\">Remaining</th></tr></thead>\n<tbody>\n");
        for (int k = 0; k < criteria.Count; k++)
        {
            var c = criteria[k];
            var (excluded, unknown, review) = summary.Count(t, c.Id);
            h.Append("<tr data-id=\"").Append(E(c.Id)).Append("\"><td class=\"id\">").Append(E(c.Id)).Append("</td><td>").Append(ReportModel.TypeName(c.Type))
                .Append("</td><td>").Append(E(c.Text)).Append("</td><td class=\"n\">").Append(N(review)).Append("</td><td class=\"n\">").Append(N(unknown))
                .Append("</td><td class=\"n\">").Append(N(excluded)).Append("</td><td class=\"n\">").Append(N(summary.Remaining(t, k + 1))).Append("</td></tr>\n");
        }

        h.Append("</tbody>\n</table>\n</section>\n");
    }

    /// <summary>A centred funnel: the patients evaluated, then those remaining after each criterion.</summary>
    private static void AppendFunnel(StringBuilder h, ScreenSummary summary, int t)
    {
        var criteria = summary.Trials[t].Criteria;
        const int rowHeight = 22, barHeight = 16, top = 4;
        int height = top * 2 + (criteria.Count + 1) * rowHeight;
        double scale = BarArea / (double)Math.Max(1, summary.Evaluated);
        h.Append("<svg class=\"funnel\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"").Append(ChartWidth).Append("\" height=\"").Append(height)
            .Append("\" viewBox=\"0 0 ").Append(ChartWidth).Append(' ').Append(height).Append("\" aria-label=\"")
            .Append(E($"Funnel for {summary.Trials[t].Trial.Id}: {N(summary.Evaluated)} evaluated, {N(summary.Remaining(t, criteria.Count))} remaining after every criterion")).Append("\">\n");
        for (int k = 0; k <= criteria.Count; k++)
        {
            int remaining = summary.Remaining(t, k);
            int leftHere = k == 0 ? 0 : summary.Remaining(t, k - 1) - remaining;
            string label = k == 0 ? "evaluated" : criteria[k - 1].Id;
            string title = k == 0
                ? $"{N(remaining)} patient(s) evaluated"
                : $"{criteria[k - 1].Id} — {criteria[k - 1].Text}: {N(remaining)} remaining ({Percent(remaining, summary.Evaluated)}); {N(leftHere)} excluded here";
            double y = top + (k * rowHeight);
            double width = remaining * scale;
            double x = LabelWidth + ((BarArea - width) / 2);
            h.Append("<g class=\"step\" data-id=\"").Append(E(label)).Append("\" data-remaining=\"").Append(N(remaining)).Append("\"><title>").Append(E(title)).Append("</title>");
            h.Append("<text class=\"label\" x=\"0\" y=\"").Append(F(y + 12)).Append("\">").Append(E(label)).Append("</text>");
            h.Append("<rect x=\"").Append(F(x)).Append("\" y=\"").Append(F(y + ((rowHeight - barHeight) / 2.0))).Append("\" width=\"").Append(F(width))
                .Append("\" height=\"").Append(barHeight).Append("\" rx=\"2\" fill=\"").Append(k == 0 ? "#5f6368" : "#3f6f8f").Append("\"/>");
            h.Append("<text class=\"value\" x=\"").Append(LabelWidth + BarArea + 10).Append("\" y=\"").Append(F(y + 12)).Append("\">").Append(N(remaining))
                .Append(k == 0 ? string.Empty : $" ({Percent(remaining, summary.Evaluated)})").Append(leftHere > 0 ? $" −{N(leftHere)}" : string.Empty).Append("</text></g>\n");
        }

        h.Append("</svg>\n");
    }

    /// <summary>Per criterion, three bars: excluded (fail), data missing (unknown) and awaiting review.</summary>
    private static void AppendCriterionBars(StringBuilder h, ScreenSummary summary, int t)
    {
        var criteria = summary.Trials[t].Criteria;
        const int barHeight = 7, gap = 1, rowHeight = (3 * (barHeight + gap)) + 8, legend = 22;
        int height = legend + (criteria.Count * rowHeight) + 4;
        double scale = BarArea / (double)Math.Max(1, summary.Evaluated);
        h.Append("<svg class=\"criteria-bars\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"").Append(ChartWidth).Append("\" height=\"").Append(height)
            .Append("\" viewBox=\"0 0 ").Append(ChartWidth).Append(' ').Append(height).Append("\" aria-label=\"")
            .Append(E($"Per criterion of {summary.Trials[t].Trial.Id}: patients excluded, with data missing and awaiting review")).Append("\">\n");
        (string Name, string Colour)[] series = [("excluded", "#b3261e"), ("data missing", "#8a5a00"), ("awaiting review", "#1f5fa8")];
        h.Append("<g class=\"legend\">");
        for (int s = 0; s < series.Length; s++)
        {
            int x = LabelWidth + (s * 150);
            h.Append("<rect x=\"").Append(x).Append("\" y=\"4\" width=\"12\" height=\"12\" fill=\"").Append(series[s].Colour).Append("\"/>")
                .Append("<text x=\"").Append(x + 16).Append("\" y=\"14\">").Append(series[s].Name).Append("</text>");
        }

        h.Append("</g>\n");
        for (int k = 0; k < criteria.Count; k++)
        {
            var c = criteria[k];
            var (excluded, unknown, review) = summary.Count(t, c.Id);
            int[] values = [excluded, unknown, review];
            double y = legend + (k * rowHeight);
            h.Append("<g class=\"criterion\" data-id=\"").Append(E(c.Id)).Append("\" data-excluded=\"").Append(N(excluded)).Append("\" data-unknown=\"").Append(N(unknown))
                .Append("\" data-review=\"").Append(N(review)).Append("\"><title>").Append(E($"{c.Id} — {c.Text}: {N(excluded)} excluded, {N(unknown)} data missing, {N(review)} awaiting review")).Append("</title>");
            h.Append("<text class=\"label\" x=\"0\" y=\"").Append(F(y + 16)).Append("\">").Append(E(c.Id)).Append("</text>");
            h.Append("<rect class=\"track\" x=\"").Append(LabelWidth).Append("\" y=\"").Append(F(y + 1)).Append("\" width=\"").Append(BarArea)
                .Append("\" height=\"").Append((3 * (barHeight + gap)) + 1).Append("\" fill=\"#f1f3f4\"/>");
            for (int s = 0; s < series.Length; s++)
            {
                double by = y + 2 + (s * (barHeight + gap));
                double width = values[s] * scale;
                h.Append("<rect x=\"").Append(LabelWidth).Append("\" y=\"").Append(F(by)).Append("\" width=\"").Append(F(width)).Append("\" height=\"").Append(barHeight)
                    .Append("\" fill=\"").Append(series[s].Colour).Append("\"/>");
                if (values[s] > 0)
                {
                    h.Append("<text class=\"value\" x=\"").Append(F(LabelWidth + width + 4)).Append("\" y=\"").Append(F(by + barHeight)).Append("\" font-size=\"9\">")
                        .Append(N(values[s])).Append("</text>");
                }
            }

            h.Append("</g>\n");
        }

        h.Append("</svg>\n");
    }

    private static void AppendAnswerWarnings(StringBuilder h, ScreenSummary summary)
    {
        h.Append("<section id=\"answer-warnings\">\n<h2>Investigator answers that were not used</h2>\n");
        if (summary.AnswerWarnings == 0)
        {
            h.Append("<p class=\"empty\">None: every investigator's answer names a judgement of a screened trial.</p>\n</section>\n");
            return;
        }

        h.Append("<p>").Append(N(summary.AnswerWarnings))
            .Append(" answer(s) named a trial or criterion that does not exist, or a computed part no answer can override, and were not used: ")
            .Append(E(string.Join(", ", ScreenSummary.AnswerCodes.Where(c => summary.AnswerWarningsWith(c) > 0).Select(c => $"{c} {N(summary.AnswerWarningsWith(c))}"))))
            .Append(". The first ").Append(N(summary.FirstAnswerWarningLines.Count)).Append(":</p>\n<ul class=\"warnings\">\n");
        foreach (var d in summary.FirstAnswerWarningLines)
        {
            h.Append("<li>").Append(E(d.ToString())).Append("</li>\n");
        }

        h.Append("</ul>\n</section>\n");
    }

    private static void AppendUnrecognised(StringBuilder h, ScreenSummary summary)
    {
        var codes = summary.Unrecognised();
        h.Append("<section id=\"unrecognised-codes\">\n<h2>Unrecognised codes</h2>\n");
        if (codes.Count == 0)
        {
            h.Append("<p class=\"empty\">None: every coded record in the input matches a concept of a rule file.</p>\n</section>\n");
            return;
        }

        h.Append("<p>").Append(N(codes.Count)).Append(" code(s) in the input match no concept of any rule file")
            .Append(codes.Count > MaxUnrecognised ? $"; the {MaxUnrecognised} carried by the most patients (<code>--summary FILE</code> lists them all)" : string.Empty)
            .Append(":</p>\n<table class=\"unrecognised\">\n<thead><tr><th>System</th><th>Code</th><th>Display</th><th>Kind</th><th class=\"n\">Patients</th></tr></thead>\n<tbody>\n");
        foreach (var code in codes.Take(MaxUnrecognised))
        {
            h.Append("<tr><td>").Append(E(code.System)).Append("</td><td class=\"id\">").Append(E(code.Code)).Append("</td><td>").Append(E(code.Display ?? string.Empty))
                .Append("</td><td>").Append(E(code.Kind)).Append("</td><td class=\"n\">").Append(N(code.Patients)).Append("</td></tr>\n");
        }

        h.Append("</tbody>\n</table>\n</section>\n");
    }

    private static string Percent(int part, int whole) =>
        whole == 0 ? "–" : (100.0 * part / whole).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string F(double d) => d.ToString("0.#", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
