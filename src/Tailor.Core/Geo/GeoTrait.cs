using System.Text.Json;
using System.Text.Json.Nodes;
using Tailor.Core.Events;
using Tailor.Core.Profiles;

namespace Tailor.Core.Geo;

/// <summary>
/// The <c>geo</c> trait Tailor computes: the latest place an event of the profile was seen at (<c>context.geo</c>:
/// <c>{country, region, city}</c>, filled by geo from IP or sent by the client). Rules read it like any trait
/// (<c>trait geo.city = "New York"</c>); a <c>geo</c> trait the sender sets itself is the same trait, latest wins.
/// Only the three names, strings of at most <see cref="MaxLength"/> characters, are kept, so a hostile context cannot
/// grow a profile. A new value is written (and kept in the trait history) only when the place changes.
/// </summary>
public static class GeoTrait
{
    public const string Name = "geo";
    public const int MaxLength = 100;

    public static void Apply(Profile profile, in EventView view, List<TraitChange> history, ProfileLimits limits)
    {
        var sent = EventView.Child(view.Context, "geo");
        if (sent.ValueKind != JsonValueKind.Object) return;
        if (EventView.Child(view.Traits, Name).ValueKind != JsonValueKind.Undefined) return; // the event sets the trait itself
        var geo = new JsonObject();
        foreach (var part in (ReadOnlySpan<string>)["country", "region", "city"])
            if (EventView.Child(sent, part) is { ValueKind: JsonValueKind.String } value && JsonStrings.Read(value) is { Length: > 0 and <= MaxLength } text)
                geo[part] = text;
        if (geo.Count == 0) return;

        var e = view.Event;
        var element = JsonSerializer.SerializeToElement(geo);
        if (profile.Traits.TryGetValue(Name, out var current))
        {
            if (current.At > e.Timestamp || ProfileReducer.SaidAgain(profile, Name, current, element, e.Timestamp)) return;
        }
        else if (limits.RefuseNewTrait(profile, Name, ProfileLimits.Size(element)) is not null) return;
        history.Add(new TraitChange(profile.Id, Name, element, e.Timestamp, e.SourceId, e.MessageId, view.Logged.Sequence));
        profile.Traits[Name] = new TraitValue(element, e.Timestamp);
    }
}
