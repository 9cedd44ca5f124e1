using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using Eligibility.Cli.Output;
using Eligibility.Codes;
using Eligibility.Diagnostics;
using Eligibility.Fhir;

namespace Eligibility.Cli.Input;

/// <summary>
/// The <c>--terminology PATH</c> option every command has, and the one place it is loaded: a folder holding
/// <c>CONCEPT.csv</c> is an OMOP vocabulary (Athena download), loaded with <see cref="Terminology.LoadOmop"/>; every
/// <c>*.json</c> in a folder (recursively) and every <c>.json</c> file given directly is a FHIR ValueSet (or a Bundle of
/// them). The value sets of all paths are added onto the one vocabulary, or onto <see cref="Terminology.Empty"/>.
/// Loaded once per run; every rule file of the run is compiled with it.
/// </summary>
internal static class TerminologyInput
{
    /// <summary>A repeatable <c>--terminology PATH</c> option.</summary>
    public static Option<string[]> CreateOption(string? description = null) => new("--terminology")
    {
        Description = description
            ?? "An OMOP vocabulary folder (Athena's CONCEPT.csv, CONCEPT_ANCESTOR.csv, CONCEPT_RELATIONSHIP.csv), a FHIR ValueSet file, or a folder of ValueSets; bindings then match SNOMED CT descendants, RxNorm products and value-set members. Repeat for more.",
        HelpName = "PATH",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>
    /// The compile options for a run: no terminology when <paramref name="paths"/> is empty (bindings match the codes they
    /// list, plus a lock file's); else the loaded terminology, described once on stderr. Load diagnostics are printed in
    /// MSBuild's format; any error is an input error (exit 2).
    /// </summary>
    public static CompileOptions Load(IReadOnlyList<string>? paths, CliConsole console)
    {
        var terminology = LoadTerminology(paths, console);
        return terminology is null ? CompileOptions.Default : new CompileOptions { Terminology = terminology };
    }

    /// <summary>The terminology the paths name, or <c>null</c> when there are none. See <see cref="Load"/>.</summary>
    public static Terminology? LoadTerminology(IReadOnlyList<string>? paths, CliConsole console)
    {
        if (paths is null || paths.Count == 0)
        {
            return null;
        }

        var diagnostics = new List<Diagnostic>();
        var vocabularyFolders = new List<string>();
        var valueSetFiles = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                bool isVocabulary = HasConceptTable(path);
                if (isVocabulary)
                {
                    vocabularyFolders.Add(path);
                }

                var json = InputPaths.Walk(path).ToList();
                valueSetFiles.AddRange(json.Where(f => seen.Add(Path.GetFullPath(f))));
                if (!isVocabulary && json.Count == 0)
                {
                    diagnostics.Add(DiagnosticOutput.FileError(path, DiagnosticCodes.TerminologyTableMissing,
                        "neither an OMOP vocabulary (no CONCEPT.csv here) nor FHIR ValueSets (no *.json files here)"));
                }
            }
            else if (File.Exists(path))
            {
                string name = Path.GetFileName(path);
                if (name.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                {
                    if (seen.Add(Path.GetFullPath(path)))
                    {
                        valueSetFiles.Add(path);
                    }
                }
                else if (IsConceptTable(name))
                {
                    // CONCEPT.csv named directly: the vocabulary is its folder.
                    vocabularyFolders.Add(Path.GetDirectoryName(path) is { Length: > 0 } folder ? folder : ".");
                }
                else
                {
                    diagnostics.Add(DiagnosticOutput.FileError(path, DiagnosticCodes.TerminologyTableMissing,
                        "not a terminology: give an OMOP vocabulary folder (holding CONCEPT.csv), a FHIR ValueSet (.json) or a folder of them"));
                }
            }
            else
            {
                diagnostics.Add(DiagnosticOutput.FileError(path, DiagnosticCodes.FileUnreadable, "no such file or folder"));
            }
        }

        var distinctFolders = vocabularyFolders.DistinctBy(f => Path.GetFullPath(f).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)).ToList();
        if (distinctFolders.Count > 1)
        {
            WriteAll(console, diagnostics);
            throw new CliInputException($"--terminology: {distinctFolders.Count} OMOP vocabulary folders ({string.Join(", ", distinctFolders)}); give one (FHIR ValueSets can be added from any number of paths)");
        }

        Terminology terminology = Terminology.Empty;
        if (diagnostics.Count == 0 && distinctFolders.Count == 1)
        {
            var loaded = Terminology.LoadOmop(distinctFolders[0]);
            diagnostics.AddRange(loaded.Diagnostics);
            terminology = loaded.Terminology ?? Terminology.Empty;
        }

        var valueSets = new List<ValueSetDefinition>();
        if (!diagnostics.Any(d => d.IsError))
        {
            foreach (string file in valueSetFiles)
            {
                var read = ValueSetReader.ReadFile(file);
                diagnostics.AddRange(read.Diagnostics);
                valueSets.AddRange(read.ValueSets);
            }
        }

        WriteAll(console, diagnostics);
        if (diagnostics.Any(d => d.IsError))
        {
            throw new CliInputException("the terminology could not be loaded (--terminology)");
        }

        if (valueSets.Count > 0)
        {
            terminology = terminology.WithValueSets(valueSets);
        }

        console.Error.WriteLine("terminology: " + terminology.Description);
        return terminology;
    }

    /// <summary>Whether the folder holds an OMOP <c>CONCEPT</c> table (<c>.csv</c> or <c>.tsv</c>, any letter case).</summary>
    public static bool HasConceptTable(string folder) =>
        Directory.EnumerateFiles(folder).Any(f => IsConceptTable(Path.GetFileName(f)));

    private static bool IsConceptTable(string name) =>
        string.Equals(name, "CONCEPT.csv", StringComparison.OrdinalIgnoreCase) || string.Equals(name, "CONCEPT.tsv", StringComparison.OrdinalIgnoreCase);

    private static void WriteAll(CliConsole console, IEnumerable<Diagnostic> diagnostics) => DiagnosticOutput.WriteAll(console.Error, diagnostics);
}
