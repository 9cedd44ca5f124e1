using System;
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
        if (!Enum.IsDefined(dialect))
        {
            throw new ArgumentOutOfRangeException(nameof(dialect), dialect, "unknown SQL dialect");
        }

        if (!TrialEvaluator.IsValidAsOf(options.AsOf))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.AsOf, "the as-of date must lie between 1900-01-01 and 2999-12-31");
        }

        return new OmopSqlWriter(trial.Trial.Id, dialect, options).Write(trial.CompiledCriteria);
    }
}
