namespace Eligibility.Cli.Input;

/// <summary>What a JSON file found in a folder is, judged from its name and top-level properties.</summary>
internal enum JsonFileKind
{
    /// <summary>A rule file (<c>formatVersion</c>, <c>trial</c>, <c>inclusion</c> or <c>exclusion</c> at the top), or a file that is not JSON at all.</summary>
    RuleFile,

    /// <summary>An example-case file (<c>*.cases.json</c>, or <c>rules</c> and <c>cases</c> at the top).</summary>
    CaseFile,

    /// <summary>A lock file (<c>*.lock.json</c>, written by <c>eligibility lock</c> beside its rule file): never a rule or case file.</summary>
    LockFile,

    /// <summary>Any other JSON (patient records, schemas, FHIR resources): skipped when found in a folder.</summary>
    Other,
}
