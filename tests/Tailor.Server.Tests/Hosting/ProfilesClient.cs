using System.Text.Json.Nodes;

namespace Tailor.Server.Tests.Hosting;

/// <summary>Reads profiles through the admin API.</summary>
public static class ProfilesClient
{
    public static Task<JsonObject> LookupAsync(this HttpClient admin, string type, string value) =>
        admin.GetObjectAsync($"/api/profiles/lookup?type={type}&value={Uri.EscapeDataString(value)}");

    public static Task<JsonObject> ProfileAsync(this HttpClient admin, string id) =>
        admin.GetObjectAsync($"/api/profiles/{Uri.EscapeDataString(id)}");

    /// <summary>The profile's events, newest first; <paramref name="query"/> is a query string without '?'.</summary>
    public static Task<JsonArray> EventsAsync(this HttpClient admin, string profileId, string query = "") =>
        admin.GetArrayAsync($"/api/profiles/{Uri.EscapeDataString(profileId)}/events{(query.Length == 0 ? "" : "?" + query)}");

    public static long EventCount(this JsonObject profile) => (long)profile["computed"]!["eventCount"]!;

    public static string Id(this JsonObject profile) => (string)profile["id"]!;

    public static IEnumerable<string> MessageIds(this JsonArray events) => events.Select(e => (string)e!["messageId"]!);

    public static IEnumerable<(string Type, string Value)> Identities(this JsonObject profile) =>
        profile["identities"]!.AsArray().Select(i => ((string)i!["type"]!, (string)i["value"]!));
}
