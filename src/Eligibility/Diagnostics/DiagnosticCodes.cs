using Eligibility.Diagnostics;
namespace Eligibility;

/// <summary>
/// The permanent diagnostic codes. Codes never change meaning and are never reused.
/// Ranges: ELIG0xxx input and JSON syntax, ELIG1xxx schema and structure, ELIG2xxx semantics
/// (concepts, units, kinds), ELIG3xxx patient data and FHIR mapping. docs/diagnostics.md explains each.
/// </summary>
public static class DiagnosticCodes
{
    /// <summary>The text is not well-formed JSON.</summary>
    public const string JsonSyntax = "ELIG0001";

    /// <summary>The file cannot be read (missing, unreadable).</summary>
    public const string FileUnreadable = "ELIG0002";

    /// <summary>The input exceeds the size limit.</summary>
    public const string InputTooLarge = "ELIG0003";

    /// <summary>An object has the same property twice.</summary>
    public const string DuplicateProperty = "ELIG0004";

    /// <summary>A patient input exceeds a limit other than its size: a string too long, nesting too deep, an array too long (<see cref="Patients.InputLimits"/>).</summary>
    public const string InputLimitExceeded = "ELIG0005";

    /// <summary>A required property is missing.</summary>
    public const string MissingProperty = "ELIG1001";

    /// <summary>A value has the wrong JSON type.</summary>
    public const string WrongType = "ELIG1002";

    /// <summary>A property is not part of the format (a typo, usually).</summary>
    public const string UnknownProperty = "ELIG1003";

    /// <summary>A value is not one of the allowed values (e.g. an unknown rule kind).</summary>
    public const string NotAllowedValue = "ELIG1004";

    /// <summary>A string does not have the required form (IDs, concept names, durations, dates).</summary>
    public const string PatternMismatch = "ELIG1005";

    /// <summary>A number or count is out of range.</summary>
    public const string OutOfRange = "ELIG1006";

    /// <summary>Properties that must not appear together, or one of which is required, are wrong.</summary>
    public const string InvalidCombination = "ELIG1007";

    /// <summary>Any other schema violation.</summary>
    public const string SchemaViolation = "ELIG1099";

    /// <summary>A rule or concept refers to a concept the file does not define.</summary>
    public const string UnknownConcept = "ELIG2001";

    /// <summary>A unit is not valid UCUM.</summary>
    public const string InvalidUnit = "ELIG2002";

    /// <summary>A unit cannot be converted to the unit it must be compared with.</summary>
    public const string IncompatibleUnit = "ELIG2003";

    /// <summary>A duration is not a valid ISO-8601 date duration.</summary>
    public const string InvalidDuration = "ELIG2004";

    /// <summary>Two criteria share an ID.</summary>
    public const string DuplicateCriterionId = "ELIG2005";

    /// <summary>A nested part's ID is not under its criterion's ID (<c>INCL05.1</c> under <c>INCL05</c>).</summary>
    public const string MisplacedPartId = "ELIG2006";

    /// <summary>Two nested parts share an ID.</summary>
    public const string DuplicatePartId = "ELIG2007";

    /// <summary>Concepts include each other in a cycle.</summary>
    public const string ConceptCycle = "ELIG2008";

    /// <summary>A measurement rule uses a concept with no canonical unit.</summary>
    public const string ConceptWithoutUnit = "ELIG2009";

    /// <summary>A computed measurement needs a concept the file does not define.</summary>
    public const string ComputeInputMissing = "ELIG2010";

    /// <summary>A coded rule names an answer its concept does not declare.</summary>
    public const string UnknownAnswer = "ELIG2011";

    /// <summary>An expression does not parse.</summary>
    public const string ExpressionSyntax = "ELIG2012";

    /// <summary>An expression reaches outside the fact model (reflection, IO, environment, …).</summary>
    public const string ExpressionForbidden = "ELIG2013";

