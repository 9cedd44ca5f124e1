using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Eligibility.Codes;
using Eligibility.Diagnostics;
using Eligibility.Model;

namespace Eligibility.Binding;

/// <summary>
/// Expands each concept's own bindings (its codes and named value sets) into the extra codes they mean, from one of
/// three sources: a loaded <see cref="Terminology"/> (SNOMED CT descendants, RxNorm products, ATC members, value set
/// contents); else the rule file's lock file, concept by concept while its fingerprint matches; else nothing (listed codes
/// only, said once as information). Reports what is missing, stale or unknown.
/// </summary>
internal sealed class ConceptExpander
{
    private readonly IReadOnlyDictionary<string, ConceptModel> models;
    private readonly Terminology? terminology;
    private readonly LockFile? lockFile;
    private readonly string? lockName;
    private readonly DiagnosticSink sink;
    private readonly Dictionary<string, IReadOnlyList<Coding>> expansions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> fingerprints = new(StringComparer.Ordinal);
    private bool listedOnlyReported;

    public ConceptExpander(IReadOnlyDictionary<string, ConceptModel> models, Terminology? terminology, LockFile? lockFile, string? lockName, DiagnosticSink sink)
    {
        this.models = models;
        this.terminology = terminology;
        this.lockFile = lockFile;
        this.lockName = lockName;
        this.sink = sink;
    }

    /// <summary>Expands every concept now (so diagnostics come in concept order, once each).</summary>
    public void ExpandAll()
    {
        foreach (var model in models.Values)
        {
            Expansion(model);
        }
    }

    /// <summary>The codes the concept's own bindings add to the codes it lists (not its includes').</summary>
    public IReadOnlyList<Coding> Expansion(ConceptModel model)
    {
        if (expansions.TryGetValue(model.Name, out var done))
        {
            return done;
        }

        var result = NeedsExpansion(model) ? Expand(model) : Array.Empty<Coding>();
        expansions[model.Name] = result;
        return result;
    }

    /// <summary>The lock file text pinning the current expansion; only when a terminology was given.</summary>
    public string? LockText(string? ruleFileName)
    {
        if (terminology is null)
        {
            return null;
        }

        ExpandAll();
        var entries = models.Values.Where(NeedsExpansion).Select(m => (m.Name, Fingerprint(m), expansions[m.Name]));
        return LockFile.Write(ruleFileName, terminology.Description, entries);
    }

    /// <summary>A concept needs expanding when it lists a SNOMED CT, RxNorm or ATC code, or names a value set.</summary>
    private static bool NeedsExpansion(ConceptModel m) =>
        m.ValueSets.Count > 0 || m.Codes.Any(c => CodeSystems.IsHierarchical(c.System) || CodeSystems.Normalise(c.System) == CodeSystems.Atc);

    private IReadOnlyList<Coding> Expand(ConceptModel model)
    {
        if (terminology is not null)
        {
            var fresh = FromTerminology(model, terminology);
            CompareWithLock(model, fresh);
            return fresh;
        }

        if (lockFile is not null && lockFile.Concepts.TryGetValue(model.Name, out var entry))
        {
            if (entry.Bindings == Fingerprint(model))
            {
                return entry.Codes;
            }

            sink.Warning(DiagnosticCodes.LockFileStale, model.Pointer,
                $"the lock file {lockName} is stale for concept '{model.Name}': its bindings changed since the lock was written, so its pinned codes are not used; write it again with `eligibility lock --terminology PATH`",
                atName: true);
        }
        else if (lockFile is not null)
        {
            sink.Warning(DiagnosticCodes.LockFileStale, model.Pointer,
                $"the lock file {lockName} has no entry for concept '{model.Name}'; write it again with `eligibility lock --terminology PATH`", atName: true);
        }

        foreach (var (canonical, pointer) in model.ValueSets)
        {
            sink.ErrorUnlessExplained(DiagnosticCodes.ValueSetNotLoaded, pointer,
                $"concept '{model.Name}' names value set '{canonical}', which is not available: load it with the terminology (--terminology) or pin it in a lock file");
        }

        ReportListedOnly(model);
        return Array.Empty<Coding>();
    }

    private void ReportListedOnly(ConceptModel model)
    {
        if (listedOnlyReported || !model.Codes.Any(c => CodeSystems.IsHierarchical(c.System)))
        {
            return;
        }

        listedOnlyReported = true;
        string why = terminology is null ? "no terminology is loaded and no lock file pins their descendants" : "the loaded terminology has no code hierarchy";
        sink.Add(DiagnosticCodes.BindingsListedOnly, DiagnosticSeverity.Info, model.Pointer,
            $"SNOMED CT and RxNorm bindings in this file match only the codes they list ({why}); records coded with a descendant the file does not list will not match. List the common descendants, or compile with --terminology and pin the expansion with `eligibility lock`",
            atName: true);
    }

