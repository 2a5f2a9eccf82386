using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Tailor.Core.Events;

namespace Tailor.Core.Profiles;

/// <summary>
/// Folds one event into a profile: traits (latest timestamp wins, every change kept as history; a value said again
/// unchanged is not a change),
/// computed traits, consent and tags. Pure; the same event applied to the same profile gives the same result.
/// </summary>
public sealed class ProfileReducer(EngagementWeights weights)
{
    public const string OrderCompleted = "Order Completed";
    public const string ConsentTrait = "consent";
    public const string TagsUpdated = "Tags Updated";

    /// <summary>Caps on a profile's traits (and the identity guards the batch reads from here).</summary>
    public ProfileLimits Limits { get; init; } = ProfileLimits.Default;

    /// <param name="refusals">Where a refused new trait is recorded (one entry per event), when given.</param>
    /// <param name="consents">Where consent changes are recorded (the consent history), when given.</param>
    public void Apply(Profile profile, in EventView view, List<TraitChange> history, List<Pipeline.ProfileRefusal>? refusals = null,
        List<Privacy.ConsentChange>? consents = null)
    {
        var e = view.Event;
        var at = e.Timestamp;
        var computed = profile.Computed;
        var name = view.CountedName;

        computed.FirstSeen = ComputedTraits.Min(computed.FirstSeen, at);
        computed.LastSeen = ComputedTraits.Max(computed.LastSeen, at);
        computed.EventCount++;
        computed.EventCounts[name] = computed.EventCounts.GetValueOrDefault(name) + 1;
        computed.EngagementScore += weights.For(name);

        if (e.Type == EventType.Track && name == OrderCompleted)
        {
            computed.OrderCount++;
            computed.TotalRevenue += Revenue(view.Properties);
            computed.LastOrderAt = ComputedTraits.Max(computed.LastOrderAt, at);
        }

        ApplyTraits(profile, view, history, refusals);
        Geo.GeoTrait.Apply(profile, view, history, Limits);
        ApplyConsent(profile, view, consents);
        if (e.Type == EventType.Track && name == TagsUpdated) ApplyTags(profile, view.Properties);
    }

    /// <summary>Orders claiming more than this are treated as invalid (revenue 0), so sums can never overflow.</summary>
    public const decimal MaxOrderValue = 1_000_000_000_000m;

    /// <summary>
    /// Order value per the e-commerce spec: <c>revenue</c>, else <c>total</c>; zero when neither is a number or the
    /// amount is beyond ±<see cref="MaxOrderValue"/>.
    /// </summary>
    public static decimal Revenue(JsonElement properties)
    {
        var amount = RawRevenue(properties);
        return Math.Abs(amount) > MaxOrderValue ? 0m : amount;
    }

