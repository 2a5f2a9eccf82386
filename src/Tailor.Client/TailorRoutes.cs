namespace Tailor.Client;

/// <summary>
/// Every route the client calls, in one place: the client's methods use only these, and a test checks each against
/// the server's <c>/openapi/v1.json</c> (same path, same method), so the client and the API cannot drift apart unseen.
/// </summary>
public static class TailorRoutes
{
    public static readonly ClientRoute Track = new("POST", "/v1/track");
    public static readonly ClientRoute Identify = new("POST", "/v1/identify");
    public static readonly ClientRoute Page = new("POST", "/v1/page");
    public static readonly ClientRoute Batch = new("POST", "/v1/batch");
    public static readonly ClientRoute Personalize = new("GET", "/v1/personalize");
    public static readonly ClientRoute GetProfile = new("GET", "/api/profiles/{id}");
    public static readonly ClientRoute LookupProfile = new("GET", "/api/profiles/lookup");
    public static readonly ClientRoute CreateSegment = new("POST", "/api/segments");
    public static readonly ClientRoute ListSegments = new("GET", "/api/segments");
    public static readonly ClientRoute GetSegment = new("GET", "/api/segments/{id}");
    public static readonly ClientRoute DeleteSegment = new("DELETE", "/api/segments/{id}");
    public static readonly ClientRoute SegmentMembers = new("GET", "/api/segments/{id}/members");
    public static readonly ClientRoute CreateTemplate = new("POST", "/api/templates");
    public static readonly ClientRoute ListTemplates = new("GET", "/api/templates");
    public static readonly ClientRoute ListSources = new("GET", "/api/sources");
    public static readonly ClientRoute Pipeline = new("GET", "/api/pipeline");
    public static readonly ClientRoute ListDeadLetters = new("GET", "/api/dead-letters");
    public static readonly ClientRoute ListTriggers = new("GET", "/api/triggers");
    public static readonly ClientRoute ListCampaigns = new("GET", "/api/campaigns");

    /// <summary>All of the above (what the drift test checks).</summary>
    public static IReadOnlyList<ClientRoute> All { get; } =
        [.. typeof(TailorRoutes).GetFields().Where(f => f.FieldType == typeof(ClientRoute)).Select(f => (ClientRoute)f.GetValue(null)!)];
}
