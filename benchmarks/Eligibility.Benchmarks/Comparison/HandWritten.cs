using System;
using Eligibility.Patients;

namespace Eligibility.Benchmarks.Comparison;

/// <summary>
/// The floor: the 14 criteria hand-written in plain C#, reading the native record (<see cref="FieldExtractor"/>) and
/// comparing with the rule file's thresholds typed in as literals. Three-valued like the library: a fact the record does
/// not give is unknown. No explanations.
/// </summary>
public static class HandWritten
{
    /// <summary>Evaluates the 14 criteria for one patient.</summary>
    /// <param name="patient">The native record.</param>
    /// <param name="asOf">The as-of date.</param>
    /// <param name="scratch">Fields reused from patient to patient (so the floor allocates nothing).</param>
    /// <param name="into">The 14 truths, in <see cref="Nct14.Criteria"/> order.</param>
    public static void Evaluate(PatientRecord patient, DateOnly asOf, PatientFields scratch, Span<Truth> into)
    {
        FieldExtractor.Fill(patient, asOf, scratch);
        Decide(scratch, into);
    }

    /// <summary>The 14 criteria over facts already extracted.</summary>
    /// <param name="f">The facts.</param>
    /// <param name="into">The 14 truths, in <see cref="Nct14.Criteria"/> order.</param>
    public static void Decide(PatientFields f, Span<Truth> into)
    {
        ArgumentNullException.ThrowIfNull(f);
        into[0] = f.Age is { } age ? Truth.From(age >= 18 && age <= 80) : Truth.Unknown;
        into[1] = Truth.From(f.Sle);
        into[2] = Truth.From(f.Ild);
        into[3] = f.Fev1Fvc is { } fev1 ? Truth.From(fev1 >= 60) : Truth.Unknown;
        into[4] = f.Dlco is { } dlco ? Truth.From(dlco >= 40) : Truth.Unknown;
        into[5] = f.AltUln is { } alt ? Truth.From(alt > 5) : Truth.Unknown;
        into[6] = f.AstUln is { } ast ? Truth.From(ast > 5) : Truth.Unknown;
        into[7] = f.Egfr is { } egfr ? Truth.From(egfr < 30) : Truth.Unknown;
        into[8] = f.Hemoglobin is { } hb ? Truth.From(hb < 80) : Truth.Unknown;
        into[9] = f.Wbc is { } wbc ? Truth.From(wbc < 2.0m) : Truth.Unknown;
        into[10] = f.Platelets is { } platelets ? Truth.From(platelets < 50) : Truth.Unknown;
        into[11] = Truth.From(f.Mi6Months);
        into[12] = Truth.From(f.Rituximab);
        into[13] = Truth.From(f.Belimumab);
    }
}
