using Eligibility.Patients;
using Hl7.Fhir.Model;

namespace Eligibility.Fhir;

/// <content>Conditions, procedures and immunizations.</content>
internal sealed partial class BundleMapper
{
    private void MapCondition(Parsed p, Condition c)
    {
        if (!CheckSubject(p, c.Subject, "/subject"))
        {
            return;
        }

        conditions.Add(new ConditionRecord
        {
            Id = c.Id,
            Source = p.Name,
            Codes = FhirValues.Codes(c.Code),
            ClinicalStatus = FhirValues.FirstCode(c.ClinicalStatus),
            VerificationStatus = FhirValues.FirstCode(c.VerificationStatus),
            Onset = EffectiveDay(p, c.Onset, "onset", "onset"),
            Abatement = c.Abatement is FhirBoolean ? null : EffectiveDay(p, c.Abatement, "abatement", "abatement", DateUse.End),
        });
    }

    private void MapProcedure(Parsed p, Procedure procedure)
    {
        if (!CheckSubject(p, procedure.Subject, "/subject"))
        {
            return;
        }

        procedures.Add(new ProcedureRecord
        {
            Id = procedure.Id,
            Source = p.Name,
            Codes = FhirValues.Codes(procedure.Code),
            Status = FhirValues.Raw(procedure.StatusElement),
            Performed = EffectiveDay(p, procedure.Performed, "performed", "performed date"),
        });
    }

    private void MapImmunization(Parsed p, Immunization immunization)
    {
        if (!CheckSubject(p, immunization.Patient, "/patient"))
        {
            return;
        }

        immunizations.Add(new ImmunizationRecord
        {
            Id = immunization.Id,
            Source = p.Name,
            Codes = FhirValues.Codes(immunization.VaccineCode),
            Status = FhirValues.Raw(immunization.StatusElement),
            Date = EffectiveDay(p, immunization.Occurrence, "occurrence", "occurrence date"),
        });
    }
}
