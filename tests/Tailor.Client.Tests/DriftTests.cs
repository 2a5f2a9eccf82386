using System.Reflection;
using System.Text.Json.Nodes;

namespace Tailor.Client.Tests;

/// <summary>The client and the server's OpenAPI document agree: every route the client calls exists with its method, and every property its records read is in the response schema.</summary>
public sealed class DriftTests(NodeFixture node)
{
    private async Task<JsonObject> DocumentAsync() =>
        JsonNode.Parse(await node.DocumentAsync())!.AsObject();

    [Fact]
    public async Task Every_client_route_is_in_the_document_with_the_same_method()
    {
        var paths = (await DocumentAsync())["paths"]!.AsObject();
        Assert.True(TailorRoutes.All.Count >= 19);
        var missing = TailorRoutes.All.Where(r => paths[r.Template]?[r.Method.ToLowerInvariant()] is null).Select(r => $"{r.Method} {r.Template}").ToList();
        Assert.True(missing.Count == 0, "Not in /openapi/v1.json: " + string.Join(", ", missing));
    }

    [Theory]
    [InlineData(typeof(Profile), "/api/profiles/{id}", "get", "200")]
    [InlineData(typeof(Segment), "/api/segments", "post", "201")]
    [InlineData(typeof(Template), "/api/templates", "post", "201")]
    [InlineData(typeof(PipelineStatus), "/api/pipeline", "get", "200")]
    [InlineData(typeof(Personalization), "/v1/personalize", "get", "200")]
    [InlineData(typeof(IngestionResult), "/v1/track", "post", "200")]
    [InlineData(typeof(SegmentMembers), "/api/segments/{id}/members", "get", "200")]
    public async Task Every_property_a_client_record_reads_is_in_the_response_schema(Type record, string path, string method, string status)
    {
        var document = await DocumentAsync();
        var schema = Resolve(document, document["paths"]![path]![method]!["responses"]![status]!["content"]!["application/json"]!["schema"]!);
        var properties = schema["properties"]!.AsObject();
        foreach (var property in record.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
            Assert.True(properties.ContainsKey(name), $"{record.Name}.{property.Name} is not in the schema of {method.ToUpperInvariant()} {path}: {string.Join(", ", properties.Select(p => p.Key))}");
        }
    }

    private static JsonNode Resolve(JsonObject document, JsonNode schema) =>
        schema["$ref"] is { } reference ? document["components"]!["schemas"]![((string)reference!).Split('/')[^1]]! : schema;
}
