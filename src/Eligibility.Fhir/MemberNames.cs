using System;
using System.Collections.Generic;
using System.Text.Json;
using Hl7.Fhir.Model;

namespace Eligibility.Fhir;

/// <summary>
/// FHIR JSON member names are case-sensitive, but Firely's parser without a validator binds a member whose name differs
/// from an element's only in letter case (<c>"BirthDate"</c>, <c>"Reference"</c>, <c>"valueboolean"</c>) to that
/// element, and leaves no trace of it in the parsed resource. So before the first, unvalidated parse the reader looks at
/// the names in the resource's JSON: when one differs only in case from an R4 element name (or a <c>resourceType</c>
/// value from a resource type), the resource goes straight to the validating parse, which binds names exactly and
/// reports the name as an unknown element (PVAL131, ELIG3109), as for any other unknown element.
/// </summary>
/// <remarks>
/// The check knows the names, not where each belongs: a name that is exactly some R4 element's is accepted anywhere (an
/// element in the wrong place is unknown there, and the unvalidated parse keeps it in the overflow, which
/// <see cref="LiteralValidator.WouldPass"/> finds). The only names this cannot judge are those R4 itself spells two ways
/// in different places (<c>bodySite</c> and ChargeItem's <c>bodysite</c>, <c>subType</c> and <c>subtype</c>, …): they
/// always send the resource to the validating parse. <see cref="ElementNames"/> is the list of every R4 element name,
/// choice elements with each type suffix; a test checks it against Firely's model.
/// </remarks>
internal static class MemberNames
{
    /// <summary>No R4 element name is longer than this; a longer name cannot differ from one only in case.</summary>
    private const int LongestName = 64;

