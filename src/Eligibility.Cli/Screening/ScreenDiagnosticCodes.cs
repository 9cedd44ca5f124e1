namespace Eligibility.Cli.Screening;

/// <summary>
/// Permanent codes for what <c>screen</c> finds in a FHIR Bulk Data export (ELIG42xx), written in error rows. Like every
/// other code, they never change meaning and are never reused.
/// </summary>
internal static class ScreenDiagnosticCodes
{
    /// <summary>A line of a Bulk Data export is JSON but not a FHIR resource: not an object, no string <c>resourceType</c>, or an <c>id</c> or reference that is not a string.</summary>
    public const string BulkNotAResource = "ELIG4201";

    /// <summary>
    /// A resource of a Bulk Data export names no Patient of the export: its <c>subject</c>/<c>patient</c> names a
    /// patient no Patient resource of the export has the id of, or does not name a Patient by id at all.
    /// </summary>
    public const string BulkNoPatient = "ELIG4202";
}
