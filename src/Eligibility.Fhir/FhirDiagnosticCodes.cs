namespace Eligibility.Fhir;

/// <summary>
/// The permanent diagnostic codes of the FHIR package: bundle mapping (the ELIG31xx block of the ELIG3xxx patient-data
/// range) and value set reading (the ELIG51xx block of the ELIG5xxx terminology range). Codes never change meaning and
/// are never reused; docs/fhir.md explains each. Malformed JSON is reported with the core's <c>ELIG0001</c>, an
/// unreadable file with <c>ELIG0002</c> and an oversized one with <c>ELIG0003</c>.
/// </summary>
public static class FhirDiagnosticCodes
{
    /// <summary>Error: a resource fails the Firely parser (an element of the wrong JSON type, a value that is not of the
    /// element's type, a resource type R4 does not define) or a bundle entry's <c>resource</c> is not a resource.</summary>
    public const string InvalidResource = "ELIG3101";

    /// <summary>Error: the JSON is not a FHIR <c>Bundle</c> (a lone resource, or no <c>resourceType</c> at all).</summary>
    public const string NotBundle = "ELIG3102";

    /// <summary>Error: a resource's subject or patient reference names a different patient than the bundle's Patient.</summary>
    public const string OtherPatient = "ELIG3103";

    /// <summary>Error: a date, dateTime or instant that eligibility uses is not a valid date.</summary>
    public const string InvalidDate = "ELIG3104";

    /// <summary>Warning: a quantity has a value but no unit; it is kept with an empty unit, so comparisons on it are unknown.</summary>
    public const string QuantityWithoutUnit = "ELIG3105";

    /// <summary>Error: a medication reference resolves to no <c>Medication</c> in the bundle or among the contained
    /// resources, or the Medication has no code, so the medication cannot be identified.</summary>
    public const string UnresolvedMedication = "ELIG3106";

    /// <summary>Warning: the bundle holds resource types eligibility does not use; they are ignored (counted per type).</summary>
    public const string IgnoredResourceTypes = "ELIG3107";

    /// <summary>Warning: a date is valid FHIR but not usable as a day (a partial date such as <c>2019-03</c>, free text,
    /// an age with no birth date), or a record has no date; the date is left unknown (or, for an end date, read as the
    /// last day it can mean).</summary>
    public const string DateNotUsable = "ELIG3108";

    /// <summary>Warning: the Firely parser reports content that does not conform to FHIR R4 but loses nothing eligibility
    /// reads (an unknown element, a code outside its value set, a cardinality problem).</summary>
    public const string NonConformingContent = "ELIG3109";

    /// <summary>Warning: the bundle has no Patient resource, so birth date and sex are unknown.</summary>
    public const string NoPatient = "ELIG3110";

    /// <summary>Error: the bundle holds more than one Patient (a bundle must describe one person).</summary>
    public const string MultiplePatients = "ELIG3111";

    /// <summary>Warning: an Observation's value is not one eligibility can use (a string, a range, a ratio, a quantity
    /// with a comparator such as <c>&lt;5</c>); the result is skipped.</summary>
    public const string ValueNotUsable = "ELIG3112";

    /// <summary>Error: an assessment Observation (system <c>urn:eligibility:criterion</c>) has no boolean value.</summary>
    public const string InvalidAssessment = "ELIG3113";

    /// <summary>Warning: a Medication's <c>ingredient.itemReference</c> resolves to no coded Medication among the
    /// contained resources or in the bundle (a Substance, say); the medication is still identified by its other codes,
    /// but that ingredient's codes are not used, so a binding to the ingredient may not match it.</summary>
    public const string UnresolvedIngredient = "ELIG3114";

    /// <summary>Error: a value set file is not a FHIR <c>ValueSet</c> or a <c>Bundle</c> of them (another resource type,
    /// no <c>resourceType</c>, not a JSON object, or a Bundle that holds no ValueSet).</summary>
    public const string ValueSetNotValueSet = "ELIG5101";

    /// <summary>Warning: a Bundle of value sets has entries that are not ValueSets; they are skipped (counted per type).</summary>
    public const string ValueSetEntryIgnored = "ELIG5102";

    /// <summary>Error: a ValueSet fails the Firely parser (an element of the wrong JSON type, a value that is not of the
    /// element's type) or a Bundle entry's <c>resource</c> is not a resource.</summary>
    public const string ValueSetInvalid = "ELIG5103";

    /// <summary>Warning: the Firely parser reports ValueSet content that does not conform to FHIR R4 but loses nothing the
    /// reader uses (an unknown element, a code outside its value set, an invalid date).</summary>
    public const string ValueSetNonConforming = "ELIG5104";

    /// <summary>Error: a ValueSet has no <c>url</c>, so no concept can name it.</summary>
    public const string ValueSetNoUrl = "ELIG5105";

    /// <summary>Error: a ValueSet's content cannot be turned into codes without a terminology server: a filter other than
    /// <c>concept is-a</c>, a whole code system, an exclude by filter, an incomplete (paged) expansion, or neither an
    /// expansion nor a compose. Export the value set with its expansion.</summary>
    public const string ValueSetUnsupported = "ELIG5106";

    /// <summary>Error: a ValueSet's <c>compose.include.valueSet</c> names a value set that is not in the same file (or
    /// could not be read there), so its codes are unknown.</summary>
    public const string ValueSetReferenceMissing = "ELIG5107";

    /// <summary>Error: a ValueSet contains no codes, so a concept naming it would match nothing.</summary>
    public const string ValueSetEmpty = "ELIG5108";

    /// <summary>Error: a file holds two ValueSets with the same <c>url</c> and <c>version</c>.</summary>
    public const string ValueSetDuplicate = "ELIG5109";
}
