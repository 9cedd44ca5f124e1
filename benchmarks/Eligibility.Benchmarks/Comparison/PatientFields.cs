namespace Eligibility.Benchmarks.Comparison;

/// <summary>
/// One patient's facts for the 14 criteria, extracted from the native record by <see cref="FieldExtractor"/>: the flat
/// input of the RulesEngine workflow and of the hand-written criteria. Numbers are in the rule file's units (the lab
/// multiples are value ÷ ULN); <c>null</c> is a fact the record does not give (no usable result, an unconvertible unit,
/// an event whose date is needed but missing), which both comparison points report as unknown.
/// </summary>
public sealed class PatientFields
{
    /// <summary>Age in completed years at the as-of date.</summary>
    public int? Age { get; set; }

    /// <summary>An SLE diagnosis on record (history).</summary>
    public bool Sle { get; set; }

    /// <summary>An interstitial lung disease diagnosis on record (history).</summary>
    public bool Ild { get; set; }

    /// <summary>The latest FEV1/FVC within 90 days, %.</summary>
    public decimal? Fev1Fvc { get; set; }

    /// <summary>The latest DLCO % predicted within 90 days.</summary>
    public decimal? Dlco { get; set; }

    /// <summary>The latest ALT within 28 days as a multiple of its ULN.</summary>
    public decimal? AltUln { get; set; }

    /// <summary>The latest AST within 28 days as a multiple of its ULN.</summary>
    public decimal? AstUln { get; set; }

    /// <summary>The latest reported eGFR within 28 days, else CKD-EPI 2021 from the latest creatinine, mL/min/1.73 m².</summary>
    public decimal? Egfr { get; set; }

    /// <summary>The latest haemoglobin within 28 days, g/L.</summary>
    public decimal? Hemoglobin { get; set; }

    /// <summary>The latest WBC within 28 days, 10⁹/L.</summary>
    public decimal? Wbc { get; set; }

    /// <summary>The latest platelet count within 28 days, 10⁹/L.</summary>
    public decimal? Platelets { get; set; }

    /// <summary>A myocardial infarction with onset within 6 months; <c>null</c> when only undated records could say.</summary>
    public bool? Mi6Months { get; set; }

    /// <summary>Currently on rituximab (a dose counting for 6 months); <c>null</c> when only undated records could say.</summary>
    public bool? Rituximab { get; set; }

    /// <summary>Currently on belimumab (a dose counting for 4 weeks); <c>null</c> when only undated records could say.</summary>
    public bool? Belimumab { get; set; }

    /// <summary>Whether the fact criterion <paramref name="criterion"/> (in <see cref="Nct14.Criteria"/> order) reads is known.</summary>
    /// <param name="criterion">The criterion's index.</param>
    /// <returns>False when the fact is <c>null</c>.</returns>
    public bool Known(int criterion) => criterion switch
    {
        0 => Age is not null,
        1 or 2 => true,
        3 => Fev1Fvc is not null,
        4 => Dlco is not null,
        5 => AltUln is not null,
        6 => AstUln is not null,
        7 => Egfr is not null,
        8 => Hemoglobin is not null,
        9 => Wbc is not null,
        10 => Platelets is not null,
        11 => Mi6Months is not null,
        12 => Rituximab is not null,
        _ => Belimumab is not null,
    };
}
