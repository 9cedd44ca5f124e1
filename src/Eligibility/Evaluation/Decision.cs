namespace Eligibility.Evaluation;

/// <summary>
/// What the verdict path computes for one rule node: its truth value and whether an unknown is only pending judgement
/// (outcome review). No explanation, facts or missing list: those are <see cref="NodeResult"/>'s.
/// </summary>
/// <param name="Truth">The node's truth value.</param>
/// <param name="PendingJudgement">True when the truth is unknown only because judgement items are unanswered.</param>
internal readonly record struct Decision(Truth Truth, bool PendingJudgement = false)
{
    public static Decision True => new(Truth.True);

    public static Decision False => new(Truth.False);

    public static Decision Unknown => new(Truth.Unknown);

    public static Decision Of(Truth truth) => new(truth);

    public static Decision Of(bool value) => new(Truth.From(value));
}
