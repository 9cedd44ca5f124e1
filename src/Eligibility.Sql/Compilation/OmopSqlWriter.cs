using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Eligibility.Binding;
using Eligibility.Codes;
using Eligibility.Compilation;
using Eligibility.Compilation.Nodes;
using Eligibility.Evaluation;
using Eligibility.Model;
using Eligibility.Time;

namespace Eligibility.Sql.Compilation;

/// <summary>
/// Writes one trial as a DuckDB script over OMOP CDM 5.4. Every criterion and part becomes a temp table
/// <c>elig_nK(person_id, s, p)</c>: <c>s</c> the status (0 false, 1 unknown, 2 true), <c>p</c> whether an unknown is only
/// pending judgement. Leaves read the CDM tables; <c>all</c>/<c>any</c>/<c>atLeast</c>/<c>not</c> combine their parts'
/// tables (AND = LEAST, OR = GREATEST, NOT = 2 − s). The last query gives per person every status and outcome and the verdict.
/// </summary>
internal sealed partial class OmopSqlWriter
{
    private readonly StringBuilder sql = new();
    private readonly List<OmopSqlNode> nodes = new();
    private readonly List<OmopSqlDiagnostic> unsupported = new();
    private readonly Dictionary<object, string> conceptSets = new(ReferenceEqualityComparer.Instance);
    private readonly DateOnly asOf;
    private readonly string trialId;
    private readonly IReadOnlyCollection<string> unitCodes;
    private readonly SqlDialectWriter dialect;

    public OmopSqlWriter(string trialId, SqlDialect dialect, OmopSqlOptions options)
    {
        this.dialect = SqlDialectWriter.For(dialect, options.CdmSchema);
        this.trialId = trialId;
        asOf = options.AsOf;
        unitCodes = options.UnitCodes;
    }

    public OmopSqlCompilation Write(IReadOnlyList<CompiledCriterion> criteria)
    {
        Line("-- Eligibility: trial " + trialId + " as of " + Date(asOf) + " over OMOP CDM 5.4 (" + dialect.Name + "). Status 0 false, 1 unknown, 2 true.");
        WritePersons();
        var roots = new List<(CompiledCriterion Criterion, OmopSqlNode Node)>();
        foreach (var c in criteria)
        {
            var scope = new Scope(c.Info.Id, null);
            var node = WriteNode(c.Rule, c.Info, c.Info.Id, scope, negated: false);
            roots.Add((c, node));
        }

        WriteResult(roots);
        return new OmopSqlCompilation(trialId, sql.ToString(), nodes, unsupported);
    }

    /// <summary>A comment line.</summary>
    private void Line(string text) => sql.Append(dialect.CommentText(text)).Append('\n');

    private void Statement(string text) => sql.Append(text.TrimEnd()).Append(";\n");

    /// <summary>An intermediate table from a query, with the dialect's statistics.</summary>
    private void CreateTable(string name, string query) => Statement(dialect.CreateTable(name, query.TrimEnd()));

    private static string Table(int index) => "elig_n" + index.ToString(CultureInfo.InvariantCulture);

    internal static string Date(DateOnly d) => "DATE '" + d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "'";