    /// <summary>Every element name of the R4 model (each choice element with each of its type suffixes), space-separated,
    /// and <c>resourceType</c>. Generated from <c>ModelInfo.ModelInspector.ClassMappings</c>.</summary>
    private const string Names =
        "resourceType abatement abatementAge abatementDateTime abatementPeriod abatementRange abatementString " +
        "abnormalCodedValueSet about abstract accept accessionIdentifier accident account achievementStatus " +
        "action actionId active activity actor actorId actual actualArm actuality add addItem " +
        "additionalCharacteristic additionalClassification additionalIdentifier additionalInstruction " +
        "additionalMonitoringIndicator additive additiveCodeableConcept additiveProductName additiveReference " +
        "additiveType address addresses adjudication adjustment adjustmentReason administeredBy " +
        "administrableDoseForm administration administrationGuidelines administrationInstruction admitSource " +
        "affectsState age ageAge ageCodeableConcept ageRange ageString agent aggregation alias allDay " +
        "allergenicIndicator allergyIntolerance allowed allowedBoolean allowedCodeableConcept allowedMoney " +
        "allowedResponse allowedString allowedUnsignedInt altId alternate alternateMaterial alternative " +
        "altitude amount amountQuantity amountRange amountRatio amountRatioLowLimit amountString amountText " +
        "amountType anchor answer answerBoolean answerCoding answerDate answerDateTime answerDecimal " +
        "answerInteger answerOption answerQuantity answerReference answerString answerTime answerValueSet " +
        "applicability application applies appliesTo appliesToAll appointment appointmentRequired " +
        "appointmentType approvalDate areaOfHybridisation areaUnderCurve arm asNeeded asNeededBoolean " +
        "asNeededCodeableConcept assert asserter assessment assessor asset assignedArm assigner " +
        "associatedMedication assurance attachedDocument attachment attestation attestationSignature attester " +
        "authenticator author authorDescription authorReference authorString authorType authored authoredOn " +
        "authorisationReferenceNumber authority authorizationRequired authorizationSupporting " +
        "authorizationUrl authorizingPrescription autocreate autodelete availabilityExceptions " +
        "availableEndTime availableStartTime availableTime averageMolecularFormula axis backCurve base " +
        "baseDefinition baseFormulaProductName baseFormulaType basedOn basis batch batchIdentifier " +
        "beneficiary benefit benefitBalance benefitPeriod billablePeriod binding birthDate bodySite bodysite " +
        "born bornDate bornPeriod bornString bounds boundsDuration boundsPeriod boundsRange brand " +
        "businessArrangement businessStatus cTerminalModification cTerminalModificationId calibration " +
        "caloricDensity canPushUpdates cancelationReason cancelledReason candidate cap capabilities " +
        "capability capacity cardinalityBehavior careManager careTeam careTeamSequence carrierAIDC carrierHRF " +
        "caseSensitive category causality certainty certaintySubcomponent chain channel characteristic " +
        "characteristicCodeableConcept characteristicQuantity characteristics chargeItem " +
        "chargeItemCodeableConcept chargeItemReference check chromosome cigar citation city claim " +
        "claimResponse class classHistory classification clinicalRecommendationStatement clinicalStatus " +
        "clinicalTrial closingTime closure code codeCodeableConcept codeFilter codeReference codeSearch " +
        "codeSystem coding collected collectedDateTime collectedPeriod collection collector color " +
        "combinedPharmaceuticalDoseForm comment communication communicationMethod communicationRequest " +
        "comorbidity comparator compareToSourceExpression compareToSourceId compareToSourcePath compartment " +
        "complication complicationDetail component compose compositeScoring compositional concentration " +
        "concentrationLowLimit concept conclusion conclusionCode condition conditionalCreate " +
        "conditionalDelete conditionalRead conditionalUpdate confidentiality confidentialityIndicator " +
        "connectionType connectivity consent constraint contact contained containedInstance container " +
        "contains content contentAttachment contentDefinition contentDerivative contentReference " +
        "contentString contentType context contextInvariant contextLinkId contextType contract " +
        "contraindicatedVaccineCode contraindication contributedToDeath contributor control conversionFactor " +
        "coordinateSystem copolymerConnectivity copyright cors cost costCenter costToBeneficiary count " +
        "countMax country countryLanguage countryOfOrigin courseOfTherapyType coverage coverageArea created " +
        "createdDateTime createdPeriod creation criteria criticalCodedValueSet criticality crossReference " +
        "currency custodian customaryUnit cylinder dailyAmount data dataAbsentReason dataExclusivityPeriod " +
        "dataPeriod dataRequirement datasetId date dateAsserted dateCriterion dateDateTime dateFilter " +
        "dateOfFirstAuthorization datePeriod dateRange dateTime dateWritten dayOfWeek daysOfWeek daysSupply " +
        "deceased deceasedAge deceasedBoolean deceasedDate deceasedDateTime deceasedRange deceasedString " +
        "decimalPrecision decision decisionMode defaultValue defaultValueAddress defaultValueAge " +
        "defaultValueAnnotation defaultValueAttachment defaultValueBase64Binary defaultValueBoolean " +
        "defaultValueCanonical defaultValueCode defaultValueCodeableConcept defaultValueCoding " +
        "defaultValueContactDetail defaultValueContactPoint defaultValueContributor defaultValueCount " +
        "defaultValueDataRequirement defaultValueDate defaultValueDateTime defaultValueDecimal " +
        "defaultValueDistance defaultValueDosage defaultValueDuration defaultValueExpression " +
        "defaultValueHumanName defaultValueId defaultValueIdentifier defaultValueInstant defaultValueInteger " +
        "defaultValueMarkdown defaultValueMeta defaultValueMoney defaultValueOid " +
        "defaultValueParameterDefinition defaultValuePeriod defaultValuePositiveInt defaultValueQuantity " +
        "defaultValueRange defaultValueRatio defaultValueReference defaultValueRelatedArtifact " +
        "defaultValueSampledData defaultValueSignature defaultValueString defaultValueTime defaultValueTiming " +
        "defaultValueTriggerDefinition defaultValueUnsignedInt defaultValueUri defaultValueUrl " +
        "defaultValueUsageContext defaultValueUuid definingSubstance definingSubstanceCodeableConcept " +
        "definingSubstanceReference definition definitionCanonical definitionCodeableConcept " +
        "definitionDataRequirement definitionExpression definitionReference definitionTriggerDefinition " +
        "definitionUri degree degreeOfPolymerisation deleted deliverFrom deliverTo denominator " +
        "denominatorCount dependent dependsOn depth derivation derivedFrom derivedFromUri description " +
        "designation destination detail detailBoolean detailCodeableConcept detailInteger detailQuantity " +
        "detailRange detailRatio detailSequence detailString details detected detectedIssue developmentStage " +
        "device deviceIdentifier deviceName diagnosis diagnosisCodeableConcept diagnosisReference " +
        "diagnosisSequence diagnostics diameter dietPreference differential dimensions direction " +
        "dischargeDisposition disclaimer discriminator disease diseaseStatus diseaseSymptomProcedure " +
        "dispenseInterval dispenseRequest display disposition distinctIdentifier district disulfideLinkage " +
        "div doNotPerform docStatus document documentType documentation domain dosage dosageInstruction dose " +
        "doseAndRate doseForm doseNumber doseNumberPositiveInt doseNumberString doseQuantity doseRange " +
        "doseStatus doseStatusReason drugCharacteristic due dueDate dueDuration duration durationMax " +
        "durationUnit during dynamicValue editor education effect effectEstimate effective effectiveDate " +
        "effectiveDateTime effectiveInstant effectivePeriod effectiveTime effectiveTiming element eligibility " +
        "emptyReason enableBehavior enableWhen encodeRequestUrl encounter end endorser endpoint enrollment " +
        "enteralFormula enteredDate enterer entity entityCodeableConcept entityReference entry entryType " +
        "episodeOfCare equivalence error estimatedAge etag evaluatedResource evaluationMessage event " +
        "eventCoding eventHistory eventUri evidence exact example exampleBoolean exampleCanonical exception " +
        "exclude excludeFoodModifier excluded exclusionCriteria executionPeriod expansion " +
        "expectedSupplyDuration experimental expirationDate expirationType expiry exposure " +
        "exposureAlternative exposureBackground exposureRoute exposureState exposureVariant expressedBy " +
        "expression extends extension externalDiameter extraDetails eye fMeasure fScore facility facilityType " +
        "factor factorOverride failureAction family fastingStatus fastingStatusCodeableConcept " +
        "fastingStatusDuration fhirVersion field filter financial finding firstDose fivePrime fixed " +
        "fixedAddress fixedAge fixedAnnotation fixedAttachment fixedBase64Binary fixedBoolean fixedCanonical " +
        "fixedCode fixedCodeableConcept fixedCoding fixedContactDetail fixedContactPoint fixedContributor " +
        "fixedCount fixedDataRequirement fixedDate fixedDateTime fixedDecimal fixedDistance fixedDosage " +
        "fixedDuration fixedExpression fixedHumanName fixedId fixedIdentifier fixedInstant fixedInteger " +
        "fixedMarkdown fixedMeta fixedMoney fixedOid fixedParameterDefinition fixedPeriod fixedPositiveInt " +
        "fixedQuantity fixedRange fixedRatio fixedReference fixedRelatedArtifact fixedSampledData " +
        "fixedSignature fixedString fixedTime fixedTiming fixedTriggerDefinition fixedUnsignedInt fixedUri " +
        "fixedUrl fixedUsageContext fixedUuid fixture flag fluidConsistencyType focal focalDevice focus " +
        "followUp foodPreferenceModifier foodType for forecastReason forecastStatus form formCode format " +
        "fraction fractionDescription frames frequency frequencyMax frequencyOfOccurrence friendly from " +
        "fullUrl function fundingSource fundsReserve fundsReserveRequested gender gene geneElement " +
        "geneSequenceOrigin generalCost generalPractitioner generation genomeBuild genus geographicalLocation " +
        "geometry gestationalAge given global goal goalId graph group groupIdentifier groupMeasure groupSize " +
        "grouping groupingBehavior groupingId gtFP guarantor guidance halfLife halfLifePeriod handling " +
        "hasMember hash header headerField healthcareService height hierarchical hierarchyMeaning high " +
        "highLimit hint holder hospitalization hoursOfOperation human hybrid hybridType id identified " +
        "identifiedDateTime identifiedPeriod identifier identity identityCertificate ifMatch ifModifiedSince " +
        "ifNoneExist ifNoneMatch image imagingStudy immediatePackaging immunizationEvent immutable " +
        "implementation implementationGuide implicated implicitRules import imports imprint " +
        "improvementNotation inResponseTo inactive incidence include inclusionCriteria incomplete index " +
        "indication indicationCodeableConcept indicationReference individual inforce information " +
        "informationSequence informationSource ingredient initial initialFill initialSelected initiator " +
        "initiatorActive inner input inputProfile instance instantiates instantiatesCanonical instantiatesUri " +
        "instruction insurance insurer intendedEffect intendedRoute intendedUse intent interactant " +
        "interaction internationalBirthDate interpretation interpreter intraspecificDescription " +
        "intraspecificType investigation isActive isDefault isDefining isDerived isModifier isModifierReason " +
        "isSubpotent isSummary isotope issue issued issuer item itemCodeableConcept itemReference " +
        "itemSequence jurisdiction jurisdictionalAuthorization key keyword kind kinetics kingdom label " +
        "language languageCode lastModified lastOccurrence lastPerformed lastReviewDate lastUpdated " +
        "laterality latitude legal legalBasis legalState legalStatusOfSupply legallyBinding " +
        "legallyBindingAttachment legallyBindingReference length lensSpecification lethalDose50 level library " +
        "license lifecycle lifecycleStatus limit line lineItem link linkId linkage listMode listRuleId " +
        "location locationAddress locationCode locationCodeableConcept locationQualifier locationReference " +
        "lockedDate logMessage longitude lotNumber low lowLimit lowerLimit management managingEntity " +
        "managingOrganization manifest manifestation manipulated manipulation manufactureDate " +
        "manufacturedDoseForm manufacturedItem manufacturer manufacturerReference manufacturerString " +
        "manufacturingBusinessOperation map mapping maritalStatus marketingAuthorization marketingStatus " +
        "masterFile masterIdentifier material materialType maternalOrganismId maternalOrganismName max " +
        "maxDispense maxDosePerAdministration maxDosePerDay maxDosePerLifetime maxDosePerPeriod " +
        "maxDosePerTreatmentPeriod maxDuration maxLength maxSingleDose maxTreatmentPeriod maxValue " +
        "maxValueDate maxValueDateTime maxValueDecimal maxValueInstant maxValueInteger maxValueInteger64 " +
        "maxValuePositiveInt maxValueQuantity maxValueTime maxValueUnsignedInt maxVolumeToDeliver meaning " +
        "meaningWhenMissing measure measureScore measurementPeriod measurementPoint media medication " +
        "medicationCodeableConcept medicationReference medicineClassification medium member message messaging " +
        "meta metadata method min minValue minValueDate minValueDateTime minValueDecimal minValueInstant " +
        "minValueInteger minValueInteger64 minValuePositiveInt minValueQuantity minValueTime " +
        "minValueUnsignedInt minimumId minimumVolume minimumVolumeQuantity minimumVolumeString " +
        "minutesDuration mitigation modality mode modelNumber modification modifier modifierExtension module " +
        "moduleCanonical moduleCodeableConcept moduleUri moiety molecularFormula molecularFormulaByMoiety " +
        "molecularWeight monitoringProgram monograph monomerSet morphology multipleAnd multipleBirth " +
        "multipleBirthBoolean multipleBirthInteger multipleOr multipleResultsAllowed mustSupport " +
        "nTerminalModification nTerminalModificationId name namePart nameReference nameUrl navigationLinks " +
        "need needsMap net network nextScheduled nominalVolume normalCodedValueSet notAvailable note " +
        "noteNumber nucleicAcid numFN numFP numTP number numberOfInstances numberOfParticipants " +
        "numberOfRepeatsAllowed numberOfSeries numberOfStudies numberOfSubunits numberOfUnits numerator " +
        "numeratorCount nutrient objective observationRequirement observationResultRequirement observedAllele " +
        "observedSeq observer occurred occurredDateTime occurredPeriod occurrence occurrenceDateTime " +
        "occurrencePeriod occurrenceString occurrenceTiming offer official offset offsetDuration offsetRange " +
        "oligoNucleotideType onAdmission onBehalfOf onHold onlineInformation onset onsetAge onsetDateTime " +
        "onsetPeriod onsetRange onsetString op openingTime operation operationType operationalStatus operator " +
        "opticalActivity oralDiet order orderDetail orderMeaning orderable ordered orderedBy orderer organism " +
        "organismGeneral organismId organismName organismType organization orientation " +
        "orientationOfPolymerisation origin originalPrescription other otherCharacteristics otherTherapy " +
        "outcome outcomeCode outcomeCodeableConcept outcomeDesc outcomeReference outer outerPackaging output " +
        "outputParameters outputProfile overbooked overload overrideReason ownedBy owner packageCode " +
        "packageId packageItem packagedMedicinalProduct packaging paediatricUseIndicator page paging param " +
        "parameter parameterName parameters params parent parentDevice parentSubstanceId parentSubstanceName " +
        "part partDescription partLocation partNumber partOf participant participantEffective " +
        "participantEffectiveDateTime participantEffectiveDescription participantEffectiveDuration " +
        "participantEffectiveGroupMeasure participantEffectivePeriod participantEffectiveTimeFromStart " +
        "participantEffectiveTiming participantStatus participantType participatingOrganization party " +
        "patchFormat paternalOrganismId paternalOrganismName path patient patientCharacteristics " +
        "patientInstruction patientPreparation pattern patternAddress patternAge patternAnnotation " +
        "patternAttachment patternBase64Binary patternBoolean patternCanonical patternCode " +
        "patternCodeableConcept patternCoding patternContactDetail patternContactPoint patternContributor " +
        "patternCount patternDataRequirement patternDate patternDateTime patternDecimal patternDistance " +
        "patternDosage patternDuration patternExpression patternHumanName patternId patternIdentifier " +
        "patternInstant patternInteger patternMarkdown patternMeta patternMoney patternOid " +
        "patternParameterDefinition patternPeriod patternPositiveInt patternQuantity patternRange " +
        "patternRatio patternReference patternRelatedArtifact patternSampledData patternSignature " +
        "patternString patternTime patternTiming patternTriggerDefinition patternUnsignedInt patternUri " +
        "patternUrl patternUsageContext patternUuid pause payee payeeType payload payloadMimeType payloadType " +
        "payment paymentAmount paymentDate paymentIdentifier paymentIssuer paymentStatus paymentTerms payor " +
        "performed performedAge performedDateTime performedPeriod performedRange performedString performer " +
        "performerLinkId performerRole performerType performingOrganization period periodMax periodType " +
        "periodUnit permittedDataType pharmaceuticalProduct phase photo phylum physicalCharacteristics " +
        "physicalType physiologicalCondition plan planningHorizon pointer points policy policyHolder " +
        "policyRule polymer population position postConditions postalCode power practiceSetting practitioner " +
        "preAdmissionIdentifier preAuthPeriod preAuthRef preAuthRefPeriod preConditions precedence " +
        "precheckBehavior precision precisionEstimate predecessor prediction preference preferred " +
        "preferredReportName prefix preparation preparationInstruction prescriber prescription presentation " +
        "presentationDate presentationLowLimit presentedForm previous priceComponent priceOverride " +
        "primaryPurposeType primarySource principalInvestigator priorPrescription priorRequest priority prism " +
        "probability probabilityDecimal probabilityRange problem procedure procedureCode " +
        "procedureCodeableConcept procedureReference procedureSequence process processNote processing product " +
        "productCategory productClassification productCode productCodeableConcept productName " +
        "productOrService productReference productRelatedness productType profile prognosisCodeableConcept " +
        "prognosisReference program programCode programEligibility progress property propertyGroup protein " +
        "protocol protocolApplied providedBy provider provision proxyIdentityCertificate proxySignature " +
        "publicationDate publicationStatus publisher purpose purposeOfEvent purposeOfUse pushTypeAvailable " +
        "qualification qualifiedInterval qualifiers qualitativeRisk quality quantitativeDetails quantity " +
        "quantityQuantity quantityRange quantityRatio query queryFP queryTP question questionnaire race range " +
        "rank rate rateAggregation rateQuantity rateRange rateRatio rating ratioType rationale reAdmission " +
        "reaction readCoverage readHistory readOnly readsetId reason reasonCode reasonLinkId reasonReference " +
        "reasonStopped recall received receivedTime receiver receiverActive recipient recommendation recorded " +
        "recordedDate recordedOn recorder ref reference referenceAllele referenceDocument " +
        "referenceInformation referencePolicy referenceRange referenceSeq referenceSeqId referenceSeqPointer " +
        "referenceSeqString referenceStrength referencedFrom referencedItem referral referralMethod " +
        "referralRequest referrer regulator regulatory regulatoryAuthority rejectionCriterion related " +
        "relatedAction relatedArtifact relatedEntry relatedMedicationKnowledge relatesTo relation " +
        "relationship relationtype relativePath relativeRisk releaseDate relevantHistory reliableCache " +
        "rendering repeat repeatUnit repeatUnitAmountType repeats repetitions replaces report reportOrigin " +
        "reported reportedBoolean reportedReference reporter repository representation request requestHeader " +
        "requestId requestIdentifier requestMethod requestProvider requestURL requestedPeriod requester " +
        "requesterLinkId requestingOrganization requestor required requiredBehavior requirement requirements " +
        "requisition residueSite resource resourceId resourceType response responseCode responseId " +
        "responseRequired responsible responsibleParty rest restoreDate restriction result resultingCondition " +
        "resultsByExposure resultsInterpreter retentionTime revenue reviewer riskAdjustment riskEstimate " +
        "riskEvidenceSynthesis roc role route routeOfAdministration routeofAdministration rule rules safety " +
        "sampleSize scale schedule scheduled scheduledPeriod scheduledString scheduledTiming scope score " +
        "scoring search searchInclude searchParam searchRevInclude searchType section security " +
        "securityContext securityLabel securityLabelNumber selectionBehavior sender sensitivity sent sequence " +
        "sequenceAttachment sequenceType serialNumber series seriesDoses seriesDosesPositiveInt " +
        "seriesDosesString seriousness service serviceCategory servicePeriod serviceProvider " +
        "serviceProvisionCode serviceType serviced servicedDate servicedPeriod setup severity sex shape " +
        "shelfLifeStorage short shortTitle sigFormat signature signer site situation size sliceIsConstraining " +
        "sliceName slicing slot snapshot software sopClass sort source sourceAttachment sourceCanonical " +
        "sourceId sourceIdentityCertificate sourceMaterial sourceMaterialClass sourceMaterialState " +
        "sourceMaterialType sourcePatientInfo sourceReference sourceSignature sourceUri sourceVersion " +
        "specialArrangement specialCourtesy specialDesignation specialMeasures specialPrecautionsForStorage " +
        "specialization specialty species specificCost specifiedSubstance specimen specimenQuantity " +
        "specimenRequirement sphere sponsor stage standardSequence start startCodeableConcept startDate " +
        "started startingMaterial state status statusDate statusHistory statusReason " +
        "statusReasonCodeableConcept statusReasonReference step stereochemistry storage strand stratifier " +
        "stratum strength strengthLowLimit structuralRepresentation structure structureVariant study " +
        "studyEffective studyEffectiveDateTime studyEffectiveDescription studyEffectiveDuration " +
        "studyEffectiveGroupMeasure studyEffectivePeriod studyEffectiveTimeFromStart studyEffectiveTiming " +
        "studyType subDetail subDetailSequence subSite subType subdetailSequence subject " +
        "subjectCodeableConcept subjectMedicalHistory subjectReference subjectResults subjectType submitter " +
        "subpotentReason subrogation subscriber subscriberId substance substanceCodeableConcept " +
        "substanceReference substitution subsumption subtitle subtype subunit suffix sugar summary supplement " +
        "supplementalData supplements suppliedItem supplier supportedMessage supportedProfile " +
        "supportingImmunization supportingInfo supportingInfoSequence supportingInformation " +
        "supportingPatientInformation suspectEntity symptomConditionEffect synonym synthesisType system " +
        "systemType tag target targetCanonical targetDisease targetFormat targetId targetIdentifier " +
        "targetLocation targetProfile targetReference targetSpecies targetUri targetVersion team teardown " +
        "telecom temperature temperatureQualifier temperatureRange template term test testScript tester text " +
        "textEquivalent textFilter texture therapeuticIndication therapyRelationshipType threePrime time " +
        "timeAspect timeDateTime timeFromStart timeOfDay timePeriod timestamp timing timingAge timingDate " +
        "timingDateTime timingDuration timingPeriod timingRange timingReference timingTiming tissue title to " +
        "topic topicCodeableConcept topicReference total totalGross totalNet totalPriceComponent transform " +
        "translation translations trigger truthFN truthTP type typeCollected typeMode typeReference " +
        "typeTested udi udiCarrier udiDeviceIdentifier uid undesirableEffect uniqueId unit unitOfMeasure " +
        "unitOfPresentation unitPrice unmapped updateCreate upperLimit uri url usage usageContext use " +
        "useContext usePeriod used usedCode usedMoney usedReference usedString usedUnsignedInt userSelected " +
        "vaccineCode validCodedValueSet validTo validateCode validateProfileId validated validationDate " +
        "validationProcess validationStatus validationType validator validityPeriod value valueAddress " +
        "valueAge valueAnnotation valueAttachment valueBase64Binary valueBoolean valueCanonical valueCode " +
        "valueCodeableConcept valueCoding valueContactDetail valueContactPoint valueContributor valueCount " +
        "valueDataRequirement valueDate valueDateTime valueDecimal valueDistance valueDosage valueDuration " +
        "valueExpression valueHumanName valueId valueIdentifier valueInstant valueInteger valueMarkdown " +
        "valueMeta valueMoney valueOid valueParameterDefinition valuePeriod valuePositiveInt valueQuantity " +
        "valueRange valueRatio valueReference valueRelatedArtifact valueSampledData valueSet valueSignature " +
        "valueString valueTime valueTiming valueTriggerDefinition valueUnsignedInt valueUri valueUrl " +
        "valueUsageContext valueUuid valuedItem variable variableType variant variantPointer variantState " +
        "variantType variantsetId verification verificationDate verificationStatus verified verifiedWith " +
        "version versionId versionNeeded versioning view warningOnly wasSubstituted weight what when " +
        "whenHandedOver whenPeriod whenPrepared whenRange who width windowEnd windowStart withdrawalPeriod " +
        "workflow xpath xpathUsage ";

