using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Eligibility.Codes;

namespace Eligibility.Benchmarks;

/// <summary>
/// A synthetic OMOP vocabulary, in the tables and format Athena ships (tab-separated, one header row), the size of the
/// terminology issue's speed point: exactly <see cref="ConceptCount"/> SNOMED/RxNorm/ATC concepts and
/// <see cref="AncestorRowCount"/> <c>CONCEPT_ANCESTOR</c> rows (the self rows Athena writes for every standard and
/// classification concept counted in), and <see cref="RelationshipRowCount"/> <c>CONCEPT_RELATIONSHIP</c> rows.
/// <para>
/// Deterministic (fixed seed). Every synthetic concept has the code <c>SYN</c> + six digits, which no real SNOMED CT,
/// RxNorm or ATC code looks like, a concept_id above 2,100,000,000 (OMOP keeps ids above 2,000,000,000 for local
/// concepts) and "synthetic benchmark data" in its name; VOCABULARY.csv says the same. The only real codes are those the
/// reference rule files list (read from <c>rules/*.json</c> when the tables are written, never typed in here): each is a
/// concept with a synthetic subtree of 50–500 descendants, so compiling the rule files expands thousands of codes per
/// file. The real codes' names, relations to each other and concept_ids are not real.
/// </para>
/// <para>
/// Shape: a SNOMED CT hierarchy mostly 6–10 levels deep with varying fan-out and a second parent for some concepts (SNOMED
/// is a polyhierarchy: a fifth of the concepts below a listed code, a third of the listed codes, and of the background the
/// smallest share that brings the closure to <see cref="AncestorRowCount"/> rows, found by bisection), plus retired SNOMED
/// codes that "Maps to" a standard one; ATC classes of five
/// levels above RxNorm ingredients, ingredients above clinical drug forms, clinical drugs (a tenth of them combinations
/// with a second ingredient) and branded drugs. The ancestor table is the transitive closure of that hierarchy; to make
/// it exactly <see cref="AncestorRowCount"/> rows, rows of the closure two or more levels apart in the part no rule file
/// reaches are left out (the direct-parent rows are all there, so every descendant stays reachable). The relationship
/// table is mostly rows the loader skips (a "Maps to" self row per standard concept, "Is a", reverse relationships) and
/// some it reads ("Subsumes", "RxNorm ing of", "Has tradename", "ATC - RxNorm pr lat", "Maps to" from retired codes).
/// </para>
/// The tables are written once per machine, to <c>eligibility-benchmarks/omop-synthetic-…</c> under the system temp
/// folder (the name carries a hash of the generator version and the rule files' codes), and reused from there.
/// </summary>
public static class SyntheticVocabulary
{
    /// <summary>Concepts in <c>CONCEPT.csv</c>, all SNOMED, RxNorm or ATC (the ones the loader keeps).</summary>
    public const int ConceptCount = 100_000;

    /// <summary>Rows in <c>CONCEPT_ANCESTOR.csv</c>, self rows included.</summary>
    public const int AncestorRowCount = 1_000_000;

    /// <summary>Rows in <c>CONCEPT_RELATIONSHIP.csv</c>.</summary>
    public const int RelationshipRowCount = 200_000;

    /// <summary>What the tables are, in VOCABULARY.csv and in every synthetic concept's name.</summary>
    public const string Label = "synthetic benchmark data";

    private const string GeneratorVersion = "1";
    private const int Seed = 20_261_202;
    private const int FirstConceptId = 2_100_000_000;
    private const int RetiredSnomedCount = 2_000;
    private const int RxNormBackgroundCount = 20_000;
    private const double MaxSecondParentShare = 0.6;

    private const string Snomed = "SNOMED";
    private const string RxNorm = "RxNorm";
    private const string Atc = "ATC";

    private static readonly string[] ListedSystems = [CodeSystems.Snomed, CodeSystems.RxNorm, CodeSystems.Atc];

    private static readonly Lazy<string> Cached = new(WriteOnce);

    /// <summary>The folder holding the tables, written on first use (per machine) and reused afterwards.</summary>
    /// <returns>The folder's full path.</returns>
    public static string Folder() => Cached.Value;

