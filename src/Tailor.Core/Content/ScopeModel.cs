using System.Globalization;
using System.Text.Json;
using Tailor.Core.Events;
using Tailor.Core.Profiles;

namespace Tailor.Core.Content;

/// <summary>
/// Turns a <see cref="RenderScope"/> into the plain dictionaries and lists templates read (<c>profile</c>,
/// <c>segments</c>, <c>user</c>, <c>recommendations</c>, <c>context</c>, <c>campaign</c>), and decides the locale and
/// timezone a render uses: the profile's <c>locale</c> (or <c>language</c>) trait, then the request's, then en-US;
/// the profile's <c>timezone</c> trait (IANA id), else UTC.
/// </summary>
public static class ScopeModel
{
    public const string DefaultLocale = "en-US";

    public static Dictionary<string, object?> Build(RenderScope scope, CultureInfo culture, TimeZoneInfo zone)
    {
        var model = new Dictionary<string, object?>(6, StringComparer.Ordinal);
        var profile = scope.Profile;
        if (profile is not null) model["profile"] = Profile(profile);
        model["segments"] = scope.Facts is null ? new List<object?>() : scope.Facts.Segments.Order(StringComparer.Ordinal).Cast<object?>().ToList();
        if (scope.PrimarySegment is { } primary)
        {
            var segment = new Dictionary<string, object?>(primary.Values.Count + 1, StringComparer.Ordinal) { ["name"] = primary.Segment };
            foreach (var (key, value) in primary.Values) segment[key] = Json(value);
            model["user"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["segment"] = segment };
        }
        model["recommendations"] = scope.Recommendations.Select(Item).Cast<object?>().ToList();
        model["context"] = Context(scope, culture, zone);
        model["campaign"] = new Dictionary<string, object?>(scope.Campaign, StringComparer.Ordinal);
        foreach (var (name, value) in scope.Globals) model.TryAdd(name, value);
        return model;
    }

    /// <summary>The locale a render uses for a profile and request (see the type summary).</summary>
    public static string LocaleOf(Profile? profile, RequestContext request) =>
        TraitString(profile, "locale") ?? TraitString(profile, "language") ?? request.Locale ?? DefaultLocale;

    /// <summary>A culture for a locale tag; an unknown tag falls back to en-US rather than failing the render.</summary>
    public static CultureInfo CultureOf(string locale)
    {
        try
        {
            var culture = CultureInfo.GetCultureInfo(locale.Replace('_', '-'));
            return culture.ThreeLetterISOLanguageName == "ZZZ" ? CultureInfo.GetCultureInfo(DefaultLocale) : culture;
        }
        catch (CultureNotFoundException)
        {
            return CultureInfo.GetCultureInfo(DefaultLocale);
        }
    }

    public static TimeZoneInfo TimeZoneOf(Profile? profile) =>
        TraitString(profile, "timezone") is { } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;

    public static string? TraitString(Profile? profile, string name) =>
        profile is not null && profile.Traits.TryGetValue(name, out var t) && t.Value.ValueKind == JsonValueKind.String && JsonStrings.Read(t.Value) is { Length: > 0 } s ? s : null;