    private static readonly HashSet<string> Exact = Build(StringComparer.Ordinal);

    private static readonly HashSet<string> AnyCase = Build(StringComparer.OrdinalIgnoreCase);

    private static readonly HashSet<string> ResourceTypes = new(ModelInfo.SupportedResources, StringComparer.Ordinal);

    private static readonly HashSet<string> ResourceTypesAnyCase = new(ModelInfo.SupportedResources, StringComparer.OrdinalIgnoreCase);

    /// <summary>Names R4 spells in two ways in different places (<c>bodySite</c>, <c>bodysite</c>): which one is right
    /// depends on where it is, which this check does not know.</summary>
    private static readonly HashSet<string> Ambiguous = FindAmbiguous();

    /// <summary>The element names the check knows (for the test that compares them with Firely's model).</summary>
    internal static IReadOnlyCollection<string> ElementNames => Exact;

    /// <summary>
    /// Whether every member name in the JSON is either exactly an R4 element name or none at all (an unknown element),
    /// and every <c>resourceType</c> string is exactly a resource type or none at all. <c>false</c> means "parse it with
    /// the validator", never "invalid"; any doubt (an ambiguous name, JSON the reader cannot follow) answers <c>false</c>.
    /// </summary>
    /// <param name="json">One resource's JSON.</param>
    /// <returns><c>true</c> when no name differs from an R4 name only in letter case.</returns>
    public static bool AllExact(ReadOnlySpan<byte> json)
    {
        var exact = Exact.GetAlternateLookup<ReadOnlySpan<char>>();
        var anyCase = AnyCase.GetAlternateLookup<ReadOnlySpan<char>>();
        var ambiguous = Ambiguous.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> buffer = stackalloc char[LongestName];
        try
        {
            var reader = new Utf8JsonReader(json, BundleLayout.ReaderOptions);
            bool typeFollows = false;
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    typeFollows = reader.ValueTextEquals("resourceType"u8);
                    if (typeFollows || !Fits(ref reader, buffer, out int length))
                    {
                        continue; // resourceType itself, or too long to be any element's name
                    }

                    var name = buffer[..length];
                    if (name.Length > 0 && name[0] == '_')
                    {
                        name = name[1..]; // the id and extensions of a primitive
                    }

                    if (ambiguous.Contains(name) || (!exact.Contains(name) && anyCase.Contains(name)))
                    {
                        return false;
                    }
                }
                else if (typeFollows && reader.TokenType == JsonTokenType.String)
                {
                    typeFollows = false;
                    string type = reader.GetString() ?? string.Empty;
                    if (!ResourceTypes.Contains(type) && ResourceTypesAnyCase.Contains(type))
                    {
                        return false;
                    }
                }
                else
                {
                    typeFollows = false;
                }
            }

            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Copies the current name into <paramref name="buffer"/> when it fits (unescaped).</summary>
    private static bool Fits(ref Utf8JsonReader reader, scoped Span<char> buffer, out int length)
    {
        length = 0;
        if (!reader.ValueIsEscaped && reader.ValueSpan.Length > buffer.Length)
        {
            return false;
        }

        try
        {
            length = reader.CopyString(buffer);
            return true;
        }
        catch (ArgumentException)
        {
            return false; // longer than any element name once unescaped
        }
    }

    private static HashSet<string> Build(StringComparer comparer) =>
        new(Names.Split(' ', StringSplitOptions.RemoveEmptyEntries), comparer);

    private static HashSet<string> FindAmbiguous()
    {
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var ambiguous = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in Names.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (seen.TryGetValue(name, out string? other))
            {
                ambiguous.Add(name);
                ambiguous.Add(other);
            }
            else
            {
                seen.Add(name, name);
            }
        }

        return ambiguous;
    }
}