    private List<Coding> FromTerminology(ConceptModel model, Terminology t)
    {
        var listed = new HashSet<(string, string)>(model.Codes.Select(c => (CodeSystems.Normalise(c.System), c.Code.Trim())));
        var added = new List<Coding>();
        var seen = new HashSet<(string, string)>(listed);
        void Add(Coding c)
        {
            if (seen.Add((CodeSystems.Normalise(c.System), c.Code.Trim())))
            {
                added.Add(c);
            }
        }

        var roots = new List<Coding>();
        var pointers = CodePointers(model);
        for (int i = 0; i < model.Codes.Count; i++)
        {
            var (system, code) = model.Codes[i];
            var coding = new Coding(system, code);
            string s = CodeSystems.Normalise(system);
            if (!CodeSystems.IsHierarchical(s) && s != CodeSystems.Atc)
            {
                continue;
            }

            roots.Add(coding);
            if (t.HasHierarchy && !t.Knows(coding))
            {
                sink.Warning(DiagnosticCodes.CodeNotInVocabulary, pointers[i],
                    $"{SystemName(s)} code '{code}' of concept '{model.Name}' is not in the loaded vocabulary (a typo, or a retired code?); nothing below it is matched");
            }
        }

        foreach (var (canonical, pointer) in model.ValueSets)
        {
            if (t.Find(canonical, out string? problem) is not { } set)
            {
                sink.ErrorUnlessExplained(DiagnosticCodes.ValueSetNotLoaded, pointer, $"concept '{model.Name}': {problem}");
                continue;
            }

            // A value set's codes are exact (its expansion, or its compose after exclusions, is the list); only an is-a
            // filter asks for descendants.
            foreach (var c in set.Codes)
            {
                Add(c);
            }

            foreach (var c in set.IncludesDescendantsOf)
            {
                Add(c);
                roots.Add(c);
            }
        }

        if (!t.HasHierarchy)
        {
            ReportListedOnly(model);
            return added;
        }

        foreach (var root in roots)
        {
            foreach (var d in t.Descendants(root))
            {
                Add(d);
            }
        }

        return added;
    }

    private void CompareWithLock(ConceptModel model, List<Coding> fresh)
    {
        if (lockFile is null)
        {
            return;
        }

        if (!lockFile.Concepts.TryGetValue(model.Name, out var entry) || entry.Bindings != Fingerprint(model))
        {
            sink.Warning(DiagnosticCodes.LockFileStale, model.Pointer,
                $"the lock file {lockName} is stale for concept '{model.Name}': {(entry is null ? "it has no entry for it" : "its bindings changed since the lock was written")}; write it again with `eligibility lock`",
                atName: true);
            return;
        }

        var pinned = entry.Codes.Select(c => (CodeSystems.Normalise(c.System), c.Code)).ToHashSet();
        var now = fresh.Select(c => (CodeSystems.Normalise(c.System), c.Code)).ToHashSet();
        int added = now.Count(c => !pinned.Contains(c));
        int removed = pinned.Count(c => !now.Contains(c));
        if (added + removed > 0)
        {
            sink.Warning(DiagnosticCodes.LockFileStale, model.Pointer,
                string.Create(CultureInfo.InvariantCulture, $"the lock file {lockName} differs from the loaded terminology for concept '{model.Name}' ({added} code(s) more, {removed} fewer now; the lock was written with {lockFile.Terminology ?? "an unnamed terminology"}); write it again with `eligibility lock`"),
                atName: true);
        }
    }

    /// <summary>A fingerprint of a concept's own bindings: its codes and value sets, order-independent.</summary>
    public string Fingerprint(ConceptModel model)
    {
        if (fingerprints.TryGetValue(model.Name, out var known))
        {
            return known;
        }

        var lines = model.Codes.Select(c => CodeSystems.Normalise(c.System) + "|" + c.Code.Trim())
            .Concat(model.ValueSets.Select(v => "valueSet|" + v.Canonical))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", lines)));
        string fingerprint = "sha256:" + Convert.ToHexStringLower(hash.AsSpan(0, 12));
        fingerprints[model.Name] = fingerprint;
        return fingerprint;
    }

    /// <summary>The JSON pointer of each listed code, in the order of <see cref="ConceptModel.Codes"/>.</summary>
    private static List<string> CodePointers(ConceptModel model)
    {
        var pointers = new List<string>(model.Codes.Count);
        string? system = null;
        int index = 0;
        foreach (var (s, _) in model.Codes)
        {
            index = s == system ? index + 1 : 0;
            system = s;
            pointers.Add(model.Pointer + "/codes/" + SourceMap.Escape(s) + "/" + index.ToString(CultureInfo.InvariantCulture));
        }

        return pointers;
    }

    private static string SystemName(string system) => system switch
    {
        CodeSystems.Snomed => "SNOMED CT",
        CodeSystems.RxNorm => "RxNorm",
        CodeSystems.Atc => "ATC",
        _ => system,
    };
}