    private static decimal RawRevenue(JsonElement properties)
    {
        foreach (var field in (ReadOnlySpan<string>)["revenue", "total"])
        {
            var value = EventView.Child(properties, field);
            if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var amount)) return amount;
            if (value.ValueKind == JsonValueKind.String &&
                decimal.TryParse(value.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out amount)) return amount;
        }
        return 0m;
    }

    private void ApplyTraits(Profile profile, in EventView view, List<TraitChange> history, List<Pipeline.ProfileRefusal>? refusals)
    {
        var traits = view.Traits;
        if (traits.ValueKind != JsonValueKind.Object) return;
        var e = view.Event;
        string? refused = null;
        foreach (var trait in traits.EnumerateObject())
        {
            if (trait.NameEquals(ConsentTrait)) continue; // consent is kept apart, with when and where
            var known = profile.Traits.TryGetValue(trait.Name, out var current);
            if (!known && Limits.RefuseNewTrait(profile, trait.Name, ProfileLimits.Size(trait.Value)) is { } why)
            {
                refused ??= why; // existing traits still update; one record per event is enough to see it
                continue;
            }
            if (known && SaidAgain(profile, trait.Name, current, trait.Value, e.Timestamp)) continue; // most identifies repeat most traits
            history.Add(new TraitChange(profile.Id, trait.Name, trait.Value, e.Timestamp, e.SourceId, e.MessageId, view.Logged.Sequence));
            if (known && current.At > e.Timestamp) continue;
            profile.Traits[trait.Name] = new TraitValue(OwnCopy(trait.Value), e.Timestamp);
        }
        if (refused is not null)
            refusals?.Add(Pipeline.ProfileRefusal.Of(profile.Id, Pipeline.ProfileRefusalKinds.Trait, refused, view));
    }

    /// <summary>
    /// A trait value that shares nothing with the event it came from. An element of the event's parsed payload would
    /// keep the whole message alive for as long as the profile stays in the pipeline's working set (BENCHMARKS.md, "What
    /// the memory holds"), refused and padded parts included. (<c>Clone</c> would not do: the payload is already a
    /// clone, which it returns as it is.)
    /// </summary>
    private static JsonElement OwnCopy(JsonElement value)
    {
        var reader = new Utf8JsonReader(JsonMarshal.GetRawUtf8Value(value));
        return JsonElement.ParseValue(ref reader); // copies the value's bytes alone
    }

    /// <summary>
    /// True when <paramref name="value"/> repeats the trait's <paramref name="current"/> value at the same time or later:
    /// said again, not a change, so no history row; the trait is then as recent as <paramref name="at"/>, so an older
    /// different value that arrives late still loses to it. (An equal value older than the current one is a change to
    /// record: it says since when the trait held it.)
    /// </summary>
    internal static bool SaidAgain(Profile profile, string name, TraitValue current, JsonElement value, DateTimeOffset at)
    {
        if (at < current.At || !JsonElement.DeepEquals(current.Value, value)) return false;
        profile.Traits[name] = current with { At = at };
        return true;
    }

    /// <summary>
    /// Consent comes from Segment's <c>context.consent.categoryPreferences</c> on any event, or from an
    /// identify's <c>traits.consent</c>; both map a purpose to true or false. An answer given through Tailor itself
    /// (<see cref="ConsentAuthority"/>) replaces the current one whatever its time; others only a not-newer one.
    /// </summary>
    /// <remarks>
    /// The version of the text agreed to is a string <c>version</c> beside the answers: <c>context.consent.version</c>
    /// (Segment's consent object has no version; Tailor reads this extra field) or <c>traits.consent.version</c>.
    /// A change (a new purpose, or a different answer or version) is recorded in <paramref name="consents"/>.
    /// </remarks>
    private static void ApplyConsent(Profile profile, in EventView view, List<Privacy.ConsentChange>? consents)
    {
        var context = EventView.Child(view.Context, "consent");
        ApplyConsentObject(profile, view, EventView.Child(context, "categoryPreferences"), Version(context), consents);
        var traits = EventView.Child(view.Traits, ConsentTrait);
        ApplyConsentObject(profile, view, traits, Version(traits), consents);
    }

    /// <summary>Longest consent text version kept.</summary>
    public const int MaxConsentVersionLength = 100;

    private static string? Version(JsonElement consent) =>
        EventView.Child(consent, "version") is { ValueKind: JsonValueKind.String } v && v.GetString() is { Length: > 0 } text
            ? text.Length > MaxConsentVersionLength ? text[..MaxConsentVersionLength] : text
            : null;

    private static void ApplyConsentObject(Profile profile, in EventView view, JsonElement preferences, string? version, List<Privacy.ConsentChange>? consents)
    {
        if (preferences.ValueKind != JsonValueKind.Object) return;
        var e = view.Event;
        var authoritative = ConsentAuthority.IsAuthoritative(e);
        string? where = null;
        foreach (var purpose in preferences.EnumerateObject())
        {
            if (purpose.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) continue;
            var key = ConsentPurposes.Normalize(purpose.Name);
            var current = profile.Consent.GetValueOrDefault(key);
            if (!authoritative && current is not null && current.At > e.Timestamp) continue;
            where ??= view.Where();
            var granted = purpose.Value.GetBoolean();
            var agreed = version ?? current?.Version; // an answer sent without a version keeps the one agreed to
            if (consents is not null && (current is null || current.Granted != granted || current.Version != agreed || authoritative))
                consents.Add(new Privacy.ConsentChange(profile.Id, key, granted, e.Timestamp, e.SourceId, where, agreed, e.MessageId));
            profile.Consent[key] = new ConsentRecord(granted, e.Timestamp, e.SourceId, where) { Version = agreed };
        }
    }

    /// <summary><c>Tags Updated</c> carries <c>add</c> and <c>remove</c> lists of hierarchical tags.</summary>
    private static void ApplyTags(Profile profile, JsonElement properties)
    {
        foreach (var tag in Strings(EventView.Child(properties, "add")))
            if (Tags.Normalize(tag) is { } normal) profile.Tags.Add(normal);
        foreach (var tag in Strings(EventView.Child(properties, "remove")))
            if (Tags.Normalize(tag) is { } normal) profile.Tags.RemoveWhere(t => Tags.Matches(t, normal));
    }

    private static IEnumerable<string> Strings(JsonElement array)
    {
        if (array.ValueKind != JsonValueKind.Array) yield break;
        foreach (var item in array.EnumerateArray())
            if (item.ValueKind == JsonValueKind.String && item.GetString() is { } s) yield return s;
    }

    /// <summary>
    /// Folds the state of <paramref name="loser"/> into <paramref name="winner"/> (their identities are the
    /// <see cref="Pipeline.IdentityResolver"/>'s): later trait and consent values win, tags join, counts add up. A trait
    /// only the loser holds joins within the caps, as a new trait from an event would (<see cref="ProfileLimits.RefuseNewTrait"/>),
    /// in the order of their names, so the same log keeps the same traits however the loser was stored or loaded;
    /// returns why each one left out was refused, or null when all were kept.
    /// </summary>
    public List<string>? Merge(Profile winner, Profile loser)
    {
        List<string>? refused = null;
        foreach (var name in loser.Traits.Keys.Order(StringComparer.Ordinal))
        {
            var value = loser.Traits[name];
            if (winner.Traits.TryGetValue(name, out var current))
            {
                if (value.At > current.At) winner.Traits[name] = value;
            }
            else if (Limits.RefuseNewTrait(winner, name, ProfileLimits.Size(value.Value)) is { } why) (refused ??= []).Add(why);
            else winner.Traits[name] = value;
        }
        foreach (var (purpose, record) in loser.Consent)
            if (!winner.Consent.TryGetValue(purpose, out var current) || record.At > current.At) winner.Consent[purpose] = record;
        winner.Tags.UnionWith(loser.Tags);
        winner.Computed.Absorb(loser.Computed);
        if (loser.UpdatedAt > winner.UpdatedAt) winner.UpdatedAt = loser.UpdatedAt;
        return refused;
    }
}
