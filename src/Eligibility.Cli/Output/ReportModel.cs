using System.Collections.Generic;
using System.Linq;
using Eligibility.Cli.Input;
using Eligibility.Model;

namespace Eligibility.Cli.Output;

/// <summary>What the human-readable reports show: the trial, the result and where the as-of date came from.</summary>
internal sealed record ReportModel(TrialInfo Trial, EvaluationResult Result, AsOfSource AsOfSource)
{
    /// <summary>Outcomes in the order reports group them: what excludes first, then what needs data, review, and passes.</summary>
    public static readonly Outcome[] GroupOrder = [Outcome.Fail, Outcome.Unknown, Outcome.Review, Outcome.Pass];

    public string AsOf => AsOfDate.Format(Result.AsOf);

    public string AsOfNote => AsOfDate.Describe(AsOfSource);

    public string Verdict => ResultJson.Name(Result.Verdict);

    public string Patient => Result.Patient ?? "(no id)";

    /// <summary>"2 fail, 1 unknown, 1 review, 5 pass" (zero counts left out).</summary>
    public string Counts => string.Join(", ", GroupOrder
        .Select(o => (o, n: Result.Criteria.Count(c => c.Outcome == o)))
        .Where(x => x.n > 0)
        .Select(x => x.n.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + ResultJson.Name(x.o)));

    public IEnumerable<CriterionResult> WithOutcome(Outcome outcome) => Result.Criteria.Where(c => c.Outcome == outcome);

    public static string TypeName(CriterionType type) => type == CriterionType.Inclusion ? "inclusion" : "exclusion";

    public static string GroupTitle(Outcome outcome) => outcome switch
    {
        Outcome.Fail => "Not met — excludes the patient",
        Outcome.Unknown => "Unknown — data missing",
        Outcome.Review => "Needs investigator review",
        _ => "Met",
    };
}
