using System;
using System.Collections.Generic;
using System.Linq;
using Eligibility.Sql.Compilation;

namespace Eligibility.Sql;

/// <summary>
/// Compiles a trial (as compiled by <see cref="RuleCompiler"/>) to SQL over the OMOP CDM 5.4, with the semantics of the
/// in-process engine: three-valued statuses per criterion and part, outcomes, verdict. Rules the back end cannot express
/// are listed in <see cref="OmopSqlCompilation.Unsupported"/> and are unknown for every person — never a silent pass.
/// </summary>
public static class OmopSqlCompiler
{
    /// <summary>Compiles the trial to one SQL script.</summary>
    /// <param name="trial">The compiled trial.</param>
    /// <param name="dialect">The SQL engine.</param>
    /// <param name="options">The as-of date and the database's unit codes.</param>
    /// <returns>The script, its nodes and the unsupported rules.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The dialect is not supported or the as-of date is out of range.</exception>
    public static OmopSqlCompilation Compile(TrialEvaluator trial, SqlDialect dialect, OmopSqlOptions options)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(options);
        Check(dialect, options);
        return OmopSqlWriter.Write(new[] { (trial.Trial.Id, trial.CompiledCriteria) }, dialect, options)[0];
    }

    /// <summary>
    /// Compiles several trials together, one script each, sharing what does not depend on the trial: the persons, the
    /// concept sets (one table per distinct list of codes) and one pre-filtered copy of each CDM fact table over the
    /// union of every trial's concept sets. Each compilation's <see cref="OmopSqlCompilation.Sql"/> is that shared part
    /// followed by the trial's own statements, so it still runs alone; the runners' batch overloads
    /// (<see cref="DuckDbOmopRunner.Run(DuckDB.NET.Data.DuckDBConnection, IReadOnlyList{OmopSqlCompilation})"/>,
    /// <see cref="PostgreSqlOmopRunner.Run(Npgsql.NpgsqlConnection, IReadOnlyList{OmopSqlCompilation})"/>) run the shared
    /// part once. Each trial's results are those of compiling and running it alone.
    /// </summary>
    /// <param name="trials">The compiled trials, in the order of the compilations returned.</param>
    /// <param name="dialect">The SQL engine.</param>
    /// <param name="options">The as-of date and the database's unit codes (the same for every trial).</param>
    /// <returns>One compilation per trial, in order.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The dialect is not supported or the as-of date is out of range.</exception>
    public static IReadOnlyList<OmopSqlCompilation> Compile(IReadOnlyList<TrialEvaluator> trials, SqlDialect dialect, OmopSqlOptions options)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(options);
        Check(dialect, options);
        return OmopSqlWriter.Write(trials.Select(t => (t?.Trial.Id ?? throw new ArgumentException("a trial is null", nameof(trials)), t.CompiledCriteria)).ToList(), dialect, options);
    }

    private static void Check(SqlDialect dialect, OmopSqlOptions options)
    {
        if (!Enum.IsDefined(dialect))
        {
            throw new ArgumentOutOfRangeException(nameof(dialect), dialect, "unknown SQL dialect");
        }

        if (!TrialEvaluator.IsValidAsOf(options.AsOf))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.AsOf, "the as-of date must lie between 1900-01-01 and 2999-12-31");
        }
    }
}
