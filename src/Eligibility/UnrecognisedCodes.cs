using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Eligibility.Patients;

namespace Eligibility;

/// <summary>
/// Collects the codes in patient records that none of the given trials' rule files recognises, so an author sees at a
/// glance that a population codes malignancy with SNOMED CT children or drugs with product codes the bindings miss.
/// A record counts as recognised when any one of its codings is. Thread-safe: add patients from several threads.
/// </summary>
public sealed class UnrecognisedCodes
{
    private const string CriterionSystem = "urn:eligibility:criterion";

    private readonly IReadOnlyList<TrialEvaluator> trials;
    private readonly ConcurrentDictionary<(string Kind, string System, string Code), Entry> codes = new();
    private int patients;

    /// <summary>Creates an empty collection for the given trials.</summary>
    /// <param name="trials">The compiled trials whose concepts decide what is recognised.</param>
    public UnrecognisedCodes(IEnumerable<TrialEvaluator> trials)
    {
        ArgumentNullException.ThrowIfNull(trials);
        this.trials = trials.ToList();
    }

    /// <summary>The number of patients added.</summary>
    public int Patients => Volatile.Read(ref patients);

    /// <summary>Adds one patient's records (conditions, procedures, medications, immunizations, observations).</summary>
    /// <param name="patient">The patient record.</param>
    public void Add(PatientRecord patient)
    {
        ArgumentNullException.ThrowIfNull(patient);
        Interlocked.Increment(ref patients);
        var seen = new HashSet<(string, string, string)>();
        Count("condition", patient.Conditions, seen);
        Count("procedure", patient.Procedures, seen);
        Count("medication", patient.Medications, seen);
        Count("immunization", patient.Immunizations, seen);
        Count("observation", patient.Observations, seen);
    }

    /// <summary>The unrecognised codes, most patients first, then by kind, system and code.</summary>
    /// <returns>A snapshot.</returns>
    public IReadOnlyList<UnrecognisedCode> ToList() =>
        codes.Select(kv => new UnrecognisedCode(kv.Key.Kind, kv.Key.System, kv.Key.Code, kv.Value.Display, kv.Value.Patients))
            .OrderByDescending(c => c.Patients)
            .ThenBy(c => c.Kind, StringComparer.Ordinal)
            .ThenBy(c => c.System, StringComparer.Ordinal)
            .ThenBy(c => c.Code, StringComparer.Ordinal)
            .ToList();

    private void Count<T>(string kind, IReadOnlyList<T> records, HashSet<(string, string, string)> seen)
        where T : ClinicalRecord
    {
        foreach (var record in records)
        {
            if (record.Codes.Count == 0 || record.Codes.Any(Recognised))
            {
                continue;
            }

            foreach (var coding in record.Codes)
            {
                if (coding.System == CriterionSystem || !seen.Add((kind, coding.System, coding.Code)))
                {
                    continue; // judgement answers are not clinical codes; each patient counts once per code
                }

                var entry = codes.GetOrAdd((kind, coding.System, coding.Code), _ => new Entry(coding.Display));
                entry.Increment();
            }
        }
    }

    private bool Recognised(Coding coding)
    {
        foreach (var trial in trials)
        {
            if (trial.Recognises(coding))
            {
                return true;
            }
        }

        return false;
    }

    private sealed class Entry
    {
        private int patients;

        public Entry(string? display) => Display = display;

        public string? Display { get; }

        public int Patients => Volatile.Read(ref patients);

        public void Increment() => Interlocked.Increment(ref patients);
    }
}
