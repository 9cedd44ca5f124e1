namespace Eligibility.Sql;

/// <summary>The IDs enclosing a rule node, innermost first, ending at the criterion: the targets an answer to a judgement
/// beneath may name (the innermost answered one wins, as in the in-process engine).</summary>
internal sealed record Scope(string Id, Scope? Parent)
{
    public Scope Push(string id) => new(id, this);
}
