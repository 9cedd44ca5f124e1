using System;
using System.Collections.Generic;
using DuckDB.NET.Data;
using Eligibility.Patients;
using Eligibility.Sql.Generation;

namespace Eligibility.Sql;

/// <summary>
/// Synthetic OMOP CDM 5.4 populations for tests, benchmarks and examples: the same persons as OMOP rows in DuckDB and,
/// optionally, as native patient records, built around the given trials' rules (values at thresholds, missing and
/// unconvertible units, missing ranges, dates at window edges, 29 February births). Only the codes the trials bind are
/// used (never invented); concept IDs are synthetic, from 2,000,000,001. Every native record is one the native NDJSON
/// patient format can hold, so the same persons can be screened from a file and from the database.
/// </summary>
public static class SyntheticOmop
{
    /// <summary>
    /// Creates the CDM tables on the connection and loads <paramref name="persons"/> generated persons (person_id 1 to
    /// N) and the concepts their rows use. Generated in batches: memory stays flat however many persons. The same seed,
    /// size, as-of date and trials give the same population, and the first persons of a larger population are those of
    /// a smaller one.
    /// </summary>
    /// <param name="connection">An open DuckDB connection; its current schema must not hold the CDM tables yet.</param>
    /// <param name="trials">The trials the population is built around.</param>
    /// <param name="persons">How many persons (0 or more).</param>
    /// <param name="seed">The random seed.</param>
    /// <param name="asOf">The screening date the edge cases are placed around.</param>
    /// <param name="patient">Called with each person's native record (its ID is the person_id), in person_id order.</param>
    public static void Generate(DuckDBConnection connection, IReadOnlyList<TrialEvaluator> trials, int persons, int seed, DateOnly asOf, Action<PatientRecord>? patient = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentOutOfRangeException.ThrowIfNegative(persons);
        SyntheticPopulation.Stream(connection, seed, persons, asOf, trials, patient);
    }
}
