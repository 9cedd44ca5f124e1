using System;
using System.Collections.Generic;

namespace Eligibility.Evaluation;

/// <summary>The result of one rule node for one patient, before it becomes a public <see cref="CriterionResult"/>.</summary>
internal sealed class NodeResult
{
    private static readonly IReadOnlyList<NodeResult> NoParts = Array.Empty<NodeResult>();
    private static readonly IReadOnlyList<string> NoMissing = Array.Empty<string>();
    private static readonly IReadOnlyList<FactUsed> NoFacts = Array.Empty<FactUsed>();

    private readonly Func<string>? explain;
    private string? explanation;

    public NodeResult(Truth truth, string explanation)
    {
        Truth = truth;
        this.explanation = explanation;
    }

    /// <summary>A result whose explanation is worded only when it is read (<see cref="Explanation"/>): evaluation
    /// decides truth values and keeps the facts; the sentence costs nothing unless a caller or writer asks for it.</summary>
    public NodeResult(Truth truth, Func<string> explain)
    {
        Truth = truth;
        this.explain = explain;
    }

    public Truth Truth { get; }

    /// <summary>The explanation, worded on first read and kept (the wording is deterministic, so a race between two
    /// readers words it twice and keeps one of two equal strings).</summary>
    public string Explanation => explanation ??= explain!();

    /// <summary>True when the result is unknown only because judgement items are unanswered (outcome review).</summary>
    public bool PendingJudgement { get; init; }

    public IReadOnlyList<NodeResult> Parts { get; init; } = NoParts;

    public IReadOnlyList<string> Missing { get; init; } = NoMissing;

    public IReadOnlyList<FactUsed> Facts { get; init; } = NoFacts;

    /// <summary>The questions of the unanswered judgements that leave this result unknown.</summary>
    public IReadOnlyList<string> Questions { get; init; } = NoMissing;

    /// <summary>Set by the compiled node: the nested part ID, kind and source text.</summary>
    public string? Id { get; set; }

    public string Kind { get; set; } = string.Empty;

    public string? Text { get; set; }

    public static NodeResult Unknown(string explanation, string missing, IReadOnlyList<FactUsed>? facts = null) =>
        new(Truth.Unknown, explanation) { Missing = new[] { missing }, Facts = facts ?? NoFacts };

    public static NodeResult Of(Truth truth, string explanation, IReadOnlyList<FactUsed>? facts = null) =>
        new(truth, explanation) { Facts = facts ?? NoFacts };

    public static NodeResult Unknown(Func<string> explain, string missing, IReadOnlyList<FactUsed>? facts = null) =>
        new(Truth.Unknown, explain) { Missing = new[] { missing }, Facts = facts ?? NoFacts };

    public static NodeResult Of(Truth truth, Func<string> explain, IReadOnlyList<FactUsed>? facts = null) =>
        new(truth, explain) { Facts = facts ?? NoFacts };
}
