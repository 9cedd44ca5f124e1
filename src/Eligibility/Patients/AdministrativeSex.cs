namespace Eligibility.Patients;

/// <summary>Administrative sex as recorded (FHIR <c>Patient.gender</c>).</summary>
public enum AdministrativeSex
{
    /// <summary>Not recorded or unknown.</summary>
    Unknown,

    /// <summary>Female.</summary>
    Female,

    /// <summary>Male.</summary>
    Male,

    /// <summary>Other.</summary>
    Other,
}
