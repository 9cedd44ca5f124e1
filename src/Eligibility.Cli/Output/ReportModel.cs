using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Eligibility.Cli.Input;
using Eligibility.Model;

namespace Eligibility.Cli.Output;

/// <summary>
/// What the human-readable reports (text, Markdown, HTML) show: the trial, the result, where the as-of date came from,
/// and the words a study coordinator acts on — the headline that says what remains, each criterion's status for the
/// patient ("met", "does not apply", "data missing: …", "awaiting investigator: …"), what to collect and what to ask.
/// JSON keeps the machine names (pass, fail, unknown, review); these words are for people only.
/// </summary>
internal sealed record ReportModel(TrialInfo Trial, EvaluationResult Result, AsOfSource AsOfSource)
{
    /// <summary>Groups in the order reports show them: what excludes, what needs data, what awaits the investigator, then what is satisfied.</summary>
    public static readonly StatusGroup[] Groups =
    [
        new("fail", "Excluding the patient", c => c.Outcome == Outcome.Fail),
        new("unknown", "Data missing", c => c.Outcome == Outcome.Unknown),
        new("review", "Awaiting the investigator", c => c.Outcome == Outcome.Review),
        new("met", "Inclusion criteria met", c => c.Outcome == Outcome.Pass && c.Type == CriterionType.Inclusion),
        new("does-not-apply", "Exclusion criteria that do not apply", c => c.Outcome == Outcome.Pass && c.Type == CriterionType.Exclusion),
    ];

    public string AsOf => AsOfDate.Format(Result.AsOf);

    public string AsOfNote => AsOfDate.Describe(AsOfSource);

    /// <summary>The verdict's JSON name (<c>eligible</c>, <c>review</c>, <c>undetermined</c>, <c>ineligible</c>), for CSS classes and titles.</summary>
    public string Verdict => ResultJson.Name(Result.Verdict);

    public string Patient => Result.PatientId ?? "(no id)";

    /// <summary>"Eligible", "Needs review", "Undetermined" or "Ineligible".</summary>
    public string VerdictLabel => Label(Result.Verdict);

    /// <summary>What remains, after the verdict label: "every criterion met", "2 questions for the investigator", "collect: …", "excluded by EXCL05; INCL03 not met".</summary>
    public string Remains => RemainsOf(Result);

    /// <summary>The whole headline: "Undetermined — collect: ALT within the last 28 days".</summary>
    public string Headline => VerdictLabel + " — " + Remains;

    /// <summary>"met 3 · does not apply 1 · data missing 1" — criteria per status, in group order, zero counts left out.</summary>
    public string Counts => string.Join(" · ", Result.Criteria
        .GroupBy(ShortStatus)
        .OrderBy(g => StatusRank(g.Key))
        .Select(g => g.Key + " " + g.Count().ToString(CultureInfo.InvariantCulture)));

    /// <summary>The distinct unanswered questions, in criterion order, each with the criteria that ask it.</summary>
    public IReadOnlyList<(string Question, IReadOnlyList<string> Criteria)> Questions => QuestionsOf(Result);

    /// <summary>What to collect next (the result's missing data, in words), each with the unknown criteria it would decide.</summary>
    public IReadOnlyList<(string Item, IReadOnlyList<string> Criteria)> Collect =>
        Result.Missing.Select(m => (m, (IReadOnlyList<string>)Result.Criteria
            .Where(c => c.Outcome == Outcome.Unknown && c.Missing.Contains(m)).Select(c => c.Id ?? "?").ToList())).ToList();

    public static string TypeName(CriterionType type) => type == CriterionType.Inclusion ? "inclusion" : "exclusion";

    public static string Label(Verdict verdict) => verdict switch
    {
        Eligibility.Verdict.Eligible => "Eligible",
        Eligibility.Verdict.Ineligible => "Ineligible",
        Eligibility.Verdict.Review => "Needs review",
        _ => "Undetermined",
    };

    /// <summary>The status of a criterion for the patient, in a word or two: met / not met, does not apply / applies — excludes, data missing, awaiting investigator.</summary>
    public static string ShortStatus(CriterionResult c) => c.Outcome switch
    {
        Outcome.Pass => c.Type == CriterionType.Inclusion ? "met" : "does not apply",
        Outcome.Fail => c.Type == CriterionType.Inclusion ? "not met" : "applies — excludes",
        Outcome.Review => "awaiting investigator",
        _ => "data missing",
    };

