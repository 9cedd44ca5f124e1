using System;
using System.Collections.Frozen;

namespace Eligibility.Patients;

/// <summary>Which medication records are real exposure (one implementation, used by every rule kind and expression fact).</summary>
internal static class MedicationSelection
{
    // FHIR R4 MedicationRequest/Statement/Administration/Dispense statuses that say the drug was not (or not yet) taken:
    // draft and cancelled orders, entered-in-error records, statements not-taken or only intended, administrations
    // not-done, dispenses declined.
    private static readonly FrozenSet<string> NotExposureStatuses = new[] { "draft", "cancelled", "entered-in-error", "not-taken", "intended", "not-done", "declined" }
        .ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    // MedicationRequest.intent values that are not an order to give the drug.
    private static readonly FrozenSet<string> NotExposureIntents = new[] { "plan", "proposal", "option" }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public static bool IsNotExposure(string? status, string? intent) =>
        (status is not null && NotExposureStatuses.Contains(status.Trim())) || (intent is not null && NotExposureIntents.Contains(intent.Trim()));
}
