using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using DuckDB.NET.Data;
using Eligibility.Cli.Input;
using Eligibility.Cli.Omop;
using Eligibility.Sql;

namespace Eligibility.Cli.Commands;

/// <summary>
/// <c>eligibility omop-generate</c>: a synthetic OMOP CDM 5.4 population in a new DuckDB file, built around the given
/// trials' rules, and optionally the same persons as native NDJSON records (for tests, benchmarks and examples).
/// </summary>
internal sealed class OmopGenerateCommand : CliCommand
{
    private readonly Option<string[]> rules = new("--rules") { Description = "Rule files or folders of them: the population is built around their rules and codes.", Required = true, AllowMultipleArgumentsPerToken = true, HelpName = "PATH" };
    private readonly Option<int> persons = new("--persons") { Description = "How many persons (person_id 1 to N).", Required = true, HelpName = "N" };
    private readonly Option<int> seed = new("--seed") { Description = "The random seed. Default: 1. The same seed, size, date and rule files give the same population.", DefaultValueFactory = _ => 1, HelpName = "S" };
    private readonly Option<DateOnly?> asOf = AsOfDate.CreateOption("The screening date the edge cases are placed around (screen with the same --as-of). Default: today.");
    private readonly Option<string> outPath = new("--out") { Description = "The new database: duckdb:PATH (the file must not exist).", Required = true, HelpName = "duckdb:PATH" };
    private readonly Option<string?> native = new("--native") { Description = "Also write the same persons as native patient records, one NDJSON line each, to FILE.", HelpName = "FILE" };

    public OmopGenerateCommand(CliConsole console)
        : base("omop-generate", "Generate a synthetic OMOP CDM 5.4 population in DuckDB (and the same persons as native NDJSON) for tests, benchmarks and examples.", console)
    {
        persons.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 0)
            {
                r.AddError("--persons: the count must be 0 or more");
            }
        });
        Options.Add(rules);
        Options.Add(persons);
        Options.Add(seed);
        Options.Add(asOf);
        Options.Add(outPath);
        Options.Add(native);
    }

    public override IReadOnlyList<(string CommandLine, string Comment)> Examples { get; } =
    [
        ("eligibility omop-generate --rules rules --persons 2000 --as-of 2026-03-01 --out duckdb:cdm.duckdb --native patients.ndjson", "2,000 synthetic persons as OMOP rows and as native records"),
        ("eligibility omop-generate --rules rules/NCT07077486.json --persons 500 --seed 7 --out duckdb:cdm.duckdb && eligibility screen --omop duckdb:cdm.duckdb --rules rules/NCT07077486.json --summary summary.json > rows.ndjson", "Then screen them in SQL (as of today: generate and screen with the same date)"),
    ];

    protected override int Execute(ParseResult parseResult)
    {
        var ruleFiles = InputPaths.Expand(parseResult.GetRequiredValue(rules), Console).Where(f => f.Kind == JsonFileKind.RuleFile).ToList();
        if (ruleFiles.Count == 0)
        {
            throw new CliInputException("no rule files found in --rules");
        }

        var compiler = new RuleFiles();
        var trials = ruleFiles.Select(f => compiler.LoadOrThrow(f.Path, Console)).ToList();
        string path = OmopDatabase.DuckDbPath(parseResult.GetRequiredValue(outPath), "--out");
        if (File.Exists(path))
        {
            throw new CliInputException($"--out: {path} exists; omop-generate writes a new database");
        }

        int count = parseResult.GetValue(persons);
        DateOnly date = parseResult.GetValue(asOf) ?? Console.Today;
        string? nativePath = parseResult.GetValue(native);
        var clock = Stopwatch.StartNew();
        try
        {
            using var nativeFile = nativePath is null ? null : new StreamWriter(nativePath, false, new UTF8Encoding(false)) { NewLine = "\n" };
            var buffer = new MemoryStream();
            using var writer = new Utf8JsonWriter(buffer, ResultJson.Options(indented: false));
            using (var connection = new DuckDBConnection($"Data Source={path}"))
            {
                connection.Open();
                SyntheticOmop.Generate(connection, trials, count, parseResult.GetValue(seed), date, nativeFile is null ? null : record =>
                {
                    buffer.SetLength(0);
                    writer.Reset();
                    NativeRecordJson.Write(writer, record);
                    writer.Flush();
                    nativeFile.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
                });
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DuckDBException)
        {
            throw new CliInputException($"cannot write {(ex is DuckDBException ? path : nativePath ?? path)}: {ex.Message.ReplaceLineEndings(" ")}", ex);
        }

        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Generated {count} person(s) around {string.Join(", ", trials.Select(t => t.Trial.Id))} as of {AsOfDate.Format(date)} in {clock.Elapsed.TotalSeconds:0.0} s: {path}{(nativePath is null ? string.Empty : " and " + nativePath)}."));
        return ExitCodes.Success;
    }
}