    /// <summary>
    /// The status with what it waits for: "data missing: ALT within the last 28 days", "awaiting investigator: informed
    /// consent signed"; an unknown criterion that also has unanswered questions says both.
    /// </summary>
    public static string Status(CriterionResult c) =>
        StatusDetail(c) is { } detail ? ShortStatus(c) + ": " + detail : ShortStatus(c);

    /// <summary>What an undecided criterion waits for (after its short status), or <c>null</c>: the missing data, the questions.</summary>
    public static string? StatusDetail(CriterionResult c)
    {
        switch (c.Outcome)
        {
            case Outcome.Unknown:
                var parts = new List<string>();
                if (c.Missing.Count > 0)
                {
                    parts.Add(string.Join("; ", c.Missing));
                }

                if (c.Questions.Count > 0)
                {
                    parts.Add("awaiting investigator: " + string.Join("; ", c.Questions));
                }

                return parts.Count > 0 ? string.Join("; ", parts) : null;
            case Outcome.Review:
                return c.Questions.Count > 0 ? string.Join("; ", c.Questions) : null;
            default:
                return null;
        }
    }

    public static string RemainsOf(EvaluationResult result)
    {
        var criteria = result.Criteria;
        switch (result.Verdict)
        {
            case Eligibility.Verdict.Eligible:
                return "every criterion met";
            case Eligibility.Verdict.Ineligible:
            {
                var parts = new List<string>();
                var excluded = Ids(criteria.Where(c => c.Outcome == Outcome.Fail && c.Type == CriterionType.Exclusion));
                var notMet = Ids(criteria.Where(c => c.Outcome == Outcome.Fail && c.Type == CriterionType.Inclusion));
                if (excluded.Count > 0)
                {
                    parts.Add("excluded by " + string.Join(", ", excluded));
                }

                if (notMet.Count > 0)
                {
                    parts.Add(string.Join(", ", notMet) + " not met");
                }

                return string.Join("; ", parts);
            }

            case Eligibility.Verdict.Review:
                return QuestionCount(result);
            default:
            {
                string collect = result.Missing.Count > 0
                    ? "collect: " + string.Join(", ", result.Missing)
                    : "data missing for " + string.Join(", ", Ids(criteria.Where(c => c.Outcome == Outcome.Unknown)));
                return QuestionsOf(result).Count > 0 ? collect + "; then " + QuestionCount(result) : collect;
            }
        }
    }

    private static string QuestionCount(EvaluationResult result)
    {
        int n = QuestionsOf(result).Count;
        if (n == 0)
        {
            // Review without a recorded question (should not happen): count the criteria instead.
            n = result.Criteria.Count(c => c.Outcome == Outcome.Review);
        }

        return n.ToString(CultureInfo.InvariantCulture) + (n == 1 ? " question" : " questions") + " for the investigator";
    }

    private static List<(string Question, IReadOnlyList<string> Criteria)> QuestionsOf(EvaluationResult result)
    {
        var order = new List<string>();
        var askedBy = new Dictionary<string, List<string>>(System.StringComparer.Ordinal);
        foreach (var c in result.Criteria.Where(c => c.Outcome is Outcome.Review or Outcome.Unknown))
        {
            foreach (string q in c.Questions)
            {
                if (!askedBy.TryGetValue(q, out var ids))
                {
                    askedBy[q] = ids = [];
                    order.Add(q);
                }

                ids.Add(c.Id ?? "?");
            }
        }

        return order.Select(q => (q, (IReadOnlyList<string>)askedBy[q])).ToList();
    }

    private static List<string> Ids(IEnumerable<CriterionResult> criteria) => criteria.Select(c => c.Id ?? "?").ToList();

    private static int StatusRank(string status) => status switch
    {
        "not met" => 0,
        "applies — excludes" => 1,
        "data missing" => 2,
        "awaiting investigator" => 3,
        "met" => 4,
        _ => 5,
    };
}

/// <summary>A group of criteria in the human reports: its HTML id suffix, its title and which criteria it holds.</summary>
internal sealed record StatusGroup(string Name, string Title, System.Func<CriterionResult, bool> Holds)
{
    public IEnumerable<CriterionResult> In(EvaluationResult result) => result.Criteria.Where(Holds);
}
