using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tailor.Server.Tests.Hosting;

/// <summary>Small HTTP helpers that keep the tests about behaviour, not plumbing.</summary>
public static class Http
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string path, string body) =>
        client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"), Ct);

    public static Task<HttpResponseMessage> PostObjectAsync(this HttpClient client, string path, object body) =>
        client.PostRawAsync(path, JsonSerializer.Serialize(body));

    public static async Task<JsonObject> JsonAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsObject();

    public static async Task<JsonArray> JsonArrayAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsArray();

    public static async Task<JsonObject> GetObjectAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Ct);
        await response.ShouldBeAsync(HttpStatusCode.OK);
        return await response.JsonAsync();
    }

    public static async Task<JsonArray> GetArrayAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Ct);
        await response.ShouldBeAsync(HttpStatusCode.OK);
        return await response.JsonArrayAsync();
    }

    /// <summary>Posts and expects a 2xx ingestion answer; returns its JSON.</summary>
    public static async Task<JsonObject> SendAsync(this HttpClient client, string path, object body)
    {
        using var response = await client.PostObjectAsync(path, body);
        await response.ShouldBeAsync(HttpStatusCode.OK);
        var json = await response.JsonAsync();
        Assert.True((bool)json["success"]!, json.ToJsonString());
        return json;
    }

    public static async Task ShouldBeAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
            Assert.Fail($"Expected {(int)status} {status} but got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
    }

    /// <summary>
    /// Asserts an RFC 9457 problem with the given status whose <c>errors</c> name <paramref name="field"/> and a rule
    /// containing <paramref name="rule"/>; returns the matching error.
    /// </summary>
    public static async Task<JsonObject> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string field, string rule, int? index = null)
    {
        await response.ShouldBeAsync(status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.Equal((int)status, (int)problem["status"]!);
        var errors = problem["errors"]?.AsArray() ?? [];
        var match = errors.Select(e => e!.AsObject()).FirstOrDefault(e =>
            (string?)e["field"] == field && ((string?)e["rule"])?.Contains(rule, StringComparison.Ordinal) == true
            && (index is null || (int?)e["index"] == index));
        Assert.True(match is not null, $"No error names field '{field}' with rule '{rule}'{(index is null ? "" : $" at index {index}")}: {problem.ToJsonString()}");
        return match;
    }

    public static string Iso(DateTimeOffset time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>For query strings: ISO-8601 with the '+' of the offset escaped.</summary>
    public static string Query(DateTimeOffset time) => Uri.EscapeDataString(Iso(time));

    public static Task<HttpResponseMessage> GetResponseAsync(this HttpClient client, string path) => client.GetAsync(path, Ct);

    public static Task<HttpResponseMessage> PutObjectAsync(this HttpClient client, string path, object body) =>
        client.PutAsJsonAsync(path, body, Ct);
}