    /// <summary>Loads the tables with <see cref="Terminology.LoadOmop"/>; throws when anything is reported or the sizes are off.</summary>
    /// <param name="folder">The folder from <see cref="Folder"/>.</param>
    /// <returns>The loaded terminology.</returns>
    public static Terminology Load(string folder)
    {
        var result = Terminology.LoadOmop(folder);
        if (result.Terminology is not { } terminology || result.Diagnostics.Count > 0)
        {
            throw new InvalidOperationException("the synthetic vocabulary does not load cleanly: " + string.Join("; ", result.Diagnostics));
        }

        string sizes = string.Create(CultureInfo.InvariantCulture, $"{ConceptCount} SNOMED/RxNorm/ATC concepts, {AncestorRowCount} ancestor rows, {RelationshipRowCount} relationship rows");
        if (terminology.ConceptCount != ConceptCount || !terminology.Description.Contains(sizes, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the synthetic vocabulary loaded as '{terminology.Description}', expected {sizes}");
        }

        return terminology;
    }

    /// <summary>The SNOMED CT, RxNorm and ATC codes the reference rule files list, by code system URI, each sorted and once.</summary>
    /// <returns>Code system URI → codes (ATC upper case, without dots, as the loader keys them).</returns>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ListedCodes()
    {
        var found = ListedSystems.ToDictionary(s => s, _ => new SortedSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (string trial in SampleData.Trials())
        {
            using var document = JsonDocument.Parse(SampleData.RuleText(trial));
            Collect(document.RootElement, found);
        }

        return found.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value.ToList(), StringComparer.Ordinal);
    }

    /// <summary>Every <c>"system": ["code", …]</c> member anywhere in a rule file (concept codes and answer codes).</summary>
    private static void Collect(JsonElement element, Dictionary<string, SortedSet<string>> found)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                Collect(item, found);
            }

