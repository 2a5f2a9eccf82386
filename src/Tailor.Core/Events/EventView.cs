using System.Text.Json;
using Tailor.Core.Identity;

namespace Tailor.Core.Events;

/// <summary>A logged event with its payload parsed once, and the parts of it the pipeline reads.</summary>
public readonly struct EventView
{
    public EventView(LoggedEvent logged, JsonElement root)
    {
        Logged = logged;
        Root = root;
    }

    public LoggedEvent Logged { get; }
    public TailorEvent Event => Logged.Event;
    public JsonElement Root { get; }

    public static EventView Parse(LoggedEvent logged)
    {
        using var document = JsonDocument.Parse(logged.Event.Payload);
        return new EventView(logged, document.RootElement.Clone());
    }

    public JsonElement Properties => Child(Root, "properties");
    public JsonElement Context => Child(Root, "context");

    /// <summary>Traits carried by the event: <c>traits</c> of an identify, else <c>context.traits</c>.</summary>
    public JsonElement Traits => Event.Type == EventType.Identify ? Child(Root, "traits") : Child(Context, "traits");

    /// <summary>The name the event counts under: the track name, or Page Viewed / Screen Viewed and so on.</summary>
    public string CountedName => CountedNames.Of(Event.Type, Event.Name);

    /// <summary>Every identity this event names, in the order they should be linked.</summary>
    public List<Identity.ProfileIdentifier> Identities()
    {
        var ids = new List<Identity.ProfileIdentifier>(4);
        if (Event.UserId is { } userId) ids.Add(new(IdentityTypes.UserId, userId));
        if (Event.AnonymousId is { } anonymousId) ids.Add(new(IdentityTypes.AnonymousId, anonymousId));
        var traits = Traits;
        AddTrait(ids, traits, "email", IdentityTypes.Email);
        AddTrait(ids, traits, "phone", IdentityTypes.Phone);
        if (Child(Child(Context, "device"), "id") is { ValueKind: JsonValueKind.String } device && device.GetString() is { Length: > 0 } deviceId)
            ids.Add(new(IdentityTypes.DeviceId, deviceId));
        return ids;
    }

    /// <summary>Where the person was when the event happened: page URL, else app name, else IP.</summary>
    public string? Where()
    {
        var context = Context;
        if (Child(Child(context, "page"), "url") is { ValueKind: JsonValueKind.String } url) return url.GetString();
        if (Child(Child(context, "app"), "name") is { ValueKind: JsonValueKind.String } app) return app.GetString();
        if (Child(context, "ip") is { ValueKind: JsonValueKind.String } ip) return ip.GetString();
        return null;
    }

    public string? PreviousId => Child(Root, "previousId") is { ValueKind: JsonValueKind.String or JsonValueKind.Number } p
        ? (p.ValueKind == JsonValueKind.String ? p.GetString() : p.GetRawText())
        : null;

    public static JsonElement Child(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var child) ? child : default;

    private static void AddTrait(List<Identity.ProfileIdentifier> ids, JsonElement traits, string trait, string type)
    {
        if (Child(traits, trait) is { ValueKind: JsonValueKind.String } value && value.GetString() is { } text && !string.IsNullOrWhiteSpace(text))
            ids.Add(new(type, IdentityTypes.Normalize(type, text)));
    }
}
