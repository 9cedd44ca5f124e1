namespace Eligibility.Evaluation;

/// <summary>The IDs enclosing a node, innermost first, ending at the criterion: used to find assessments.</summary>
internal sealed record Scope(string Id, Scope? Parent)
{
    public Scope Push(string id) => new(id, this);
}