    internal static string Text(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";

    internal static string Number(decimal d) => d.ToString(CultureInfo.InvariantCulture);

    /// <summary>Persons with sex ('F', 'M' or NULL), birth date (NULL unless day and month are known), age at as-of and the day before.</summary>
    private void WritePersons()
    {
        CreateTable("elig_person", $"""
            SELECT person_id, sex, birth, {AgeAt("birth", Date(asOf))} AS age, {AgeAt("birth", Date(asOf.AddDays(-1)))} AS age_prev
            FROM (
              SELECT person_id,
                CASE gender_concept_id WHEN 8532 THEN 'F' WHEN 8507 THEN 'M' END AS sex,
                COALESCE(CAST(birth_datetime AS DATE),
                  CASE WHEN month_of_birth IS NOT NULL AND day_of_birth IS NOT NULL THEN make_date(year_of_birth, month_of_birth, day_of_birth) END) AS birth
              FROM {dialect.Cdm("person")}){dialect.DerivedAlias("b")}
            """);
    }

    private OmopSqlNode WriteNode(RuleNode rule, CriterionInfo criterion, string path, Scope scope, bool negated)
    {
        if (rule.Id is { } id)
        {
            scope = scope.Push(id);
        }

        int index = nodes.Count;
        nodes.Add(null!); // reserve the index: parts come after their parent in the list
        string? reason = null;
        var partNodes = new List<OmopSqlNode>();
        bool childrenNegated = rule.Kind == "not" ? !negated : negated;
        for (int i = 0; i < rule.Children.Count; i++)
        {
            partNodes.Add(WriteNode(rule.Children[i], criterion, path + "/" + i.ToString(CultureInfo.InvariantCulture), scope, childrenNegated));
        }

        string body;
        localSetsRead.Clear();
        try
        {
            body = rule switch
            {
                CompositeNode => Composite(rule, partNodes),
                NotNode => $"SELECT person_id, 2 - s AS s, p FROM {Table(partNodes[0].Index)}",
                AgeNode => Age(rule),
                SexNode => Sex(rule),
                MeasurementNode => Measurement(rule),
                ConditionNode => Condition(rule),
                ProcedureNode => Procedure(rule),
                MedicationNode => Medication(rule),
                JudgementNode => Judgement(rule, scope),
                CodedNode => Coded(rule),
                PregnancyNode => Pregnancy(rule),
                ImmunizationNode => Immunization(rule),
                _ => throw new UnsupportedRuleException($"the SQL back end does not support '{rule.Kind}' rules yet"),
            };
        }
        catch (UnsupportedRuleException e)
        {
            reason = e.Message;
            body = "SELECT person_id, 1 AS s, FALSE AS p FROM elig_person";
        }

        body = reason is null ? GuardLocalSets(body) : body;

        string? partId = rule.Id ?? (path == criterion.Id ? criterion.Id : null);
        var node = new OmopSqlNode(index, criterion.Id, criterion.Type, path, partId, rule.Kind, reason) { Negated = negated };
        nodes[index] = node;
        if (reason is not null)
        {
            unsupported.Add(new OmopSqlDiagnostic(criterion.Id, path, rule.Id, rule.Kind, reason));
            Line($"-- {path} ({rule.Kind}): unsupported, unknown for everyone: {reason.Replace('\n', ' ')}");
        }
        else
        {
            Line($"-- {path} ({rule.Kind}){(rule.Text is { } t ? ": " + OneLine(t) : string.Empty)}");
        }

        CreateTable(Table(index), body);
        return node;
    }

    private static string OneLine(string text)
    {
        string flat = text.Replace('\r', ' ').Replace('\n', ' ').Replace(';', ',');
        return flat.Length > 100 ? flat[..100] + "…" : flat;
    }

    /// <summary>Kleene <c>all</c> (LEAST), <c>any</c> (GREATEST), <c>atLeast n</c> (count of true and unknown parts).</summary>
    private string Composite(RuleNode rule, List<OmopSqlNode> parts)
    {
        int n = rule.Kind switch
        {
            "all" => parts.Count,
            "any" => 1,
            _ => ((CompositeNode)rule).AtLeast,
        };
        var aliases = parts.Select((_, i) => "t" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        string from = Table(parts[0].Index) + " t0" + string.Concat(parts.Skip(1).Select((p, i) => $" JOIN {Table(p.Index)} t{(i + 1).ToString(CultureInfo.InvariantCulture)} USING (person_id)"));
        string trues = string.Join(" + ", aliases.Select(a => $"CAST({a}.s = 2 AS INTEGER)"));
        string unknowns = string.Join(" + ", aliases.Select(a => $"CAST({a}.s = 1 AS INTEGER)"));
        string status = $"CASE WHEN {trues} >= {n} THEN 2 WHEN {trues} + {unknowns} < {n} THEN 0 ELSE 1 END";
        // Pending: unknown, and every unknown part is pending judgement.
        string allPending = string.Join(" AND ", aliases.Select(a => $"({a}.s <> 1 OR {a}.p)"));
        return $"SELECT person_id, s, s = 1 AND pending AS p FROM (SELECT t0.person_id, {status} AS s, {allPending} AS pending FROM {from}){dialect.DerivedAlias("c")}";
    }

    private string Age(RuleNode rule)
    {
        var b = ((AgeNode)rule).Bounds;
        string met = Satisfies(b, "age");
        // "> N" holds from the day after the Nth birthday: the day before, the age was already N.
        if (b.Gt is { } gt && gt == decimal.Truncate(gt))
        {
            met = $"({met} OR (age = {Number(gt)} AND age_prev >= {Number(gt)} AND {Satisfies(b with { Gt = null }, "age")}))";
        }

        return $"SELECT person_id, CASE WHEN birth IS NULL THEN 1 WHEN {met} THEN 2 ELSE 0 END AS s, FALSE AS p FROM elig_person";
    }

    private static string Sex(RuleNode rule)
    {
        var allowed = ((SexNode)rule).Allowed;
        var codes = allowed.Select(s => s switch
        {
            Eligibility.Patients.AdministrativeSex.Female => "'F'",
            Eligibility.Patients.AdministrativeSex.Male => "'M'",
            _ => "'?'",
        }).ToList();
        return $"SELECT person_id, CASE WHEN sex IS NULL THEN 1 WHEN sex IN ({string.Join(", ", codes)}) THEN 2 ELSE 0 END AS s, FALSE AS p FROM elig_person";
    }

    /// <summary>The bounds as a SQL condition on <paramref name="x"/> (TRUE when there are none).</summary>
    internal static string Satisfies(Bounds b, string x)
    {
        var parts = new List<string>();
        if (b.Gt is { } gt) parts.Add($"{x} > {Number(gt)}");
        if (b.Gte is { } gte) parts.Add($"{x} >= {Number(gte)}");
        if (b.Lt is { } lt) parts.Add($"{x} < {Number(lt)}");
        if (b.Lte is { } lte) parts.Add($"{x} <= {Number(lte)}");
        return parts.Count == 0 ? "TRUE" : "(" + string.Join(" AND ", parts) + ")";
    }

    /// <summary>The bounds on <c>value / limit</c>, written without dividing: <c>value op bound × limit</c> (limit &gt; 0).</summary>
    private static string SatisfiesRatio(Bounds b, string value, string limit)
    {
        var parts = new List<string>();
        if (b.Gt is { } gt) parts.Add($"{value} > {Number(gt)} * {limit}");
        if (b.Gte is { } gte) parts.Add($"{value} >= {Number(gte)} * {limit}");
        if (b.Lt is { } lt) parts.Add($"{value} < {Number(lt)} * {limit}");
        if (b.Lte is { } lte) parts.Add($"{value} <= {Number(lte)} * {limit}");
        return parts.Count == 0 ? "TRUE" : "(" + string.Join(" AND ", parts) + ")";
    }

    /// <summary>The window <c>[asOf − D, asOf]</c>.</summary>
    private DateWindow Window(IsoDuration d) => DateWindow.Before(asOf, d);

    private void WriteResult(List<(CompiledCriterion Criterion, OmopSqlNode Node)> roots)
    {
        var select = new StringBuilder();
        foreach (var node in nodes)
        {
            string k = node.Index.ToString(CultureInfo.InvariantCulture);
            var effective = node.Negated ? (node.Type == CriterionType.Inclusion ? CriterionType.Exclusion : CriterionType.Inclusion) : node.Type;
            string passWhen = effective == CriterionType.Inclusion ? "2" : "0";
            select.Append(CultureInfo.InvariantCulture, $",\n  s_{k}, CASE WHEN s_{k} = 1 THEN (CASE WHEN p_{k} THEN 'review' ELSE 'unknown' END) WHEN s_{k} = {passWhen} THEN 'pass' ELSE 'fail' END AS o_{k}");
        }

        string wide = WriteWide();
        var outcomes = roots.Select(r => "o_" + r.Node.Index.ToString(CultureInfo.InvariantCulture)).ToList();
        CreateTable("elig_result", $"""
            SELECT person_id{select},
              {Verdict(roots.Select(r => r.Node).ToList())} AS verdict
            FROM {wide}
            """);
        var attrition = new List<string>();
        for (int i = 0; i < roots.Count; i++)
        {
            string o = outcomes[i];
            string failedSoFar = string.Join(" OR ", outcomes.Take(i + 1).Select(x => $"{x} = 'fail'"));
            attrition.Add($"SELECT {i.ToString(CultureInfo.InvariantCulture)} AS ordinal, {Text(roots[i].Criterion.Info.Id)} AS criterion_id, "
                + $"{dialect.CountWhere($"{o} = 'review'")} AS review, {dialect.CountWhere($"{o} = 'unknown'")} AS unknown, "
                + $"{dialect.CountWhere($"{o} = 'fail'")} AS excluded, {dialect.CountWhere($"NOT ({failedSoFar})")} AS remaining FROM elig_result");
        }

        CreateTable("elig_attrition", attrition.Count == 0
            ? "SELECT 0 AS ordinal, '' AS criterion_id, 0 AS review, 0 AS unknown, 0 AS excluded, 0 AS remaining WHERE FALSE"
            : string.Join("\nUNION ALL\n", attrition));
        Statement("SELECT * FROM elig_result ORDER BY person_id");
    }

    /// <summary>OMOP vocabulary IDs for a (normalised) code system, or none when OMOP has no such vocabulary.</summary>
    internal static IReadOnlyList<string> VocabulariesOf(string system) => CodeSystems.Normalise(system) switch
    {
        CodeSystems.Loinc => new[] { "LOINC" },
        CodeSystems.Snomed => new[] { "SNOMED" },
        CodeSystems.RxNorm => new[] { "RxNorm" },
        CodeSystems.Icd10 => new[] { "ICD10CM", "ICD10" },
        CodeSystems.Atc => new[] { "ATC" },
        "http://hl7.org/fhir/sid/cvx" => new[] { "CVX" },
        LocalSystem => new[] { LocalVocabulary },
        _ => Array.Empty<string>(),
    };
}
