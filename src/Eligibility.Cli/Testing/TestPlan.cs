using System.Collections.Generic;
using System.IO;
using System.Linq;
using System;
using Eligibility.Cli.Input;
using Eligibility.Testing;

namespace Eligibility.Cli.Testing;

/// <summary>Which case files <c>test</c> runs and which rule files it reports coverage for.</summary>
internal sealed record TestPlan(IReadOnlyList<string> CaseFiles, IReadOnlyList<string> RuleFiles)
{
    /// <summary>
    /// Case files as found; for a rule file named explicitly, the <c>&lt;name&gt;.cases.json</c> beside it (an input error
    /// if there is none); rule files found in folders are kept for coverage even without cases.
    /// </summary>
    public static TestPlan From(IReadOnlyList<InputPaths.InputFile> files)
    {
        var cases = new List<string>();
        var rules = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (file.Kind == JsonFileKind.CaseFile)
            {
                if (seen.Add(Path.GetFullPath(file.Path)))
                {
                    cases.Add(file.Path);
                }

                continue;
            }

            rules.Add(file.Path);
            if (file.Explicit)
            {
                string sibling = Path.ChangeExtension(file.Path, null) + InputPaths.CasesSuffix;
                if (!File.Exists(sibling))
                {
                    throw new CliInputException($"no example cases for {file.Path}: expected {sibling}");
                }

                if (seen.Add(Path.GetFullPath(sibling)))
                {
                    cases.Add(sibling);
                }
            }
        }

        if (cases.Count == 0)
        {
            throw new CliInputException("no example-case files (*" + InputPaths.CasesSuffix + ") found");
        }

        return new TestPlan(cases, rules.Distinct(StringComparer.Ordinal).ToList());
    }
}
