using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace Eligibility.Sql;

/// <summary>
/// Runs compiled trials (Spark dialect) on a Databricks SQL warehouse through the SQL Statement Execution API
/// (<c>POST /api/2.0/sql/statements</c>, polled with <c>GET /api/2.0/sql/statements/{id}</c>, results read as JSON
/// arrays, chunk after chunk). Each statement runs on its own, so the intermediate results are tables in the given
/// catalog and schema. The per-person result, which grows with the population, is read through <c>EXTERNAL_LINKS</c>
/// (short-lived URLs to the warehouse's storage, no size limit); the small ones inline (<c>INLINE</c>, at most 25 MiB).
/// A failed statement, an HTTP error, a timeout or an incomplete result is an exception — never an empty result.
/// </summary>
public sealed class DatabricksOmopRunner
{
    private readonly HttpClient http;
    private readonly Uri workspace;
    private readonly string token;
    private readonly string warehouseId;

    /// <summary>Creates a runner for one warehouse.</summary>
    /// <param name="http">The HTTP client (its lifetime is the caller's).</param>
    /// <param name="workspace">The workspace URL (<c>https://adb-….azuredatabricks.net</c>).</param>
    /// <param name="token">A personal access or OAuth token (read it from the environment, never from a command line).</param>
    /// <param name="warehouseId">The SQL warehouse's ID.</param>
    public DatabricksOmopRunner(HttpClient http, Uri workspace, string token, string warehouseId)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        ArgumentException.ThrowIfNullOrWhiteSpace(warehouseId);
        this.http = http;
        this.workspace = workspace;
        this.token = token;
        this.warehouseId = warehouseId;
    }

    /// <summary>The catalog the statements run in (the warehouse's default when <c>null</c>).</summary>
    public string? Catalog { get; init; }

    /// <summary>The schema the statements run in, where the intermediate <c>elig_</c> tables are written (the default when <c>null</c>).</summary>
    public string? Schema { get; init; }

    /// <summary>How long to wait between two polls of a running statement (default one second).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one statement may run before it is cancelled and a <see cref="TimeoutException"/> thrown (default 30 minutes).</summary>
    public TimeSpan StatementTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>The UCUM codes of the database's unit concepts, for <see cref="OmopSqlOptions.UnitCodes"/>.</summary>
    /// <param name="cdmSchema">The schema of the CDM tables, or <c>null</c> for the current one.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The distinct <c>concept_code</c>s of vocabulary <c>UCUM</c>, sorted.</returns>
    public async Task<IReadOnlyList<string>> UnitCodesAsync(string? cdmSchema, CancellationToken cancellationToken)
    {
        var (_, rows) = await ExecuteAsync(OmopResults.UnitCodesQuery(SqlDialect.Spark, cdmSchema), cancellationToken).ConfigureAwait(false);
        return rows.Select(r => r[0] as string ?? throw new DatabricksStatementException("a unit code is NULL", null, null, null)).ToList();
    }

    /// <summary>Reads the database's units, compiles the trial for Spark and runs it.</summary>
    /// <param name="trial">The compiled trial.</param>
    /// <param name="asOf">The screening date.</param>
    /// <param name="cdmSchema">The schema of the CDM tables (<c>catalog.schema</c> or <c>schema</c>), or <c>null</c> for the current one.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>Per-person rows and the attrition table.</returns>
    public async Task<OmopScreenResult> RunAsync(TrialEvaluator trial, DateOnly asOf, string? cdmSchema, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trial);
        var units = await UnitCodesAsync(cdmSchema, cancellationToken).ConfigureAwait(false);
        var compilation = OmopSqlCompiler.Compile(trial, SqlDialect.Spark, new OmopSqlOptions { AsOf = asOf, UnitCodes = units, CdmSchema = cdmSchema });
        return await RunAsync(compilation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a compiled script (Spark dialect) statement by statement, then reads the results.</summary>
    /// <param name="compilation">The compiled trial.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>Per-person rows and the attrition table.</returns>
    public async Task<OmopScreenResult> RunAsync(OmopSqlCompilation compilation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(compilation);
        return await RunStatementsAsync(compilation, OmopResults.Statements(compilation), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs trials compiled together (<see cref="OmopSqlCompiler.Compile(IReadOnlyList{TrialEvaluator}, SqlDialect, OmopSqlOptions)"/>,
    /// Spark dialect): the statements they share (persons, concept sets, fact copies) once, then each trial's own statements
    /// and its results, in order; a compilation made apart runs its whole script. Each trial's tables replace the previous
    /// trial's, so its results are read before the next one runs.
    /// </summary>
    /// <param name="compilations">The compiled trials, run in order.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>Per trial, in order: per-person rows and the attrition table.</returns>
    public async Task<IReadOnlyList<OmopScreenResult>> RunAsync(IReadOnlyList<OmopSqlCompilation> compilations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(compilations);
        var results = new List<OmopScreenResult>(compilations.Count);
        string? ran = null;
        foreach (var compilation in compilations)
        {
            ArgumentNullException.ThrowIfNull(compilation);
            if (!ReferenceEquals(ran, compilation.Prelude))
            {
                await ExecuteAllAsync(OmopResults.Statements(compilation.Prelude), cancellationToken).ConfigureAwait(false);
                ran = compilation.Prelude;
            }

            results.Add(await RunStatementsAsync(compilation, OmopResults.Statements(compilation.Body), cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>Runs statements one after the other (nothing read back).</summary>
    private async Task ExecuteAllAsync(IEnumerable<string> statements, CancellationToken cancellationToken)
    {
        foreach (string statement in statements)
        {
            await ExecuteAsync(statement, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs a script's statements but the last, then the last (the result query) through external links, and the attrition.</summary>
    private async Task<OmopScreenResult> RunStatementsAsync(OmopSqlCompilation compilation, IReadOnlyList<string> statements, CancellationToken cancellationToken)
    {
        await ExecuteAllAsync(statements.Take(statements.Count - 1), cancellationToken).ConfigureAwait(false);
        var (columns, rows) = await ExecuteAsync(statements[^1], externalLinks: true, cancellationToken).ConfigureAwait(false);
        var (_, attrition) = await ExecuteAsync(OmopResults.AttritionQuery, cancellationToken).ConfigureAwait(false);
        return OmopResults.Read(compilation, columns, rows, attrition);
    }

    /// <summary>Runs one statement to completion and returns its columns and every row (values as the API's text, or null).</summary>
    internal Task<(IReadOnlyList<string> Columns, List<object?[]> Rows)> ExecuteAsync(string statement, CancellationToken cancellationToken) =>
        ExecuteAsync(statement, externalLinks: false, cancellationToken);

    /// <summary>
    /// Runs one statement to completion and returns its columns and every row; with <paramref name="externalLinks"/>, the
    /// result is read through <c>EXTERNAL_LINKS</c> (each chunk downloaded from its URL) instead of inline.
    /// </summary>
    internal async Task<(IReadOnlyList<string> Columns, List<object?[]> Rows)> ExecuteAsync(string statement, bool externalLinks, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["statement"] = statement,
            ["warehouse_id"] = warehouseId,
            ["wait_timeout"] = "30s",
            ["on_wait_timeout"] = "CONTINUE",
            ["disposition"] = externalLinks ? "EXTERNAL_LINKS" : "INLINE",
            ["format"] = "JSON_ARRAY",
        };
        if (Catalog is not null)
        {
            body["catalog"] = Catalog;
        }

        if (Schema is not null)
        {
            body["schema"] = Schema;
        }

        var response = await SendAsync(HttpMethod.Post, "/api/2.0/sql/statements", body.ToJsonString(), null, cancellationToken).ConfigureAwait(false);
        string id = response["statement_id"]?.GetValue<string>() ?? throw Incomplete("the response has no statement_id", null);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (State(response) is "PENDING" or "RUNNING")
        {
            if (waited.Elapsed > StatementTimeout)
            {
                await SendAsync(HttpMethod.Post, $"/api/2.0/sql/statements/{Uri.EscapeDataString(id)}/cancel", null, id, cancellationToken).ConfigureAwait(false);
                throw new TimeoutException($"statement {id} still {State(response)} after {StatementTimeout}; it was cancelled");
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            response = await SendAsync(HttpMethod.Get, $"/api/2.0/sql/statements/{Uri.EscapeDataString(id)}", null, id, cancellationToken).ConfigureAwait(false);
        }

        string state = State(response);
        if (state != "SUCCEEDED")
        {
            var error = response["status"]?["error"];
            throw new DatabricksStatementException(
                $"statement {id} {state}: {error?["message"]?.GetValue<string>() ?? "no error message"}", id, state, error?["error_code"]?.GetValue<string>());
        }

        var manifest = response["manifest"] ?? throw Incomplete("the succeeded statement has no manifest", id);
        var columns = (manifest["schema"]?["columns"]?.AsArray() ?? throw Incomplete("the manifest has no columns", id))
            .Select(c => c?["name"]?.GetValue<string>() ?? throw Incomplete("a column has no name", id)).ToList();
        long? total = manifest["total_row_count"]?.GetValue<long>();
        var rows = new List<object?[]>();
        var chunk = response["result"];
        while (chunk is not null)
        {
            string? next = chunk["next_chunk_internal_link"]?.GetValue<string>();
            if (chunk["external_links"] is JsonArray links)
            {
                foreach (var link in links)
                {
                    var data = await DownloadAsync(link ?? throw Incomplete("an external link is null", id), id, cancellationToken).ConfigureAwait(false);
                    AddRows(data, columns.Count, rows, id);
                    next ??= link["next_chunk_internal_link"]?.GetValue<string>();
                }
            }
            else
            {
                AddRows(chunk["data_array"]?.AsArray() ?? new JsonArray(), columns.Count, rows, id);
            }

            chunk = next is null ? null : await SendAsync(HttpMethod.Get, next, null, id, cancellationToken).ConfigureAwait(false);
        }

        if (total is null && columns.Count > 0 && rows.Count == 0 && response["result"] is null)
        {
            throw Incomplete("the statement succeeded but neither rows nor a row count came back", id);
        }

        if (total is { } expected && expected != rows.Count)
        {
            throw Incomplete($"the manifest announces {expected} rows, {rows.Count} came back", id);
        }

        return (columns, rows);
    }

    private static void AddRows(JsonArray data, int columns, List<object?[]> rows, string id)
    {
        foreach (var row in data)
        {
            var values = row?.AsArray().Select(v => (object?)v?.GetValue<string>()).ToArray() ?? throw Incomplete("a row is null", id);
            if (values.Length != columns)
            {
                throw Incomplete($"a row has {values.Length} values for {columns} columns", id);
            }

            rows.Add(values);
        }
    }

    /// <summary>
    /// Downloads one chunk of an <c>EXTERNAL_LINKS</c> result: a GET of its URL with the headers the API gave and without
    /// the token (the URL carries its own short-lived credential). A link that fails — typically expired, as links last at
    /// most 15 minutes — is asked for again once through <c>GET …/result/chunks/{chunk_index}</c>. The URL is never put in
    /// an error message: it is a credential.
    /// </summary>
    private async Task<JsonArray> DownloadAsync(JsonNode link, string id, CancellationToken cancellationToken)
    {
        int chunkIndex = link["chunk_index"]?.GetValue<int>() ?? throw Incomplete("an external link has no chunk_index", id);
        var (status, text) = await GetExternalAsync(link, id, cancellationToken).ConfigureAwait(false);
        if (status is not HttpStatusCode.OK)
        {
            var fresh = await SendAsync(HttpMethod.Get, $"/api/2.0/sql/statements/{Uri.EscapeDataString(id)}/result/chunks/{chunkIndex.ToString(CultureInfo.InvariantCulture)}", null, id, cancellationToken).ConfigureAwait(false);
            var again = (fresh["external_links"] as JsonArray)?.FirstOrDefault(l => l?["chunk_index"]?.GetValue<int>() == chunkIndex)
                ?? throw Incomplete($"chunk {chunkIndex}'s link failed (HTTP {(int)status}) and asking for it again gave no link", id);
            (status, text) = await GetExternalAsync(again, id, cancellationToken).ConfigureAwait(false);
            if (status is not HttpStatusCode.OK)
            {
                throw new DatabricksStatementException($"HTTP {(int)status} downloading chunk {chunkIndex} of statement {id} from its external link, twice", id, null, ((int)status).ToString(CultureInfo.InvariantCulture))
                {
                    HttpStatus = (int)status,
                };
            }
        }

        try
        {
            return JsonNode.Parse(text) as JsonArray ?? throw Incomplete($"chunk {chunkIndex}'s download is not a JSON array", id);
        }
        catch (JsonException e)
        {
            throw Incomplete($"chunk {chunkIndex}'s download is not JSON ({e.Message})", id);
        }
    }

    private async Task<(HttpStatusCode Status, string Text)> GetExternalAsync(JsonNode link, string id, CancellationToken cancellationToken)
    {
        string url = link["external_link"]?.GetValue<string>() ?? throw Incomplete("an external link has no URL", id);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw Incomplete("an external link is not an absolute URL", id);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (link["http_headers"] is JsonObject headers)
        {
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value?.GetValue<string>());
            }
        }

        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
    }

    private static string State(JsonNode response) => response["status"]?["state"]?.GetValue<string>() ?? "(no state)";

    private static DatabricksStatementException Incomplete(string message, string? id) => new("incomplete response: " + message, id, null, null);

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, string? json, string? statementId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(workspace, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        JsonNode? node = null;
        try
        {
            node = text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            // reported below
        }

        if (!response.IsSuccessStatusCode)
        {
            string code = node?["error_code"]?.GetValue<string>() ?? ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            string message = node?["message"]?.GetValue<string>() ?? (text.Length > 200 ? text[..200] : text);
            throw new DatabricksStatementException($"HTTP {(int)response.StatusCode} from {method} {path}: {code}: {message}", statementId, null, code)
            {
                HttpStatus = (int)response.StatusCode,
            };
        }

        return node ?? (method == HttpMethod.Post && path.EndsWith("/cancel", StringComparison.Ordinal)
            ? new JsonObject()
            : throw Incomplete($"{method} {path} returned no JSON", statementId));
    }
}

/// <summary>A Databricks statement that failed, was cancelled, or came back incomplete, or an HTTP error from the API.</summary>
public sealed class DatabricksStatementException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="statementId">The statement's ID, if one was assigned.</param>
    /// <param name="state">The statement's final state (<c>FAILED</c>, <c>CANCELED</c>, <c>CLOSED</c>), if known.</param>
    /// <param name="errorCode">The API's error code, or the HTTP status code.</param>
    public DatabricksStatementException(string message, string? statementId, string? state, string? errorCode)
        : base(message)
    {
        StatementId = statementId;
        State = state;
        ErrorCode = errorCode;
    }

    /// <summary>The statement's ID, if one was assigned.</summary>
    public string? StatementId { get; }

    /// <summary>The statement's final state, if it got one.</summary>
    public string? State { get; }

    /// <summary>The API's error code (<c>BAD_REQUEST</c>, <c>PERMISSION_DENIED</c>, …) or the HTTP status code.</summary>
    public string? ErrorCode { get; }

    /// <summary>The HTTP status code, when the API answered with an error status.</summary>
    public int? HttpStatus { get; init; }
}
