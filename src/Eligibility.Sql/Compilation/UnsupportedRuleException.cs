using System;

namespace Eligibility.Sql.Compilation;

/// <summary>A rule (or a feature of one) the SQL back end cannot express; its status becomes unknown with this reason.</summary>
internal sealed class UnsupportedRuleException : Exception
{
    public UnsupportedRuleException(string message)
        : base(message)
    {
    }

    public UnsupportedRuleException()
    {
    }

    public UnsupportedRuleException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
