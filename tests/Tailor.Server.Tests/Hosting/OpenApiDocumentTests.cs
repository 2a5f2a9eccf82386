using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Tailor.Server.Tests.Hosting;

/// <summary>The OpenAPI document describes every endpoint the node maps, and its reference page is served by the node itself.</summary>
public sealed partial class OpenApiDocumentTests(TailorAppFixture app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Every mapped route and method, from the app's own endpoint data source (so a new endpoint is seen at once).</summary>
    private List<(string Method, string Path, bool Excluded)> MappedEndpoints()
    {
        var list = new List<(string, string, bool)>();
        foreach (var endpoint in app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
            if (methods is null) continue; // fallbacks, not API routes
            // As the document writes a path: no trailing slash, parameters without their constraints.
            var path = "/" + Parameter().Replace(endpoint.RoutePattern.RawText!.Trim('/'), "{$1}");
            var excluded = endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>()?.ExcludeFromDescription == true;
            foreach (var method in methods) list.Add((method, path, excluded));
        }
        return list;
    }

    // Generated once per node (the slow part: every schema by reflection); the tests share one node, so they share one fetch.
    private static Task<string>? s_document;

    private async Task<JsonObject> DocumentAsync() =>
        JsonNode.Parse(await (s_document ??= app.Admin.GetStringAsync(new Uri(app.BaseAddress, "/openapi/v1.json"), CancellationToken.None)))!.AsObject();

    [Fact]
    public async Task Every_v1_and_api_endpoint_is_in_the_document_with_its_method_and_a_success_response()
    {
        var document = await DocumentAsync();
        var paths = document["paths"]!.AsObject();
        var mapped = MappedEndpoints();
        var api = mapped.Where(e => e.Path.StartsWith("/v1/", StringComparison.Ordinal) || e.Path.StartsWith("/api/", StringComparison.Ordinal)).ToList();
        Assert.True(api.Count > 100, $"only {api.Count} endpoints found: the data source was not read");

        var missing = new List<string>();
        foreach (var (method, path, excluded) in api.Where(e => !e.Excluded))
        {
            var operation = paths[path]?[method.ToLowerInvariant()]?.AsObject();
            if (operation is null) { missing.Add($"{method} {path}"); continue; }
            var responses = operation["responses"]!.AsObject();
            Assert.True(responses.Any(r => r.Key[0] is '2' or '3' || r.Key == "101"), $"{method} {path} describes no success response"); // 101: a WebSocket upgrade
            Assert.True(operation["operationId"] is not null, $"{method} {path} has no name (WithName)");
        }
        Assert.True(missing.Count == 0, "Not in /openapi/v1.json: " + string.Join(", ", missing));

        // Only the one-letter Segment aliases of the tracking routes are left out (the same handler as the full names).
        var hidden = api.Where(e => e.Excluded).Select(e => e.Path).Order().ToArray();
        Assert.Equal(["/v1/a", "/v1/b", "/v1/g", "/v1/i", "/v1/p", "/v1/s", "/v1/t"], hidden);
    }

    [Fact]
    public async Task Operations_name_their_security_scheme_and_their_errors_use_the_problem_schema()
    {
        var document = await DocumentAsync();
        var schemes = document["components"]!["securitySchemes"]!.AsObject();
        Assert.Equal("bearer", (string?)schemes["admin-key"]!["scheme"]);
        Assert.Equal("basic", (string?)schemes["write-key"]!["scheme"]);
        var problem = document["components"]!["schemas"]!["Problem"]!["properties"]!.AsObject();
        Assert.True(problem.ContainsKey("errors") && problem.ContainsKey("title") && problem.ContainsKey("status"), problem.ToJsonString());

        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var security = operation!["security"]?.AsArray().SelectMany(r => r!.AsObject().Select(p => p.Key)).ToArray() ?? [];
                if (path.StartsWith("/api/", StringComparison.Ordinal)) Assert.Equal(["admin-key"], security);
                else if (path.StartsWith("/v1/", StringComparison.Ordinal)) Assert.Equal(["write-key"], security);
                var bad = operation["responses"]!["400"]!["content"]!["application/problem+json"]!["schema"]!["$ref"];
                Assert.Equal("#/components/schemas/Problem", (string?)bad);
            }
        }
    }

    [Fact]
    public async Task Request_and_response_bodies_have_schemas()
    {
        var document = await DocumentAsync();
        var track = document["paths"]!["/v1/track"]!["post"]!;
        Assert.NotNull(track["requestBody"]!["content"]!["application/json"]!["schema"]);
        Assert.NotNull(track["responses"]!["200"]!["content"]!["application/json"]!["schema"]);
        var batch = document["paths"]!["/v1/batch"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"];
        Assert.Equal("#/components/schemas/TrackingBatchDocument", (string?)batch);
        var createSegment = document["paths"]!["/api/segments"]!["post"]!;
        Assert.NotNull(createSegment["requestBody"]!["content"]!["application/json"]!["schema"]);
        Assert.NotNull(createSegment["responses"]!["201"]!["content"]!["application/json"]!["schema"]);
    }

    [Fact]
    public async Task The_reference_page_is_served_by_the_node_with_no_asset_from_elsewhere()
    {
        using var response = await app.Anonymous.GetResponseAsync("/reference/");
        await response.ShouldBeAsync(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotMatch(@"(src|href)\s*=\s*[""']?(https?:)?//", html);
        var scripts = ScriptSources().Matches(html).Select(m => m.Groups[1].Value).ToArray();
        Assert.Contains("scalar.js", scripts);
        foreach (var script in scripts)
        {
            using var asset = await app.Anonymous.GetResponseAsync("/reference/" + script);
            await asset.ShouldBeAsync(HttpStatusCode.OK);
            Assert.Contains("javascript", asset.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
            Assert.True((await asset.Content.ReadAsByteArrayAsync(Ct)).Length > 1000, $"{script} is empty");
        }
        Assert.Contains("openapi/v1.json", html, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\{\*{0,2}(\w+)[^}]*\}")]
    private static partial Regex Parameter();

    [GeneratedRegex("<script[^>]*\\ssrc=\"([^\"]+)\"")]
    private static partial Regex ScriptSources();
}
