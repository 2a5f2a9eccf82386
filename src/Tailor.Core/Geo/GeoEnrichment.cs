using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tailor.Core.Events;

namespace Tailor.Core.Geo;

/// <summary>
/// What geo from IP does to a message before it is logged: the address (<c>context.ip</c>, else the request's for a
/// browser library or the pixel) is looked up, the place written as <c>context.geo</c> (<c>country</c>, <c>region</c>,
/// <c>city</c>), and <c>context.ip</c> truncated when the operator asks. The request's own address is used for the
/// lookup only, never stored. Pure: the database is an <see cref="IGeoLookup"/>.
/// </summary>
public sealed class GeoEnrichment(IGeoLookup? lookup, GeoOptions options)
{
    /// <summary>The <c>context.library.name</c> of Segment's browser library (analytics.js and analytics-next alike).</summary>
    public const string BrowserLibrary = "analytics.js";

    private static readonly JsonSerializerOptions Output = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>True when enrichment can change anything: a database, or truncation asked for.</summary>
    public bool IsActive => lookup is not null || options.TruncateIp;

    /// <summary>The place of an address given as text (e.g. a query parameter), else of the request's address.</summary>
    public GeoLocation? Locate(string? ip, IPAddress? requestAddress)
    {
        if (lookup is null) return null;
        var address = IpTruncation.Parse(ip) ?? Normal(requestAddress);
        return address is null ? null : lookup.Find(address) is { IsEmpty: false } found ? found : null;
    }

    /// <param name="requestAddress">The address the request came from (the socket's peer).</param>
    /// <param name="fromDevice">True when the request comes from the person's own device whatever the library says (the pixel).</param>
    public TailorEvent Enrich(TailorEvent e, IPAddress? requestAddress, bool fromDevice)
    {
        if (!IsActive) return e;
        var root = JsonNode.Parse(e.Payload) as JsonObject;
        if (root is null) return e;
        var context = root["context"] as JsonObject;
        var sentIp = context?["ip"] is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;
        var address = IpTruncation.Parse(sentIp);
        if (address is null && sentIp is null && (fromDevice || IsBrowserLibrary(context))) address = Normal(requestAddress);

        var changed = false;
        if (address is not null && lookup?.Find(address) is { IsEmpty: false } place)
        {
            context ??= Attach(root);
            context["geo"] = ToJson(place);
            changed = true;
        }
        if (options.TruncateIp && context is not null && context.ContainsKey("ip"))
        {
            // A value that is not a plain address cannot be vouched for: it is dropped rather than stored whole.
            var parsed = sentIp is null ? null : address; // the sent address, parsed above
            if (parsed is null) context.Remove("ip");
            else context["ip"] = IpTruncation.Truncate(parsed, options.Ipv4Prefix, options.Ipv6Prefix).ToString();
            changed = true;
        }
        return changed ? e with { Payload = root.ToJsonString(Output) } : e;
    }

    public static JsonObject ToJson(GeoLocation place)
    {
        var geo = new JsonObject();
        if (place.Country is not null) geo["country"] = place.Country;
        if (place.Region is not null) geo["region"] = place.Region;
        if (place.City is not null) geo["city"] = place.City;
        return geo;
    }

    private static bool IsBrowserLibrary(JsonObject? context) =>
        context?["library"] is JsonObject library && library["name"] is JsonValue name && name.TryGetValue<string>(out var n) && n == BrowserLibrary;

    private static IPAddress? Normal(IPAddress? address) => address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;

    private static JsonObject Attach(JsonObject root)
    {
        var context = new JsonObject();
        root["context"] = context; // a context that was not an object (refused by no rule) is replaced
        return context;
    }
}
