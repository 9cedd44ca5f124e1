using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Encodings.Web;
using System.Text.Json;
using Eligibility.Cli.Input;
using Eligibility.Cli.Output;
using Eligibility.Cli.Screening;
using Eligibility.Sql;

namespace Eligibility.Cli.Omop;

/// <summary>
/// <c>screen --omop duckdb:PATH|POSTGRESQL-CONNECTION-STRING</c>: each trial's SQL run over an OMOP CDM database, written as the rows and the
/// attrition summary of a file-based screen (<see cref="ScreenRows"/>, <see cref="ScreenSummary"/>,
/// <see cref="ScreenOutput"/>). One record per person, in person_id order; the patient is the person_id.
/// </summary>
internal static class OmopScreen
{
    /// <summary>What the run needs besides the trials.</summary>
    public sealed record Request(string Connection, string? Schema, DateOnly? AsOf, int? Threads, ScreenDetail Detail, string? OutPath, string? SummaryPath, string? ReportPath, string? Terminology);

    /// <summary>Screens the database; returns the exit code (0) or throws <see cref="CliInputException"/> (exit 2).</summary>
    public static int Run(CliConsole console, IReadOnlyList<(string Path, TrialEvaluator Trial)> trials, Request request)
    {
        if (request.Detail == ScreenDetail.Full)
        {
            throw new CliInputException("--detail full is not available with --omop: explanations are not computed in SQL; use --detail verdict or criteria");
        }

        DateOnly asOf = request.AsOf ?? console.Today;
        string asOfText = request.AsOf is { } d ? $"{AsOfDate.Format(d)} (from --as-of)" : $"today ({AsOfDate.Format(asOf)}; an OMOP database has no per-record as-of date)";
        var clock = Stopwatch.StartNew();
        var decisions = new List<(long[] Persons, TrialDecision[] Decisions)>(trials.Count);
        string name;
        using (var connection = OmopConnection.Open(request.Connection, "--omop", request.Schema, request.Threads, console))
        {
            name = connection.Name;
            console.Error.WriteLine($"Screening {name} against {string.Join(", ", trials.Select(t => t.Trial.Trial.Id))} in SQL; as-of: {asOfText}.");
            var units = connection.UnitCodes();
            // Compiled together: the persons, concept sets and fact copies are made once for every trial.
            var compilations = OmopSqlCompiler.Compile(trials.Select(t => t.Trial).ToList(), connection.Dialect, connection.Options(asOf, units));
            for (int i = 0; i < trials.Count; i++)
            {
                OmopDatabase.WriteUnsupported(trials[i].Path, compilations[i], console);
            }

            var results = connection.Run(compilations, console);
            for (int i = 0; i < trials.Count; i++)
            {
                decisions.Add(Decisions(trials[i].Trial, results[i]));
            }
        }

        var persons = decisions.Count > 0 ? decisions[0].Persons : [];
        if (decisions.Any(d => !d.Persons.AsSpan().SequenceEqual(persons)))
        {
            throw new InvalidOperationException("the trials' SQL returned different persons");
        }

        var summary = new ScreenSummary(trials.Select(t => t.Trial).ToList(), name, listCodes: false);
        ScreenOutput output;
        try
        {
            output = request.OutPath is null ? ScreenOutput.ToWriter(console.Out) : ScreenOutput.Create(request.OutPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"cannot write {ScreenState.PartialPath(request.OutPath!)}: {ex.Message}", ex);
        }

        try
        {
            var item = new ScreenItem(0, null, null, null, 0);
            for (int p = 0; p < persons.Length; p++)
            {
                string patient = persons[p].ToString(CultureInfo.InvariantCulture);
                string prefix = "{\"person_id\":" + patient + ",";
                var rows = new string[trials.Count];
                var results = new TrialDecision[trials.Count];
                for (int t = 0; t < trials.Count; t++)
                {
                    var trial = trials[t].Trial;
                    results[t] = decisions[t].Decisions[p];
                    rows[t] = Row(prefix, trial, patient, asOf, results[t], request.Detail);
                    output.Write(rows[t]);
                }

                summary.Add(new ScreenOutcome(item, rows, results, IsError: false, IsInternalError: false));
            }

            output.Flush();
            summary.Write(console.CreateError(), clock.Elapsed);
            if (request.SummaryPath is { } summaryPath)
            {
                WriteFile(summaryPath, summary.ToJson(request.Terminology));
            }

            if (request.ReportPath is { } reportPath)
            {
                WriteFile(reportPath, ScreenReport.Render(summary, new ScreenReport.Run(name, $"{AsOfDate.Format(asOf)}", 0, request.Terminology)));
            }

            output.Complete();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"cannot write the results: {ex.Message}", ex);
        }
        finally
        {
            output.Dispose();
        }

        return ExitCodes.Success;
    }

    /// <summary>
    /// A row: the <see cref="ScreenDetail.Verdict"/> row of <see cref="ScreenRows.VerdictRow"/>, and for
    /// <see cref="ScreenDetail.Criteria"/> each criterion's id and outcome after it (no <c>missing</c>: the SQL does not
    /// compute which facts were missing).
    /// </summary>
    internal static string Row(string prefix, TrialEvaluator trial, string patient, DateOnly asOf, TrialDecision decision, ScreenDetail detail)
    {
        string row = ScreenRows.VerdictRow(prefix, trial.Trial.Id, patient, asOf, decision.Verdict);
        if (detail == ScreenDetail.Verdict)
        {
            return row;
        }

        var criteria = trial.Criteria.Select((c, k) =>
            "{\"id\":" + JsonString(c.Id) + ",\"outcome\":\"" + ResultJson.Name(decision.Outcomes[k]) + "\"}");
        return row[..^1] + ",\"criteria\":[" + string.Join(",", criteria) + "]}";
    }

    private static string JsonString(string text) =>
        "\"" + JsonEncodedText.Encode(text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString() + "\"";

    /// <summary>Per person (in person_id order), the verdict and the criteria's outcomes in the trial's criteria order.</summary>
    internal static (long[] Persons, TrialDecision[] Decisions) Decisions(TrialEvaluator trial, OmopScreenResult result)
    {
        var nodes = result.Compilation.Nodes;
        var column = trial.Criteria.Select(c => nodes.Select((n, i) => (n, i)).First(x => x.n.IsCriterion && x.n.CriterionId == c.Id).i).ToArray();
        var rows = result.Rows.OrderBy(r => r.PersonId).ToList();
        var persons = new long[rows.Count];
        var decisions = new TrialDecision[rows.Count];
        for (int p = 0; p < rows.Count; p++)
        {
            persons[p] = rows[p].PersonId;
            var outcomes = new Outcome[column.Length];
            for (int k = 0; k < column.Length; k++)
            {
                outcomes[k] = rows[p].Outcomes[column[k]];
            }

            decisions[p] = new TrialDecision(rows[p].Verdict, outcomes);
        }

        return (persons, decisions);
    }

    private static void WriteFile(string path, string text) => ScreenOutput.WriteFile(path, text, complete: true);
}
