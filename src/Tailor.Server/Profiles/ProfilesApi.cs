using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;
using Tailor.Server.Admin;
using Tailor.Server.Segments;
using Tailor.Core.Segments;
using Tailor.Application.Segments;
using Tailor.Server.Hosting;

namespace Tailor.Server.Profiles;

/// <summary>The read API for profiles (admin key): look up, search, history, and consent and tag changes.</summary>
public static class ProfilesApi
{
    /// <summary>The source id recorded on events that the API itself writes (consent and tag changes); its consent answers are authoritative.</summary>
    public const string ApiSource = ConsentAuthority.Source;

    public static RouteGroupBuilder MapProfilesApi(this RouteGroupBuilder api)
    {
        var profiles = api.MapGroup("profiles").WithTags("Profiles");
        profiles.MapGet("lookup", LookupAsync).WithName("LookupProfile").WithSummary("Find a profile by one of its identities");
        profiles.MapGet("", SearchAsync).WithName("SearchProfiles").WithSummary("Profiles whose trait equals a value");
        profiles.MapGet("{id}", GetAsync).WithName("GetProfile").WithSummary("A profile by id (merged ids resolve to the surviving profile)");
        profiles.MapGet("{id}/events", EventsAsync).WithName("ListProfileEvents").WithSummary("A profile's events, newest first, by name and time range");
        profiles.MapGet("{id}/traits/history", TraitHistoryAsync).WithName("GetTraitHistory").WithSummary("Every value a profile's traits have had, with time and source");
        profiles.MapGet("{id}/merges", MergesAsync).WithName("ListProfileMerges").WithSummary("The merges this profile took part in");
        profiles.MapPut("{id}/consent", SetConsentAsync).WithName("SetConsent").WithSummary("Record consent answers per purpose");
        profiles.MapPost("{id}/tags", UpdateTagsAsync).WithName("UpdateTags").WithSummary("Add or remove hierarchical tags");
        return api.MapMergesApi();
    }