    /// <summary>An expression is not boolean.</summary>
    public const string ExpressionNotBoolean = "ELIG2014";

    /// <summary>An expression passes a concept that is not a string literal.</summary>
    public const string ExpressionConceptNotLiteral = "ELIG2015";

    /// <summary>An age rule disagrees with the trial's registry age range (the criterion text governs).</summary>
    public const string AgeRangeDisagrees = "ELIG2016";

    /// <summary>A criterion ID's prefix does not match its list (<c>INCL</c> in inclusion, <c>EXCL</c> in exclusion).</summary>
    public const string CriterionIdPrefix = "ELIG2017";

    /// <summary>Bounds can never be satisfied (e.g. <c>gt 5</c> with <c>lt 3</c>) or none are given.</summary>
    public const string InvalidBounds = "ELIG2018";

    /// <summary><c>atLeast</c> asks for more parts than it has.</summary>
    public const string AtLeastTooMany = "ELIG2019";

    /// <summary>The trial ID does not match the file name.</summary>
    public const string TrialIdFileName = "ELIG2020";

    /// <summary>A concept is defined but never used.</summary>
    public const string UnusedConcept = "ELIG2021";

    /// <summary>A prednisone-equivalent dose needs a <c>prednisoneEquivalence</c> on every medication in the concept.</summary>
    public const string MissingPrednisoneEquivalence = "ELIG2022";

    /// <summary>A ULN-relative comparison uses a concept whose default ULN unit is not convertible, or the ULN is not positive.</summary>
    public const string InvalidUln = "ELIG2023";

    /// <summary>A medication dose's unit cannot be compared with a daily dose (<c>mg</c> alone, <c>mg/kg/d</c>).</summary>
    public const string DoseUnitNotDaily = "ELIG2024";

    /// <summary>The lock file beside the rule file no longer matches the file's bindings (or the loaded terminology).</summary>
    public const string LockFileStale = "ELIG2025";

    /// <summary>Information: without a terminology or lock file, SNOMED CT and RxNorm bindings match the codes they list only.</summary>
    public const string BindingsListedOnly = "ELIG2026";

    /// <summary>A concept names a value set that is neither loaded nor pinned in the lock file.</summary>
    public const string ValueSetNotLoaded = "ELIG2027";

    /// <summary>A SNOMED CT, RxNorm or ATC code a concept lists is not in the loaded vocabulary (a typo, or a retired code).</summary>
    public const string CodeNotInVocabulary = "ELIG2028";

    /// <summary>The patient record is not a JSON object of the native format.</summary>
    public const string PatientNotRecord = "ELIG3001";

    /// <summary>A patient field has an invalid value (a date that is not a date, a wrong type).</summary>
    public const string PatientInvalidValue = "ELIG3002";

    /// <summary>A patient record field is not part of the format (ignored).</summary>
    public const string PatientUnknownField = "ELIG3003";

    /// <summary>A patient record entry lacks a field it needs.</summary>
    public const string PatientMissingField = "ELIG3004";

    /// <summary>An investigator's answer names a trial that is none of the trials evaluated (a misspelt ID, usually).</summary>
    public const string AnswerUnknownTrial = "ELIG3005";

    /// <summary>An investigator's answer names a criterion or nested part the trial does not have.</summary>
    public const string AnswerUnknownCriterion = "ELIG3006";

    /// <summary>An investigator's answer names a criterion or part with no judgement beneath it (computed parts are never overridden).</summary>
    public const string AnswerNotJudgement = "ELIG3007";

    /// <summary>A terminology table is missing (an OMOP vocabulary folder needs CONCEPT.csv and a hierarchy table).</summary>
    public const string TerminologyTableMissing = "ELIG5001";

    /// <summary>A terminology table's header or row is malformed.</summary>
    public const string TerminologyRowInvalid = "ELIG5002";

    /// <summary>A lock file cannot be read (not JSON, or not the lock format).</summary>
    public const string LockFileInvalid = "ELIG5003";
}
