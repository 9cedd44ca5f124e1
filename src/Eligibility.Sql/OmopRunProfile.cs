using System;
using System.Collections.Generic;

namespace Eligibility.Sql;

/// <summary>Where a script's time went (filled by the runs of <see cref="OmopResults"/> when given): each statement, then the result rows read back.</summary>
internal sealed class OmopRunProfile
{
    /// <summary>The statements run before the result query, in order, with their wall time.</summary>
    public List<(string Statement, TimeSpan Elapsed)> Statements { get; } = new();

    /// <summary>The result query and the attrition query run and their rows read into .NET.</summary>
    public TimeSpan ReadBack { get; set; }
}
