using System.Linq;
using Eligibility.Sql.Compilation;

namespace Eligibility.Sql.Generation;

/// <summary>The rule files' local codes as custom concepts (the convention docs/omop.md describes).</summary>
internal sealed partial class SyntheticPopulation
{
    /// <summary>
    /// Every local code of the trials' concepts gets its custom concept row (vocabulary <c>Eligibility</c>, an ID above
    /// 2,000,000,000), whether or not a record uses it, as a site that follows the convention loads them all: the SQL
    /// then searches the data for them instead of calling the rules unknown. Called once the records are generated, so
    /// the IDs of the other concepts do not move.
    /// </summary>
    private void AddLocalConcepts()
    {
        var all = profile.Measured.Keys.Concat(profile.Conditions.Keys).Concat(profile.Procedures.Keys).Concat(profile.Medications.Keys)
            .Concat(profile.Qualitative.Keys).Concat(profile.Immunizations.Keys);
        foreach (var concept in all)
        {
            foreach (var (_, vocabulary, code) in CodesOf(concept).Where(c => c.Vocabulary == OmopSqlWriter.LocalVocabulary))
            {
                ConceptId(vocabulary, code);
            }
        }
    }
}