    private static async Task<Results<Ok<ProfileView>, NotFound, ProblemHttpResult>> LookupAsync(
        string? type, string? value, IProfileStore store, ISegmentStore segments, SegmentEngine engine, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(type) || !IdentityTypes.IsKnown(type))
            return ApiProblems.Invalid("type", $"must be one of {string.Join(", ", IdentityTypes.All)}");
        if (string.IsNullOrEmpty(value)) return ApiProblems.Invalid("value", "is required");
        var profile = await store.FindProfileAsync(new ProfileIdentifier(type, value), ct);
        return profile is null ? TypedResults.NotFound() : TypedResults.Ok(ProfileView.From(profile, await SegmentsApi.SegmentNamesAsync(profile.Id, segments, engine, ct)));
    }

    private static async Task<Results<Ok<ProfileView>, NotFound>> GetAsync(string id, IProfileStore store, ISegmentStore segments, SegmentEngine engine, CancellationToken ct)
    {
        var profile = await store.GetProfileAsync(id, ct);
        return profile is null ? TypedResults.NotFound() : TypedResults.Ok(ProfileView.From(profile, await SegmentsApi.SegmentNamesAsync(profile.Id, segments, engine, ct)));
    }

    private static async Task<Results<Ok<ProfileView[]>, ProblemHttpResult>> SearchAsync(string? trait, string? value, int? limit, IProfileStore store, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(trait)) return ApiProblems.Invalid("trait", "is required");
        if (value is null) return ApiProblems.Invalid("value", "is required");
        if (limit is < 1 or > 1000) return ApiProblems.Invalid("limit", "must be between 1 and 1000");
        var found = await store.SearchByTraitAsync(trait, ParseValue(value), limit ?? 100, ct);
        return TypedResults.Ok(found.Select(p => ProfileView.From(p)).ToArray());
    }

    /// <summary>A query value is read as JSON when it is JSON (<c>42</c>, <c>true</c>, <c>"x"</c>), else as a string.</summary>
    internal static JsonElement ParseValue(string value)
    {
        try
        {
            using var document = JsonDocument.Parse(value);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(value);
        }
    }

    private static async Task<Results<Ok<EventView[]>, NotFound, ProblemHttpResult>> EventsAsync(
        string id, string? name, DateTimeOffset? from, DateTimeOffset? to, long? before, int? limit, IProfileStore profiles, IEventLog log, CancellationToken ct)
    {
        if (limit is < 1 or > 1000) return ApiProblems.Invalid("limit", "must be between 1 and 1000");
        if (from is not null && to is not null && from > to) return ApiProblems.Invalid("from", "must not be after 'to'");
        var profile = await profiles.GetProfileAsync(id, ct);
        if (profile is null) return TypedResults.NotFound();
        var events = await log.ProfileEventsAsync(new EventQuery(profile.Id, name, from, to, before, limit ?? 100), ct);
        return TypedResults.Ok(events.Select(ToView).ToArray());
    }

    private static EventView ToView(LoggedEvent logged)
    {
        var e = logged.Event;
        using var payload = JsonDocument.Parse(e.Payload);
        return new EventView(logged.Sequence, e.MessageId, e.Type.ToWire(), e.Name, e.Timestamp, e.ReceivedAt, e.SourceId, payload.RootElement.Clone());
    }

    private static async Task<Results<Ok<TraitChange[]>, NotFound>> TraitHistoryAsync(string id, string? name, IProfileStore store, CancellationToken ct)
    {
        var profile = await store.GetProfileAsync(id, ct);
        if (profile is null) return TypedResults.NotFound();
        return TypedResults.Ok((await store.TraitHistoryAsync(profile.Id, name, ct)).ToArray());
    }

    private static async Task<Results<Ok<Core.Pipeline.ProfileMerge[]>, NotFound>> MergesAsync(string id, IProfileStore store, CancellationToken ct)
    {
        var profile = await store.GetProfileAsync(id, ct);
        if (profile is null) return TypedResults.NotFound();
        return TypedResults.Ok((await store.MergesAsync(profile.Id, ct)).ToArray());
    }

    /// <summary>Body: <c>{"purposes": {"email": true, "sms": false}, "where": "support call"}</c>.</summary>
    public sealed record ConsentRequest(Dictionary<string, bool>? Purposes, string? Where);

    private static async Task<Results<Accepted<ChangeAccepted>, NotFound, ProblemHttpResult>> SetConsentAsync(
        string id, ConsentRequest request, IProfileStore store, ProfileEventWriter events, CancellationToken ct)
    {
        if (request.Purposes is not { Count: > 0 }) return ApiProblems.Invalid("purposes", "must map at least one purpose to true or false");
        var profile = await store.GetProfileAsync(id, ct);
        if (profile is null) return TypedResults.NotFound();
        var context = new Dictionary<string, object?>
        {
            ["consent"] = new { categoryPreferences = request.Purposes },
            ["page"] = request.Where is null ? null : new { url = request.Where },
        };
        return await WriteApiEventAsync(profile, "Consent Updated", new Dictionary<string, object?>(), context, events, ct);
    }

    /// <summary>Body: <c>{"add": ["loyal/high-value"], "remove": ["trial"]}</c>.</summary>
    public sealed record TagsRequest(string[]? Add, string[]? Remove);

    private static async Task<Results<Accepted<ChangeAccepted>, NotFound, ProblemHttpResult>> UpdateTagsAsync(
        string id, TagsRequest request, IProfileStore store, ProfileEventWriter events, CancellationToken ct)
    {
        var add = request.Add ?? [];
        var remove = request.Remove ?? [];
        if (add.Length + remove.Length == 0) return ApiProblems.Invalid("add", "add or remove must list at least one tag");
        foreach (var tag in add.Concat(remove))
            if (Tags.Normalize(tag) is null) return ApiProblems.Invalid("add", $"tag '{tag}' must have at least one non-empty level");
        var profile = await store.GetProfileAsync(id, ct);
        if (profile is null) return TypedResults.NotFound();
        return await WriteApiEventAsync(profile, ProfileReducer.TagsUpdated, new Dictionary<string, object?> { ["add"] = add, ["remove"] = remove },
            new Dictionary<string, object?>(), events, ct);
    }

    /// <summary>A change made through the API is an event like any other, so it is logged, replayable and audited.</summary>
    private static async Task<Results<Accepted<ChangeAccepted>, NotFound, ProblemHttpResult>> WriteApiEventAsync(
        Profile profile, string name, Dictionary<string, object?> properties, Dictionary<string, object?> context,
        ProfileEventWriter events, CancellationToken ct)
    {
        if (await events.TrackAsync(profile, name, properties, context, ApiSource, "api", ct) is not { } messageId)
            return TypedResults.Problem(title: "The profile has no userId or anonymousId to record the change on", statusCode: StatusCodes.Status409Conflict);
        return TypedResults.Accepted($"/api/profiles/{profile.Id}", new ChangeAccepted(messageId, profile.Id));
    }

    public sealed record ChangeAccepted(string MessageId, string ProfileId);
}