            return;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var property in element.EnumerateObject())
        {
            string system = property.Name.Trim().TrimEnd('/');
            if (found.TryGetValue(system, out var codes) && property.Value.ValueKind == JsonValueKind.Array)
            {
                foreach (var code in property.Value.EnumerateArray())
                {
                    if (code.ValueKind == JsonValueKind.String && code.GetString()!.Trim() is { Length: > 0 } text)
                    {
                        codes.Add(system == CodeSystems.Atc ? text.Replace(".", string.Empty, StringComparison.Ordinal).ToUpperInvariant() : text);
                    }
                }
            }
            else
            {
                Collect(property.Value, found);
            }
        }
    }

    private static string WriteOnce()
    {
        var listed = ListedCodes();
        string fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            GeneratorVersion + "\n" + Seed.ToString(CultureInfo.InvariantCulture) + "\n" +
            string.Join("\n", listed.SelectMany(kv => kv.Value.Select(c => kv.Key + "|" + c))))).AsSpan(0, 6));
        string parent = Path.Combine(Path.GetTempPath(), "eligibility-benchmarks");
        string folder = Path.Combine(parent, "omop-synthetic-" + fingerprint);
        if (Directory.Exists(folder))
        {
            return folder;
        }

        Directory.CreateDirectory(parent);
        string partial = folder + ".partial-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        Directory.CreateDirectory(partial);
        Write(partial, listed);
        try
        {
            Directory.Move(partial, folder);
        }
        catch (IOException) when (Directory.Exists(folder))
        {
            Directory.Delete(partial, recursive: true); // another process wrote the same tables first
        }

        return folder;
    }

    /// <summary>Generates the vocabulary and writes its four tables into <paramref name="folder"/>.</summary>
    /// <param name="folder">An existing, empty folder.</param>
    /// <param name="listed">The rule files' codes (<see cref="ListedCodes"/>).</param>
    public static void Write(string folder, IReadOnlyDictionary<string, IReadOnlyList<string>> listed)
    {
        ArgumentNullException.ThrowIfNull(listed);

        // The closure grows with the share of background SNOMED concepts given a second parent; the listed codes' subtrees
        // take a fixed part of it. Bisection finds the smallest share whose closure has AncestorRowCount rows or more, so
        // that as few of its rows as possible are left out.
        Generator? best = null;
        double low = 0, high = MaxSecondParentShare;
        for (int step = 0; step < 8; step++)
        {
            double share = step == 0 ? high : (low + high) / 2;
            var generator = new Generator(listed, share);
            generator.Build();
            if (generator.ClosureRows >= AncestorRowCount)
            {
                best = generator;
                high = share;
            }
            else if (step == 0)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"even with a second parent for {share:P0} of the SNOMED background the closure has only {generator.ClosureRows} rows"));
            }
            else
            {
                low = share;
            }
        }

        best!.WriteTables(folder);
    }

    /// <summary>One concept: its row in CONCEPT.csv and its direct parents (always concepts created before it).</summary>
    private sealed class Concept
    {
        public required string Code { get; init; }

        public required string Name { get; init; }

        public required string Domain { get; init; }

        public required string Vocabulary { get; init; }

        public required string Class { get; init; }

        /// <summary>"S" standard, "C" classification, "" non-standard (retired).</summary>
        public required string Standard { get; init; }

        public int Depth { get; init; }

        /// <summary>Whether a rule file reaches it (a listed code or one of their descendants): its ancestor rows are all kept.</summary>
        public bool Reached { get; set; }

        public List<int> Parents { get; } = [];
    }

    private sealed class Generator
    {
        private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> listed;
        private readonly double secondParentShare;
        private readonly Random random = new(Seed);
        private readonly List<Concept> concepts = new(ConceptCount);
        private readonly List<(int From, int To, string Relationship, bool Retired)> mandatory = [];
        private readonly List<(int From, int To, string Relationship)> optional = [];
        private readonly List<int> atcFifth = [];
        private readonly List<int> ingredients = [];
        private readonly List<List<int>> snomedByDepth = [];
        private int synthetic;

        private List<(int Ancestor, int Descendant, int Min, int Max)> closure = [];
        private List<int> droppable = [];

        public Generator(IReadOnlyDictionary<string, IReadOnlyList<string>> listed, double secondParentShare)
        {
            this.listed = listed;
            this.secondParentShare = secondParentShare;
        }

        /// <summary>Rows of the full closure, self rows included (after <see cref="Build"/>).</summary>
        public int ClosureRows => closure.Count;

        private IReadOnlyList<string> Listed(string system) => listed.TryGetValue(system, out var codes) ? codes : Array.Empty<string>();

        public void Build()
        {
            foreach (string atc in Listed(CodeSystems.Atc))
            {
                if ("SYN".StartsWith(atc, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"the rule files list ATC '{atc}', a prefix of the synthetic codes");
                }
            }

            // Subtree sizes first, so the background can be sized to make exactly ConceptCount concepts.
            var sizes = ListedSystems.ToDictionary(s => s, s => Listed(s).Select(_ => SubtreeSize()).ToList(), StringComparer.Ordinal);
            int listedTotal = sizes.Values.Sum(list => list.Count + list.Sum());

            BuildAtcBackground();
            BuildRxNormBackground();
            int snomedBackground = ConceptCount - concepts.Count - listedTotal - RetiredSnomedCount;
            if (snomedBackground < 20_000)
            {
                throw new InvalidOperationException("the listed codes' subtrees leave too little room for the SNOMED background");
            }

            BuildSnomedBackground(snomedBackground);
            BuildListedAtc(Listed(CodeSystems.Atc), sizes[CodeSystems.Atc]);
            BuildListedRxNorm(Listed(CodeSystems.RxNorm), sizes[CodeSystems.RxNorm]);
            BuildListedSnomed(Listed(CodeSystems.Snomed), sizes[CodeSystems.Snomed]);
            BuildRetiredSnomed(RetiredSnomedCount);
            if (concepts.Count != ConceptCount)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"generated {concepts.Count} concepts, not {ConceptCount}"));
            }

            (closure, droppable) = Closure();
        }

        /// <summary>50–500 descendants, most near the low end (a few listed codes are broad, most are specific).</summary>
        private int SubtreeSize() => 50 + (int)(450 * Math.Pow(random.NextDouble(), 3));

        private int Add(string code, string name, string domain, string vocabulary, string @class, string standard, int depth, params int[] parents)
        {
            var concept = new Concept { Code = code, Name = name, Domain = domain, Vocabulary = vocabulary, Class = @class, Standard = standard, Depth = depth };
            concept.Parents.AddRange(parents.Distinct());
            concepts.Add(concept);
            return concepts.Count - 1;
        }

        private int AddSynthetic(string what, string domain, string vocabulary, string @class, string standard, int depth, params int[] parents)
        {
            string code = "SYN" + (++synthetic).ToString("D6", CultureInfo.InvariantCulture);
            return Add(code, $"{code} {what} ({Label})", domain, vocabulary, @class, standard, depth, parents);
        }

        private int AddListed(string code, string vocabulary, string domain, string @class, string standard, int depth, params int[] parents)
        {
            int i = Add(code, $"{vocabulary} {code}, listed in a reference rule file ({Label}: real code, made-up name and hierarchy)", domain, vocabulary, @class, standard, depth, parents);
            concepts[i].Reached = true;
            return i;
        }

        private int Next(int min, int maxInclusive) => random.Next(min, maxInclusive + 1);

        private T Pick<T>(IReadOnlyList<T> list) => list[random.Next(list.Count)];

        // ---- ATC: five levels of classes, the fifth above RxNorm ingredients ----

        private void BuildAtcBackground()
        {
            var level = new List<int>();
            for (int i = 0; i < 14; i++)
            {
                level.Add(AddSynthetic("ATC 1st level class", "Drug", Atc, "ATC 1st", "C", 1));
            }

            for (int depth = 2; depth <= 5; depth++)
            {
                var next = new List<int>();
                foreach (int parent in level)
                {
                    int children = depth switch { 2 => Next(2, 6), 3 => Next(1, 4), 4 => Next(1, 4), _ => Next(1, 6) };
                    for (int c = 0; c < children; c++)
                    {
                        int child = AddSynthetic($"ATC {Ordinal(depth)} level class", "Drug", Atc, "ATC " + Ordinal(depth), "C", depth, parent);
                        next.Add(child);
                        mandatory.Add((child, parent, "Is a", false));
                    }
                }

                level = next;
            }

            atcFifth.AddRange(level);
        }

        private static string Ordinal(int n) => n switch { 1 => "1st", 2 => "2nd", 3 => "3rd", _ => n.ToString(CultureInfo.InvariantCulture) + "th" };

        // ---- RxNorm: ingredient → clinical drug form → clinical drug → branded drug ----

        private void BuildRxNormBackground()
        {
            int target = concepts.Count + RxNormBackgroundCount;
            while (concepts.Count < target)
            {
                int atc = Pick(atcFifth);
                int ingredient = AddSynthetic("ingredient", "Drug", RxNorm, "Ingredient", "S", 0, atc);
                ingredients.Add(ingredient);
                mandatory.Add((atc, ingredient, "ATC - RxNorm pr lat", false));
                optional.Add((ingredient, atc, "RxNorm - ATC pr lat"));
                int products = Math.Min(target - concepts.Count, Next(2, 30));
                AddProducts(ingredient, products);
            }
        }

        /// <summary>Forms, clinical drugs and branded drugs below an ingredient: exactly <paramref name="count"/> concepts.</summary>
        private void AddProducts(int ingredient, int count, bool reached = false)
        {
            int end = concepts.Count + count;
            var forms = new List<int>();
            var drugs = new List<int>();
            int formCount = Math.Max(1, Math.Min(count / 6, Next(1, 3) + count / 40));
            while (concepts.Count < end)
            {
                int made;
                if (forms.Count < formCount)
                {
                    made = AddSynthetic("clinical drug form", "Drug", RxNorm, "Clinical Drug Form", "S", 1, ingredient);
                    forms.Add(made);
                    Relate(ingredient, made, "RxNorm ing of", "RxNorm has ing");
                }
                else if (drugs.Count == 0 || random.NextDouble() < 0.55)
                {
                    int form = Pick(forms);
                    bool combination = ingredients.Count > 1 && random.NextDouble() < 0.1;
                    int second = combination ? Pick(ingredients) : form;
                    made = AddSynthetic(combination ? "clinical drug, combination" : "clinical drug", "Drug", RxNorm, "Clinical Drug", "S", 2, form, second);
                    drugs.Add(made);
                    Relate(form, made, "RxNorm inverse is a", "RxNorm is a");
                    if (combination && second != ingredient)
                    {
                        Relate(second, made, "RxNorm ing of", "RxNorm has ing");
                    }
                }
                else
                {
                    int drug = Pick(drugs);
                    made = AddSynthetic("branded drug", "Drug", RxNorm, "Branded Drug", "S", 3, drug);
                    Relate(drug, made, "Has tradename", "Tradename of");
                }

                concepts[made].Reached = reached;
            }
        }

        /// <summary>A relationship the loader reads (parent → child) and its reverse, which it skips; both optional rows.</summary>
        private void Relate(int parent, int child, string forward, string reverse)
        {
            optional.Add((parent, child, forward));
            optional.Add((child, parent, reverse));
        }

        // ---- SNOMED CT: a polyhierarchy 6–10 levels deep ----

        private void BuildSnomedBackground(int count)
        {
            (string Class, string Domain)[] tops =
            [
                ("Clinical Finding", "Condition"), ("Clinical Finding", "Condition"), ("Clinical Finding", "Condition"), ("Procedure", "Procedure"),
                ("Procedure", "Procedure"), ("Observable Entity", "Measurement"), ("Body Structure", "Spec Anatomic Site"), ("Substance", "Observation"),
                ("Qualifier Value", "Observation"), ("Situation", "Observation"), ("Event", "Observation"), ("Organism", "Observation"),
                ("Specimen", "Specimen"), ("Social Context", "Observation"), ("Staging / Scales", "Measurement"), ("Physical Object", "Device"),
                ("Record Artifact", "Type Concept"), ("Physical Force", "Observation"), ("Context-dependent", "Observation"),
            ];
            int end = concepts.Count + count;
            int root = AddSynthetic("SNOMED CT root concept", "Metadata", Snomed, "Model Comp", "S", 0);
            Depth(0).Add(root);
            var frontier = new List<int>();
            var classOf = new Dictionary<int, int>();
            for (int t = 0; t < tops.Length; t++)
            {
                int top = AddSynthetic("SNOMED CT top-level concept", tops[t].Domain, Snomed, tops[t].Class, "S", 1, root);
                SnomedEdge(top, root);
                Depth(1).Add(top);
                frontier.Add(top);
                classOf[top] = t;
            }

            while (concepts.Count < end && frontier.Count > 0)
            {
                // Expand a random concept of the frontier: depths vary, as they do in SNOMED CT.
                int at = random.Next(frontier.Count);
                int parent = frontier[at];
                frontier[at] = frontier[^1];
                frontier.RemoveAt(frontier.Count - 1);
                int depth = concepts[parent].Depth + 1;
                int children = random.NextDouble() < 0.1 ? Next(6, 20) : Next(1, 5);
                var (@class, domain) = tops[classOf[parent]];
                for (int c = 0; c < children && concepts.Count < end; c++)
                {
                    int second = SecondParent(depth, parent, secondParentShare);
                    int child = AddSynthetic("SNOMED CT " + @class.ToLowerInvariant(), domain, Snomed, @class, "S", depth, parent, second);
                    SnomedEdge(child, parent);
                    if (second != parent)
                    {
                        SnomedEdge(child, second);
                    }

                    classOf[child] = classOf[parent];
                    Depth(depth).Add(child);
                    if (depth < 10)
                    {
                        frontier.Add(child);
                    }
                }
            }

            if (concepts.Count != end)
            {
                throw new InvalidOperationException("the SNOMED background ran out of room to grow");
            }
        }

        private List<int> Depth(int depth)
        {
            while (snomedByDepth.Count <= depth)
            {
                snomedByDepth.Add([]);
            }

            return snomedByDepth[depth];
        }

        /// <summary>With probability <paramref name="p"/>, another concept one level up (already created); else <paramref name="first"/>.</summary>
        private int SecondParent(int depth, int first, double p) =>
            depth >= 3 && random.NextDouble() < p && Depth(depth - 1) is { Count: > 1 } candidates ? Pick(candidates) : first;

        private void SnomedEdge(int child, int parent)
        {
            mandatory.Add((child, parent, "Is a", false));
            optional.Add((parent, child, "Subsumes"));
        }

        // ---- The rule files' codes, each with a synthetic subtree ----

        private void BuildListedSnomed(IReadOnlyList<string> codes, List<int> sizes)
        {
            for (int i = 0; i < codes.Count; i++)
            {
                int depth = Next(3, 6);
                int parent = Pick(Depth(depth - 1));
                int second = SecondParent(depth, parent, 0.35);
                int code = AddListed(codes[i], Snomed, concepts[parent].Domain, concepts[parent].Class, "S", depth, parent, second);
                SnomedEdge(code, parent);
                if (second != parent)
                {
                    SnomedEdge(code, second);
                }

                // Breadth first below the listed code, 2–6 children each; a fifth of them with a second parent in the subtree.
                int end = concepts.Count + sizes[i];
                var byDepth = new List<List<int>> { new() { code } };
                var queue = new Queue<int>([code]);
                while (concepts.Count < end)
                {
                    int p = queue.Dequeue();
                    int level = concepts[p].Depth - depth + 1;
                    int children = Next(2, 6);
                    for (int c = 0; c < children && concepts.Count < end; c++)
                    {
                        if (byDepth.Count <= level)
                        {
                            byDepth.Add([]);
                        }

                        int other = level >= 2 && random.NextDouble() < 0.2 ? Pick(byDepth[level - 1]) : p;
                        int child = AddSynthetic("SNOMED CT " + concepts[p].Class.ToLowerInvariant(), concepts[p].Domain, Snomed, concepts[p].Class, "S", concepts[p].Depth + 1, p, other);
                        concepts[child].Reached = true;
                        SnomedEdge(child, p);
                        if (other != p)
                        {
                            SnomedEdge(child, other);
                        }

                        byDepth[level].Add(child);
                        queue.Enqueue(child);
                    }
                }
            }
        }

        private void BuildListedRxNorm(IReadOnlyList<string> codes, List<int> sizes)
        {
            for (int i = 0; i < codes.Count; i++)
            {
                int atc = Pick(atcFifth);
                int code = AddListed(codes[i], RxNorm, "Drug", "Ingredient", "S", 0, atc);
                mandatory.Add((atc, code, "ATC - RxNorm pr lat", false));
                AddProducts(code, sizes[i], reached: true);
            }
        }

        private void BuildListedAtc(IReadOnlyList<string> codes, List<int> sizes)
        {
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < codes.Count; i++)
            {
                string code = codes[i];
                int level = code.Length switch { 1 => 1, 3 => 2, 4 => 3, 5 => 4, _ => 5 };

                // The ATC hierarchy is the code's prefixes: the longest listed prefix is the parent, else a synthetic class.
                int parent = -1;
                for (int n = code.Length - 1; n > 0 && parent < 0; n--)
                {
                    parent = index.TryGetValue(code[..n], out int p) ? p : -1;
                }

                if (parent < 0 && level > 1)
                {
                    parent = Pick(Enumerable.Range(0, concepts.Count).Where(k => concepts[k].Vocabulary == Atc && concepts[k].Depth == level - 1 && !concepts[k].Reached).ToList());
                }

                int atc = AddListed(code, Atc, "Drug", "ATC " + Ordinal(level), "C", level, parent < 0 ? [] : [parent]);
                if (parent >= 0)
                {
                    mandatory.Add((atc, parent, "Is a", false));
                }

                index[code] = atc;

                // Below it: synthetic fifth-level classes (unless it is one), each over one synthetic ingredient and its products.
                int end = concepts.Count + sizes[i];
                int classes = level == 5 ? 0 : Math.Max(1, sizes[i] / 120);
                var above = new List<int>();
                for (int c = 0; c < classes; c++)
                {
                    int fifth = AddSynthetic("ATC 5th level class", "Drug", Atc, "ATC 5th", "C", 5, atc);
                    concepts[fifth].Reached = true;
                    mandatory.Add((fifth, atc, "Is a", false));
                    above.Add(fifth);
                }

                if (above.Count == 0)
                {
                    above.Add(atc);
                }

                int ingredientCount = Math.Max(1, (end - concepts.Count) / 60);
                for (int k = 0; k < ingredientCount; k++)
                {
                    int over = above[k % above.Count];
                    int ingredient = AddSynthetic("ingredient", "Drug", RxNorm, "Ingredient", "S", 0, over);
                    concepts[ingredient].Reached = true;
                    mandatory.Add((over, ingredient, "ATC - RxNorm pr lat", false));
                    optional.Add((ingredient, over, "RxNorm - ATC pr lat"));
                    int left = end - concepts.Count;
                    AddProducts(ingredient, k == ingredientCount - 1 ? left : Math.Min(left, left / (ingredientCount - k)), reached: true);
                }
            }
        }

        /// <summary>Retired SNOMED codes (non-standard, no ancestor rows) that "Maps to" a standard concept, half of them reached.</summary>
        private void BuildRetiredSnomed(int count)
        {
            var reached = Enumerable.Range(0, concepts.Count).Where(i => concepts[i].Vocabulary == Snomed && concepts[i].Reached).ToList();
            var other = Enumerable.Range(0, concepts.Count).Where(i => concepts[i].Vocabulary == Snomed && !concepts[i].Reached && concepts[i].Depth > 1).ToList();
            for (int i = 0; i < count; i++)
            {
                int target = random.NextDouble() < 0.5 ? Pick(reached) : Pick(other);
                int retired = AddSynthetic("retired SNOMED CT code", concepts[target].Domain, Snomed, concepts[target].Class, string.Empty, 0);
                mandatory.Add((retired, target, "Maps to", false));
                mandatory.Add((target, retired, "Mapped from", false));
            }
        }

        // ---- The tables ----

        public void WriteTables(string folder)
        {
            var ancestors = Trimmed();
            var relationships = Relationships();
            var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

            using (var w = new StreamWriter(Path.Combine(folder, "VOCABULARY.csv"), false, utf8))
            {
                w.Write("vocabulary_id\tvocabulary_name\tvocabulary_reference\tvocabulary_version\tvocabulary_concept_id\n");
                foreach (var (id, name) in new[] { (Snomed, "SNOMED CT"), (RxNorm, "RxNorm"), (Atc, "WHO ATC") })
                {
                    w.Write(string.Create(CultureInfo.InvariantCulture,
                        $"{id}\t{name} ({Label}, not the real vocabulary)\tEligibility.Benchmarks SyntheticVocabulary, seed {Seed}, second parent for {secondParentShare:P1} of the SNOMED background\t{id} {Label} v{GeneratorVersion}\t0\n"));
                }
            }

            using (var w = new StreamWriter(Path.Combine(folder, "CONCEPT.csv"), false, utf8, 1 << 16))
            {
                w.Write("concept_id\tconcept_name\tdomain_id\tvocabulary_id\tconcept_class_id\tstandard_concept\tconcept_code\tvalid_start_date\tvalid_end_date\tinvalid_reason\n");
                for (int i = 0; i < concepts.Count; i++)
                {
                    var c = concepts[i];
                    bool retired = c.Standard.Length == 0;
                    w.Write(string.Create(CultureInfo.InvariantCulture,
                        $"{Id(i)}\t{c.Name}\t{c.Domain}\t{c.Vocabulary}\t{c.Class}\t{c.Standard}\t{c.Code}\t19700101\t{(retired ? "20200131" : "20991231")}\t{(retired ? "U" : string.Empty)}\n"));
                }
            }

            using (var w = new StreamWriter(Path.Combine(folder, "CONCEPT_ANCESTOR.csv"), false, utf8, 1 << 16))
            {
                w.Write("ancestor_concept_id\tdescendant_concept_id\tmin_levels_of_separation\tmax_levels_of_separation\n");
                foreach (var (ancestor, descendant, min, max) in ancestors)
                {
                    w.Write(string.Create(CultureInfo.InvariantCulture, $"{Id(ancestor)}\t{Id(descendant)}\t{min}\t{max}\n"));
                }
            }

            using (var w = new StreamWriter(Path.Combine(folder, "CONCEPT_RELATIONSHIP.csv"), false, utf8, 1 << 16))
            {
                w.Write("concept_id_1\tconcept_id_2\trelationship_id\tvalid_start_date\tvalid_end_date\tinvalid_reason\n");
                foreach (var (from, to, relationship, retired) in relationships)
                {
                    w.Write(string.Create(CultureInfo.InvariantCulture,
                        $"{Id(from)}\t{Id(to)}\t{relationship}\t19700101\t{(retired ? "20200131" : "20991231")}\t{(retired ? "D" : string.Empty)}\n"));
                }
            }
        }

        private static int Id(int index) => FirstConceptId + index;

        /// <summary>
        /// The full ancestor table: a self row per standard and classification concept, then the transitive closure of the
        /// direct parents with min/max levels of separation; and which rows may be left out (two or more levels apart,
        /// below no listed code).
        /// </summary>
        private (List<(int Ancestor, int Descendant, int Min, int Max)> Rows, List<int> Droppable) Closure()
        {
            var above = new Dictionary<int, (int Min, int Max)>[concepts.Count];
            var rows = new List<(int, int, int, int)>(AncestorRowCount + 200_000);
            var droppable = new List<int>();
            for (int i = 0; i < concepts.Count; i++)
            {
                var mine = new Dictionary<int, (int Min, int Max)>();
                foreach (int p in concepts[i].Parents)
                {
                    Merge(mine, p, 1, 1);
                    foreach (var (a, (min, max)) in above[p])
                    {
                        Merge(mine, a, min + 1, max + 1);
                    }
                }

                above[i] = mine;
                if (concepts[i].Standard.Length == 0)
                {
                    continue;
                }

                rows.Add((i, i, 0, 0));
                foreach (var (a, (min, max)) in mine.OrderBy(kv => kv.Key))
                {
                    if (min >= 2 && !concepts[i].Reached)
                    {
                        droppable.Add(rows.Count);
                    }

                    rows.Add((a, i, min, max));
                }
            }

            return (rows, droppable);
        }

        /// <summary>The closure trimmed to <see cref="AncestorRowCount"/> rows (see the class summary) and shuffled, as Athena's rows come in no useful order.</summary>
        private List<(int Ancestor, int Descendant, int Min, int Max)> Trimmed()
        {
            var rows = closure;
            int excess = rows.Count - AncestorRowCount;
            if (excess < 0 || excess > droppable.Count)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"the closure has {rows.Count} rows ({droppable.Count} droppable); {AncestorRowCount} are wanted"));
            }

            Shuffle(droppable);
            var drop = droppable.Take(excess).ToHashSet();
            var kept = rows.Where((_, k) => !drop.Contains(k)).ToList();
            Shuffle(kept);
            return kept;
        }

        private static void Merge(Dictionary<int, (int Min, int Max)> into, int ancestor, int min, int max) =>
            into[ancestor] = into.TryGetValue(ancestor, out var known) ? (Math.Min(known.Min, min), Math.Max(known.Max, max)) : (min, max);

        /// <summary>
        /// The relationship table: a "Maps to" self row per standard concept, the mandatory rows ("Is a", ATC → ingredient,
        /// retired codes' mappings), a few hundred retired rows, then a seeded choice of the optional rows ("Subsumes",
        /// RxNorm's relationships and their reverses) up to <see cref="RelationshipRowCount"/>; shuffled.
        /// </summary>
        private List<(int From, int To, string Relationship, bool Retired)> Relationships()
        {
            var rows = new List<(int, int, string, bool)>(RelationshipRowCount);
            for (int i = 0; i < concepts.Count; i++)
            {
                if (concepts[i].Standard == "S")
                {
                    rows.Add((i, i, "Maps to", false));
                }
            }

            rows.AddRange(mandatory);
            for (int k = 0; k < 500; k++)
            {
                var (from, to, relationship) = Pick(optional);
                rows.Add((from, to, relationship, true)); // retired (invalid_reason D): the loader must skip these
            }

            int room = RelationshipRowCount - rows.Count;
            if (room < 0 || room > optional.Count)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"{rows.Count} mandatory relationship rows and {optional.Count} optional ones cannot make {RelationshipRowCount}"));
            }

            var chosen = new List<(int From, int To, string Relationship)>(optional);
            Shuffle(chosen);
            rows.AddRange(chosen.Take(room).Select(r => (r.From, r.To, r.Relationship, false)));
            Shuffle(rows);
            return rows;
        }

        private void Shuffle<T>(List<T> list)
        {
            for (int i = list.Count - 1; i > 0; i--)
            {
                int j = random.Next(i + 1);
                (list[i], list[j]) = (list[j], list[i]);
            }
        }
    }
}