    private static Dictionary<string, object?> Profile(Profile profile)
    {
        var traits = new Dictionary<string, object?>(profile.Traits.Count, StringComparer.Ordinal);
        foreach (var (name, value) in profile.Traits) traits[name] = Json(value.Value);
        var c = profile.Computed;
        var counts = new Dictionary<string, object?>(c.EventCounts.Count, StringComparer.Ordinal);
        foreach (var (name, count) in c.EventCounts) counts[name] = count;
        var computed = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["eventCount"] = c.EventCount,
            ["eventCounts"] = counts,
            ["orderCount"] = c.OrderCount,
            ["totalRevenue"] = c.TotalRevenue,
            ["averageOrderValue"] = c.AverageOrderValue,
            ["engagementScore"] = (decimal)c.EngagementScore,
            ["firstSeen"] = c.FirstSeen,
            ["lastSeen"] = c.LastSeen,
            ["lastOrderAt"] = c.LastOrderAt,
        };
        var consent = new Dictionary<string, object?>(profile.Consent.Count, StringComparer.Ordinal);
        foreach (var (purpose, record) in profile.Consent) consent[purpose] = record.Granted;
        var model = new Dictionary<string, object?>(traits.Count + 5, StringComparer.Ordinal);
        // Traits are also reachable directly (profile.first_name), as marketers expect from other tools; the
        // structural keys below win over a trait of the same name.
        foreach (var (name, value) in traits) model[name] = value;
        model["id"] = profile.Id;
        model["traits"] = traits;
        model["computed"] = computed;
        model["tags"] = profile.Tags.Cast<object?>().ToList();
        model["consent"] = consent;
        return model;
    }

    private static Dictionary<string, object?> Context(RenderScope scope, CultureInfo culture, TimeZoneInfo zone)
    {
        var profile = scope.Profile;
        var local = TimeZoneInfo.ConvertTime(scope.Now, zone);
        var geo = new Dictionary<string, object?>(StringComparer.Ordinal);
        // What the person said (traits), then where the request comes from, then where they were last seen (the geo trait).
        if ((TraitString(profile, "country") ?? scope.Request.Country ?? SeenAt(profile, "country")) is { } country) geo["country"] = country;
        if ((TraitString(profile, "city") ?? scope.Request.City ?? SeenAt(profile, "city")) is { } city) geo["city"] = city;
        if ((TraitString(profile, "region") ?? scope.Request.Region ?? SeenAt(profile, "region")) is { } region) geo["region"] = region;
        var context = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["locale"] = culture.Name,
            ["language"] = culture.TwoLetterISOLanguageName,
            ["timezone"] = zone.Id,
            ["now"] = local,
            ["hour"] = local.Hour,
            ["weekday"] = local.DayOfWeek.ToString(),
            ["geo"] = geo,
        };
        if ((scope.Request.Device ?? TraitString(profile, "device")) is { } device) context["device"] = device;
        return context;
    }

    /// <summary>A part of the <c>geo</c> trait geo from IP keeps (<see cref="Geo.GeoTrait"/>).</summary>
    private static string? SeenAt(Profile? profile, string part) =>
        profile is not null && profile.Traits.TryGetValue(Geo.GeoTrait.Name, out var t) && EventView.Child(t.Value, part) is { ValueKind: JsonValueKind.String } v
        && JsonStrings.Read(v) is { Length: > 0 } s ? s : null;

    private static Dictionary<string, object?> Item(RecommendedItem item)
    {
        var d = new Dictionary<string, object?>(StringComparer.Ordinal) { ["id"] = item.Id, ["orders"] = item.Orders, ["views"] = item.Views };
        if (item.Name is not null) d["name"] = item.Name;
        if (item.Price is not null) d["price"] = item.Price;
        if (item.Url is not null) d["url"] = item.Url;
        if (item.ImageUrl is not null) d["image_url"] = item.ImageUrl;
        return d;
    }

    /// <summary>A JSON value as the plain .NET value Fluid understands (numbers as decimal).</summary>
    public static object? Json(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => JsonStrings.Read(value),
        JsonValueKind.Number => value.TryGetDecimal(out var d) ? d : value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => value.EnumerateArray().Select(Json).ToList(),
        JsonValueKind.Object => JsonObject(value),
        _ => null,
    };

    private static Dictionary<string, object?> JsonObject(JsonElement value)
    {
        var d = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var p in value.EnumerateObject()) d[JsonStrings.Name(p)] = Json(p.Value); // a repeated key: the last one wins, as in JSON.parse
        return d;
    }

    /// <summary>
    /// Looks a variable path (<c>profile.traits.first_name</c>, <c>recommendations[0].name</c>, <c>segments.size</c>)
    /// up in a model built by <see cref="Build"/>. False when any step is missing or the value is null.
    /// </summary>
    public static bool TryResolve(IReadOnlyDictionary<string, object?> model, IReadOnlyList<string> path, out object? value)
    {
        value = model;
        foreach (var step in path)
        {
            switch (value)
            {
                case IReadOnlyDictionary<string, object?> map when map.TryGetValue(step, out var next):
                    value = next;
                    break;
                case Dictionary<string, object?> map when map.TryGetValue(step, out var next):
                    value = next;
                    break;
                case IList<object?> list when step == "size":
                    value = list.Count;
                    break;
                case IList<object?> list when step is "first" or "last":
                    value = list.Count == 0 ? null : step == "first" ? list[0] : list[^1];
                    break;
                case IList<object?> list when int.TryParse(step, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index):
                    if (index < 0) index += list.Count;
                    value = index >= 0 && index < list.Count ? list[index] : null;
                    break;
                case string s when step == "size":
                    value = s.Length;
                    break;
                default:
                    value = null;
                    break;
            }
            if (value is null) return false;
        }
        return true;
    }
}
