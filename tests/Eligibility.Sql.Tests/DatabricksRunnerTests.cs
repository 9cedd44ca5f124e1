using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Eligibility.Sql.Tests;

/// <summary>
/// The Databricks runner against a fake SQL Statement Execution API on 127.0.0.1 (no cluster is reachable here): canned
/// responses for success, pending then success by polling, chunked results, a failed statement and HTTP errors. Every
/// failure is an exception, never an empty result.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class DatabricksRunnerTests
{
    private const string Token = "dapi-test-token";

    [Test]
    public async Task A_statement_that_succeeds_at_once_gives_its_rows()
    {
        using var server = new FakeStatementApi(request => request.Path == "/api/2.0/sql/statements"
            ? Ok(Succeeded("s1", Manifest(new[] { "concept_code" }, 2), Rows(new[] { "mg/dL" }, new[] { "umol/L" })))
            : NotFound());
        var units = await Runner(server).UnitCodesAsync("main.cdm", Cancel()).ConfigureAwait(false);

        units.Should().Equal("mg/dL", "umol/L");
        var post = server.Requests.Should().ContainSingle().Subject;
        post.Method.Should().Be("POST");
        post.Authorization.Should().Be("Bearer " + Token);
        var body = JsonNode.Parse(post.Body)!;
        body["warehouse_id"]!.GetValue<string>().Should().Be("wh-1");
        body["statement"]!.GetValue<string>().Should().Be("SELECT DISTINCT concept_code FROM `main`.`cdm`.concept WHERE vocabulary_id = 'UCUM' ORDER BY concept_code");
        body["format"]!.GetValue<string>().Should().Be("JSON_ARRAY");
        body["disposition"]!.GetValue<string>().Should().Be("INLINE");
        body["catalog"]!.GetValue<string>().Should().Be("main");
        body["schema"]!.GetValue<string>().Should().Be("scratch");
    }

    [Test]
    public async Task A_pending_statement_is_polled_until_it_succeeds()
    {
        int polls = 0;
        using var server = new FakeStatementApi(request => (request.Method, request.Path) switch
        {
            ("POST", "/api/2.0/sql/statements") => Ok(State("s2", "PENDING")),
            ("GET", "/api/2.0/sql/statements/s2") when ++polls < 3 => Ok(State("s2", "RUNNING")),
            ("GET", "/api/2.0/sql/statements/s2") => Ok(Succeeded("s2", Manifest(new[] { "concept_code" }, 1), Rows(new[] { "U/L" }))),
            _ => NotFound(),
        });
        var units = await Runner(server).UnitCodesAsync(null, Cancel()).ConfigureAwait(false);

        units.Should().Equal("U/L");
        polls.Should().Be(3);
        server.Requests.Select(r => r.Method + " " + r.Path).Should().Equal(
            "POST /api/2.0/sql/statements", "GET /api/2.0/sql/statements/s2", "GET /api/2.0/sql/statements/s2", "GET /api/2.0/sql/statements/s2");
    }

    [Test]
    public async Task Chunked_results_are_read_to_the_last_chunk()
    {
        using var server = new FakeStatementApi(request => request.Path switch
        {
            "/api/2.0/sql/statements" => Ok(Succeeded("s3", Manifest(new[] { "concept_code" }, 3), Chunk(Rows(new[] { "%" }), "/api/2.0/sql/statements/s3/result/chunks/1"))),
            "/api/2.0/sql/statements/s3/result/chunks/1" => Ok(Chunk(Rows(new[] { "g/L" }), "/api/2.0/sql/statements/s3/result/chunks/2")),
            "/api/2.0/sql/statements/s3/result/chunks/2" => Ok(Chunk(Rows(new[] { "mg/dL" }), null)),
            _ => NotFound(),
        });
        var units = await Runner(server).UnitCodesAsync(null, Cancel()).ConfigureAwait(false);

        units.Should().Equal("%", "g/L", "mg/dL");
    }

    [Test]
    public async Task A_failed_statement_is_an_exception_with_its_error()
    {
        using var server = new FakeStatementApi(_ => Ok(new JsonObject
        {
            ["statement_id"] = "s4",
            ["status"] = new JsonObject { ["state"] = "FAILED", ["error"] = new JsonObject { ["error_code"] = "BAD_REQUEST", ["message"] = "[TABLE_OR_VIEW_NOT_FOUND] concept" } },
        }));
        var act = () => Runner(server).UnitCodesAsync(null, Cancel());

        var e = (await act.Should().ThrowAsync<DatabricksStatementException>().ConfigureAwait(false)).Which;
        e.StatementId.Should().Be("s4");
        e.State.Should().Be("FAILED");
        e.ErrorCode.Should().Be("BAD_REQUEST");
        e.Message.Should().Contain("TABLE_OR_VIEW_NOT_FOUND");
    }

    [TestCase(HttpStatusCode.Unauthorized, "UNAUTHENTICATED")]
    [TestCase(HttpStatusCode.Forbidden, "PERMISSION_DENIED")]
    [TestCase(HttpStatusCode.TooManyRequests, "TEMPORARILY_UNAVAILABLE")]
    [TestCase(HttpStatusCode.InternalServerError, "INTERNAL_ERROR")]
    public async Task An_HTTP_error_is_an_exception_never_an_empty_result(HttpStatusCode status, string code)
    {
        using var server = new FakeStatementApi(_ => (status, new JsonObject { ["error_code"] = code, ["message"] = "canned " + code }.ToJsonString()));
        var act = () => Runner(server).UnitCodesAsync(null, Cancel());

        var e = (await act.Should().ThrowAsync<DatabricksStatementException>().ConfigureAwait(false)).Which;
        e.HttpStatus.Should().Be((int)status);
        e.ErrorCode.Should().Be(code);
        e.Message.Should().Contain("canned " + code);
    }

    [Test]
    public async Task A_result_shorter_than_its_manifest_is_an_exception()
    {
        using var server = new FakeStatementApi(_ => Ok(Succeeded("s5", Manifest(new[] { "concept_code" }, 2), Rows(new[] { "mg/dL" }))));
        var act = () => Runner(server).UnitCodesAsync(null, Cancel());

        (await act.Should().ThrowAsync<DatabricksStatementException>().ConfigureAwait(false)).Which.Message.Should().Contain("announces 2 rows, 1 came back");
    }

    [Test]
    public async Task A_statement_still_running_at_the_timeout_is_cancelled()
    {
        using var server = new FakeStatementApi(request => request.Path.EndsWith("/cancel", StringComparison.Ordinal) ? Ok(new JsonObject()) : Ok(State("s6", "RUNNING")));
        var runner = new DatabricksOmopRunner(server.Client, server.Address, Token, "wh-1") { PollInterval = TimeSpan.FromMilliseconds(20), StatementTimeout = TimeSpan.FromMilliseconds(200) };
        var act = () => runner.UnitCodesAsync(null, Cancel());

        await act.Should().ThrowAsync<TimeoutException>().ConfigureAwait(false);
        server.Requests.Last().Path.Should().Be("/api/2.0/sql/statements/s6/cancel");
    }

    [Test]
    public async Task A_trial_runs_statement_by_statement_and_reads_rows_and_attrition()
    {
        var compilation = AdultsTrial();
        int statements = 0;
        using var server = new FakeStatementApi(request =>
        {
            string sql = JsonNode.Parse(request.Body)!["statement"]!.GetValue<string>();
            statements++;
            if (sql.StartsWith("SELECT * FROM elig_result", StringComparison.Ordinal))
            {
                return Ok(Succeeded("r", Manifest(new[] { "person_id", "s_0", "o_0", "verdict" }, 2), Rows(new[] { "1", "2", "pass", "eligible" }, new[] { "2", "0", "fail", "ineligible" })));
            }

            if (sql.StartsWith("SELECT criterion_id", StringComparison.Ordinal))
            {
                return Ok(Succeeded("a", Manifest(new[] { "criterion_id", "review", "unknown", "excluded", "remaining" }, 1), Rows(new[] { "INCL01", "0", "0", "1", "1" })));
            }

            return Ok(Succeeded("d" + statements, Manifest(Array.Empty<string>(), 0), null));
        });
        var result = await Runner(server).RunAsync(compilation, Cancel()).ConfigureAwait(false);

        result.Rows.Select(r => (r.PersonId, r.Verdict, r.Outcomes[0])).Should().Equal((1L, Verdict.Eligible, Outcome.Pass), (2L, Verdict.Ineligible, Outcome.Fail));
        result.Attrition.Should().ContainSingle().Which.Excluded.Should().Be(1);
        server.Requests.Should().HaveCount(statements);
        server.Requests.Select(r => JsonNode.Parse(r.Body)!["statement"]!.GetValue<string>()).Should().Contain(s => s.StartsWith("ANALYZE TABLE elig_person", StringComparison.Ordinal));
    }

    [Test]
    public async Task Trials_compiled_together_run_the_shared_statements_once_then_each_trials_own()
    {
        var compilations = OmopSqlCompiler.Compile(new[] { AdultsTrialEvaluator("SQL-SPARK-A"), AdultsTrialEvaluator("SQL-SPARK-B") }, SqlDialect.Spark, new OmopSqlOptions { AsOf = Population.AsOf, CdmSchema = "main.cdm" });
        int results = 0;
        using var server = new FakeStatementApi(request =>
        {
            string sql = JsonNode.Parse(request.Body)!["statement"]!.GetValue<string>();
            if (sql.StartsWith("SELECT * FROM elig_result", StringComparison.Ordinal))
            {
                // The first trial's persons pass, the second's fail: each result is read after its own statements.
                string outcome = results++ == 0 ? "pass" : "fail";
                return Ok(Succeeded("r" + results, Manifest(new[] { "person_id", "s_0", "o_0", "verdict" }, 1), Rows(new[] { "1", outcome == "pass" ? "2" : "0", outcome, outcome == "pass" ? "eligible" : "ineligible" })));
            }

            return sql.StartsWith("SELECT criterion_id", StringComparison.Ordinal)
                ? Ok(Succeeded("a", Manifest(new[] { "criterion_id", "review", "unknown", "excluded", "remaining" }, 1), Rows(new[] { "INCL01", "0", "0", "0", "1" })))
                : Ok(Succeeded("d", Manifest(Array.Empty<string>(), 0), null));
        });

        var together = await Runner(server).RunAsync(compilations, Cancel()).ConfigureAwait(false);

        together.Select(r => (r.Compilation.TrialId, r.Rows.Single().Outcomes[0])).Should().Equal(("SQL-SPARK-A", Outcome.Pass), ("SQL-SPARK-B", Outcome.Fail));
        var sent = server.Requests.Select(r => JsonNode.Parse(r.Body)!["statement"]!.GetValue<string>()).ToList();
        sent.Count(s => s.Contains("CREATE OR REPLACE TABLE elig_person AS", StringComparison.Ordinal)).Should().Be(1, "the shared prelude runs once");
        sent.Count(s => s.Contains("CREATE OR REPLACE TABLE elig_state AS", StringComparison.Ordinal)).Should().Be(2, "each trial's own statements run");
        sent.Count(s => s.StartsWith("SELECT * FROM elig_result", StringComparison.Ordinal)).Should().Be(2);
        int firstResult = sent.FindIndex(s => s.StartsWith("SELECT * FROM elig_result", StringComparison.Ordinal));
        sent.FindLastIndex(s => s.Contains("CREATE OR REPLACE TABLE elig_state AS", StringComparison.Ordinal)).Should().BeGreaterThan(firstResult, "the first trial is read before the second replaces its tables");
        sent.Should().HaveCount(OmopResults.Statements(compilations[0].Prelude).Count + compilations.Sum(c => OmopResults.Statements(c.Body).Count + 1));
    }

    private const string KeyHeader = "x-amz-server-side-encryption-customer-key";

    /// <summary>Stands for the fake server's address in canned external links.</summary>
    private const string StorageHost = "http://fake-storage.invalid";

    [Test]
    public async Task The_per_person_result_is_read_through_external_links_chunk_after_chunk()
    {
        var compilation = AdultsTrial();
        using var server = new FakeStatementApi(request =>
        {
            switch (request.Method, request.Path)
            {
                case ("GET", "/storage/r/0"):
                    return Ok(RowArray(new[] { "1", "2", "pass", "eligible" }));
                case ("GET", "/storage/r/1"):
                    return Ok(RowArray(new[] { "2", "0", "fail", "ineligible" }, new[] { "3", "1", "unknown", "undetermined" }));
                case ("GET", "/api/2.0/sql/statements/r/result/chunks/1"):
                    return Ok(Links(Link(1, "/storage/r/1", next: null)));
            }

            string sql = JsonNode.Parse(request.Body)!["statement"]!.GetValue<string>();
            if (sql.StartsWith("SELECT * FROM elig_result", StringComparison.Ordinal))
            {
                return Ok(Succeeded("r", Manifest(new[] { "person_id", "s_0", "o_0", "verdict" }, 3), Links(Link(0, "/storage/r/0", next: "/api/2.0/sql/statements/r/result/chunks/1"))));
            }

            return sql.StartsWith("SELECT criterion_id", StringComparison.Ordinal)
                ? Ok(Succeeded("a", Manifest(new[] { "criterion_id", "review", "unknown", "excluded", "remaining" }, 1), Rows(new[] { "INCL01", "0", "1", "1", "1" })))
                : Ok(Succeeded("d", Manifest(Array.Empty<string>(), 0), null));
        });
        var result = await Runner(server).RunAsync(compilation, Cancel()).ConfigureAwait(false);

        result.Rows.Select(r => (r.PersonId, r.Verdict)).Should().Equal((1L, Verdict.Eligible), (2L, Verdict.Ineligible), (3L, Verdict.Undetermined));
        var posts = server.Requests.Where(r => r.Method == "POST").Select(r => JsonNode.Parse(r.Body)!).ToList();
        posts.Single(b => b["statement"]!.GetValue<string>().StartsWith("SELECT * FROM elig_result", StringComparison.Ordinal))["disposition"]!.GetValue<string>().Should().Be("EXTERNAL_LINKS");
        posts.Where(b => !b["statement"]!.GetValue<string>().StartsWith("SELECT * FROM elig_result", StringComparison.Ordinal))
            .Select(b => b["disposition"]!.GetValue<string>()).Should().OnlyContain(d => d == "INLINE");
        var downloads = server.Requests.Where(r => r.Path.StartsWith("/storage/", StringComparison.Ordinal)).ToList();
        downloads.Select(r => r.Path).Should().Equal("/storage/r/0", "/storage/r/1");
        downloads.Should().OnlyContain(r => r.Authorization == null, "the link carries its own credential; the token must not go to the storage");
        downloads.Should().OnlyContain(r => r.Key == "chunk-key", "the link's http_headers are sent with it");
    }

    [Test]
    public async Task An_expired_link_is_asked_for_again_once()
    {
        int fetches = 0;
        using var server = new FakeStatementApi(request => (request.Method, request.Path) switch
        {
            ("POST", _) => Ok(Succeeded("u", Manifest(new[] { "concept_code" }, 1), Links(Link(0, "/storage/old", next: null)))),
            ("GET", "/storage/old") => (HttpStatusCode.Forbidden, "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"),
            ("GET", "/api/2.0/sql/statements/u/result/chunks/0") when ++fetches == 1 => Ok(Links(Link(0, "/storage/new", next: null))),
            ("GET", "/storage/new") => Ok(RowArray(new[] { "mg/dL" })),
            _ => NotFound(),
        });
        var (_, rows) = await Runner(server).ExecuteAsync("SELECT 1", externalLinks: true, Cancel()).ConfigureAwait(false);

        rows.Select(r => r[0]).Should().Equal("mg/dL");
        fetches.Should().Be(1);
    }

    [Test]
    public async Task A_link_that_fails_twice_is_an_exception_that_does_not_show_the_link()
    {
        using var server = new FakeStatementApi(request => (request.Method, request.Path) switch
        {
            ("POST", _) => Ok(Succeeded("v", Manifest(new[] { "concept_code" }, 1), Links(Link(0, "/storage/bad?X-Amz-Signature=secret", next: null)))),
            ("GET", "/api/2.0/sql/statements/v/result/chunks/0") => Ok(Links(Link(0, "/storage/bad?X-Amz-Signature=secret", next: null))),
            _ => (HttpStatusCode.Forbidden, "denied"),
        });
        var act = () => Runner(server).ExecuteAsync("SELECT 1", externalLinks: true, Cancel());

        var e = (await act.Should().ThrowAsync<DatabricksStatementException>().ConfigureAwait(false)).Which;
        e.HttpStatus.Should().Be(403);
        e.Message.Should().Contain("chunk 0").And.NotContain("secret").And.NotContain("/storage/");
    }

    [Test]
    public async Task External_links_shorter_than_the_manifest_are_an_exception()
    {
        using var server = new FakeStatementApi(request => (request.Method, request.Path) switch
        {
            ("POST", _) => Ok(Succeeded("w", Manifest(new[] { "concept_code" }, 2), Links(Link(0, "/storage/w/0", next: null)))),
            ("GET", "/storage/w/0") => Ok(RowArray(new[] { "mg/dL" })),
            _ => NotFound(),
        });
        var act = () => Runner(server).ExecuteAsync("SELECT 1", externalLinks: true, Cancel());

        (await act.Should().ThrowAsync<DatabricksStatementException>().ConfigureAwait(false)).Which.Message.Should().Contain("announces 2 rows, 1 came back");
    }

    private static OmopSqlCompilation AdultsTrial() =>
        OmopSqlCompiler.Compile(AdultsTrialEvaluator("SQL-SPARK"), SqlDialect.Spark, new OmopSqlOptions { AsOf = Population.AsOf, CdmSchema = "main.cdm" });

    private static TrialEvaluator AdultsTrialEvaluator(string id)
    {
        string rules = """
            {
              "formatVersion": 1,
              "trial": {"id": "ID", "title": "Adults"},
              "defaults": {"lookback": "P28D"},
              "concepts": {},
              "inclusion": [{"id": "INCL01", "text": "Adults", "rule": {"kind": "age", "gte": 18}}],
              "exclusion": []
            }
            """;
        return RuleCompiler.CompileText(rules.Replace("\"ID\"", "\"" + id + "\"", StringComparison.Ordinal), "spark.json").EnsureSuccess();
    }

    /// <summary>
    /// One link of an <c>EXTERNAL_LINKS</c> result chunk, to <paramref name="path"/> on the fake server (which puts its own
    /// address in place of <see cref="StorageHost"/>), with a header to send along.
    /// </summary>
    private static JsonObject Link(int chunk, string path, string? next)
    {
        var link = new JsonObject
        {
            ["chunk_index"] = chunk,
            ["external_link"] = StorageHost + path,
            ["expiration"] = "2026-12-06T12:00:00.000Z",
            ["http_headers"] = new JsonObject { [KeyHeader] = "chunk-key" },
        };
        if (next is not null)
        {
            link["next_chunk_internal_link"] = next;
        }

        return link;
    }

    private static JsonObject Links(params JsonObject[] links) => new() { ["external_links"] = new JsonArray(links.Cast<JsonNode>().ToArray()) };

    private static JsonArray RowArray(params string[][] rows) =>
        new(rows.Select(r => (JsonNode)new JsonArray(r.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray())).ToArray());

    private static DatabricksOmopRunner Runner(FakeStatementApi server) =>
        new(server.Client, server.Address, Token, "wh-1") { Catalog = "main", Schema = "scratch", PollInterval = TimeSpan.FromMilliseconds(10) };

    private static CancellationToken Cancel() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    private static (HttpStatusCode, string) Ok(JsonNode body) => (HttpStatusCode.OK, body.ToJsonString());

    private static (HttpStatusCode, string) NotFound() => (HttpStatusCode.NotFound, """{"error_code":"NOT_FOUND","message":"no such path"}""");

    private static JsonObject State(string id, string state) => new() { ["statement_id"] = id, ["status"] = new JsonObject { ["state"] = state } };

    private static JsonObject Succeeded(string id, JsonObject manifest, JsonObject? result)
    {
        var body = State(id, "SUCCEEDED");
        body["manifest"] = manifest;
        if (result is not null)
        {
            body["result"] = result;
        }

        return body;
    }

    private static JsonObject Manifest(string[] columns, long? rows)
    {
        var manifest = new JsonObject
        {
            ["format"] = "JSON_ARRAY",
            ["schema"] = new JsonObject { ["columns"] = new JsonArray(columns.Select((c, i) => (JsonNode)new JsonObject { ["name"] = c, ["position"] = i, ["type_name"] = "STRING" }).ToArray()) },
        };
        if (rows is { } n)
        {
            manifest["total_row_count"] = n;
        }

        return manifest;
    }

    private static JsonObject Rows(params string[][] rows) =>
        new() { ["data_array"] = new JsonArray(rows.Select(r => (JsonNode)new JsonArray(r.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray())).ToArray()) };

    private static JsonObject Chunk(JsonObject rows, string? next)
    {
        if (next is not null)
        {
            rows["next_chunk_internal_link"] = next;
        }

        return rows;
    }

    /// <summary>A fake Statement Execution API on 127.0.0.1: each request is answered by the handler and recorded.</summary>
    private sealed class FakeStatementApi : IDisposable
    {
        private readonly HttpListener listener = new();
        private readonly Func<Request, (HttpStatusCode Status, string Body)> handler;
        private readonly Task loop;

        public FakeStatementApi(Func<Request, (HttpStatusCode, string)> handler)
        {
            this.handler = handler;
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Address = new Uri($"http://127.0.0.1:{port}/");
            listener.Prefixes.Add(Address.ToString());
            listener.Start();
            Client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            loop = Task.Run(Serve);
        }

        public Uri Address { get; }

        public HttpClient Client { get; }

        public List<Request> Requests { get; } = new();

        public void Dispose()
        {
            listener.Stop();
            listener.Close();
            Client.Dispose();
            loop.Wait(TimeSpan.FromSeconds(5));
        }

        private async Task Serve()
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                var request = new Request(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, context.Request.Headers["Authorization"], await reader.ReadToEndAsync().ConfigureAwait(false))
                {
                    Key = context.Request.Headers[KeyHeader],
                };
                (HttpStatusCode status, string body) answer;
                lock (Requests)
                {
                    Requests.Add(request);
                    answer = handler(request);
                }

                byte[] bytes = Encoding.UTF8.GetBytes(answer.body.Replace(StorageHost, Address.ToString().TrimEnd('/'), StringComparison.Ordinal));
                context.Response.StatusCode = (int)answer.status;
                context.Response.ContentType = "application/json";
                context.Response.ContentLength64 = bytes.Length;
                await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
                context.Response.Close();
            }
        }
    }

    private sealed record Request(string Method, string Path, string? Authorization, string Body)
    {
        /// <summary>The <see cref="KeyHeader"/> header, as an external link's <c>http_headers</c> would ask for.</summary>
        public string? Key { get; init; }
    }
}
