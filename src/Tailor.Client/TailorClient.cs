using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tailor.Client;

/// <summary>
/// A typed client for a Tailor node. Tracking calls (<c>/v1</c>) send the write key as the HTTP Basic username, as
/// Segment's libraries do; admin calls (<c>/api</c>) send the admin key as a bearer token. A refusal throws
/// <see cref="TailorApiException"/> with the field and rule the server named. Hand-kept (README.md says why): every
/// route is in <see cref="TailorRoutes"/>, which a test checks against the server's OpenAPI document.
/// </summary>
/// <param name="http">An <see cref="HttpClient"/> whose <see cref="HttpClient.BaseAddress"/> is the node.</param>
public sealed class TailorClient(HttpClient http, string? writeKey = null, string? adminKey = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    // Tracking

    public Task<IngestionResult> TrackAsync(TrackingMessage message, CancellationToken ct = default) => SendAsync<IngestionResult>(TailorRoutes.Track, message, Write, ct);

    public Task<IngestionResult> IdentifyAsync(TrackingMessage message, CancellationToken ct = default) => SendAsync<IngestionResult>(TailorRoutes.Identify, message, Write, ct);

    public Task<IngestionResult> PageAsync(TrackingMessage message, CancellationToken ct = default) => SendAsync<IngestionResult>(TailorRoutes.Page, message, Write, ct);

    /// <summary>Several messages, each with its <see cref="TrackingMessage.Type"/>; a bad one is refused alone (in <see cref="IngestionResult.Rejected"/>).</summary>
    public Task<IngestionResult> BatchAsync(IEnumerable<TrackingMessage> messages, CancellationToken ct = default) =>
        SendAsync<IngestionResult>(TailorRoutes.Batch, new { batch = messages }, Write, ct);

    /// <summary>A placement rendered for a visitor (by <paramref name="userId"/> or <paramref name="anonymousId"/>).</summary>
    public Task<Personalization> PersonalizeAsync(string placement, string? userId = null, string? anonymousId = null, string? locale = null, CancellationToken ct = default) =>
        SendAsync<Personalization>(TailorRoutes.Personalize, null, Write, ct, Query(("placement", placement), ("userId", userId), ("anonymousId", anonymousId), ("locale", locale)));

    // Profiles

    /// <summary>A profile by id (a merged-away id answers its survivor); null when there is none.</summary>
    public Task<Profile?> GetProfileAsync(string id, CancellationToken ct = default) => FindAsync<Profile>(TailorRoutes.GetProfile.Path(id), Admin, ct);

    /// <summary>The profile holding an identity (<c>userId</c>, <c>email</c>, …); null when there is none.</summary>
    public Task<Profile?> LookupProfileAsync(string type, string value, CancellationToken ct = default) =>
        FindAsync<Profile>(TailorRoutes.LookupProfile.Template + Query(("type", type), ("value", value)), Admin, ct);

    // Segments

    /// <summary>Creates a segment from a rule in text form, e.g. <c>trait plan = "pro"</c> (docs/rules.md).</summary>
    public Task<Segment> CreateSegmentAsync(string name, string rule, CancellationToken ct = default) =>
        SendAsync<Segment>(TailorRoutes.CreateSegment, new { name, rule }, Admin, ct);

    public Task<IReadOnlyList<Segment>> ListSegmentsAsync(CancellationToken ct = default) => SendAsync<IReadOnlyList<Segment>>(TailorRoutes.ListSegments, null, Admin, ct);

    /// <summary>A segment by id or name; null when there is none.</summary>
    public Task<Segment?> GetSegmentAsync(string idOrName, CancellationToken ct = default) => FindAsync<Segment>(TailorRoutes.GetSegment.Path(idOrName), Admin, ct);

    public async Task DeleteSegmentAsync(string idOrName, CancellationToken ct = default) =>
        await SendAsync<JsonElement?>(TailorRoutes.DeleteSegment, null, Admin, ct, path: TailorRoutes.DeleteSegment.Path(idOrName));

    public Task<SegmentMembers> SegmentMembersAsync(string idOrName, string? after = null, int? limit = null, CancellationToken ct = default) =>
        SendAsync<SegmentMembers>(TailorRoutes.SegmentMembers, null, Admin, ct,
            TailorRoutes.SegmentMembers.Path(idOrName) + Query(("after", after), ("limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture))), pathIsFull: true);

    // Content and the rest of /api

    public Task<Template> CreateTemplateAsync(string name, string body, string? subject = null, CancellationToken ct = default) =>
        SendAsync<Template>(TailorRoutes.CreateTemplate, new { name, body, subject }, Admin, ct);

    public Task<IReadOnlyList<Template>> ListTemplatesAsync(CancellationToken ct = default) => SendAsync<IReadOnlyList<Template>>(TailorRoutes.ListTemplates, null, Admin, ct);

    public Task<PipelineStatus> PipelineAsync(CancellationToken ct = default) => SendAsync<PipelineStatus>(TailorRoutes.Pipeline, null, Admin, ct);

    /// <summary>Sources, triggers, campaigns and dead letters as the API answers them (shapes in /openapi/v1.json).</summary>
    public Task<JsonElement> ListAsync(ClientRoute route, CancellationToken ct = default) => SendAsync<JsonElement>(route, null, Admin, ct);

    private AuthenticationHeaderValue Write => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{writeKey ?? throw new InvalidOperationException("a write key is needed for /v1")}:")));

    private AuthenticationHeaderValue Admin => new("Bearer", adminKey ?? throw new InvalidOperationException("an admin key is needed for /api"));

    private async Task<T?> FindAsync<T>(string path, AuthenticationHeaderValue auth, CancellationToken ct) where T : class
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Authorization = auth } };
        using var response = await http.SendAsync(request, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureAsync(response, ct);
        return await response.Content.ReadFromJsonAsync<T>(Json, ct);
    }

    private async Task<T> SendAsync<T>(ClientRoute route, object? body, AuthenticationHeaderValue auth, CancellationToken ct, string? query = null, string? path = null, bool pathIsFull = false)
    {
        var target = pathIsFull ? query! : (path ?? route.Template) + (query ?? "");
        using var request = new HttpRequestMessage(new HttpMethod(route.Method), target) { Headers = { Authorization = auth } };
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        using var response = await http.SendAsync(request, ct);
        await EnsureAsync(response, ct);
        if (response.StatusCode == HttpStatusCode.NoContent || response.Content.Headers.ContentLength == 0) return default!;
        return (await response.Content.ReadFromJsonAsync<T>(Json, ct))!;
    }

    private static async Task EnsureAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        var title = response.ReasonPhrase ?? "Error";
        var errors = new List<FieldError>();
        try
        {
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            var root = problem.RootElement;
            if (root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String) title = t.GetString()!;
            if (root.TryGetProperty("errors", out var list) && list.ValueKind == JsonValueKind.Array)
                errors.AddRange(list.Deserialize<List<FieldError>>(Json) ?? []);
            else if (root.TryGetProperty("field", out var field) && root.TryGetProperty("rule", out var rule) && field.ValueKind == JsonValueKind.String)
                errors.Add(new FieldError(field.GetString()!, rule.GetString() ?? ""));
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's page): the status and reason say enough.
        }
        throw new TailorApiException(response.StatusCode, title, errors);
    }

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var set = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToArray();
        return set.Length == 0 ? "" : "?" + string.Join('&', set);
    }
}
