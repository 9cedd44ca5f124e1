using System;
using System.Collections.Generic;

namespace Eligibility.Sql;

/// <summary>Where a script's time went (filled by the runs of <see cref="OmopResults"/> when given): each statement, then the result rows read back.</summary>
internal sealed class OmopRunProfile
{
    /// <summary>
    /// The statements run before the result query, in order, with their wall time and the CPU time of the process over
    /// that time (every thread: DuckDB's workers, the runtime's), which a loaded machine inflates less than wall time.
    /// </summary>
    public List<(string Statement, TimeSpan Elapsed, TimeSpan Cpu)> Statements { get; } = new();

    /// <summary>The result query and the attrition query run and their rows read into .NET.</summary>
    public TimeSpan ReadBack { get; set; }

    /// <summary>The CPU time of the process over <see cref="ReadBack"/>.</summary>
    public TimeSpan ReadBackCpu { get; set; }

    /// <summary>The CPU time of this process so far (every thread).</summary>
    public static TimeSpan ProcessCpu()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}
